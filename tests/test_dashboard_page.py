"""The dashboard and the benchmark, rendered through the command line as a scheduler runs them: the folders
and files the contract names, figures.csv, verify, and what the pages say."""
from __future__ import annotations

import csv
import re

import openpyxl
from conftest import REPO, YEAR, run_cli

import wsp_analysis as wsp

SIZE_BUDGET = 300_000


def figures(folder) -> dict[tuple[str, str], dict]:
    with (folder / "figures.csv").open(newline="", encoding="utf-8") as f:
        return {(r["id"], r["period"]): r for r in csv.DictReader(f)}


def test_demoshire_dashboard_renders_from_its_params_file_and_verifies(dashboard_rendered):
    folder = dashboard_rendered
    assert folder.name == "2023-24-Q4-dashboard" and folder.parent.name == "demoshire"
    assert {p.name for p in folder.iterdir()} >= {"report.html", "report.ipynb", "figures.csv", "tables.xlsx",
                                                   "tables.ods", "manifest.json"}
    rows = figures(folder)
    period = f"{YEAR}-Q4"
    for what, unit in (("mean", "proportion"), ("upper_limit", "proportion"), ("lower_limit", "proportion"),
                       ("special_points", "count"), ("variation", "code"), ("assurance", "code")):
        assert rows[(f"dashboard.repeat_cp_plans.{what}", period)]["unit"] == unit, what
    # the planted shift: the last eight quarters below the mean: special cause low (-1), and lower is better
    assert rows[("dashboard.repeat_cp_plans.variation", period)]["value"] == "-1"
    assert rows[("dashboard.gcp2_assessments.variation", period)]["value"] == "1"  # the planted rising trend
    assert rows[("dashboard.exploitation_panel_referrals.special_points", period)]["value"] == "1"  # the outlier
    assert rows[("dashboard.exploitation_panel_referrals.variation", period)]["value"] == "0"
    assert rows[("dashboard.gcp2_assessments.assurance", period)]["value"] == ""  # no target: blank
    assert rows[("dashboard.training.attendance_rate.points", period)]["value"] == "20"
    verified = run_cli("verify", str(folder))
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert f"all {len(rows)} figures match the data" in verified.stdout


def test_the_dashboard_page_summary_first_icons_with_words_and_a_table_per_chart(dashboard_rendered):
    page = (dashboard_rendered / "report.html").read_text(encoding="utf-8")
    assert "<script" not in page.lower() and not re.search(r'(src|href)="https?:', page)  # nothing fetched
    assert len(page.encode("utf-8")) < SIZE_BUDGET
    captions = re.findall(r"<caption[^>]*>(.*?)</caption>", page)
    assert captions[0].startswith("Table 1: Every indicator at 2023-24 Q4")
    # the summary groups by priority, and every icon has its words beside it (hidden from screen readers)
    for group in ("Partnership measures (built in)", "Neglect", "Exploitation"):
        assert re.search(rf'<th (colspan="6" )?scope="rowgroup"( colspan="6")?>{re.escape(group)}</th>', page), group
    icons = re.findall(r'<svg aria-hidden="true" focusable="false"[^>]*>.*?</svg>([^<]+)</span>', page)
    assert icons and all(words.strip() for words in icons)
    assert "special cause improvement" in icons and "common cause" in icons
    # one chart per indicator, each with alt text naming its numbers, then its points as a table
    charts = re.findall(r'<figure class="chart">', page)
    ds = wsp.load(REPO / "data" / "demoshire")
    assert len(charts) == 5 + len(ds.indicator_definitions) == len(captions) - 1
    desc = re.findall(r"<desc [^>]*>(.*?)</desc>", page)
    repeat = next(d for d in desc if d.startswith("XmR chart of Child protection plans that were a second"))
    assert "2023-24 Q4 " in repeat and "process limits" in repeat and "target 20.0%" in repeat
    assert "Latest point: special cause improvement." in repeat
    book = openpyxl.load_workbook(dashboard_rendered / "tables.xlsx")
    assert book.sheetnames[:4] == ["Cover", "Contents", "Notes", "Table_1"] and len(book.sheetnames) == 3 + len(captions)


