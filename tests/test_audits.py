"""Audit figures, on folders built in the test: the arithmetic is written beside each value."""
import pytest

from builders import SCALE, audits, register

Y = "2023-24"


def shares(year, percents):
    return [{"year": year, "grade": g, "percent": p} for g, p in zip(SCALE, percents)]


def test_the_year_pools_its_quarters_and_every_grade_appears(tmp_path):
    reg = register(tmp_path, {"audits": audits(Y, "Q1", "A", (0, 1, 3, 0)) + audits(Y, "Q2", "B", (0, 2, 2, 0))})
    # Good: 1 + 2 = 3 of (1 + 3) + (2 + 2) = 8
    assert reg.value("audit.graded", Y) == 8
    good = reg.get("audit.share.good", Y)
    assert (good.numerator, good.denominator, good.value) == (3, 8, pytest.approx(3 / 8))
    assert reg.value("audit.share.outstanding", Y) == 0  # a real zero: four grades counted, none outstanding
    assert reg.value("audit.share.inadequate", Y) == 0
    # each round under its quarter, named by its theme
    q2 = reg.get("audit.graded", f"{Y}-Q2")
    assert q2.value == 4 and q2.label == "Multi-agency audits graded (B)"


def test_a_blank_or_absent_grade_count_makes_the_total_missing_not_smaller(tmp_path):
    rows = audits(Y, "Q1", "A", (0, 1, None, 0))
    reg = register(tmp_path, {"audits": rows})
    assert reg.value("audit.graded", Y) is None and reg.value("audit.share.good", Y) is None
    reg = register(tmp_path / "b", {"audits": [{"year": Y, "quarter": "Q1", "theme": "A", "grade": "Good", "count": 1}]})
    assert reg.value("audit.graded", Y) is None  # three grades have no row: how many were audited is not known


def test_counts_win_over_published_percentages_and_none_are_invented(tmp_path):
    reg = register(tmp_path, {"audits": audits(Y, "Q1", "A", (0, 4, 16, 0)),
                              "audit_shares": shares("2022-23", (0, 35, 50, 15)) + shares(Y, (0, 99, 1, 0))})
    assert reg.value("audit.share.good", Y) == pytest.approx(4 / 20)  # the counts, not the 99% typed beside them
    published = reg.get("audit.share.good", "2022-23")
    assert published.value == pytest.approx(0.35) and published.numerator is None and published.interval is None
    assert "published percentage" in published.label
    assert ("audit.graded", "2022-23") not in reg  # no count for a year published as percentages


def test_change_is_in_percentage_points(tmp_path):
    reg = register(tmp_path, {"audits": audits(Y, "Q1", "A", (0, 4, 16, 0)),
                              "audit_shares": shares("2022-23", (0, 35, 50, 15))})
    # 4/20 = 20% against 35%: 15 points down; 80% against 50%: 30 up; 0% against 15%: 15 down
    assert reg.value("audit.change_pp.good", Y) == pytest.approx(20 - 35)
    assert reg.value("audit.change_pp.requires_improvement", Y) == pytest.approx(80 - 50)
    assert reg.value("audit.change_pp.inadequate", Y) == pytest.approx(0 - 15)
    assert reg.get("audit.change_pp.good", Y).unit == "percentage_points"


def test_change_is_missing_without_a_previous_year(tmp_path):
    reg = register(tmp_path, {"audits": audits(Y, "Q1", "A", (0, 4, 16, 0))})
    assert all(reg.value(f"audit.change_pp.{g}", Y) is None for g in ("good", "requires_improvement"))


def test_quarterly_round_and_year_to_date(tmp_path):
    rows = audits(Y, "Q1", "Neglect", (0, 1, 3, 0)) + audits(Y, "Q2", "Exploitation", (1, 2, 2, 1))
    reg = register(tmp_path, {"audits": rows}, Y, "Q2")
    p = f"{Y}-Q2"
    assert reg.value("audit.graded", p) == 6 and reg.get("audit.graded", p).label == \
        "Multi-agency audits graded (Exploitation)"
    # year to date: (0 + 1 + 3 + 0) + (1 + 2 + 2 + 1) = 10; Good 1 + 2 = 3
    assert reg.value("audit.graded.ytd", p) == 10
    assert reg.value("audit.share.good.ytd", p) == pytest.approx(3 / 10)
    assert reg.get("audit.graded.ytd", p).label == "Multi-agency audits graded year to date (Neglect, Exploitation)"


def test_a_quarter_without_a_round_is_blank_never_zero(tmp_path):
    reg = register(tmp_path, {"audits": audits(Y, "Q1", "Neglect", (0, 1, 3, 0))}, Y, "Q3")
    p = f"{Y}-Q3"
    assert reg.value("audit.graded", p) is None
    assert all(f.value is None for f in reg.find("audit.share.", p) if not f.id.endswith(".ytd"))
    assert not reg.has_data("audits", f"{Y}:Q3") and reg.has_data("audits", f"{Y}:Q1-Q3")


def test_exact_and_trend_tests_need_counts(tmp_path):
    rows = (audits("2021-22", "Q1", "A", (0, 10, 10, 0)) + audits("2022-23", "Q1", "A", (0, 8, 12, 0))
            + audits(Y, "Q1", "A", (0, 4, 16, 0)))
    reg = register(tmp_path, {"audits": rows})
    assert reg.value("audit.test.grade_mix", Y) == pytest.approx(0.30084478)  # 2 x 2 [8, 12] vs [4, 16] (scipy fisher_exact)
    trend = reg.get("audit.test.grade_trend", Y)
    assert trend.value is not None and "across 3 years with counts" in trend.label
    reg = register(tmp_path / "b", {"audits": audits(Y, "Q1", "A", (0, 4, 16, 0)),
                                    "audit_shares": shares("2022-23", (0, 35, 50, 15))})
    mix = reg.get("audit.test.grade_mix", Y)
    assert mix.value is None and "needs counts for 2022-23" in mix.label


def test_a_blank_count_in_one_quarter_leaves_the_years_grade_missing(tmp_path):
    # Good: Q1 blank, Q2 3: the year's Good count is not known (never 3 of 6)
    rows = audits(Y, "Q1", "A", (0, None, 1, 0)) + audits(Y, "Q2", "B", (0, 3, 2, 0))
    reg = register(tmp_path, {"audits": rows})
    assert reg.value("audit.graded", Y) is None and reg.value("audit.share.good", Y) is None
    assert reg.value("audit.graded", f"{Y}-Q2") == 5  # the complete round keeps its figures
