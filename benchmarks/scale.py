"""Benchmark: load + validate + every figure of every partnership, against a bare pandas.read_csv of the
same files, at 10 thousand, 100 thousand and 1 million booking rows. Not part of `make test`.

    .venv/bin/python benchmarks/scale.py                      # 10k, 100k, 1M rows; 5 repeats; medians
    .venv/bin/python benchmarks/scale.py --sizes 10000 --repeats 3

For each size, synthetic.region writes N partnerships x 5 years (data kept under --root, reused when
present). Each repeat times, one after the other in this process, (a) pandas.read_csv of every CSV file of
every partnership (dtype inference, no checks) and (b) wsp.load_all (every rule of every table, the
cross-table checks) then wsp.every (every annual figure of every partnership and year); the table
gives medians, the ratio of the medians (total / read_csv) and "paired", the median of each repeat's own
ratio (steadier when the machine's speed drifts during the run). Rows per second counts booking rows.
Peak memory is the peak resident set size of a fresh process doing each once (/proc/self/status VmHWM,
reset after the imports), and its growth over the process after imports.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

# rows: (partnerships, booking requests a year per partnership); five years each
PLANS = {10_000: (1, (1500, 2500)), 100_000: (4, (1500, 8500)), 1_000_000: (19, (1500, 20000))}


def plan(rows: int) -> tuple[int, tuple[int, int]]:
    if rows in PLANS:
        return PLANS[rows]
    per = max(1500, min(20000, rows // 5))
    return max(1, round(rows / (5 * per))), (max(1, per // 2), per + per // 2)


def dataset(root: Path, rows: int) -> Path:
    import synthetic

    n, bookings = plan(rows)
    folder = root / f"rows-{rows}"
    stamp = folder / ".complete"
    if not stamp.exists():
        synthetic.region(folder, n, bookings=bookings)
        stamp.write_text(json.dumps({"partnerships": n, "bookings": bookings}))
    return folder


def csv_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*/*.csv"))


def count_rows(folder: Path, table: str) -> int:
    return sum(max(0, sum(1 for _ in f.open("rb")) - 1) for f in folder.glob(f"*/{table}.csv"))


def bare(folder: Path) -> None:
    import pandas as pd

    for f in csv_files(folder):
        pd.read_csv(f)


def ours(folder: Path) -> tuple[float, float]:
    import wsp_analysis as wsp
    from wsp_analysis.calc import consistency

    consistency.finding.cache_clear()
    t0 = time.perf_counter()
    tables = wsp.load_all(folder)
    t1 = time.perf_counter()
    wsp.every(tables)
    return t1 - t0, time.perf_counter() - t1


PEAK = """
import sys
sys.path.insert(0, {repo!r})
import pandas as pd
import wsp_analysis as wsp


def kb(field):
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1])


before = kb("VmRSS")
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")  # reset the peak (VmHWM) to the current size: the peak of what follows
folder = {folder!r}
if {which!r} == "bare":
    from pathlib import Path
    for f in sorted(Path(folder).glob("*/*.csv")):
        pd.read_csv(f)
else:
    wsp.every(wsp.load_all(folder))
print(before, kb("VmHWM"))
"""


def peak(folder: Path, which: str) -> tuple[float, float]:
    """(peak resident set size in MB, its growth over the process after imports in MB) of a fresh process
    doing the work once (Linux: /proc/self/status VmHWM, reset after the imports)."""
    out = subprocess.run([sys.executable, "-c", PEAK.format(repo=str(REPO), folder=str(folder), which=which)],
                         capture_output=True, text=True, check=True).stdout.split()
    before, after = (int(v) / 1024 for v in out)
    return after, after - before


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="10000,100000,1000000", help="booking rows, comma-separated")
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--root", default=str(Path(tempfile.gettempdir()) / "wsp-scale-benchmark"),
                   help="where the synthetic data is written (and reused)")
    args = p.parse_args(argv)
    root = Path(args.root)
    sizes = [int(s) for s in args.sizes.split(",")]
    import pandas  # noqa: F401  imports paid before any timing

    import wsp_analysis  # noqa: F401

    print(f"load average at start: {' '.join(f'{v:.2f}' for v in os.getloadavg())}; {os.cpu_count()} CPUs")
    results = []
    for rows in sizes:
        folder = dataset(root, rows)
        n_part, rng = plan(rows)
        bookings, evaluations = count_rows(folder, "bookings"), count_rows(folder, "evaluations")
        mb = sum(f.stat().st_size for f in csv_files(folder)) / 1e6
        bare(folder), ours(folder)  # warm the file cache and the imports
        t_bare, t_load, t_fig = [], [], []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            bare(folder)
            t_bare.append(time.perf_counter() - t0)
            load, figs = ours(folder)
            t_load.append(load)
            t_fig.append(figs)
        total = [a + b for a, b in zip(t_load, t_fig)]
        rss, grew = peak(folder, "ours")
        bare_rss, bare_grew = peak(folder, "bare")
        r = {"rows": bookings, "evaluations": evaluations, "partnerships": n_part, "range": rng,
             "files": len(csv_files(folder)), "mb": mb, "bare": statistics.median(t_bare),
             "load": statistics.median(t_load), "figures": statistics.median(t_fig),
             "total": statistics.median(total), "rss": rss, "grew": grew, "bare_rss": bare_rss,
             "bare_grew": bare_grew}
        r["ratio"] = r["total"] / r["bare"]
        # each repeat's own ratio (ours against the bare read just before it): steadier than a ratio of medians
        # when the machine's speed drifts during the run
        r["paired"] = statistics.median(t / b for t, b in zip(total, t_bare))
        results.append(r)
        print(f"  {bookings:,} booking rows done: {r['total']:.2f} s (bare read_csv {r['bare']:.2f} s)", flush=True)

    print()
    print(f"{args.repeats} repeats each, medians; rows/s counts booking rows; peak = peak RSS of a fresh process "
          "(its growth after the imports in brackets)")
    head = (f"{'booking rows':>12} {'eval rows':>9} {'partn.':>6} {'files':>5} {'MB':>6} {'read_csv s':>10} "
            f"{'load s':>7} {'figures s':>9} {'total s':>7} {'ratio':>5} {'paired':>6} {'rows/s':>9} "
            f"{'read_csv rows/s':>15} "
            f"{'peak MB':>13} {'read_csv peak MB':>16}")
    print(head)
    print("-" * len(head))
    for r in results:
        print(f"{r['rows']:>12,} {r['evaluations']:>9,} {r['partnerships']:>6} {r['files']:>5} {r['mb']:>6.1f} "
              f"{r['bare']:>10.3f} {r['load']:>7.3f} {r['figures']:>9.3f} {r['total']:>7.3f} {r['ratio']:>5.2f} "
              f"{r['paired']:>6.2f} "
              f"{r['rows'] / r['total']:>9,.0f} {r['rows'] / r['bare']:>15,.0f} "
              f"{r['rss']:>6.0f} ({r['grew']:>4.0f}) {r['bare_rss']:>9.0f} ({r['bare_grew']:>4.0f})")
    if len(results) > 1:
        a, b = results[0], results[-1]
        print(f"\nfrom {a['rows']:,} to {b['rows']:,} rows ({b['rows'] / a['rows']:.0f}x): time x"
              f"{b['total'] / a['total']:.1f}, read_csv x{b['bare'] / a['bare']:.1f}")
    print(f"load average at end: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
