"""Invariants, property-tested with hypothesis: rates stay within 0 to 1, a year's grade shares sum to 1,
totals equal the sum of their lines, and no figure depends on the order of rows in a file."""
from __future__ import annotations

import dataclasses
import math

import pytest
from conftest import REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import wsp_analysis as wsp
from builders import audits, build
from wsp_analysis.data import load as dataset

SCALE = ("Outstanding", "Good", "Requires Improvement", "Inadequate")


FEW = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _register(tmp_path_factory, rows):
    return wsp.figures(wsp.load(build(tmp_path_factory.mktemp("p"), rows)), "2023-24")


@FEW
@given(attended=st.integers(0, 5000), no_shows=st.integers(0, 5000), spare=st.integers(0, 5000))
def test_training_rates_stay_within_0_and_1(tmp_path_factory, attended, no_shows, spare):
    row = {"year": "2023-24", "events": 1, "occurrences": 1, "places_offered": attended + spare,
           "bookings": attended + no_shows, "cancellations": 0, "attended": attended, "no_shows": no_shows,
           "elearning_taken": 0}
    reg = _register(tmp_path_factory, {"training": [row]})
    rates = {k: reg.value(f"training.{k}", "2023-24") for k in ("attendance_rate", "no_show_rate", "utilisation_rate")}
    for name, rate in rates.items():
        if rate is not None:
            assert 0 <= rate <= 1, name
    if attended + no_shows:
        assert rates["attendance_rate"] + rates["no_show_rate"] == pytest.approx(1)  # attended or not


@FEW
@given(st.lists(st.lists(st.integers(0, 30), min_size=4, max_size=4), min_size=1, max_size=4))
def test_a_years_grade_shares_sum_to_1(tmp_path_factory, quarters):
    rows = [r for q, counts in enumerate(quarters) for r in audits("2023-24", f"Q{q + 1}", f"theme {q}", counts)]
    reg = _register(tmp_path_factory, {"audits": rows})
    shares = [reg.get(f"audit.share.{g}", "2023-24") for g in ("outstanding", "good", "requires_improvement",
                                                                "inadequate")]
    total = sum(sum(c) for c in quarters)
    if total:
        assert sum(f.value for f in shares) == pytest.approx(1)
        assert sum(f.numerator for f in shares) == reg.value("audit.graded", "2023-24") == total
    else:
        assert all(f.value is None for f in shares)  # 0 of 0 is not a share


money = st.integers(0, 10**7)


@FEW
@given(st.lists(st.tuples(st.sampled_from(["expenditure", "income"]), st.sampled_from(["a", "b"]), money, money),
                min_size=1, max_size=12))
def test_totals_equal_the_sum_of_their_lines(tmp_path_factory, lines):
    rows = [{"year": "2023-24", "section": s, "category": c, "line": f"line {i}", "budget": b, "actual": a}
            for i, (s, c, b, a) in enumerate(lines)]
    reg = _register(tmp_path_factory, {"budget": rows})
    for section in ("expenditure", "income"):
        mine = [r for r in rows if r["section"] == section]
        if not mine:
            assert reg.value(f"budget.{section}.budget", "2023-24") is None  # no lines: not available, not 0
            continue
        assert reg.value(f"budget.{section}.budget", "2023-24") == sum(r["budget"] for r in mine)
        assert reg.value(f"budget.{section}.variance", "2023-24") == sum(r["actual"] - r["budget"] for r in mine)
    if {r["section"] for r in rows} == {"expenditure", "income"}:
        spend, income = (sum(r["actual"] for r in rows if r["section"] == s) for s in ("expenditure", "income"))
        assert reg.value("budget.net_position", "2023-24") == spend - income


def _figures(ds, year):
    return wsp.figures(ds, year).frame().set_index(["id", "period"]).sort_index()


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
