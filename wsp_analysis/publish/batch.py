"""run-all: render every scheduled run (one params file each) in parallel, locally or on a dask cluster.

Local runs use a pool of worker processes; `scheduler` sends the same function to a
dask.distributed cluster through its concurrent.futures executor, so both take one code path.
A failing run never stops the others: each run's result says ok, failed or invalid. Each run's
duration is measured once (RunResult.seconds) and is the one the log line and the summary show.
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

from wsp_analysis.errors import DataValidationError, RunFailed, UsageError

log = logging.getLogger("wsp_analysis")
OK, FAILED, INVALID = "ok", "failed", "invalid"


@dataclass(frozen=True)
class RunResult:
    """One scheduled run's outcome, as the summary table shows it."""

    run: str  # the params file, as given
    status: str  # ok, failed (the run failed: render.RunFailed) or invalid (bad params or data)
    seconds: float
    output: str  # the report folder, or what went wrong


def discover(params_dir: str | Path, only: str | None = None) -> list[Path]:
    """Every *.yaml under params_dir (sorted), keeping those whose path (as given, or below params_dir) or
    file name matches the glob `only` when given: '2023-24-Q3.yaml', '*-Q3.yaml', 'params/walsall/*'."""
    root = Path(params_dir)
    if not root.is_dir():
        raise UsageError(f"{root}: no such folder of parameter files")
    files = sorted(root.rglob("*.yaml"))
    if only:
        files = [f for f in files if any(fnmatch.fnmatch(str(text), only)
                                         for text in (f, f.relative_to(root), f.name, f.as_posix()))]
    if not files:
        raise UsageError(f"no parameter files in {root}" + (f" match {only!r}" if only else ""))
    return files


_KERNEL = None  # this worker's kernel (kernel.Kernel), reused from report to report


def _warm() -> None:
    # Each worker pays Python start-up and these imports once, not once per report.
    from wsp_analysis.publish import render  # noqa: F401


def _warm_local() -> None:
    # A pool worker started by spawn (Windows, macOS) has none of the parent's logging set-up.
    from wsp_analysis.publish import runlog

    runlog.configure()
    _warm()


def worker_kernel():
    """This worker process's kernel: started on first use, started afresh if it died (a kernel killed
    by a crash or a deadline is never reused), and emptied (%reset -f) before each report so no variable
    leaks from one notebook into the next. Reusing it saves the kernel's start-up and imports (about 3 s
    of a 4 s report)."""
    global _KERNEL
    from wsp_analysis.publish.kernel import Kernel

    if _KERNEL is not None and not _KERNEL.alive():
        _KERNEL.shutdown()
        _KERNEL = None
    for attempt in (1, 2):
        if _KERNEL is None:
            _KERNEL = Kernel()
            import multiprocessing.util

            # a pool worker exits through multiprocessing's own exit path, which skips atexit
            multiprocessing.util.Finalize(_KERNEL, _KERNEL.shutdown, exitpriority=10)
        try:
            _KERNEL.reset()
            return _KERNEL
        except Exception:
            _KERNEL.shutdown()  # wedged: start a new one, once
            _KERNEL = None
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def run_one(params_file: str, base_dir: str, output_dir: str | None = None,
            timeout: float | None = None) -> RunResult:
    """Render the report a params file names (into `output_dir` when given, over the file's own);
    never raises (the result carries the error, in one line)."""
    from wsp_analysis.publish import params
    from wsp_analysis.publish import render

    started = time.perf_counter()
    os.chdir(base_dir)  # a dask worker starts elsewhere; relative paths mean what they meant to the caller
    try:
        opts = params.read(params_file)
        if output_dir:
            opts["output_dir"] = output_dir
        opts.setdefault("output_dir", "reports")
        out = render.render(**opts, kernel=worker_kernel(),
                            timeout=render.DEFAULT_TIMEOUT if timeout is None else timeout)
        return RunResult(params_file, OK, time.perf_counter() - started, str(out))
    except (UsageError, DataValidationError) as e:
        return RunResult(params_file, INVALID, time.perf_counter() - started, str(e).splitlines()[0])
    except RunFailed as e:
        return RunResult(params_file, FAILED, time.perf_counter() - started, str(e))
    except Exception as e:  # an unexpected error fails this run only
        return RunResult(params_file, FAILED, time.perf_counter() - started, render.cause(e))


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
        from wsp_analysis.publish import runlog

        runlog.quiet("distributed")  # dask attaches its own handlers on import
        client.run(_warm)
        return client, client.get_executor()
    return None, cf.ProcessPoolExecutor(max_workers=workers, initializer=_warm_local)


def run_all(files: list[Path], workers: int = 2, scheduler: str | None = None, progress: bool = True,
            output_dir: str | None = None, timeout: float | None = None) -> list[RunResult]:
    """Render every params file (into `output_dir` when given; each run stopped after `timeout` seconds);
    results in the order given. A progress bar is drawn only when `progress` and standard error is a
    terminal: a redirected log gets one line per run, never bar frames."""
    if workers < 1:
        raise UsageError("--workers must be 1 or more")
    if timeout is not None and not timeout > 0:
        raise UsageError(f"--timeout must be a number of seconds above 0, not {timeout!r}")
    from tqdm import tqdm

    base = os.getcwd()
    client, executor = _executor(workers, scheduler)
    results: dict[str, RunResult] = {}
    try:
        futures = {executor.submit(run_one, str(f), base, output_dir, timeout): str(f) for f in files}
        bar = tqdm(total=len(futures), unit="report", file=sys.stderr,
                   disable=not (progress and sys.stderr.isatty()))
        for fut in cf.as_completed(futures):
            try:
                r = fut.result()
            except Exception as e:  # the worker process itself died (a BrokenProcessPool, a lost dask worker)
                r = RunResult(futures[fut], FAILED, 0.0, f"its worker process stopped: {type(e).__name__}: {e}")
            results[r.run] = r
            bar.update()
            log.info("%s %s in %.1f s: %s", r.status, r.run, r.seconds, r.output)
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
