"""Render a report folder: execute the notebook with papermill, convert it with nbconvert, publish atomically.

reports/<partnership>/<period>/ receives report.ipynb (executed, with code, for the
scrutineer), report.html (for the executive: no code), figures.csv, the reference tables and
manifest.json (parameters, input files' SHA-256, versions, commit, times; see manifest.py). A
notebook other than the period's default adds its name to the folder: --notebook scrutiny renders
reports/<partnership>/<period>-scrutiny/. Everything is built in a staging folder beside the target
and swapped in only when complete (files.swap_in), under the period's lock (files.lock), so a failed
or killed run leaves the previous report as it was. A run that fails for any reason (the notebook
raised, its kernel died, the deadline passed, the disk is full or read-only, the HTML or spreadsheet
step raised) raises one RunFailed naming the run and the cause, and keeps what it executed in
reports/<partnership>/failed/<period>-<timestamp>/.
"""
from __future__ import annotations

import ast
import errno
import logging
import shutil
import time
import traceback
from datetime import datetime
from pathlib import Path

import nbformat
import papermill

from wsp_analysis.data import load as dataset
from wsp_analysis.data import paths
from wsp_analysis.data import periods
from wsp_analysis.errors import NotebookFailed, RunFailed, UsageError, WspError
from wsp_analysis.publish import files
from wsp_analysis.publish import html as export
from wsp_analysis.publish import manifest
from wsp_analysis.publish import spreadsheets as reference_tables
from wsp_analysis.publish.kernel import Kernel

log = logging.getLogger("wsp_analysis")
DEFAULT_TIMEOUT = 1800.0  # seconds for a whole run; the annual report takes about 5


def declared_parameters(notebook: Path) -> set[str] | None:
    """The names the notebook's cell tagged "parameters" assigns, or None when it has no such cell.
    Read with ast: papermill's own inspection skips a chained assignment (`a = b = None`)."""
    nb = nbformat.read(str(notebook), as_version=4)
    cell = next((c for c in nb.cells if c.cell_type == "code" and "parameters" in c.metadata.get("tags", [])), None)
    if cell is None:
        return None
    try:
        tree = ast.parse(cell.source)
    except SyntaxError as e:
        raise UsageError(f"{notebook}: its parameters cell is not valid Python (line {e.lineno}: {e.msg})") from None
    names = set()
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
            node, (ast.AnnAssign, ast.AugAssign)) else []
        for t in targets:
            names |= {n.id for n in ast.walk(t) if isinstance(n, ast.Name)}
    return names


def check_parameters(notebook: Path, given: list[str]) -> None:
    """UsageError naming each parameter the notebook does not declare (papermill would only warn and run
    the notebook without it: an annual report in a quarter's folder)."""
    declared = declared_parameters(notebook)
    if declared is None:
        raise UsageError(f'{notebook.name} has no cell tagged "parameters", so it cannot take '
                         f"{', '.join(given)}; tag the cell that sets them")
    unknown = [p for p in given if p not in declared]
    if unknown:
        words = " and ".join(f'"{p}"' for p in unknown)
        raise UsageError(f"{notebook.name} does not take the parameter{'s' if len(unknown) > 1 else ''} {words} "
                         f"(its parameters cell sets {', '.join(sorted(declared)) or 'nothing'})")


def _running_cell(executed: Path) -> str:
    """" in cell N" for the last cell papermill started before the run stopped (its saved copy records a
    start time per cell; N counts code cells, as the execution count of a run from the top does)."""
    try:
        nb = nbformat.read(str(executed), as_version=4)
    except Exception:
        return ""
    code = [c for c in nb.cells if c.cell_type == "code"]
    started = [n for n, c in enumerate(code, 1) if c.metadata.get("papermill", {}).get("start_time")]
    return f" in cell {started[-1]}" if started else ""


