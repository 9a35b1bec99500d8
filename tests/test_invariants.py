"""Invariants, property-tested with hypothesis: rates stay within 0 to 1, a year's grade shares sum to 1,
totals equal the sum of their lines, and no figure depends on the order of rows in a file."""
from __future__ import annotations

import dataclasses
import math

import pandas as pd
import pytest
from conftest import REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wsp_analysis.calc import annual
from wsp_analysis.calc import audits
from wsp_analysis.calc import budget
from wsp_analysis.data import load as dataset
from wsp_analysis.calc import training

SCALE = ("Outstanding", "Good", "Requires Improvement", "Inadequate")


@given(attended=st.integers(0, 5000), no_shows=st.integers(0, 5000), spare=st.integers(0, 5000))
def test_training_rates_stay_within_0_and_1(attended, no_shows, spare):
    row = pd.Series({"attended": attended, "no_shows": no_shows, "bookings": attended + no_shows,
                     "places_offered": attended + spare})
    for name, rate in training.rates(row).items():
        if rate is not None:
            assert 0 <= rate <= 1, name
    r = training.rates(row)
    if attended + no_shows:
        assert r["attendance_rate"] + r["no_show_rate"] == pytest.approx(1)  # every booking attended or not


@given(st.lists(st.lists(st.integers(0, 30), min_size=4, max_size=4), min_size=1, max_size=4))
def test_a_years_grade_shares_sum_to_1(quarters):
    rows = [("2023-24", f"Q{q + 1}", f"theme {q}", g, n) for q, counts in enumerate(quarters)
            for g, n in zip(SCALE, counts)]
    a = pd.DataFrame(rows, columns=["year", "quarter", "theme", "grade", "count"]).astype({"count": "Int64"})
    d = audits.grade_distribution(a, SCALE)
    total = sum(sum(c) for c in quarters)
    if total:
        assert float(d["share"].sum()) == pytest.approx(1)
        assert int(d["count"].sum()) == int(d["total"].iloc[0]) == total
    else:
        assert d["share"].isna().all()  # 0 of 0 is not a share


money = st.integers(-10**6, 10**7)


@given(st.lists(st.tuples(st.sampled_from(["expenditure", "income"]), st.sampled_from(["a", "b"]), money, money),
                min_size=1, max_size=12))
def test_totals_equal_the_sum_of_their_lines(lines):
    frame = pd.DataFrame([("2023-24", s, c, f"line {i}", b, a) for i, (s, c, b, a) in enumerate(lines)],
                         columns=["year", "section", "category", "line", "budget", "actual"])
    frame = frame.astype({"budget": "Float64", "actual": "Float64"})
    totals = budget.totals(frame, "2023-24").set_index("section")
    for section, grp in frame.groupby("section"):
        assert totals.loc[section, "budget"] == grp["budget"].sum()
        assert totals.loc[section, "actual"] == grp["actual"].sum()
        assert totals.loc[section, "variance"] == grp["actual"].sum() - grp["budget"].sum()
    net = budget.net_position(frame, "2023-24")
    if set(frame["section"]) == {"expenditure", "income"}:
        spend, income = (frame[frame["section"] == s]["actual"].sum() for s in ("expenditure", "income"))
        assert net["actual"] == spend - income


def _figures(ds, year):
    return annual.figures(ds, year).frame().set_index(["id", "period"]).sort_index()


@pytest.fixture(scope="module")
def demoshire():
    return dataset.load(REPO / "data" / "demoshire")


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1))
def test_figures_do_not_depend_on_row_order(demoshire, seed):
    shuffled = {name: t.sample(frac=1, random_state=seed % 2**32).reset_index(drop=True)
                for name, t in demoshire.tables.items()}
    again = dataclasses.replace(demoshire, tables=shuffled)
    before, after = _figures(demoshire, "2023-24"), _figures(again, "2023-24")
    assert list(before.index) == list(after.index)
    for col in ("value", "numerator", "denominator", "ci_low", "ci_high"):
        for x, y in zip(before[col], after[col]):
            assert (x is None and y is None) or (isinstance(x, float) and math.isnan(x) and math.isnan(y)) \
                or x == pytest.approx(y, rel=1e-12), col