def test_walsalls_dashboard_says_there_are_too_few_points(tmp_path):
    result = run_cli("report", "--partnership", "walsall", "--year", YEAR, "--notebook", "dashboard", "--output-dir",
                     str(tmp_path))
    assert result.returncode == 0, result.stderr
    folder = tmp_path / "walsall" / f"{YEAR}-dashboard"
    rows = figures(folder)
    # the self-neglect panel's Q1 3 and Q3 9 (Q2 and Q4 not published), and 491 then 629 children home educated
    assert [rows[("dashboard.referrals.self_neglect_panel.received.value", f"{YEAR}-{q}")]["value"]
            for q in ("Q1", "Q2", "Q3", "Q4")] == ["3", "", "9", ""]
    assert rows[("dashboard.electively_home_educated.value", "2022-23")]["value"] == "491"
    assert rows[("dashboard.electively_home_educated.value", YEAR)]["value"] == "629"
    assert rows[("dashboard.electively_home_educated.mean", YEAR)]["value"] == "560"
    for what in ("upper_limit", "lower_limit", "special_points", "variation", "assurance"):
        assert rows[(f"dashboard.electively_home_educated.{what}", YEAR)]["value"] == "", what
    page = (folder / "report.html").read_text(encoding="utf-8")
    assert "2 points: fewer than the 12 an XmR chart needs for process limits" in page
    assert "None has the 12 or more points process limits need" in page


def test_benchmark_renders_funnels_with_the_partnerships_outside_named(benchmark_rendered):
    folder = benchmark_rendered
    assert folder.parent.name == "_benchmark" and folder.name == f"{YEAR}-Q4"
    assert {p.name for p in folder.iterdir()} >= {"report.html", "report.ipynb", "figures.csv", "tables.xlsx",
                                                   "manifest.json"}
    rows = figures(folder)
    period = f"{YEAR}-Q4"
    assert rows[("benchmark.repeat_cp_plans.partnerships", period)]["value"] == "6"
    pooled = rows[("benchmark.repeat_cp_plans.pooled", period)]
    rates = [r for (i, p), r in rows.items() if re.fullmatch(r"benchmark\.repeat_cp_plans\.[^.]+\.rate", i)]
    assert len(rates) == 6
    assert int(pooled["numerator"]) == sum(int(r["numerator"]) for r in rates)
    assert int(pooled["denominator"]) == sum(int(r["denominator"]) for r in rates)
    page = (folder / "report.html").read_text(encoding="utf-8")
    assert "<script" not in page.lower() and len(page.encode("utf-8")) < SIZE_BUDGET
    # every partnership outside the 99.8% or 95% limits is named in words beside its funnel
    tables = wsp.load_all(folder.parents[2] / "data")
    names = {p: tables.config(p).name for p in tables.partnerships}
    outside = [(".".join(i.split(".")[1:-2]), i.split(".")[-2], r["value"]) for (i, p), r in rows.items()
               if i.endswith(".outside_95") and r["unit"] == "code" and r["value"] != "0"]
    assert outside
    for indicator, partnership, side in outside:
        assert re.search(re.escape(names[partnership]) + r"[^<]* lies? (above|below) the 9", page), \
            (indicator, partnership)
    book = openpyxl.load_workbook(folder / "tables.xlsx")
    assert "Table_1" in book.sheetnames


def test_benchmark_exit_codes(tmp_path):
    bad = run_cli("benchmark", "--year", "2023-25", "--output-dir", str(tmp_path))
    assert bad.returncode == 2 and "is not a financial year" in bad.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    none = run_cli("benchmark", "--year", YEAR, "--data-dir", str(empty), "--output-dir", str(tmp_path))
    assert none.returncode == 2 and "no partnership folders" in none.stderr
    (tmp_path / "_benchmark" / YEAR).mkdir(parents=True)
    (tmp_path / "_benchmark" / YEAR / "notes.txt").write_text("mine")
    taken = run_cli("benchmark", "--year", YEAR, "--output-dir", str(tmp_path))
    assert taken.returncode == 2 and "is not a report folder" in taken.stderr
    assert (tmp_path / "_benchmark" / YEAR / "notes.txt").read_text() == "mine"


def test_verify_recomputes_the_benchmark_from_every_partnership(benchmark_rendered, tmp_path):
    ok = run_cli("verify", str(benchmark_rendered))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "verified: all" in ok.stdout and "input files are unchanged" in ok.stdout
    # one numerator changed in a copy of the data (its value kept in step): the input and the figures differ
    copy = tmp_path / "data"
    import shutil

    shutil.copytree(benchmark_rendered.parents[2] / "data", copy)
    path = copy / "triton" / "indicators.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    i = next(k for k, line in enumerate(lines) if line.startswith("repeat_cp_plans,2023-24,Q4,"))
    cells = lines[i].split(",")
    n, d = int(cells[4]) + 1, int(cells[5])
    cells[3], cells[4] = str(round(n / d, 4)), str(n)
    lines[i] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    changed = run_cli("verify", str(benchmark_rendered), "--data-dir", str(copy))
    assert changed.returncode == 1
    assert "triton/indicators.csv: changed since the report was rendered" in changed.stdout
    assert f"figure benchmark.repeat_cp_plans.triton.rate ({YEAR}-Q4): report" in changed.stdout
