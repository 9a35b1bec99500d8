"""Render the benchmark across partnerships: notebooks/benchmark.ipynb over every partnership folder in the
data folder, into O/_benchmark/<period>/ (report.html, report.ipynb, figures.csv, tables.xlsx and .ods,
manifest.json), with the same staging folder, lock and atomic swap as a report (publish/files.py) and the
same conversion to the executive's HTML and spreadsheets (publish/render.py, publish/spreadsheets.py).

    render("2023-24", "Q4", data_dir="data", output_dir="reports")   # -> reports/_benchmark/2023-24-Q4

The folder name begins with "_", which no partnership's may (data.paths.check_partnership), so the
benchmark never meets a partnership's reports. Its manifest lists every partnership's input files.
"""
from __future__ import annotations

import logging
import platform
import shutil
import time
import traceback
from pathlib import Path

from wsp_analysis.data import paths, periods
from wsp_analysis.data.partnerships import load_all
from wsp_analysis.errors import NotebookFailed, RunFailed, UsageError, WspError
from wsp_analysis.publish import files, manifest, render
from wsp_analysis.publish import spreadsheets
from wsp_analysis.publish.kernel import Kernel
from wsp_analysis.data import provenance

log = logging.getLogger("wsp_analysis")
FOLDER = "_benchmark"
NOTEBOOK = "benchmark"


def benchmark_dir(output_dir: str | Path, period: str) -> Path:
    """O/_benchmark/<period>; UsageError when something already there is not a report folder this library
    wrote (a file, a link, or a folder without manifest.json)."""
    root = Path(output_dir).expanduser().resolve()
    final = root / FOLDER / period
    paths.inside(final.parent, root)
    if final.is_symlink() or (final.exists() and not (final.is_dir() and (final / paths.REPORT_MARK).is_file())):
        raise UsageError(f"{final} already exists and is not a report folder (it has no {paths.REPORT_MARK}); move it "
                         "away or choose another --output-dir")
    return final


def _manifest(tables, year: str, quarter: str | None, period: str, nb_path: Path, data_dir: Path,
              output_dir) -> dict:
    """The manifest begun before the run: as a report's, with every partnership's inputs."""
    inputs = []
    for ds in tables.datasets.values():
        inputs += provenance.describe_inputs(provenance.input_files(ds.folder, ds.partnership.grade_scale, "benchmark"))
    command = ["wsp-analysis", "benchmark", "--year", year] + (["--quarter", quarter] if quarter else [])
    shown = provenance.shown_path(data_dir)
    command += ["--data-dir", shown] if shown != "data" else []
    git = provenance.git_info()
    return {
        "manifest_version": manifest.MANIFEST_VERSION,
        "report": {"partnership": None, "name": "Benchmark across partnerships", "period": period, "kind": "benchmark",
                   "notebook": provenance.shown_path(nb_path), "notebook_sha256": provenance.sha256(nb_path),
                   "partnerships": list(tables.partnerships)},
        "parameters": {"year": year, "quarter": quarter, "notebook": NOTEBOOK, "data_dir": shown,
                       "output_dir": provenance.shown_path(output_dir)},
        "command": " ".join(command), "inputs": inputs,
        "package": {"name": provenance.PACKAGE, "version": provenance.package_version()},
        "python": {"version": platform.python_version(), "implementation": platform.python_implementation()},
        "dependencies": provenance.dependencies(), "git": git,
        "started": manifest.now().isoformat(timespec="milliseconds"), "finished": None, "seconds": None,
    }


def render_benchmark(year: str, quarter: str | None = None, data_dir: str | Path | None = None,
                     output_dir: str | Path = "reports", timeout: float | None = render.DEFAULT_TIMEOUT,
                     kernel: Kernel | None = None) -> Path:
    """Render the benchmark folder and return its path. Raises UsageError (bad arguments, no partnership
    folder, a folder in the way), DataValidationError (any partnership's data invalid: every problem; no
    kernel is started) or RunFailed (the run failed; the previous benchmark is untouched)."""
    started = time.monotonic()
    year, quarter = periods.parse_period(year, quarter)
    period = periods.period_label(year, quarter)
    nb_path = paths.notebook(NOTEBOOK)
    render.check_parameters(nb_path, ["year"] + (["quarter"] if quarter else []) + ["data_dir", "output_dir"])
    root = paths.data_dir(data_dir)
    tables = load_all(root)  # every folder validated before a kernel starts
    final = benchmark_dir(output_dir, period)
    run = f"benchmark {period}"
    log.info("rendering %s over %d partnerships with %s", run, len(tables.partnerships), nb_path.name)
    try:
        with files.lock(final.parent / f".{period}.lock", "period's lock file"):
            files.recover(final)
            began = _manifest(tables, year, quarter, period, nb_path, root, output_dir)
            parameters = {"year": year, "data_dir": str(root), **({"quarter": quarter} if quarter else {})}
            _run(final, nb_path, parameters, began, kernel, timeout, started)
    except OSError as e:
        raise RunFailed(f"{run}: {render.cause(e)}; nothing was run") from None
    except RunFailed as e:
        raise type(e)(f"{run}: {e}") from None
    return final


def _run(final: Path, nb_path: Path, parameters: dict, began: dict, kernel: Kernel | None, timeout: float | None,
         started: float) -> None:
    """Holding the lock: stage, execute, write the HTML, spreadsheets and manifest, swap in; on failure keep
    what ran (in _benchmark/failed/) and raise RunFailed saying why."""
    staging, own = None, kernel is None
    try:
        staging = files.staging_dir(final)
        left = None if timeout is None else max(timeout - (time.monotonic() - started), 0.001)
        kernel = kernel or Kernel()
        try:
            render.execute(nb_path, staging / "report.ipynb", {**parameters, "output_dir": str(staging)}, kernel, left,
                           timeout)
        finally:
            if own:
                kernel.shutdown()
        if not (staging / "figures.csv").is_file():
            raise NotebookFailed(f"{nb_path.name} ran but did not write figures.csv")
        title = f"Benchmark across partnerships: {began['report']['period']}"
        done = manifest.finish(began)
        html = render.to_html(staging / "report.ipynb", title, provenance=manifest.footer(done))
        (staging / "report.html").write_text(html, encoding="utf-8")
        spreadsheets.write(staging, staging / "report.ipynb", title)
        manifest.write(staging, done)
        files.swap_in(staging, final)
    except (KeyboardInterrupt, SystemExit, UsageError):
        if staging is not None:
            render.keep_failed(staging, final.parent, final.name, {})
        raise
    except Exception as e:
        notes = {} if isinstance(e, WspError) else {"error.txt": "".join(traceback.format_exception(e))}
        ran = staging is not None and (staging / "report.ipynb").is_file()
        kept = render.keep_failed(staging, final.parent, final.name, notes) if ran else None
        said = render.cause(e) + ("; the previous benchmark is unchanged" if final.is_dir() else "")
        if ran:
            said += f"; what it executed is kept in {kept}" if kept else "; what it executed could not be kept"
        raise (NotebookFailed if isinstance(e, NotebookFailed) else RunFailed)(said) from None
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
