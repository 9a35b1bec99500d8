"""The Jupyter kernel a report's notebook runs in: started quietly, watched, and stopped at a deadline.

One class, used by `report` (a kernel per run) and by run-all's workers (a kernel per worker, reused
from report to report). It is an asynchronous kernel manager because nbclient can only notice a
dead kernel while it waits with an asynchronous client: with a blocking one it waits for output
forever (run-all used to hang, holding the period's lock). The kernel's own standard error (its
start-up warning that it runs over TCP without encryption, anything a C library prints) goes to a
file, not into the scheduler's log; a failed run keeps what it wrote there.
"""
from __future__ import annotations

import os
import subprocess
import tempfile
import threading
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync


class _Manager(AsyncKernelManager):
    """Remembers the clients made of it (nbclient's, and Kernel.warm's), so their channels can be closed
    after each run (nbclient leaves them open when it did not start the kernel, and each holds a heartbeat
    thread)."""

    def client(self, **kwargs):
        return self._remember(super().client(**kwargs))

    def blocking_client(self):
        return self._remember(super().blocking_client())

    def _remember(self, made):
        self.__dict__.setdefault("_made", []).append(made)  # a traitlets class: no __init__ of our own
        return made

    def close_clients(self) -> None:
        for made in self.__dict__.pop("_made", []):
            try:
                if made.channels_running:
                    made.stop_channels()
            except Exception:  # a client of a dead kernel may fail to close; it holds nothing then
                pass


# What every report notebook imports first (pandas, numpy, scipy, matplotlib, seaborn and this library),
# imported by Kernel.warm as soon as the kernel starts; no name is left in the notebook's namespace.
WARM_UP = ("import importlib\n"
           "for _module in ('IPython.display', 'wsp_analysis.calc.kinds', 'wsp_analysis.report.charts'):\n"
           "    importlib.import_module(_module)\n"
           "del importlib, _module\n")


class Kernel:
    """A python3 kernel in its own process. `manager` is what papermill's `km` takes."""

    def __init__(self, kernel_name: str = "python3"):
        fd, name = tempfile.mkstemp(prefix="wsp-kernel-", suffix=".log")
        os.close(fd)
        self.log_path = Path(name)  # the kernel's standard output and error
        self.manager = _Manager(kernel_name=kernel_name)
        self.timed_out = False
        self.runs = 0  # notebooks run to their end or failure (run-all's workers run many)
        try:
            with open(self.log_path, "ab") as out:
                run_sync(self.manager.start_kernel)(stdout=out, stderr=subprocess.STDOUT)
        except BaseException:
            self.log_path.unlink(missing_ok=True)
            raise

    def warm(self) -> None:
        """Ask the kernel to import what every notebook imports (WARM_UP), without waiting: it imports
        while this process loads and checks the data, and the notebook's first cell then finds it done.
        A failure is silent here: the notebook's own import raises it, in its cell."""
        client = self.manager.blocking_client()
        # the shell channel alone: a heartbeat thread would still be starting when a run that fails at
        # once (bad data) closes the client, and then raise in its thread
        client.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)
        client.execute(WARM_UP, silent=True, store_history=False)  # closed with the run's clients

    def alive(self) -> bool:
        """Whether the kernel process is still running."""
        return bool(run_sync(self.manager.is_alive)())

    def exit_status(self) -> int | None:
        """The kernel process's exit status once it has died (negative: killed by that signal)."""
        process = getattr(self.manager.provisioner, "process", None)
        return process.poll() if process is not None else None

    def kill(self) -> None:
        """Kill the kernel process at once; safe from another thread (the deadline's timer)."""
        process = getattr(self.manager.provisioner, "process", None)
        if process is not None and process.poll() is None:
            process.kill()

    def reset(self, timeout: float = 60) -> None:
        """Empty the kernel's namespace (%reset -f), so nothing leaks from one report into the next."""
        client = self.manager.blocking_client()
        client.start_channels()
        try:
            client.wait_for_ready(timeout=timeout)
            client.execute_interactive("%reset -f", timeout=timeout, output_hook=lambda msg: None)
        finally:
            client.stop_channels()

    def log_size(self) -> int:
        """Bytes the kernel has written to its log so far (where a run's own part begins)."""
        try:
            return self.log_path.stat().st_size
        except OSError:
            return 0

    def log_since(self, offset: int) -> str:
        """What the kernel wrote to its standard output and error since `offset`."""
        try:
            with open(self.log_path, "rb") as f:
                f.seek(offset)
                return f.read().decode("utf-8", errors="replace")
        except OSError:
            return ""

    def deadline(self, seconds: float | None) -> threading.Timer | None:
        """Start a timer that kills the kernel after `seconds` (and sets `timed_out`); cancel it when the
        run ends. nbclient then sees the kernel die and stops within a second or so."""
        self.timed_out = False
        if not seconds:
            return None

        def expire():
            self.timed_out = True
            self.kill()

        timer = threading.Timer(seconds, expire)
        timer.daemon = True
        timer.start()
        return timer

    def after_run(self) -> None:
        """Close the clients the run made (and warm's), and count the run."""
        self.runs += 1
        self.manager.close_clients()

    def shutdown(self) -> None:
        """Stop the kernel and remove its log."""
        self.manager.close_clients()
        try:
            if self.alive():
                run_sync(self.manager.shutdown_kernel)(now=True)
            else:
                run_sync(self.manager.cleanup_resources)()
        except Exception:  # already gone: nothing left to stop
            pass
        self.log_path.unlink(missing_ok=True)
