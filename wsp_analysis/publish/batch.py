"""run-all: render every scheduled run (one params file each) in parallel, locally or on a dask cluster.

Local runs use a pool of worker processes; `scheduler` sends the same function to a
dask.distributed cluster through its concurrent.futures executor, so both take one code path.
A failing run never stops the others: each run's result says ok, failed or invalid.
"""
from __future__ import annotations

import concurrent.futures as cf
import fnmatch
import logging
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from wsp_analysis.errors import DataValidationError, NotebookFailed, UsageError

log = logging.getLogger("wsp_analysis")
OK, FAILED, INVALID = "ok", "failed", "invalid"


@dataclass(frozen=True)
class RunResult:
    run: str  # the params file, as given
    status: str  # ok, failed (the notebook raised) or invalid (bad params or data)
    seconds: float
    output: str  # the report folder, or what went wrong


def discover(params_dir: str | Path, only: str | None = None) -> list[Path]:
    """Every *.yaml under params_dir (sorted), keeping those whose path matches `only` when given."""
    root = Path(params_dir)
    if not root.is_dir():
        raise UsageError(f"{root}: no such folder of parameter files")
    files = sorted(root.rglob("*.yaml"))
    if only:
        files = [f for f in files if fnmatch.fnmatch(str(f), only) or fnmatch.fnmatch(str(f.relative_to(root)), only)]
    if not files:
        raise UsageError(f"no parameter files in {root}" + (f" match {only!r}" if only else ""))
    return files


_KERNEL = None  # this worker's kernel, reused from report to report


def _warm() -> None:
    # Each worker pays Python start-up and these imports once, not once per report.
    from wsp_analysis.publish import render  # noqa: F401


def worker_kernel():
    """This worker process's kernel: started on first use, restarted if it died, and emptied
    (%reset -f) before each report so no variable leaks from one notebook into the next.
    Reusing it saves the kernel's start-up and imports (about 3 s of a 4 s report)."""
    global _KERNEL
    from jupyter_client.manager import KernelManager

    if _KERNEL is None or not _KERNEL.is_alive():
        _KERNEL = KernelManager(kernel_name="python3")
        _KERNEL.start_kernel()
        import multiprocessing.util

        # a pool worker exits through multiprocessing's own exit path, which skips atexit
        multiprocessing.util.Finalize(_KERNEL, _KERNEL.shutdown_kernel, kwargs={"now": True}, exitpriority=10)
    client = _KERNEL.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        client.execute_interactive("%reset -f", timeout=60, output_hook=lambda msg: None)
    finally:
        client.stop_channels()
    return _KERNEL


def run_one(params_file: str, base_dir: str) -> RunResult:
    """Render the report a params file names; never raises (the result carries the error)."""
    from wsp_analysis.publish import params
    from wsp_analysis.publish import render

    started = time.perf_counter()
    os.chdir(base_dir)  # a dask worker starts elsewhere; relative paths mean what they meant to the caller
    try:
        opts = params.read(params_file)
        opts.setdefault("output_dir", "reports")
        out = render.render(**opts, kernel=worker_kernel())
        return RunResult(params_file, OK, time.perf_counter() - started, str(out))
    except (UsageError, DataValidationError) as e:
        return RunResult(params_file, INVALID, time.perf_counter() - started, str(e).splitlines()[0])
    except NotebookFailed as e:
        return RunResult(params_file, FAILED, time.perf_counter() - started, str(e))
    except Exception as e:  # an unexpected error fails this run only
        return RunResult(params_file, FAILED, time.perf_counter() - started, f"{type(e).__name__}: {e}")


def _executor(workers: int, scheduler: str | None):
    if scheduler:
        try:
            from distributed import Client
        except ImportError:
            raise UsageError("--scheduler needs dask.distributed: pip install 'wsp-analysis[distributed]'") from None
        try:
            client = Client(scheduler, timeout="10s")
        except OSError as e:
            raise UsageError(f"cannot reach the dask scheduler at {scheduler}: {e}") from None
        client.run(_warm)
        return client, client.get_executor()
    return None, cf.ProcessPoolExecutor(max_workers=workers, initializer=_warm)


def run_all(files: list[Path], workers: int = 2, scheduler: str | None = None,
            progress: bool = True) -> list[RunResult]:
    """Render every params file; results in the order given."""
    if workers < 1:
        raise UsageError("--workers must be 1 or more")
    from tqdm import tqdm

    base = os.getcwd()
    client, executor = _executor(workers, scheduler)
    results: dict[str, RunResult] = {}
    try:
        futures = {executor.submit(run_one, str(f), base): str(f) for f in files}
        bar = tqdm(total=len(futures), unit="report", file=sys.stderr, disable=not progress)
        for fut in cf.as_completed(futures):
            r = fut.result()
            results[r.run] = r
            bar.update()
            log.info("%s %s (%.1f s): %s", r.status, r.run, r.seconds, r.output)
        bar.close()
    finally:
        executor.shutdown(wait=True)
        if client is not None:
            client.close()
    return [results[str(f)] for f in files]


def summary(results: list[RunResult]) -> str:
    """A plain table: run, status, seconds, output; then a count line."""
    rows = [("run", "status", "seconds", "output")] + [
        (r.run, r.status, f"{r.seconds:.1f}", r.output) for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = ["  ".join([row[0].ljust(widths[0]), row[1].ljust(widths[1]), row[2].rjust(widths[2]), row[3]])
             for row in rows]
    bad = sum(r.status != OK for r in results)
    lines.append(f"{len(results) - bad} of {len(results)} runs succeeded" + (f"; {bad} failed" if bad else ""))
    return "\n".join(lines)