def execute(notebook: Path, out: Path, parameters: dict, kernel: Kernel, timeout: float | None = None,
            limit: float | None = None) -> None:
    """Run the notebook in `kernel` (run-all's workers reuse theirs, paying start-up and imports once),
    writing the executed copy to `out`. Raises NotebookFailed: a cell raised (which cell, and why), the
    kernel died (how), or `timeout` seconds passed (the kernel is killed then; the message names `limit`,
    the whole run's time limit, when given)."""
    timer = kernel.deadline(timeout)
    try:
        papermill.execute_notebook(str(notebook), str(out), parameters=parameters, progress_bar=False,
                                   log_output=False, km=kernel.manager)
    except papermill.PapermillExecutionError as e:
        raise NotebookFailed(f"{notebook.name} failed in cell {e.exec_count}: {e.ename}: {e.evalue}") from None
    except Exception:
        where = _running_cell(out)
        if kernel.timed_out:
            raise NotebookFailed(f"{notebook.name} timed out after {limit or timeout:g} s{where}; its kernel "
                                 "was stopped") from None
        if not kernel.alive():
            status = kernel.exit_status()
            how = (f"killed by signal {-status}" + (", as when the machine runs out of memory" if status == -9 else "")
                   if status is not None and status < 0 else f"exit status {status}")
            raise NotebookFailed(f"{notebook.name}: its kernel died{where} ({how})") from None
        raise
    finally:
        if timer is not None:
            timer.cancel()
        kernel.after_run()


def cause(e: BaseException) -> str:
    """One line saying why a run stopped, for the person reading the log."""
    if isinstance(e, WspError):
        return str(e)
    if isinstance(e, OSError):
        name = e.filename or "a file"
        if e.errno == errno.ENOSPC:
            return f"the disk is full (no space left on device) writing {name}"
        if e.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            return f"cannot write {name}: {e.strerror} (is the output folder read-only?)"
        return f"{e.strerror or type(e).__name__}: {name}"
    text = str(e).strip().splitlines()
    return f"{type(e).__name__}: {text[0]}" if text else type(e).__name__


def keep_failed(staging: Path, partnership_folder: Path, period: str, notes: dict[str, str]) -> Path | None:
    """Move a failed run's executed notebook (with its error cell) to failed/<period>-<timestamp>/, with
    `notes` (file name -> text: the kernel's output when it died, the traceback of an unexpected error).
    None when nothing was executed or nothing can be written (a full or read-only disk)."""
    executed = staging / "report.ipynb"
    if not executed.is_file():
        return None
    try:
        dest = partnership_folder / "failed" / f"{period}-{datetime.now():%Y%m%dT%H%M%S%f}"
        dest.mkdir(parents=True)
        shutil.move(str(executed), dest / "report.ipynb")  # a rename: needs no space on a full disk
        for name, text in notes.items():
            if text.strip():
                (dest / name).write_text(text, encoding="utf-8")
    except OSError as e:
        log.warning("could not keep the failed run's notebook: %s", cause(e))
        return dest if (dest / "report.ipynb").is_file() else None
    return dest


def to_html(executed: Path, title: str, status: str | None = None, provenance: dict | None = None) -> str:
    """The executive's HTML: outputs only (no code, no prompts, no stderr), through our own template.
    `provenance` (manifest.footer) puts the reproducing command and the data files' hashes in the footer."""
    return export.to_html(executed, title, status, provenance)


def publish(staging: Path, final: Path) -> None:
    """Swap the complete staging folder in for `final` (files.swap_in)."""
    files.swap_in(staging, final)


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
           output_dir: str | Path = "reports", notebook: str | None = None, kernel: Kernel | None = None,
           timeout: float | None = DEFAULT_TIMEOUT, status: str | None = None, published: str | None = None,
           next_update: str | None = None) -> Path:
    """Render one report folder and return its path.

    `status` ("draft" or "final"), `published` (YYYY-MM-DD) and `next_update` (a date or words), when given,
    are passed to the notebook as parameters of the same names (params.check checks them): the page says
    draft, the render date and no next update otherwise.

    `kernel`: a started Kernel to run in (run-all's workers), else one is started and stopped here.
    `timeout`: seconds for the whole run (None: no limit). Raises UsageError (bad arguments, a parameter
    the notebook does not declare, a lock file or report folder that is a symbolic link),
    DataValidationError (bad data; nothing runs in the kernel) or RunFailed (the run failed; the previous report
    is untouched; NotebookFailed when the notebook raised, its kernel died or the deadline passed).
    """
    started = time.monotonic()
    year, quarter = periods.parse_period(year, quarter)
    if timeout is not None and not timeout > 0:
        raise UsageError(f"the timeout must be a number of seconds above 0, not {timeout!r}")
    period = periods.period_label(year, quarter)
    nb_path = paths.notebook(notebook or paths.default_notebook(quarter))
    release = {k: v for k, v in (("status", status), ("published", published), ("next_update", next_update)) if v}
    check_parameters(nb_path, ["partnership", "year"] + (["quarter"] if quarter else []) + ["data_dir", "output_dir"]
                     + list(release))
    kind = paths.report_kind(notebook, quarter)
    folder = paths.partnership_dir(partnership, data_dir)
    # A kernel of our own starts now, so that its start-up (a second or so of imports in its own process)
    # overlaps with loading and checking the data here; bad data stops it again before it runs anything.
    own = kernel is None
    if own:
        kernel = Kernel()
        kernel.warm()  # the notebook's imports, in the kernel's process, while this one reads the data
    try:
        ds = dataset.load(folder)
        for w in ds.warnings:
            log.warning("warning: %s", w)
        if not any((t["year"] == year).any() for t in ds.tables.values() if "year" in t):
            raise UsageError(f"{ds.label} has no data for {year}")
        return _locked(ds, partnership, year, quarter, period, nb_path, kind, folder, output_dir, notebook, kernel,
                       timeout, started, release)
    finally:
        if own:
            kernel.shutdown()


