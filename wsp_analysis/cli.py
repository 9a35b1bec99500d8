"""wsp-analysis: a thin command line over the library.

Exit status: 0 ok; 1 the notebook failed (run-all: any run failed); 2 invalid data or arguments.
"""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from . import __version__, dataset, params, render, runner
from .errors import DataValidationError, NotebookFailed, UsageError, WspError

EXIT_OK, EXIT_NOTEBOOK, EXIT_INVALID = 0, 1, 2


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
    r.add_argument("--notebook", help="notebook name in notebooks/ (default: annual_report, or quarterly_report "
                                      "when a quarter is given)")

    a = sub.add_parser("run-all", help="render every params file in parallel; a failing run fails only itself",
                       description="Render every params/<partnership>/<period>.yaml. Exit 0 when all succeeded, "
                                   "1 when any run failed, 2 for invalid arguments.")
    a.add_argument("params_dir", nargs="?", default="params", metavar="DIR", help="folder of params files "
                                                                                  "(default: params)")
    a.add_argument("--workers", type=int, default=2, help="worker processes (default: 2)")
    a.add_argument("--only", metavar="GLOB", help="render only params files whose path matches, e.g. '*-Q3.yaml'")
    a.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="send the runs to a dask.distributed cluster")
    a.add_argument("--no-progress", action="store_true", help="no progress bar (log lines only)")

    v = sub.add_parser("validate", help="check a partnership folder and print every problem",
                       description="Validate a partnership folder (partnership.yaml and its tables).")
    v.add_argument("path", metavar="PATH", help="partnership folder, e.g. data/walsall")
    return p


def _report(args) -> int:
    opts = {k: getattr(args, k) for k in ("partnership", "year", "quarter", "data_dir", "output_dir", "notebook")
            if getattr(args, k)}
    if args.params_file:
        merged = params.read(args.params_file)
        merged.update(opts)  # options given on the command line win over the file
        opts = params.check(merged, args.params_file)
    else:
        opts = params.check(opts, "options")
    opts.setdefault("output_dir", "reports")
    out = render.render(**opts)
    print(out)
    return EXIT_OK


def _run_all(args) -> int:
    files = runner.discover(args.params_dir, args.only)
    results = runner.run_all(files, workers=args.workers, scheduler=args.scheduler, progress=not args.no_progress)
    print(runner.summary(results))
    return EXIT_OK if all(r.status == runner.OK for r in results) else EXIT_NOTEBOOK


def _validate(args) -> int:
    path = Path(args.path)
    problems = dataset.validate(path)
    if problems:
        print(DataValidationError(problems).report(), file=sys.stderr)
        return EXIT_INVALID
    ds = dataset.load(path)
    rows = sum(len(t) for t in ds.tables.values())
    print(f"{ds.label}: valid ({len(ds.tables)} tables, {rows} rows)")
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="wsp-analysis: %(message)s", stream=sys.stderr)
    args = _parser().parse_args(argv)
    try:
        return {"report": _report, "run-all": _run_all, "validate": _validate}[args.command](args)
    except DataValidationError as e:
        print(e.report(), file=sys.stderr)
        return EXIT_INVALID
    except UsageError as e:
        print(f"wsp-analysis: {e}", file=sys.stderr)
        return EXIT_INVALID
    except NotebookFailed as e:
        print(f"wsp-analysis: {e}", file=sys.stderr)
        return EXIT_NOTEBOOK
    except WspError as e:  # pragma: no cover - every subclass is handled above
        print(f"wsp-analysis: {e}", file=sys.stderr)
        return EXIT_INVALID


if __name__ == "__main__":
    sys.exit(main())
