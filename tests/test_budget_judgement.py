"""Budget judgement: variance in pounds and percent, adverse or favourable in words, RAG by local thresholds,
unbudgeted spend, underspends, the reserve after the year and contributions as shares of income.
Every expected value is worked by hand in the comment beside it."""
import pandas as pd
import pytest
import yaml

from builders import register as built
from wsp_analysis.calc import budget
from wsp_analysis.data import load as dataset
from wsp_analysis.data.config import Thresholds

Y = "2023-24"
COLS = ("year", "section", "category", "line", "budget", "actual")
ROWS = [
    ("2023-24", "expenditure", "staffing", "On the line", 100, 102),  # +2: 2.0%, green (inclusive)
    ("2023-24", "expenditure", "staffing", "Just amber", 1000, 1021),  # +21: 2.1%, amber
    ("2023-24", "expenditure", "other", "Amber edge", 100, 105),  # +5: 5.0%, amber (inclusive)
    ("2023-24", "expenditure", "other", "Red", 1000, 1051),  # +51: 5.1%, red
    ("2023-24", "expenditure", "other", "Unbudgeted", 0, 300),  # no budget: no percent, red, unbudgeted spend
    ("2023-24", "expenditure", "other", "Under", 100, 94),  # -6: 6% under, favourable, an underspend
    ("2023-24", "expenditure", "other", "Slightly under", 100, 95),  # -5: 5% under, favourable, not beyond 5%
    ("2023-24", "income", "income", "Grant", 200, 180),  # -20: 10% less income, adverse, red
    ("2023-24", "income", "income", "New grant", 0, 50),  # unbudgeted income, favourable
    ("2023-24", "income", "income", "Fees", 100, 110),  # +10: 10% more income, favourable
]


def judged(tmp_path, rows=ROWS, extra=""):
    """The register of a folder with these budget lines, and its "budget.lines" words by line."""
    reg = built(tmp_path, {"budget": [dict(zip(COLS, r)) for r in rows]}, extra=extra)
    return reg, reg.detail("budget.lines").set_index("line")


def test_line_percent_rag_and_notes(tmp_path):
    reg, ls = judged(tmp_path)
    assert reg.value("budget.line.on_the_line.variance_pct", Y) == pytest.approx(2.0)
    assert reg.value("budget.line.just_amber.variance_pct", Y) == pytest.approx(21 / 1000 * 100)
    lines = ls[~ls["is_total"]]
    assert lines["rag"].to_dict() == {
        "On the line": "green", "Just amber": "amber", "Amber edge": "amber", "Red": "red", "Unbudgeted": "red",
        "Under": "green", "Slightly under": "green", "Grant": "red", "New grant": "green", "Fees": "green"}
    assert lines["note"].to_dict() == {
        "On the line": "overspend", "Just amber": "overspend", "Amber edge": "overspend", "Red": "overspend",
        "Unbudgeted": "unbudgeted spend", "Under": "underspend", "Slightly under": None,
        "Grant": "income below budget", "New grant": "unbudgeted income", "Fees": "income above budget"}
    assert reg.value("budget.line.unbudgeted.variance_pct", Y) is None  # 300 / 0 has no percent
    assert "not applicable" in reg.get("budget.line.unbudgeted.variance_pct", Y).label
    assert ls.loc["Under", "judgement"] == "favourable" and ls.loc["Grant", "judgement"] == "adverse"


def test_local_thresholds_change_the_rating(tmp_path):
    extra = "budget_thresholds:\n  green: 3\n  amber: 10\n  underspend: 2\n"
    _, ls = judged(tmp_path, extra=extra)
    assert ls.loc["Just amber", "rag"] == "green"  # 2.1% <= 3%
    assert ls.loc["Red", "rag"] == "amber"  # 5.1% <= 10%
    assert ls.loc["Slightly under", "note"] == "underspend"  # 5% under is beyond 2%
    assert "up to and including 3% of budget are green" in Thresholds(green=3, amber=10, underspend=2).describe()


def test_rag_and_note_rules_directly():
    assert budget.rag("expenditure", 100, 2) == "green"
    assert budget.rag("expenditure", 100, 2.0001) == "amber"
    assert budget.rag("income", 100, -6) == "red"  # 6% less income than planned
    assert budget.rag("expenditure", pd.NA, 5) is None  # missing budget: no rating, not green
    assert budget.note("expenditure", 0, 0, 0) is None  # nothing budgeted, nothing spent


def test_totals_are_judged_like_lines(tmp_path):
    reg, ls = judged(tmp_path)
    # totals: spending budget 100+1000+100+1000+0+100+100 = 2,400; actual 102+1021+105+1051+300+94+95
    # = 2,768; variance 368 = 15.33%, adverse, red
    assert reg.value("budget.expenditure.variance", Y) == 368
    assert reg.value("budget.expenditure.variance_pct", Y) == pytest.approx(368 / 2400 * 100)
    total = ls.loc["Total spending"]
    assert (total["rag"], bool(total["is_total"]), total["base"]) == ("red", True, "budget.expenditure")


