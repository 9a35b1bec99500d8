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


def test_money_refuses_what_it_would_have_to_guess():
    with pytest.raises(RuleBroken) as e:
        rules.money("£299.260")
    assert str(e.value) == ('"£299.260" could be 299,260 (a full stop between thousands) or 299.26 (pounds and pence): '
                            "write 299260 or 299.26")
    with pytest.raises(RuleBroken, match=r"could be -1,234 \(a full stop between thousands\) or -1.234"):
        rules.money("-1.234")
    with pytest.raises(RuleBroken) as e:
        rules.money("(-5)")
    assert str(e.value) == '"(-5)" is negative twice (a minus sign inside brackets): write -5 or (5) for a negative ' \
                           "amount, 5 for a positive one"
    # unambiguous: pence after a comma for thousands, a leading zero, four decimals, two decimals
    assert rules.money("1,299.260") == 1299.26
    assert rules.money("0.500") == 0.5
    assert rules.money("299.2600") == 299.26
    assert rules.money("£299.26") == 299.26
    assert rules.money("-£5") == -5


def test_count_with_a_full_stop_for_thousands_says_how_to_write_it():
    with pytest.raises(RuleBroken) as e:
        rules.count("1.617")
    assert str(e.value) == '"1.617" is not a whole number (if the full stop separates thousands, write 1617 or 1,617)'


def test_words_and_grades_match_ignoring_capitals_spaces_and_look_alikes():
    rule = rules.one_of(("attended", "no_show", "cancelled"), "a booking status")
    assert rule("attended") == "attended"
    assert rule("Cancelled") == rules.Normalised("cancelled", "written as the list (attended, no_show, cancelled) "
                                                             "writes it")
    with pytest.raises(RuleBroken, match='"no show" is not a booking status'):
        rule("no show")
    grade = rules.grade(["Outstanding", "Good", "Requires Improvement", "Inadequate"])
    assert grade("Requires\u00a0Improvement").value == "Requires Improvement"
    assert grade("\uff27ood").value == "Good"  # a full-width G, as some keyboards type it
    assert rules.grade(())("Anything") == "Anything"  # no scale: load refuses the folder once, at partnership.yaml


def test_fold_and_plain():
    assert rules.plain(" Child\u00a0Sexual  Abuse\n") == "Child Sexual Abuse"
    assert rules.fold("CHILD sexual\u2003abuse") == rules.fold("Child Sexual Abuse") == "child sexual abuse"
