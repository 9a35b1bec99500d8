"""Change tests as figures (unit p_value, the test named in the label): audit grade mix between two years,
trend across years, attendance between two years. References are computed here from the CSV rows with the
standard library only."""
import csv
import itertools
import math
from collections import defaultdict

import pytest
from conftest import REPO

import wsp_analysis as wsp
from builders import audits, register
from wsp_analysis.data import load as dataset

Y, PREV = "2023-24", "2022-23"
DEMO = REPO / "data" / "demoshire"
GRADES = ["Outstanding", "Good", "Requires Improvement", "Inadequate"]


@pytest.fixture(scope="module")
def demo():
    return wsp.figures(dataset.load(DEMO), Y)


def demo_counts() -> dict[str, list[int]]:
    out = defaultdict(lambda: [0] * 4)
    for r in csv.DictReader((DEMO / "audits.csv").open()):
        out[r["year"]][GRADES.index(r["grade"])] += int(r["count"])
    return dict(out)


def test_walsall_audit_change_cannot_be_tested_without_2022_23_counts(register):
    mix = register.get("audit.test.grade_mix", Y)
    assert mix.value is None and mix.unit == "p_value"  # empty, never 0
    assert "Fisher's exact test" in mix.label and "needs counts for 2022-23" in mix.label
    trend = register.get("audit.test.grade_trend", Y)
    assert trend.value is None and "counts are published for 1 of the 5" in trend.label


def test_demoshire_grade_mix_is_fishers_exact_test(demo):
    c = demo_counts()
    table = [c[PREV], c[Y]]  # [1, 10, 6, 3] and [0, 12, 8, 0]
    cols = [a + b for a, b in zip(*table)]
    n, r1 = sum(cols), sum(table[0])
    prob = lambda first: math.prod(math.comb(k, a) for k, a in zip(cols, first)) / math.comb(n, r1)  # noqa: E731
    observed = prob(table[0])
    p = sum(prob(f) for f in itertools.product(*(range(k + 1) for k in cols))
            if sum(f) == r1 and prob(f) <= observed * (1 + 1e-7))
    assert demo.value("audit.test.grade_mix", Y) == pytest.approx(p)  # 0.2658
    assert "2023-24 against 2022-23" in demo.get("audit.test.grade_mix", Y).label


def test_demoshire_trend_is_the_linear_by_linear_test(demo):
    c = demo_counts()
    years = sorted(c)
    cells = [(yi, gi, c[y][gi]) for yi, y in enumerate(years) for gi in range(4)]
    n = sum(k for *_, k in cells)
    mu = sum(u * k for u, _, k in cells) / n
    mv = sum(v * k for _, v, k in cells) / n
    cov = sum(k * (u - mu) * (v - mv) for u, v, k in cells)
    su = sum(k * (u - mu) ** 2 for u, _, k in cells)
    sv = sum(k * (v - mv) ** 2 for _, v, k in cells)
    z = cov / math.sqrt(su * sv) * math.sqrt(n - 1)  # M = r sqrt(n - 1)
    assert z < 0  # later years, better (lower-scored) grades
    assert demo.value("audit.test.grade_trend", Y) == pytest.approx(math.erfc(abs(z) / math.sqrt(2)))  # 0.0215
    assert "5 years with counts, 2019-20 to 2023-24" in demo.get("audit.test.grade_trend", Y).label


def test_demoshire_attendance_change_in_points_and_two_proportion_test(demo):
    k1, n1 = demo.get("training.attendance_rate", Y).numerator, demo.get("training.attendance_rate", Y).denominator
    k2, n2 = demo.get("training.attendance_rate", PREV).numerator, demo.get("training.attendance_rate", PREV).denominator
    assert (k1, n1, k2, n2) == (1501, 1839, 1283, 1558)
    assert demo.value("training.change_pp.attendance_rate", Y) == pytest.approx((1501 / 1839 - 1283 / 1558) * 100)
    pooled = (k1 + k2) / (n1 + n2)
    z = (k1 / n1 - k2 / n2) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    assert demo.value("training.test.attendance_rate", Y) == pytest.approx(math.erfc(abs(z) / math.sqrt(2)))
    # no-shows are the complement of attendance: the same test, the opposite change
    assert demo.value("training.test.no_show_rate", Y) == pytest.approx(demo.value("training.test.attendance_rate", Y))
    assert demo.value("training.change_pp.no_show_rate", Y) == pytest.approx(
        -demo.value("training.change_pp.attendance_rate", Y))


def test_walsall_attendance_change_is_missing_not_zero(register):
    for id_ in ("training.change_pp.attendance_rate", "training.test.attendance_rate", "training.test.no_show_rate"):
        assert register.value(id_, Y) is None, id_
    assert register.get("training.test.attendance_rate", Y).label.startswith("Two-proportion z-test")


def test_a_year_with_a_blank_count_has_no_test(tmp_path):
    rows = audits(PREV, "Q1", "T", (0, 3, 2, None)) + audits(Y, "Q1", "T", (0, 1, 4, 0))
    reg = register(tmp_path, {"audits": rows})
    mix = reg.get("audit.test.grade_mix", Y)  # 2022-23's mix is not known
    assert mix.value is None and "needs counts for 2022-23" in mix.label
