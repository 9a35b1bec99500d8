"""Referral figures, on folders built in the test."""
from builders import register
from wsp_analysis.calc import referrals

Y = "2023-24"


def r(year, quarter, rtype, measure, count):
    return {"year": year, "quarter": quarter, "referral_type": rtype, "measure": measure, "count": count}


def test_whole_year_and_complete_quarters_give_a_total(tmp_path):
    rows = [r(Y, None, "serious_incident", "received", 5), r(Y, None, "serious_incident", "met_rapid_review_criteria", 4)]
    rows += [r(Y, f"Q{i}", "panel", "received", n) for i, n in zip(range(1, 5), (3, 1, 9, 2))]
    reg = register(tmp_path, {"referrals": rows})
    assert reg.value("referrals.received", Y) == 5
    assert reg.value("referrals.rapid_review_rate", Y) == 4 / 5
    assert reg.value("referrals.panel.received", Y) == 3 + 1 + 9 + 2 == 15
    assert [reg.value("referrals.panel.received", f"{Y}-Q{i}") for i in range(1, 5)] == [3, 1, 9, 2]


def test_unpublished_quarters_leave_the_year_missing(tmp_path):
    rows = [r(Y, "Q1", "panel", "received", 3), r(Y, "Q2", "panel", "received", None),
            r(Y, "Q3", "panel", "received", 9)]
    reg = register(tmp_path, {"referrals": rows})
    assert reg.value("referrals.panel.received", Y) is None
    assert [reg.value("referrals.panel.received", f"{Y}-Q{i}") for i in range(1, 5)] == [3, None, 9, None]


def test_change_since_the_year_before(tmp_path):
    rows = [r("2022-23", None, "serious_incident", "received", 7), r(Y, None, "serious_incident", "received", 5)]
    reg = register(tmp_path, {"referrals": rows})
    change = reg.get("referrals.received_change", Y)
    assert (change.value, change.numerator, change.denominator) == (5 - 7, 5, 7)


def test_quarterly_figures_and_the_year_to_date(tmp_path):
    rows = [r(Y, q, "serious_incident", "received", n) for q, n in (("Q1", 2), ("Q2", 1))]
    rows.append(r("2022-23", "Q2", "serious_incident", "received", 4))
    reg = register(tmp_path, {"referrals": rows}, Y, "Q2")
    assert reg.value("referrals.received", f"{Y}-Q2") == 1
    assert reg.value("referrals.received.ytd", f"{Y}-Q2") == 2 + 1
    assert reg.value("referrals.received", "2022-23-Q2") == 4


def test_no_rows_is_blank_never_zero(tmp_path):
    reg = register(tmp_path, {"referrals": []})
    assert reg.value("referrals.received", Y) is None and reg.value("referrals.received_change", Y) is None


def test_labels_in_plain_words():
    assert referrals.label("self_neglect_panel", "received") == "Referrals to the self-neglect panel received"
    assert referrals.label("new_route", "closed") == "New route closed"
