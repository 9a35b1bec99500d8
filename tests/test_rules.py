import pytest

from wsp_analysis.data import rules
from wsp_analysis.data.rules import RuleBroken


def test_count():
    assert rules.count("1,617") == 1617
    assert rules.count("0") == 0
    for bad, why in (("-1", "negative"), ("1.5", "whole number"), ("#N/A", "spreadsheet error"), ("12a", "whole")):
        with pytest.raises(RuleBroken, match=why):
            rules.count(bad)


def test_money():
    assert rules.money("33988") == 33988
    assert rules.money("£33,988") == 33988
    assert rules.money("33,988.00") == 33988
    assert rules.money("(1,500)") == -1500  # accountants' brackets
    for bad in ("1.5k", "#DIV/0!", "£"):
        with pytest.raises(RuleBroken):
            rules.money(bad)


def test_percent():
    assert rules.percent("35") == 35
    assert rules.percent("4%") == 4
    with pytest.raises(RuleBroken, match="between 0 and 100"):
        rules.percent("101")


def test_grade_names_the_scale():
    rule = rules.grade(["Outstanding", "Good", "Requires Improvement", "Inadequate"])
    assert rule("Good") == "Good"
    with pytest.raises(RuleBroken) as e:
        rule("Excelent")
    assert str(e.value) == ('"Excelent" is not a grade on this partnership\'s scale '
                            "(Outstanding, Good, Requires Improvement, Inadequate)")


def test_year_and_quarter():
    assert rules.year("2023-24") == "2023-24"
    with pytest.raises(RuleBroken, match="2023-25"):
        rules.year("2023-25")
    with pytest.raises(RuleBroken, match="Q5"):
        rules.quarter("Q5")


def test_one_of():
    rule = rules.one_of(("expenditure", "income"), "a budget section")
    assert rule("income") == "income"
    with pytest.raises(RuleBroken, match='"spend" is not a budget section'):
        rule("spend")
