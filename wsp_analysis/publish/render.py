"""Render a report folder: execute the notebook with papermill, convert it with nbconvert, publish atomically.

reports/<partnership>/<period>/ receives report.ipynb (executed, with code, for the
scrutineer), report.html (for the executive: no code), figures.csv, the reference tables and
manifest.json (parameters, input files' SHA-256, versions, commit, times; see manifest.py). A
notebook other than the period's default adds its name to the folder: --notebook scrutiny renders
reports/<partnership>/<period>-scrutiny/. Everything is built in a staging folder beside the target
and swapped in only when complete, so a failed run leaves the previous report as it was.
"""
from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import shutil
import tempfile
import time
from datetime import datetime
from pathlib import Path

import papermill

from wsp_analysis.data import load as dataset
from wsp_analysis.publish import html as export
from wsp_analysis.publish import manifest
from wsp_analysis.data import paths
from wsp_analysis.data import periods
from wsp_analysis.publish import spreadsheets as reference_tables
from wsp_analysis.errors import NotebookFailed, UsageError

log = logging.getLogger("wsp_analysis")
logging.getLogger("papermill").setLevel(logging.WARNING)  # its per-run chatter hides our own progress lines


def execute(notebook: Path, out: Path, parameters: dict, kernel=None) -> None:
    """Run the notebook in a new kernel, or in `kernel` (a started jupyter_client KernelManager, which
    run-all's workers reuse so each pays the kernel's start-up and imports once); NotebookFailed says
    which cell failed and why."""
    extra = {"km": kernel} if kernel is not None else {}
    try:
        papermill.execute_notebook(str(notebook), str(out), parameters=parameters, progress_bar=False,
                                   log_output=False, kernel_name="python3", **extra)
    except papermill.PapermillExecutionError as e:
        raise NotebookFailed(f"{notebook.name} failed in cell {e.exec_count}: {e.ename}: {e.evalue}") from None


@contextlib.contextmanager
def period_lock(folder: Path, period: str):
    """Hold an exclusive lock for one period, so two runs of it never interleave; a second run waits.

    The lock is an flock on reports/<partnership>/.<period>.lock: the kernel releases it if the
    process dies, so a crashed run never leaves the period locked.
    """
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / f".{period}.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log.info("waiting: another run of %s holds %s", period, handle.name)
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def keep_failed(staging: Path, partnership_folder: Path, period: str) -> Path | None:
    """Move a failed run's executed notebook (with its error cell) to failed/<period>-<timestamp>/."""
    executed = staging / "report.ipynb"
    if not executed.is_file():
        return None
    dest = partnership_folder / "failed" / f"{period}-{datetime.now():%Y%m%dT%H%M%S%f}"
    dest.mkdir(parents=True)
    shutil.move(str(executed), dest / "report.ipynb")
    return dest


def to_html(executed: Path, title: str, status: str | None = None, provenance: dict | None = None) -> str:
    """The executive's HTML: outputs only (no code, no prompts, no stderr), through our own template.
    `provenance` (manifest.footer) puts the reproducing command and the data files' hashes in the footer."""
    return export.to_html(executed, title, status, provenance)


def publish(staging: Path, final: Path) -> None:
    """Swap the staging folder in for `final` with two renames; the old report survives any failure."""
    backup = None
    if final.exists():
        backup = final.with_name(f".{final.name}.old-{os.getpid()}")
        os.replace(final, backup)
    try:
        os.replace(staging, final)
    except OSError:
        if backup is not None:
            os.replace(backup, final)
        raise
    if backup is not None:
        shutil.rmtree(backup, ignore_errors=True)


def write_outputs(staging: Path, ds, period: str, quarter: str | None, notebook: str | None = None,
                  run: dict | None = None) -> None:
    """Everything the library writes beside the executed notebook: the executive's HTML, the reference
    tables and, last, manifest.json.

    `run` is the manifest begun before the notebook ran (manifest.start), so its input hashes are of the
    files the run read; without it one is begun here."""
    kind = paths.report_kind(notebook, quarter)
    if run is None:
        run = manifest.start(ds, year=period[:7], quarter=quarter, period=period, kind=kind, notebook=notebook,
                             notebook_path=paths.notebook(notebook or paths.default_notebook(quarter)),
                             output_dir=staging.parent.parent)
    title = f"{ds.partnership.name}: {kind} report {period}"
    html = to_html(staging / "report.ipynb", title, provenance=manifest.footer(run))
    (staging / "report.html").write_text(html, encoding="utf-8")
    reference_tables.write(staging, staging / "report.ipynb", title)  # tables.xlsx and tables.ods
    manifest.write(staging, manifest.finish(run))


def render(partnership: str, year: str, quarter: str | None = None, data_dir: str | Path | None = None,
           output_dir: str | Path = "reports", notebook: str | None = None, kernel=None) -> Path:
    """Render one report folder and return its path.

    Raises UsageError (bad arguments), DataValidationError (bad data; no kernel is started)
    or NotebookFailed (the notebook raised).
    """
    try:
        year = periods.parse_year(year)
        quarter = periods.parse_quarter(quarter) if quarter else None
    except ValueError as e:
        raise UsageError(str(e)) from None
    period = periods.period_label(year, quarter)
    nb_path = paths.notebook(notebook or paths.default_notebook(quarter))
    kind = paths.report_kind(notebook, quarter)
    folder = paths.partnership_dir(partnership, data_dir)
    ds = dataset.load(folder)  # validate before starting a kernel
    for w in ds.warnings:
        log.warning("warning: %s", w)
    if not any((t["year"] == year).any() for t in ds.tables.values() if "year" in t):
        raise UsageError(f"{ds.label} has no data for {year}")
    final = paths.report_dir(output_dir, partnership, period, notebook)
    name = final.name  # the period, with the notebook's suffix for a non-default notebook (2023-24-scrutiny)
    started_at = manifest.now()
    started = time.perf_counter()
    log.info("rendering %s %s with %s", partnership, name, nb_path.name)
    with period_lock(final.parent, name):
        run = manifest.start(ds, year=year, quarter=quarter, period=period, kind=kind, notebook=notebook,
                             notebook_path=nb_path, output_dir=output_dir, started=started_at)
        staging = Path(tempfile.mkdtemp(prefix=f".{name}.staging-", dir=final.parent))
        staging.chmod(0o755)  # mkdtemp makes it private; a published report is readable like any folder
        try:
            parameters = {"partnership": partnership, "year": year, "data_dir": str(folder.parent),
                          "output_dir": str(staging)}
            if quarter:
                parameters["quarter"] = quarter
            try:
                execute(nb_path, staging / "report.ipynb", parameters, kernel)
            except NotebookFailed as e:
                kept = keep_failed(staging, final.parent, name)
                raise NotebookFailed(f"{e}; the executed notebook, with the error, is in {kept}" if kept
                                     else str(e)) from None
            if not (staging / "figures.csv").is_file():
                raise NotebookFailed(f"{nb_path.name} ran but did not write figures.csv")
            write_outputs(staging, ds, period, quarter, notebook, run)
            publish(staging, final)
        finally:
            shutil.rmtree(staging, ignore_errors=True)  # gone already after a successful publish
    log.info("wrote %s in %.1f s", final, time.perf_counter() - started)
    return final
