import pandas as pd
import pytest

from builders import register
from wsp_analysis.calc import budget


Y = "2023-24"


def line(section, category, name, b, a, quarter=None, forecast=None, year=Y):
    return {"year": year, "section": section, "category": category, "line": name, "budget": b, "actual": a,
            "quarter": quarter, "forecast": forecast}


ROWS = [line("expenditure", "staffing", "Staff", 100, 150), line("expenditure", "other", "Venues", 50, 40),
        line("income", "income", "Grants", 150, 170)]


def test_line_variance_and_judgement_in_words(tmp_path):
    reg = register(tmp_path, {"budget": ROWS})
    assert reg.value("budget.line.staff.variance", Y) == 150 - 100 == 50
    assert reg.value("budget.line.venues.variance", Y) == 40 - 50 == -10
    assert reg.value("budget.line.grants.variance", Y) == 170 - 150 == 20
    assert reg.value("budget.line.staff.variance_pct", Y) == pytest.approx(50 / 100 * 100)
    words = reg.detail("budget.lines").set_index("line")
    assert words.loc["Staff", "judgement"] == "adverse"  # spending over budget
    assert words.loc["Venues", "judgement"] == "favourable"
    assert words.loc["Grants", "judgement"] == "favourable"  # more income than planned
    assert words.loc["Total spending", "base"] == "budget.expenditure"


def test_judgement_rules():
    assert budget.judgement("expenditure", 1) == "adverse"
    assert budget.judgement("income", -1) == "adverse"
    assert budget.judgement("income", 0) == "on budget"
    assert budget.judgement("expenditure", pd.NA) is None


def test_totals_and_net_position(tmp_path):
    reg = register(tmp_path, {"budget": ROWS})
    assert reg.value("budget.expenditure.actual", Y) == 150 + 40 == 190
    assert reg.value("budget.expenditure.variance", Y) == 190 - 150 == 40
    assert reg.value("budget.net_position_planned", Y) == (100 + 50) - 150 == 0
    assert reg.value("budget.net_position", Y) == 190 - 170 == 20  # a deficit
    assert reg.value("budget.unbudgeted_spend", Y) == 0  # lines exist, none without a budget: a real zero


def test_a_missing_line_makes_the_total_missing(tmp_path):
    reg = register(tmp_path, {"budget": ROWS + [line("expenditure", "other", "Unknown", None, 5)]})
    assert reg.value("budget.expenditure.budget", Y) is None
    assert reg.value("budget.net_position_planned", Y) is None
    assert reg.value("budget.unbudgeted_spend", Y) is None


def test_no_budget_rows_is_blank_never_zero(tmp_path):
    reg = register(tmp_path, {"budget": [], "reserves": [{"year": Y, "brought_forward": 1000}]})
    for id_ in ("budget.unbudgeted_spend", "budget.unbudgeted_income", "budget.expenditure.actual",
                "budget.net_position"):
        assert reg.value(id_, Y) is None, id_
    assert reg.value("budget.reserve.brought_forward", Y) == 1000


def test_contributions_shares(tmp_path):
    reg = register(tmp_path, {"budget": ROWS, "contributions": [{"year": Y, "organisation": "A", "amount": 30},
                                                                {"year": Y, "organisation": "B", "amount": 10}]})
    assert reg.value("budget.contributions.total", Y) == 30 + 10
    assert reg.value("budget.contributions.a.share", Y) == pytest.approx(30 / 40)
    assert reg.value("budget.contributions.a.share_of_income", Y) == pytest.approx(30 / 170)


def test_quarterly_to_date_and_forecast(tmp_path):
    rows = [line("expenditure", "staffing", "Staff", 25, 30, "Q1", 120), line("expenditure", "staffing", "Staff", 25, 35,
                                                                            "Q2", 130),
            line("expenditure", "staffing", "Staff", 25, None, "Q3"), line("expenditure", "staffing", "Staff", 25, None,
                                                                            "Q4")]
    reg = register(tmp_path, {"budget": rows}, Y, "Q2")
    p = f"{Y}-Q2"
    assert reg.value("budget.expenditure.budget.ytd", p) == 25 + 25
    assert reg.value("budget.expenditure.actual.ytd", p) == 30 + 35
    assert reg.value("budget.expenditure.variance.ytd", p) == 65 - 50
    assert reg.value("budget.expenditure.forecast", p) == 130  # as given at the end of Q2
    assert reg.value("budget.expenditure.forecast_variance", p) == 130 - 4 * 25


def test_a_name_used_in_both_sections_is_named_with_its_section(tmp_path):
    rows = [line("expenditure", "other", "Other", 10, 12), line("income", "other", "Other", 20, 25)]
    reg = register(tmp_path, {"budget": rows})
    # one "other" category and one "Other" line in each section: each id says which (a figure is never defined twice)
    assert reg.value("budget.expenditure.other.variance", Y) == 12 - 10
    assert reg.value("budget.income.other.variance", Y) == 25 - 20
    assert reg.value("budget.line.income.other.actual", Y) == 25
