"""wsp-analysis: a thin command line over the library.

Exit status: 0 ok; 1 the notebook failed (run-all: any run failed; verify: a figure, an input or an output
differs); 2 invalid data or arguments (verify: the manifest, its inputs or outputs, or an input is missing, or
the data no longer validate).
"""
from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

from wsp_analysis import __version__
from wsp_analysis.data import load as dataset
from wsp_analysis.data import paths, periods, published
from wsp_analysis.errors import DataValidationError, RunFailed, UsageError, VerifyError, WspError
from wsp_analysis.publish import batch as runner
from wsp_analysis.publish import params, runlog

# Each command imports its own machinery when it runs (papermill and nbconvert for report, calc/ and so
# scipy for figures, reconcile and verify, openpyxl for the agency returns), so that a command pays only
# for what it uses: a report is computed in its kernel, and its own process never needs scipy.

EXIT_OK, EXIT_NOTEBOOK, EXIT_INVALID = 0, 1, 2
DEFAULT_TIMEOUT = 1800  # seconds a run may take (render.DEFAULT_TIMEOUT; not imported: render loads papermill)
log = logging.getLogger("wsp_analysis")


def _seconds(text: str) -> float:
    """--timeout: a number of seconds above 0."""
    try:
        value = float(text)
    except ValueError:
        value = 0
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds above 0")
    return value


