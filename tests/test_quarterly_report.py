"""The quarterly report: the quarter, the year to date, the same quarter a year earlier; [x] where
Walsall publishes nothing by quarter, [z] for audit changes between differently themed quarters."""
from __future__ import annotations

import csv
import re

Q3 = "2023-24-Q3"


def html(folder):
    return (folder / "report.html").read_text(encoding="utf-8")


def figures(folder):
    with (folder / "figures.csv").open() as f:
        return {(r["id"], r["period"]): r for r in csv.DictReader(f)}


def test_walsall_quarter_shows_missing_as_x_and_themes_as_z(batch):
    folder = batch / "walsall" / Q3
    page = html(folder)
    words = re.sub(r"<[^>]+>", "", page)  # a term's first use is a link to the glossary
    assert "Walsall Safeguarding Partnership: quarterly report 2023-24-Q3" in page
    assert "The Q3 audit round (Adolescents and Early Help) graded 5 cases: 1 good, 4 requires improvement." in words
    assert "[z]" in page and "not applicable" in page
    assert "Training counts for Q3 are not available [x]" in words
    assert "Referrals to the self-neglect panel received: 9 in Q3, [x] year to date." in words
    # at a glance and the key messages first; a chart only where there is data (the audit round, the
    # self-neglect panel); no bullet twice
    assert '<h2 id="at-a-glance">At a glance</h2>' in page and "<h3>Key messages</h3>" in page
    assert page.index("At a glance</h2>") < page.index("Key messages</h3>") < page.index('<h2 id="audits">')
    assert page.count('<figure class="chart">') == 2
    bullets = re.findall(r"<li>(.*?)</li>", page[page.index("Actions from audits and reviews</h2>"):])
    assert bullets and len(bullets) == len(set(bullets))
    f = figures(folder)
    assert f[("audit.graded", Q3)]["value"] == "5"
    assert f[("audit.graded.ytd", Q3)]["value"] == "15"  # Q1 4 + Q2 6 + Q3 5
    assert f[("training.bookings", Q3)]["value"] == ""  # missing, never 0
    assert all(period.startswith("2023-24-Q3") or period.startswith("2022-23-Q3") for _, period in f)


def test_demoshire_quarter_is_labelled_synthetic_and_compares_periods(batch):
    folder = batch / "demoshire" / Q3
    page = html(folder)
    top = page[: page.index('<main id="main">')]
    assert re.search("synthetic data", top, re.IGNORECASE)
    assert "Q3 a year earlier" in page and "Year to date" in page
    f = figures(folder)
    assert f[("training.bookings.ytd", Q3)]["value"] != ""
    assert ("training.bookings", "2022-23-Q3") in f
    assert f[("budget.expenditure.forecast", Q3)]["value"] != ""


def test_demoshire_annual_report_is_labelled_synthetic(batch):
    page = html(batch / "demoshire" / "2023-24")
    assert re.search("synthetic data", page[: page.index('<main id="main">')], re.IGNORECASE)