def test_walsall_lines(register):
    ls = register.detail("budget.lines").set_index("line")
    v = lambda id_: register.value(id_, Y)  # noqa: E731
    assert (v("budget.line.agency_consultants.budget"), v("budget.line.agency_consultants.actual")) == (0, 301521)
    assert v("budget.line.agency_consultants.variance_pct") is None  # [z]: no budget
    agency = ls.loc["Agency & Consultants"]
    assert (agency["judgement"], agency["rag"], agency["note"]) == ("adverse", "red", "unbudgeted spend")
    assert v("budget.line.employees.variance") == 146769 - 258091 == -111322
    assert v("budget.line.employees.variance_pct") == pytest.approx(-111322 / 258091 * 100)  # -43.13%
    assert (ls.loc["Employees (permanent)", "judgement"], ls.loc["Employees (permanent)", "note"]) == \
        ("favourable", "underspend")
    assert v("budget.line.development_activities.variance_pct") == pytest.approx((20721 - 15000) / 15000 * 100)
    assert ls.loc["Development activities", "rag"] == "red"  # 38.14%
    assert v("budget.line.professional_services.variance_pct") == pytest.approx(-2109 / 60000 * 100)  # -3.5%
    assert ls.loc["Professional Services (Chair costs, consultancy etc.)", "note"] is None  # not an underspend
    assert v("budget.expenditure.variance_pct") == pytest.approx(192908 / 374813 * 100)  # 51.47%
    assert ls.loc["Total spending", "rag"] == "red"
    assert v("budget.non_staffing.variance") == 119431 - 116722  # 2.32% of 116,722


def test_walsall_figures(register):
    v = lambda id_: register.value(id_, Y)  # noqa: E731
    assert v("budget.unbudgeted_spend") == 301521
    assert v("budget.unbudgeted_income") == 16100 + 47300 == 63400
    assert v("budget.line.agency_consultants.variance_pct") is None  # [z]: no budget, not 0
    assert "not applicable" in register.get("budget.line.agency_consultants.variance_pct", Y).label
    assert v("budget.line.development_activities.variance_pct") == pytest.approx(38.14)
    assert v("budget.reserve.after_year") == 299260 - 116671 == 182589
    assert "assuming the deficit is met from reserves" in register.get("budget.reserve.after_year", Y).label
    # contributions as shares of the year's income (451,050): 387,650 / 451,050 = 85.94%
    assert v("budget.contributions.share_of_income") == pytest.approx(387650 / 451050)
    assert v("budget.contributions.wm_police.share_of_income") == pytest.approx(33988 / 451050)  # 7.54%
    assert register.get("budget.contributions.wm_police.share_of_income", Y).interval is None  # money: no interval


def test_reserve_after_year(tmp_path):
    rows = [(Y, "expenditure", "x", "Spend", 100, 1100), (Y, "income", "income", "Grant", 100, 100)]
    reg = built(tmp_path, {"budget": [dict(zip(COLS, r)) for r in rows],
                           "reserves": [{"year": Y, "brought_forward": 5000}]})
    assert reg.value("budget.reserve.after_year", Y) == 5000 - (1100 - 100) == 4000  # a deficit is met from reserves


def test_contribution_shares(tmp_path):
    rows = [(Y, "income", "income", "Contributions", 40, 40), (Y, "income", "income", "Grant", 0, 60)]
    reg = built(tmp_path, {"budget": [dict(zip(COLS, r)) for r in rows],
                           "contributions": [{"year": Y, "organisation": "A", "amount": 30},
                                             {"year": Y, "organisation": "B", "amount": 10}]})
    assert reg.value("budget.contributions.a.share", Y) == pytest.approx(30 / 40)  # of all contributions
    assert reg.value("budget.contributions.a.share_of_income", Y) == pytest.approx(30 / 100)  # of income (40 + 60)


# --- thresholds in partnership.yaml -----------------------------------------------------------------

def _with_thresholds(folder, value):
    path = folder / "partnership.yaml"
    raw = yaml.safe_load(path.read_text())
    raw["budget_thresholds"] = value
    path.write_text(yaml.safe_dump(raw, allow_unicode=True))


def test_defaults_when_partnership_yaml_says_nothing(walsall):
    assert walsall.partnership.budget_thresholds == Thresholds(green=2, amber=5, underspend=5)


def test_thresholds_are_read_from_partnership_yaml(walsall_copy):
    _with_thresholds(walsall_copy, {"green": 1, "amber": 4.5})
    th = dataset.load(walsall_copy).partnership.budget_thresholds
    assert th == Thresholds(green=1, amber=4.5, underspend=5)  # underspend keeps its default


def test_bad_thresholds_are_refused_with_every_problem(walsall_copy):
    _with_thresholds(walsall_copy, {"green": "two", "amber": 5, "red": 10})
    problems = [str(p) for p in dataset.validate(walsall_copy)]
    assert 'data/walsall/partnership.yaml: budget_thresholds: green must be a percent of budget from 0 to 100, written as ' \
           'a number like 5 (got "two")' in problems
    assert any('"red" is not a threshold (expected: green, amber, underspend)' in p for p in problems)
    _with_thresholds(walsall_copy, {"green": 6, "amber": 5})
    assert any("green (6%) must not be more than amber (5%)" in str(p) for p in dataset.validate(walsall_copy))
    _with_thresholds(walsall_copy, [2, 5])
    assert any("budget_thresholds must be a mapping" in str(p) for p in dataset.validate(walsall_copy))