def _one_line_errors(parser: argparse.ArgumentParser) -> None:
    """A bad option of report or run-all is one timestamped log line too (argparse prints usage first)."""
    def error(message: str):
        log.error("%s (see %s --help)", message, parser.prog)
        sys.exit(EXIT_INVALID)
    parser.error = error


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="wsp-analysis", description="Safeguarding partnership analysis and reports.")
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    r = sub.add_parser("report", help="render a report folder: report.html, report.ipynb, figures.csv",
                       description="Render reports/<partnership>/<year>[-Qn]/ from a parameter file or options.")
    r.add_argument("params_file", nargs="?", metavar="PARAMS.yaml", help="params/<partnership>/<year>[-Qn].yaml")
    r.add_argument("--partnership", help="folder name under the data folder, e.g. walsall")
    r.add_argument("--year", help="financial year, e.g. 2023-24")
    r.add_argument("--quarter", help="Q1 to Q4 (Q1 is April to June)")
    r.add_argument("--data-dir", help="data folder (default: the repository's data/)")
    r.add_argument("--output-dir", help="where report folders go (default: reports)")
    r.add_argument("--notebook", help="notebook name in notebooks/, or a path to an .ipynb file (default: "
                                      "annual_report, or quarterly_report when a quarter is given)")
    r.add_argument("--timeout", type=_seconds, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                   help=f"stop the run after this many seconds (default: {DEFAULT_TIMEOUT}); it fails like any "
                        "other run: exit 1, previous report kept")
    r.add_argument("--publication", action="store_true", default=None,
                   help="the version for publication: small counts of children's cases suppressed as [c], "
                        "into <period>-publication/")
    r.add_argument("--status", help="draft (the default) or final: printed beside the title and on every page")
    r.add_argument("--published", metavar="YYYY-MM-DD", help="publication date (default: the day it is rendered)")
    r.add_argument("--next-update", metavar="WHEN", help="when the next report is due: a date (YYYY-MM-DD) or words "
                                                         "(\"March 2025\")")

    a = sub.add_parser("run-all", help="render every params file in parallel; a failing run fails only itself",
                       description="Render every params/<partnership>/<period>.yaml. Exit 0 when all succeeded, "
                                   "1 when any run failed, 2 for invalid arguments.")
    a.add_argument("params_dir", nargs="?", default="params", metavar="DIR", help="folder of params files "
                                                                                  "(default: params)")
    a.add_argument("--workers", type=int, default=2, help="worker processes (default: 2)")
    a.add_argument("--only", metavar="GLOB", help="render only params files whose path or file name matches, "
                                                  "e.g. '*-Q3.yaml' or '2023-24.yaml'")
    a.add_argument("--output-dir", help="where report folders go, for every run (default: each params file's "
                                        "output_dir, else reports)")
    a.add_argument("--timeout", type=_seconds, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                   help=f"stop each run after this many seconds (default: {DEFAULT_TIMEOUT})")
    a.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="send the runs to a dask.distributed cluster")
    a.add_argument("--no-progress", action="store_true", help="no progress bar (log lines only; the bar is drawn "
                                                              "only when standard error is a terminal)")

    b = sub.add_parser("benchmark", help="compare every partnership in the data folder: funnel plots",
                       description="Render O/_benchmark/<year>[-Qn]/: for every indicator with numerators and "
                                   "denominators in at least three partnerships, each partnership's rate against the "
                                   "pooled rate with 95% and 99.8% limits. Exit 0 ok, 1 the run failed, 2 invalid "
                                   "data or arguments.")
    b.add_argument("--year", required=True, help="financial year, e.g. 2023-24")
    b.add_argument("--quarter", help="Q1 to Q4: compare that quarter instead of the whole year")
    b.add_argument("--data-dir", help="data folder of partnership folders (default: the repository's data/)")
    b.add_argument("--output-dir", default="reports", help="where the _benchmark folder goes (default: reports)")
    b.add_argument("--timeout", type=_seconds, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                   help=f"stop the run after this many seconds (default: {DEFAULT_TIMEOUT})")

    for scheduled in (r, a, b):
        _one_line_errors(scheduled)

    v = sub.add_parser("validate", help="check a partnership folder and print every problem",
                       description="Validate a partnership folder (partnership.yaml and its tables).")
    v.add_argument("path", metavar="PATH", help="partnership folder, e.g. data/walsall")

    c = sub.add_parser("verify", help="recompute a rendered report's figures from its data and compare",
                       description="Recompute every figure of REPORT_DIR from the data its manifest.json names "
                                   "(without re-running the notebook), compare with every column of its figures.csv "
                                   "and check the SHA-256 of the input files and of every output (report.html, "
                                   "report.ipynb, figures.csv, tables.xlsx, tables.ods). Exit 0 all match, 1 anything "
                                   "differs, 2 the manifest (or its inputs or outputs) or an input is missing or the "
                                   "data no longer validate.")
    c.add_argument("report_dir", metavar="REPORT_DIR", help="a rendered report folder, e.g. reports/walsall/2023-24")
    c.add_argument("--data-dir", help="look for the inputs in DATA_DIR/<partnership>/ instead of where the manifest "
                                      "recorded them")

    n = sub.add_parser("figures", help="every annual figure of every partnership, as one CSV on standard output",
                       description="Load and validate every partnership folder in the data folder (or one) and write "
                                   "every annual figure of every partnership and year as one CSV (a partnership "
                                   "column, then the figures.csv columns) to standard output. Exit 0, or 2 for "
                                   "invalid data or arguments (every problem on standard error).")
    which = n.add_mutually_exclusive_group(required=True)
    which.add_argument("--all", action="store_true", help="every partnership folder in the data folder")
    which.add_argument("--partnership", help="one partnership: a folder name under the data folder")
    n.add_argument("--data-dir", help="data folder (default: the repository's data/)")

    k = sub.add_parser("reconcile", help="compare the figures a published report prints with the data's",
                       description="Compare each figure in data/<partnership>/published_figures.csv with the figure "
                                   "computed from the data: match, differs, percent_for_points or not_derivable. "
                                   "With --quarter, the rows for that quarter (and the same quarter a year before) "
                                   "against the quarterly figures. Prints the table and exits 0 (2 for invalid data "
                                   "or arguments).")
    k.add_argument("--partnership", required=True, help="folder name under the data folder, e.g. walsall")
    k.add_argument("--year", required=True, help="financial year of the report, e.g. 2023-24")
    k.add_argument("--quarter", help="Q1 to Q4: reconcile that quarter's report instead of the year's")
    k.add_argument("--data-dir", help="data folder (default: the repository's data/)")
    _agency_return_parsers(sub)
    return p