def _locked(ds, partnership: str, year: str, quarter: str | None, period: str, nb_path: Path, kind: str,
            folder: Path, output_dir, notebook: str | None, kernel: Kernel, timeout: float | None,
            started: float, release: dict | None = None) -> Path:
    """Holding the period's lock: recover what a killed run left, then run (see _run). `release`: the status,
    publication date and next update given, passed to the notebook as parameters."""
    release = release or {}
    final = paths.report_dir(output_dir, partnership, period, notebook)
    name = final.name  # the period, with the notebook's suffix for a non-default notebook (2023-24-scrutiny)
    run = f"{partnership} {name}"
    log.info("rendering %s with %s", run, nb_path.name)
    try:
        with files.lock(final.parent / f".{name}.lock", "period's lock file"):
            files.recover(final)
            parameters = {"partnership": partnership, "year": year, "data_dir": str(folder.parent)}
            if quarter:
                parameters["quarter"] = quarter
            parameters.update(release)
            _run(ds, final, nb_path, parameters, kernel, dict(
                year=year, quarter=quarter, period=period, kind=kind, notebook=notebook, notebook_path=nb_path,
                output_dir=output_dir, release=release), timeout, started)
    except OSError as e:  # the lock or the recovery could not write: nothing ran
        raise RunFailed(f"{run}: {cause(e)}; nothing was run") from None
    except RunFailed as e:
        raise type(e)(f"{run}: {e}") from None
    return final


def _run(ds, final: Path, nb_path: Path, parameters: dict, kernel: Kernel, about: dict,
         timeout: float | None, started: float) -> None:
    """Holding the period's lock: stage, execute, write, swap in; on any failure keep what ran, and
    raise RunFailed saying why (its message is completed with the run's name by render)."""
    run = manifest.start(ds, started=manifest.now(), **about)
    staging, notes = None, {}
    try:
        staging = files.staging_dir(final)
        files.checkpoint("staged")
        parameters = {**parameters, "output_dir": str(staging)}
        left = None if timeout is None else max(timeout - (time.monotonic() - started), 0.001)
        offset = kernel.log_size() if kernel.runs else 0  # a fresh kernel's whole log (start-up too) is this run's
        try:
            execute(nb_path, staging / "report.ipynb", parameters, kernel, left, timeout)
        except NotebookFailed:
            if not kernel.alive():
                notes["kernel.log"] = kernel.log_since(offset)
            raise
        files.checkpoint("executed")
        if not (staging / "figures.csv").is_file():
            raise NotebookFailed(f"{nb_path.name} ran but did not write figures.csv")
        write_outputs(staging, ds, about["period"], about["quarter"], about["notebook"], run)
        if timeout is not None and time.monotonic() - started > timeout:
            raise NotebookFailed(f"timed out after {timeout:g} s (while writing the HTML and tables)")
        files.checkpoint("written")
        files.swap_in(staging, final)
    except (KeyboardInterrupt, SystemExit, UsageError):
        if staging is not None:
            keep_failed(staging, final.parent, final.name, notes)
        raise
    except Exception as e:
        if not isinstance(e, WspError):
            notes["error.txt"] = "".join(traceback.format_exception(e))
        ran = staging is not None and (staging / "report.ipynb").is_file()
        kept = keep_failed(staging, final.parent, final.name, notes) if ran else None
        said = cause(e) + ("; the previous report is unchanged" if final.is_dir() else "")
        if ran:
            said += f"; what it executed is kept in {kept}" if kept else "; what it executed could not be kept"
        raise (NotebookFailed if isinstance(e, NotebookFailed) else RunFailed)(said) from None
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)  # gone already after a successful publish
