"""Training impact from evaluation forms: change in self-rated knowledge, the paired Wilcoxon test, the
rank-biserial effect size and follow-up response rates, against hand-worked values."""
import csv
import math
from datetime import date

import pandas as pd
import pytest
from conftest import REPO

import synthetic
import wsp_analysis as wsp
from builders import build
from wsp_analysis.calc import impact
from wsp_analysis.calc.spans import requests
from wsp_analysis.data import load as dataset
from wsp_analysis.data.partnerships import Tables

Y = "2023-24"


def evaluations(rows):
    return [dict(zip(("date", "course", "delegate", "pre_rating", "post_rating", "follow_up_rating"), r)) for r in rows]


D = date(2023, 6, 1)
ROWS = [  # course A in 2023-24: six delegates rated before and after, one only after
    (D, "A", "d1", 2, 3, 3),
    (D, "A", "d2", 2, 4, None),
    (D, "A", "d3", 3, 3, None),
    (D, "A", "d4", 3, 5, 4),
    (D, "A", "d5", 1, 2, None),
    (D, "A", "d6", 2, 1, None),
    (D, "A", "d7", None, 4, 5),
    (date(2023, 3, 31), "B", "d8", 1, 5, None),  # 2022-23: not this year
    (date(2024, 4, 1), "A", "d9", 1, 5, None),  # 2024-25: not this year
]


@pytest.fixture
def ds(tmp_path):
    return wsp.load(build(tmp_path, {"evaluations": evaluations(ROWS)}))


@pytest.fixture
def table(ds):
    return impact.summary(Tables.of(ds), requests(ds.folder.name, [Y])).set_index("course")


@pytest.fixture
def reg(ds):
    return wsp.figures(ds, Y)


def test_change_in_self_rated_knowledge(table, reg):
    a = table.loc["A"]
    assert (a["delegates"], a["paired"]) == (7, 6)  # d7 has no pre-course rating: not paired
    assert a["pre_mean"] == pytest.approx((2 + 2 + 3 + 3 + 1 + 2) / 6)  # 2.167
    assert a["post_mean"] == pytest.approx((3 + 4 + 3 + 5 + 2 + 1) / 6)  # 3.0
    assert a["change_mean"] == pytest.approx((1 + 2 + 0 + 2 + 1 - 1) / 6)  # 0.833 points
    assert a["improved"] == 4 and reg.value("impact.course.a.improved", Y) == pytest.approx(4 / 6)  # d1 d2 d4 d5


def test_wilcoxon_and_effect_size(table):
    # d = 1 2 0 2 1 -1: the 0 is dropped; T+ = 13, T- = 2 (tied ranks 2, 2, 2 and 4.5, 4.5);
    # z = (2 - 7.5) / sqrt(13.75 - 30/48) = -1.5181, p = 0.1290; rank-biserial (13 - 2) / 15 = 0.733
    a = table.loc["A"]
    assert a["pvalue"] == pytest.approx(math.erfc(5.5 / math.sqrt(13.125) / math.sqrt(2)))
    assert a["pvalue"] == pytest.approx(0.1290, abs=5e-5)
    assert a["effect_size"] == pytest.approx(11 / 15)


def test_follow_up_response_and_lasting_change(table, reg):
    a = table.loc["A"]
    assert a["follow_up_returned"] == 3  # d1, d4, d7 of 7
    assert reg.value("impact.course.a.follow_up_rate", Y) == pytest.approx(3 / 7)
    assert a["follow_up_paired"] == 2  # d7 has no pre-course rating
    assert a["follow_up_change_mean"] == pytest.approx(((3 - 2) + (4 - 3)) / 2)  # 1.0
    # two +1s: ranks 1.5 and 1.5, T+ = 3, T- = 0; variance 2*3*5/24 - (8 - 2)/48 = 1.125; z = -1.5/sqrt(1.125)
    assert a["follow_up_pvalue"] == pytest.approx(math.erfc(1.5 / math.sqrt(1.125) / math.sqrt(2)))  # 0.1573
    assert a["follow_up_effect_size"] == 1.0


def test_all_courses_row_pools_counts_without_a_test(table):
    whole = table.loc[impact.ALL]
    assert (whole["delegates"], whole["paired"], whole["follow_up_returned"]) == (7, 6, 3)
    assert pd.isna(whole["pvalue"])  # a delegate may attend several courses: no pooled test
    assert list(table.index) == ["A", impact.ALL]  # B (2022-23) and the 2024-25 row are other years


def test_figures_with_ids_units_and_intervals(reg):
    figs = {f.id: f for f in reg.find("impact", Y)}
    assert figs["impact.course.a.test"].unit == "p_value"
    assert "Wilcoxon signed-rank test" in figs["impact.course.a.test"].label
    assert figs["impact.course.a.effect_size"].unit == "effect_size"
    assert figs["impact.course.a.change_mean"].unit == "rating"
    improved = figs["impact.course.a.improved"]
    assert (improved.numerator, improved.denominator) == (4, 6) and improved.interval is not None
    rate = figs["impact.follow_up_rate"]
    assert (rate.numerator, rate.denominator, rate.unit) == (3, 7, "proportion")
    assert "impact.test" not in figs  # no pooled test


def test_a_year_without_evaluations_is_not_available_not_zero(register):
    figs = register.find("impact", Y)
    assert [(f.id, f.value) for f in figs] == [("impact.delegates", None)]
    assert "not available" in figs[0].label
    assert not register.has_data("impact", Y)


def test_demoshire_figures_equal_independent_sums_of_the_rows():
    rows = [r for r in csv.DictReader((REPO / "data" / "demoshire" / "evaluations.csv").open())
            if date(2023, 4, 1) <= date.fromisoformat(r["date"]) <= date(2024, 3, 31)]
    fathers = [r for r in rows if r["course"] == "Working with Fathers"]
    pairs = [(int(r["pre_rating"]), int(r["post_rating"])) for r in fathers if r["pre_rating"] and r["post_rating"]]
    reg = wsp.figures(dataset.load(REPO / "data" / "demoshire"), Y)
    base = "impact.course.working_with_fathers"
    assert reg.value(f"{base}.paired", Y) == len(pairs)
    assert reg.value(f"{base}.change_mean", Y) == pytest.approx(sum(b - a for a, b in pairs) / len(pairs))
    assert reg.value(f"{base}.test", Y) > 0.05  # the course the generator barely moves
    assert reg.value("impact.delegates", Y) == len(rows)
    assert reg.value("impact.follow_up_rate", Y) == pytest.approx(sum(1 for r in rows if r["follow_up_rating"])
                                                                  / len(rows))


def test_generated_evaluations_follow_attended_bookings():
    data = synthetic.generate()
    attended = {(b["date"], b["course"], b["booking_id"].replace("DS", "DL"))
                for b in data["bookings"] if b["status"] == "attended"}
    evals = data["evaluations"]
    assert evals and all((e["date"], e["course"], e["delegate"]) in attended for e in evals)
    assert all(e["source"].startswith("synthetic") for e in evals)
    assert {e["date"][:4] for e in evals} <= {"2022", "2023", "2024"}  # 2022-23 and 2023-24 only
