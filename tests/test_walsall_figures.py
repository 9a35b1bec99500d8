"""Back test: every figure the foundation contract requires, against the 2023-24 annual report
(seed 002_3cfe3ce716ad6625.txt), with the arithmetic written out."""
from __future__ import annotations

import pytest

Y, PREV = "2023-24", "2022-23"


def v(register, id_, period=Y):
    return register.value(id_, period)


def test_audit_figures(register):
    # Table 1: Q1 4 RI; Q2 1 Good + 5 RI; Q3 1 Good + 4 RI; Q4 2 Good + 3 RI
    assert v(register, "audit.graded") == 4 + 6 + 5 + 5 == 20
    assert v(register, "audit.share.outstanding") == 0 / 20
    assert v(register, "audit.share.good") == pytest.approx((1 + 1 + 2) / 20) == 0.20
    assert v(register, "audit.share.requires_improvement") == pytest.approx((4 + 5 + 4 + 3) / 20) == 0.80
    assert v(register, "audit.share.inadequate") == 0 / 20
    # Table 2, 2022-23: 35% good, 50% RI, 15% inadequate
    assert v(register, "audit.change_pp.good") == pytest.approx(20 - 35) == -15
    assert v(register, "audit.change_pp.requires_improvement") == pytest.approx(80 - 50) == 30
    assert v(register, "audit.change_pp.inadequate") == pytest.approx(0 - 15) == -15
    assert register.get("audit.change_pp.good", Y).unit == "percentage_points"
    assert register.get("audit.share.good", Y).numerator == 4
    assert register.get("audit.share.good", Y).denominator == 20


def test_training_figures(register):
    expected = {"events": 144, "occurrences": 162, "places_offered": 2412, "bookings": 1617,
                "cancellations": 352, "attended": 1333, "no_shows": 284, "elearning_taken": 2877}
    for name, value in expected.items():
        assert v(register, f"training.{name}") == value, name
        assert register.get(f"training.{name}", Y).unit == "count"
    assert 1333 + 284 == 1617  # bookings = attended + no-shows; the 352 cancellations are apart
    assert v(register, "training.attendance_rate") == pytest.approx(1333 / 1617)  # 0.8244
    assert v(register, "training.no_show_rate") == pytest.approx(284 / 1617)  # 0.1756
    assert v(register, "training.utilisation_rate") == pytest.approx(1333 / 2412)  # 0.5527
    assert v(register, "training.elearning_change_pct") == pytest.approx((2877 - 1123) / 1123 * 100)  # 156.2
    assert v(register, "training.events_change_pct") == pytest.approx((144 - 52) / 52 * 100)  # 176.9
    assert register.get("training.events_change_pct", Y).unit == "percent"
    # 2022-23: only events and e-learning are published; the rest is missing, not zero
    assert v(register, "training.events", PREV) == 52
    assert v(register, "training.bookings", PREV) is None


def test_neglect_course(register):
    base = "training.course.child_neglect_awareness_level_1"
    assert (v(register, f"{base}.signed_up"), v(register, f"{base}.completed"), v(register, f"{base}.in_progress")) \
        == (239, 179, 42)
    assert v(register, f"{base}.completion_rate") == pytest.approx(179 / 239)


def test_referral_figures(register):
    assert v(register, "referrals.received") == 5
    assert v(register, "referrals.received", PREV) == 7
    assert v(register, "referrals.received_change") == 5 - 7 == -2
    assert v(register, "referrals.rapid_reviews") == 4
    assert v(register, "referrals.rapid_review_rate") == pytest.approx(4 / 5) == 0.8
    # Self-neglect panel: Q1 3, Q3 9; Q2 and Q4 not published, so no annual total
    sn = "referrals.self_neglect_panel.received"
    assert [v(register, sn, f"{Y}-Q{q}") for q in (1, 2, 3, 4)] == [3, None, 9, None]
    assert v(register, sn) is None


def test_budget_figures(register):
    # Appendix 1: spending budget 258,091 + 116,722; actual 448,290 + 119,431
    assert v(register, "budget.expenditure.budget") == 258091 + 116722 == 374813
    assert v(register, "budget.expenditure.actual") == 448290 + 119431 == 567721
    assert v(register, "budget.expenditure.variance") == 567721 - 374813 == 192908
    assert v(register, "budget.staffing.variance") == 448290 - 258091 == 190199
    assert v(register, "budget.income.actual") == 142988 + 244662 + 16100 + 47300 == 451050
    assert v(register, "budget.net_position") == 567721 - 451050 == 116671
    assert v(register, "budget.contributions.total") == 33988 + 97500 + 1500 + 244662 + 10000 == 387650
    assert v(register, "budget.reserve.brought_forward") == 299260
    for id_ in ("budget.expenditure.variance", "budget.net_position", "budget.contributions.total"):
        assert register.get(id_, Y).unit == "gbp"


def test_source_totals_reconcile(walsall):
    """The transcription agrees with the totals the source prints (TOTAL STAFFING etc.)."""
    b = walsall.budget.set_index("line")
    assert b.loc[["Employees (permanent)", "Agency & Consultants"], "actual"].sum() == 448290  # TOTAL STAFFING
    assert b[b["category"] == "non_staffing"]["budget"].sum() == 116722  # TOTAL NON-STAFFING
    assert b[b["section"] == "income"]["budget"].sum() == 374813  # TOTAL INCOME (budget)
    # partners other than the council = the "Contributions from partners" actual line
    c = walsall.contributions.set_index("organisation")["amount"]
    assert c.sum() - c["Walsall Council – Adults and Children"] == b.loc["Contributions from partners", "actual"]


def test_every_row_names_its_source(walsall):
    for name, table in walsall.tables.items():
        assert table["source"].str.contains("002_3cfe3ce716ad6625.txt").all(), name