def _agency_return_parsers(sub) -> None:
    """template, import and new-partnership: agency returns in Excel, and new partnership folders."""
    t = sub.add_parser("template", help="write the partnership's Excel template for agency returns",
                       description="Write OUT.xlsx: one sheet per table, headed columns, a Notes sheet explaining "
                                   "each column, drop-downs for grades, quarters, years and the partnership's "
                                   "themes. Exit 0 written, 2 invalid data or arguments.")
    t.add_argument("out", metavar="OUT.xlsx", help="the workbook to write")
    t.add_argument("--partnership", required=True, help="folder name under the data folder, e.g. walsall")
    t.add_argument("--data-dir", help="data folder (default: the repository's data/)")

    i = sub.add_parser("import", help="validate a filled-in template and add its periods to the data",
                       description="Check every sheet of FILE.xlsx with the same rules as validate (problems located "
                                   "by sheet and cell, e.g. Audits!C7), then add its periods to data/<partnership>/, "
                                   "all or nothing. A period that already has data is refused unless --replace. "
                                   "Exit 0 imported, 2 refused (nothing changed).")
    i.add_argument("workbook", metavar="FILE.xlsx", help="the filled-in template")
    i.add_argument("--partnership", required=True, help="folder name under the data folder, e.g. walsall")
    i.add_argument("--replace", action="store_true", help="replace periods that already have data (the files as "
                                                          "they were are kept in data/<partnership>/.history/)")
    i.add_argument("--data-dir", help="data folder (default: the repository's data/)")

    n = sub.add_parser("new-partnership", help="scaffold data/NAME/: partnership.yaml and every table's header",
                       description="Create data/NAME/ with a partnership.yaml to edit and every table with its "
                                   "header row only. Refuses a name already used or not a safe folder name. "
                                   "Exit 0 created, 2 refused.")
    n.add_argument("name", metavar="NAME", help="folder name: lowercase letters, digits, - and _ (e.g. worcestershire)")
    n.add_argument("--data-dir", help="data folder (default: the repository's data/)")
    n.add_argument("--grade", action="append", metavar="GRADE", help="a grade of the audit scale, best first; "
                                                                     "repeat for each (default: a four-point scale)")
    n.add_argument("--name", dest="display_name", help="the partnership's name as reports print it")


def _template(args) -> int:
    from wsp_analysis.returns import template as workbook  # here: only these commands need openpyxl

    print(workbook.write_template(args.partnership, args.out, args.data_dir))
    return EXIT_OK


def _import(args) -> int:
    from wsp_analysis.returns import importer  # here: openpyxl, as for the template

    result = importer.import_workbook(args.workbook, args.partnership, args.data_dir, replace=args.replace)
    for w in result.warnings:
        print(f"warning: {w}", file=sys.stderr)
    print("\n".join(result.lines()))
    return EXIT_OK


def _new_partnership(args) -> int:
    from wsp_analysis.returns import scaffold  # here: only new-partnership needs it

    folder = scaffold.create(args.name, args.data_dir, args.grade, args.display_name)
    print(folder)
    print(f"next: edit {folder / 'partnership.yaml'}, then wsp-analysis template --partnership {args.name} "
          "returns.xlsx", file=sys.stderr)
    return EXIT_OK


def _report(args) -> int:
    started = time.monotonic()
    opts = {k: getattr(args, k) for k in ("partnership", "year", "quarter", "data_dir", "output_dir", "notebook",
                                          "publication", "status", "published", "next_update") if getattr(args, k)}
    if args.params_file:
        merged = params.read(args.params_file)
        merged.update(opts)  # options given on the command line win over the file
        opts = params.check(merged, args.params_file)
    else:
        opts = params.check(opts, "options")
    opts.setdefault("output_dir", "reports")
    from wsp_analysis.publish.kernel import Kernel

    # The kernel starts first and imports what the notebook will (Kernel.warm) while this process imports
    # papermill and nbconvert: each side takes a second or more, and on two cores they overlap.
    kernel = Kernel()
    try:
        kernel.warm()
        from wsp_analysis.publish import render  # here: papermill and nbconvert take seconds to import

        out = render.render(**opts, kernel=kernel, timeout=args.timeout)
    finally:
        kernel.shutdown()
    log.info("wrote %s in %.1f s", out, time.monotonic() - started)
    print(out)
    return EXIT_OK


def _benchmark(args) -> int:
    started = time.monotonic()
    from wsp_analysis.publish import benchmark  # here: papermill and nbconvert take seconds to import

    out = benchmark.render_benchmark(args.year, args.quarter, args.data_dir, args.output_dir, timeout=args.timeout)
    log.info("wrote %s in %.1f s", out, time.monotonic() - started)
    print(out)
    return EXIT_OK


def _run_all(args) -> int:
    files = runner.discover(args.params_dir, args.only)
    results = runner.run_all(files, workers=args.workers, scheduler=args.scheduler, progress=not args.no_progress,
                             output_dir=args.output_dir, timeout=args.timeout)
    print(runner.summary(results))
    return EXIT_OK if all(r.status == runner.OK for r in results) else EXIT_NOTEBOOK


