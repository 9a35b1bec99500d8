"""Demoshire: the committed files are the generator's output, and its figures equal sums computed
independently from the generated booking rows."""
from __future__ import annotations

import csv
from collections import Counter
from datetime import date

import pytest
from conftest import REPO, assert_generator_output

import wsp_analysis as wsp
from wsp_analysis.data import load as dataset

import synthetic

DEMO = REPO / "data" / "demoshire"


@pytest.fixture(scope="module")
def demoshire():
    return dataset.load(DEMO)


def test_committed_files_equal_the_generator_output(tmp_path):
    assert_generator_output(DEMO, synthetic.write, tmp_path)


def test_generator_is_deterministic_and_labelled_synthetic(demoshire):
    assert synthetic.generate(seed=7) == synthetic.generate(seed=7)
    assert synthetic.generate(seed=7) != synthetic.generate(seed=8)
    assert demoshire.partnership.synthetic is True
    for name, table in demoshire.tables.items():
        assert table["source"].str.startswith("synthetic").all(), name


def _bookings_rows():
    with (DEMO / "bookings.csv").open() as f:
        return list(csv.DictReader(f))


def _count(rows, first: date, last: date) -> Counter:
    return Counter(r["status"] for r in rows if first <= date.fromisoformat(r["date"]) <= last)


def test_every_year_and_quarter_is_populated(demoshire):
    periods_ = set(zip(demoshire.training["year"], demoshire.training["quarter"]))
    assert len(periods_) == 5 * 4
    assert len(demoshire.audits) == 5 * 4 * 4  # years x quarters x grades


@pytest.mark.parametrize("year, first, last", [("2019-20", date(2019, 4, 1), date(2020, 3, 31)),
                                               ("2023-24", date(2023, 4, 1), date(2024, 3, 31))])
def test_annual_training_figures_equal_independent_sums_of_rows(demoshire, year, first, last):
    c = _count(_bookings_rows(), first, last)
    reg = wsp.figures(demoshire, year)
    assert reg.value("training.attended", year) == c["attended"]
    assert reg.value("training.no_shows", year) == c["no_show"]
    assert reg.value("training.bookings", year) == c["attended"] + c["no_show"]  # cancelled rows are not bookings
    assert reg.value("training.cancellations", year) == c["cancelled"]
    assert reg.value("training.attendance_rate", year) == pytest.approx(c["attended"] / (c["attended"] + c["no_show"]))


def test_quarterly_and_year_to_date_figures_equal_independent_sums(demoshire):
    rows = _bookings_rows()
    q3 = _count(rows, date(2023, 10, 1), date(2023, 12, 31))  # Q3 is October to December
    ytd = _count(rows, date(2023, 4, 1), date(2023, 12, 31))
    same_q_last_year = _count(rows, date(2022, 10, 1), date(2022, 12, 31))
    reg = wsp.figures(demoshire, "2023-24", "Q3")
    assert reg.value("training.attended", "2023-24-Q3") == q3["attended"]
    assert reg.value("training.bookings", "2023-24-Q3") == q3["attended"] + q3["no_show"]
    assert reg.value("training.attended.ytd", "2023-24-Q3") == ytd["attended"]
    assert reg.value("training.cancellations.ytd", "2023-24-Q3") == ytd["cancelled"]
    assert reg.value("training.attended", "2022-23-Q3") == same_q_last_year["attended"]


def test_quarterly_audit_referral_and_budget_sums(demoshire):
    reg = wsp.figures(demoshire, "2023-24", "Q2")
    a = demoshire.audits[(demoshire.audits["year"] == "2023-24")]
    assert reg.value("audit.graded", "2023-24-Q2") == a[a["quarter"] == "Q2"]["count"].sum()
    assert reg.value("audit.graded.ytd", "2023-24-Q2") == a[a["quarter"].isin(["Q1", "Q2"])]["count"].sum()
    r = demoshire.referrals
    mask = (r["year"] == "2023-24") & (r["referral_type"] == "self_neglect_panel")
    assert reg.value("referrals.self_neglect_panel.received.ytd", "2023-24-Q2") == \
        r[mask & r["quarter"].isin(["Q1", "Q2"])]["count"].sum()
    b = demoshire.budget
    spend = b[(b["year"] == "2023-24") & (b["section"] == "expenditure")]
    upto = spend[spend["quarter"].isin(["Q1", "Q2"])]
    assert reg.value("budget.expenditure.actual.ytd", "2023-24-Q2") == upto["actual"].sum()
    assert reg.value("budget.expenditure.variance.ytd", "2023-24-Q2") == upto["actual"].sum() - upto["budget"].sum()
    assert reg.value("budget.expenditure.forecast", "2023-24-Q2") == spend[spend["quarter"] == "Q2"]["forecast"].sum()
    # the year's outturn is the sum of its four quarters
    year = wsp.figures(demoshire, "2023-24")
    assert year.value("budget.expenditure.actual", "2023-24") == spend["actual"].sum()


def test_walsall_quarters_without_data_are_missing_not_zero(walsall):
    reg = wsp.figures(walsall, "2023-24", "Q3")
    assert reg.value("training.bookings", "2023-24-Q3") is None  # Walsall publishes training for the year only
    assert reg.value("referrals.self_neglect_panel.received", "2023-24-Q3") == 9
    assert reg.value("referrals.self_neglect_panel.received.ytd", "2023-24-Q3") is None  # Q2 not published
    assert reg.value("audit.graded", "2023-24-Q3") == 5  # Q3: Adolescents and Early Help, 1 good + 4 RI
    assert reg.value("audit.graded.ytd", "2023-24-Q3") == 4 + 6 + 5
    assert reg.value("budget.expenditure.actual.ytd", "2023-24-Q3") is None


def test_bookings_that_disagree_with_training_are_refused(tmp_path):
    folder = synthetic.write(tmp_path / "data" / "demo")
    lines = (folder / "bookings.csv").read_text().splitlines()
    lines[1] = lines[1].replace(",attended,", ",cancelled,")
    (folder / "bookings.csv").write_text("\n".join(lines) + "\n")
    problems = [str(p) for p in dataset.validate(folder)]
    assert any("data/demo/training.csv, row 2, column attended:" in p and "but bookings.csv has" in p
               for p in problems), problems
