"""Render benchmark (run by hand, not part of make test): .venv/bin/python benchmarks/render.py [--repeats N]

(a) one annual report through `wsp-analysis report`;
(f) the floor: one process running papermill and then nbconvert (HTML, no input) on a two-cell notebook that
    imports pandas, numpy, scipy.stats, seaborn and matplotlib and draws nothing: what any report costs
    before it does any work; (a) and (f) run interleaved, and (a)/(f) is printed (aim: at most 1.5x);
(b) the same notebook through the `papermill` CLI and then the `jupyter nbconvert` CLI;
(c) `run-all` of 8 quarterly runs with 2 workers, against the same 8 run one after another
    through the two CLIs.
Prints the median of each and the ratios. Every timing is a fresh process, as a scheduler sees it.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
QUARTERS = [("demoshire", y, q) for y in ("2022-23", "2023-24") for q in ("Q1", "Q2", "Q3", "Q4")]


def timed(cmds: list[list[str]]) -> float:
    start = time.perf_counter()
    for cmd in cmds:
        subprocess.run(cmd, cwd=REPO, check=True, capture_output=True)
    return time.perf_counter() - start


def two_clis(out: Path, partnership: str, year: str, quarter: str | None) -> list[list[str]]:
    nb = "quarterly_report" if quarter else "annual_report"
    executed = out / f"{partnership}-{year}-{quarter or 'year'}.ipynb"
    params = ["-p", "partnership", partnership, "-p", "year", year] + (["-p", "quarter", quarter] if quarter else [])
    return [[str(BIN / "papermill"), f"notebooks/{nb}.ipynb", str(executed), *params, "--no-progress-bar"],
            [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)]]


FLOOR_NOTEBOOK = {
    "cells": [
        {"cell_type": "code", "metadata": {"tags": ["parameters"]}, "execution_count": None, "outputs": [],
         "source": "partnership = None\nyear = None"},
        {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
         "source": "import numpy, pandas, scipy.stats, seaborn\nimport matplotlib.pyplot"},
    ],
    "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    "nbformat": 4, "nbformat_minor": 5,
}
FLOOR = """import sys, papermill, nbconvert
papermill.execute_notebook(sys.argv[1], sys.argv[2], parameters={"partnership": "walsall", "year": "2023-24"},
                           progress_bar=False, log_output=False, kernel_name="python3")
body, _ = nbconvert.HTMLExporter(exclude_input=True).from_filename(sys.argv[2])
open(sys.argv[3], "w").write(body)
"""


def floor_command(tmp: Path) -> list[str]:
    import json

    nb = tmp / "floor.ipynb"
    if not nb.exists():
        nb.write_text(json.dumps(FLOOR_NOTEBOOK))
    return [sys.executable, "-c", FLOOR, str(nb), str(tmp / "floor-out.ipynb"), str(tmp / "floor.html")]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    repeats = ap.parse_args().repeats
    subprocess.run([sys.executable, "-c", "import matplotlib.pyplot"], check=True)  # font cache, once
    results: dict[str, list[float]] = {"a": [], "f": [], "b": [], "c_run_all": [], "c_sequential": []}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        params = tmp / "params"
        params.mkdir()
        for p, y, q in QUARTERS:
            (params / f"{p}-{y}-{q}.yaml").write_text(
                f'partnership: {p}\nyear: "{y}"\nquarter: {q}\noutput_dir: "{tmp / "reports"}"\n')
        for i in range(repeats):
            results["a"].append(timed([[str(BIN / "wsp-analysis"), "report", "--partnership", "walsall", "--year",
                                        "2023-24", "--output-dir", str(tmp / "reports")]]))
            results["f"].append(timed([floor_command(tmp)]))
            results["b"].append(timed(two_clis(tmp, "walsall", "2023-24", None)))
            results["c_run_all"].append(timed([[str(BIN / "wsp-analysis"), "run-all", str(params), "--workers", "2",
                                                "--no-progress"]]))
            results["c_sequential"].append(timed([c for p, y, q in QUARTERS for c in two_clis(tmp, p, y, q)]))
            print(f"repeat {i + 1}/{repeats}: " + ", ".join(f"{k} {v[-1]:.1f} s" for k, v in results.items()),
                  file=sys.stderr)
    med = {k: statistics.median(v) for k, v in results.items()}
    print(f"{'measure':<58} {'median s':>9}")
    print(f"{'(a) one annual report, wsp-analysis report':<58} {med['a']:>9.2f}")
    print(f"{'(f) floor: papermill + nbconvert of a two-cell notebook':<58} {med['f']:>9.2f}")
    print(f"{'(b) same notebook, papermill CLI + nbconvert CLI':<58} {med['b']:>9.2f}")
    print(f"{'(c) 8 quarterly reports, run-all --workers 2':<58} {med['c_run_all']:>9.2f}")
    print(f"{'(c) the same 8, one after another through the two CLIs':<58} {med['c_sequential']:>9.2f}")
    print(f"ratio (a)/(f): {med['a'] / med['f']:.2f}x (aim: at most 1.5x); ratio (b)/(a): {med['b'] / med['a']:.2f}x; "
          f"ratio (c) sequential/run-all: "
          f"{med['c_sequential'] / med['c_run_all']:.2f}x (aim: at least 4x)")


if __name__ == "__main__":
    main()