def _validate(args) -> int:
    path = Path(args.path)
    problems = dataset.validate(path)
    if path.is_dir():
        problems += published.problems(path)  # the optional published_figures.csv, when there is one
    if problems:
        print(DataValidationError(problems).report(), file=sys.stderr)
        return EXIT_INVALID
    ds = dataset.load(path)
    for w in ds.warnings:
        print(f"warning: {w}", file=sys.stderr)
    rows = sum(len(t) for t in ds.tables.values())
    changed = f"; {len(ds.warnings)} value{'s' if len(ds.warnings) != 1 else ''} read with a change (warnings above)" \
        if ds.warnings else ""
    print(f"{ds.label}: valid ({len(ds.tables)} tables, {rows} rows{changed})")
    return EXIT_OK


def _verify(args) -> int:
    from wsp_analysis.scrutiny import verify  # here: recomputing needs calc/ (see the imports above)
    try:
        result = verify.verify(args.report_dir, args.data_dir)
    except VerifyError as e:
        print(f"wsp-analysis: {e}", file=sys.stderr)
        return EXIT_INVALID
    except DataValidationError as e:
        for line in getattr(e, "changed_inputs", []):
            print(line)
        print(e.report(), file=sys.stderr)
        return EXIT_INVALID
    for line in result.lines():
        print(line)
    for note in result.notes:
        print(note, file=sys.stderr)
    return EXIT_OK if result.ok else EXIT_NOTEBOOK


def _figures(args) -> int:
    from wsp_analysis.calc.compute import every  # here: calc/ (see the imports above)
    from wsp_analysis.calc.register import write_frame
    from wsp_analysis.data.partnerships import load_all

    write_frame(every(load_all(args.data_dir, None if args.all else [args.partnership])), sys.stdout)
    return EXIT_OK


def _reconcile(args) -> int:
    from wsp_analysis.calc import reconcile  # here: calc/ (see the imports above)

    year, quarter = periods.parse_period(args.year, args.quarter)
    folder = paths.partnership_dir(args.partnership, args.data_dir)
    ds = dataset.load(folder)
    rows = reconcile.read(folder, ds.label)
    if rows is None:
        raise UsageError(f"{ds.label}/{reconcile.FILE}: file is missing; reconcile compares the figures it transcribes "
                         "from the published report (see docs/data.md)")
    found = reconcile.reconcile(rows, reconcile.register_for(ds, year, quarter), year, quarter)
    print(reconcile.text_table(found))
    return EXIT_OK


def _check_arguments(args) -> None:
    """Checks every command shares, made before anything is read or written: a partnership given as an
    option is a plain folder name (new-partnership's NAME is checked by scaffold, more narrowly)."""
    if getattr(args, "partnership", None) is not None:
        paths.check_partnership(args.partnership, "--partnership")


def _logged(command):
    """report and run-all: every line on standard error through the log (a timestamp each, one line per
    event), including the reason a run stopped, with no traceback (exit 1 for anything unexpected)."""
    def run(args) -> int:
        try:
            return command(args)
        except DataValidationError as e:
            for line in e.report().splitlines():
                log.error("%s", line)
            return EXIT_INVALID
        except UsageError as e:
            for line in str(e).splitlines():
                log.error("%s", line)
            return EXIT_INVALID
        except RunFailed as e:
            log.error("failed %s", e)
            return EXIT_NOTEBOOK
        except Exception as e:
            from wsp_analysis.publish import render  # here: as in _report

            log.error("failed: %s", render.cause(e))
            return EXIT_NOTEBOOK
    return run


def main(argv: list[str] | None = None) -> int:
    """The wsp-analysis command: parse the arguments, run the command, return its exit status (0 ok, 1 a run
    failed or something differs, 2 invalid data or arguments)."""
    runlog.configure()
    args = _parser().parse_args(argv)
    try:
        command = {"report": _report, "run-all": _run_all, "benchmark": _benchmark, "validate": _validate, "verify": _verify,
                   "reconcile": _reconcile, "figures": _figures, "template": _template, "import": _import,
                   "new-partnership": _new_partnership}[args.command]

        def checked(a) -> int:
            _check_arguments(a)  # before anything is read or written
            return command(a)

        return (_logged(checked) if args.command in ("report", "run-all", "benchmark") else checked)(args)
    except DataValidationError as e:
        print(e.report(), file=sys.stderr)
        return EXIT_INVALID
    except UsageError as e:
        print(f"wsp-analysis: {e}", file=sys.stderr)
        return EXIT_INVALID
    except RunFailed as e:
        print(f"wsp-analysis: {e}", file=sys.stderr)
        return EXIT_NOTEBOOK
    except WspError as e:  # pragma: no cover - every subclass is handled above
        print(f"wsp-analysis: {e}", file=sys.stderr)
        return EXIT_INVALID


if __name__ == "__main__":
    sys.exit(main())
