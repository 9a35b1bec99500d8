"""Key messages are made from figures, in the voice DESIGN.md sets; one rule set, tested rule by rule and
then sentence by sentence (Walsall: the published figures; Demoshire: the committed synthetic data)."""
import pandas as pd
import pytest
from conftest import REPO

import wsp_analysis as wsp
from wsp_analysis.calc.register import Figure, Register
from wsp_analysis.data import load as dataset
from wsp_analysis.report import messages as narrative
from wsp_analysis.report.messages import common

Y = "2023-24"


# --- the rule set -------------------------------------------------------------------------------

def test_numbers_under_ten_are_words_in_prose_but_digits_in_a_count():
    assert [common.number(v) for v in (0, 1, 7, 9, 10, 1617)] == ["zero", "one", "seven", "nine", "10", "1,617"]
    assert common.number(None) == "[x]"  # missing is not zero
    assert common.of(4, 20) == "(4 of 20)"
    assert common.of(1333, 1617) == "(1,333 of 1,617)"
    assert common.sentence("five referrals") == "Five referrals"


def test_changes_between_percentages_are_percentage_points():
    assert common.points(-15) == "15 percentage points"
    assert common.points(3.2) == "three percentage points"  # 3.2 rounds to 3, under ten: a word
    assert common.points(-0.6) == "one percentage point"
    assert common.change_in_points(-15, 0.35, "2022-23") == "down 15 percentage points from 35% in 2022-23"
    assert common.change_in_points(0, 0.35) == "unchanged from 35%"


def test_relative_changes_are_percent():
    assert common.relative_change((144 - 52) / 52 * 100) == "up 177%"  # 176.9% relative, not points
    assert common.relative_change(-12.4) == "down 12%"


def test_money_words():
    assert common.money_against_budget(192908) == "£192,908 over budget"
    assert common.money_against_budget(-2109) == "£2,109 under budget"
    assert common.money_against_budget(76237, "income") == "£76,237 more than planned"
    assert common.position(116671) == "a deficit of £116,671"
    assert common.position(-5000) == "a surplus of £5,000"
    assert common.variance_percent(51.4678) == "51%"
    assert common.variance_percent(2.3209) == "2.3%"  # under 10%: one decimal, never "2%" beside a 2% threshold
    assert common.variance_percent(-43.13) == "43%"


def test_p_values_and_the_significance_rule():
    assert common.p_value(0.26577) == "p = 0.27"
    assert common.p_value(0.0214) == "p = 0.021"
    assert common.p_value(0.0004) == "p < 0.001"
    assert common.p_value(0.0496) == "p < 0.05"  # never rounded up to 0.05 when below it
    # the meaning first, the test and its p-value after
    assert common.verdict(0.0496, "t", "the mix changed") == ("the mix changed by more than chance alone would be "
                                                                 "likely to produce (t, p < 0.05)")
    assert common.verdict(0.05, "t", "the mix changed", "audits") == (
        "there are too few audits to tell whether the mix changed (t, p = 0.050)")  # 0.05 itself is not below 0.05
    assert common.verdict(0.3, "t", "the rate changed") == (
        "no clear sign that the rate changed: a difference this size could be chance alone (t, p = 0.30)")


def test_listing():
    assert common.listing(["a"]) == "a"
    assert common.listing(["a", "b"]) == "a and b"
    assert common.listing(["a", "b", "c"]) == "a, b and c"


# --- Walsall, sentence by sentence ---------------------------------------------------------------

def test_audit_messages(register, walsall):
    msgs = narrative.audits(register, Y)
    assert msgs == [
        "20% of multi-agency audits were graded good (4 of 20), down 15 percentage points from 35% in 2022-23. "
        "Whether the fall is more than chance cannot be tested: 2022-23's counts are not published.",
        # Wilson 95% interval for 4 of 20 is 0.0807 to 0.4160
        "With only 20 audits, the true share graded good could plausibly be anywhere from 8% to 42% (the 95% "
        "interval). The 2022-23 share was published without its counts, so it has no interval.",
        "Whether grades have moved steadily in one direction over the years cannot be tested: a trend test needs "
        "counts for at least three years, and one year has published counts.",
        "Other grades: 0% outstanding (0 of 20); 80% requires improvement (16 of 20), up 30 percentage points; "
        "0% inadequate (0 of 20), down 15 percentage points (changes are against 2022-23).",
    ]


def test_training_messages(register):
    assert narrative.training(register, Y) == [
        "82% of training bookings were attended (1,333 of 1,617), and 55% of the 2,412 places offered were used.",
        "The attendance rate for 2022-23 is not available [x], so no change can be tested.",
        "284 bookings (18%) were not attended; a further 352 were cancelled beforehand and are not counted as "
        "bookings.",
        "144 training events were scheduled, up 177% from 52 in 2022-23.",
        "2,877 e-learning modules were taken, up 156% from 1,123 in 2022-23.",
        "Child Neglect Awareness Level 1 e-learning: 179 of the 239 who signed up completed it (75%); 42 were part "
        "way through at the year end.",
    ]
    assert narrative.impact(register, Y) == [
        "Training impact for 2023-24 is not available [x]: the data holds no evaluation forms (self-rated knowledge "
        "before, at the end of and eight weeks after a course), so the change in self-rated knowledge cannot be "
        "reported."]


def test_referral_messages_use_words_under_ten_and_keep_missing_quarters_missing(register):
    msgs = narrative.referrals(register, Y)
    assert msgs[0] == ("Five serious-incident referrals were received, two fewer than the seven in 2022-23; four of "
                       "the five (80%) met the criteria for a rapid review.")
    # Wilson 95% interval for 4 of 5: 0.376 to 0.964
    assert msgs[1] == ("These are small numbers: a change of one or two referrals moves the rate a long way (the 95% "
                       "interval for the 80% runs from 38% to 96%).")
    assert ("Referrals to the self-neglect panel received: three in Q1 and nine in Q3; Q2 and Q4 were not "
            "published, so the year's total is not available [x].") in msgs


def test_budget_messages(register, walsall):
    assert narrative.budget(register, Y) == [
        "Spending was £567,721 against a budget of £374,813: £192,908 (51%) over budget (adverse, rated red), "
        "mainly Agency & Consultants (£301,521, unbudgeted spend).",
        "Unbudgeted spend (no budget, so no percent): Agency & Consultants, £301,521. Over budget: Development "
        "activities, £5,721 (38%; red). Underspends (more than 5% under budget): Employees (permanent), £111,322 "
        "(43%).",
        "Income was £451,050 against £374,813 budgeted: £76,237 (20%) more than planned (favourable), including "
        "£63,400 of unbudgeted income (Other income £16,100; S31 Grant £47,300).",
        "Spending exceeded income, leaving a deficit of £116,671 against a balanced budget.",
        "The reserve brought forward from 2022-23 was £299,260; if the deficit is met from reserves (an "
        "assumption: the accounts do not say), £182,589 remains at the year end.",
        "Partners contributed £387,650 in all, the council's contribution included: 86% of the year's income of "
        "£451,050. The largest was from Walsall Council – Adults and Children: £244,662 (54% of income).",
    ]  # the RAG thresholds are said once, in the note under the budget table


def test_inference_messages_say_if_the_counts_were(register):
    msgs = narrative.inference(register, Y)
    assert "0/7/10/3 of 20 in 2022-23" in msgs[0] and "1/14/7/1 of 23 in 2020-21" in msgs[0]
    assert "2019-20's add to 101%" in msgs[0] and "inference, not data" in msgs[0]
    assert msgs[1] == ("If the counts were 0/7/10/3 of 20 in 2022-23, there would be too few audits to tell whether "
                       "the mix of grades changed from 2022-23 to 2023-24 (Fisher's exact test, p = 0.087).")
    assert msgs[2].startswith("If the counts were those for 2019-20 to 2022-23") and "trend test" in msgs[2]


def test_key_messages_one_per_section_then_the_areas_without_data(register):
    msgs = narrative.key_messages(register, Y)
    assert len(msgs) == 6
    assert msgs[0].startswith("20% of multi-agency audits were graded good (4 of 20)")
    assert msgs[3].startswith("Spending was £567,721 against a budget of £374,813: £192,908 (51%) over budget")
    assert msgs[4] == ("Audits and reviews raised 10 actions in 2023-24: five completed, two ongoing and three whose "
                       "status is not stated.")
    # Walsall records no evaluation forms: said once, in the key messages, never as 0
    assert msgs[5] == ("The data holds nothing for 2023-24 on training impact (evaluation forms): its figures are not "
                       "available [x].")


# --- Demoshire (synthetic, counts for five years, evaluations) ---------------------------------------

@pytest.fixture(scope="module")
def demo():
    ds = dataset.load(REPO / "data" / "demoshire")
    return ds, wsp.figures(ds, Y)


def test_demoshire_audit_change_is_tested(demo):
    ds, reg = demo
    msgs = narrative.audits(reg, Y)
    # 2023-24: 12 of 20 good; 2022-23: 10 of 20. Fisher's exact test on the 2 x 4 grade mix, p = 0.266
    assert msgs[0] == ("60% of multi-agency audits were graded good (12 of 20), up 10 percentage points from 50% in "
                       "2022-23. There are too few audits to tell whether the mix of grades changed (Fisher's exact "
                       "test, p = 0.27).")
    assert msgs[1] == ("With only 20 audits, the true share graded good could plausibly be anywhere from 39% to 78% "
                       "(the 95% interval). In 2022-23 the interval ran from 30% to 70% (10 of 20).")
    assert msgs[2] == ("Across the five years with counts (2019-20 to 2023-24), grades have moved towards better ones "
                       "by more than chance alone would be likely to produce (linear-by-linear trend test, "
                       "p = 0.021).")


def test_demoshire_attendance_change_and_impact(demo):
    _, reg = demo
    msgs = narrative.training(reg, Y)
    assert msgs[1] == ("The attendance rate was down one percentage point from 82% in 2022-23 (1,283 of 1,558); no "
                       "clear sign that the rate really changed: a difference this size could be chance alone "
                       "(two-proportion z-test, p = 0.58).")
    msgs = narrative.impact(reg, Y)
    assert msgs[-3] == ("Delegates' self-rated knowledge (on a scale of one to five) rose by 0.69 points on average "
                        "by the end of their course, among the 1,217 who rated it before and after; 61% rated it "
                        "higher (744 of 1,217).")
    assert msgs[-2] == ("The rise was larger than chance alone would be likely to produce for 11 of the 12 courses "
                        "evaluated (Wilcoxon signed-rank test, p < 0.05); for Working with Fathers the change is "
                        "within what chance alone could produce at this sample size (p = 0.71).")
    assert msgs[-1] == ("31% of delegates returned the eight-week follow-up evaluation (470 of 1,501); their "
                        "self-rated knowledge was then 0.44 points above its pre-course rating on average. Fewer "
                        "than half replied, so those who did may not speak for the rest.")


def test_a_significant_rise_is_called_so_and_a_missing_one_is_not_invented():
    coverage = pd.DataFrame({"family": ["impact"], "span": [Y], "has_data": [True]})
    reg = Register([
        Figure("impact.delegates", "d", Y, 40, "count"),
        Figure("impact.course.a.test", "Wilcoxon signed-rank test: ..., A (p-value)", Y, 0.003, "p_value"),
        Figure("impact.course.a.change_mean", "c", Y, 0.8, "rating"),
        Figure("impact.course.b.test", "Wilcoxon signed-rank test: ..., B (p-value)", Y, None, "p_value"),
    ], coverage)
    assert narrative.impact(reg, Y) == [
        "The rise was larger than chance alone would be likely to produce for one of the two courses evaluated "
        "(Wilcoxon signed-rank test, p < 0.05)."]


def test_a_course_name_with_a_comma_is_named_whole():
    coverage = pd.DataFrame({"family": ["impact"], "span": [Y], "has_data": [True]})
    courses = pd.DataFrame({"course": ["Right Help, Right Time"], "base": ["impact.course.right_help_right_time"]})
    reg = Register([Figure("impact.course.right_help_right_time.test",
                           "Wilcoxon signed-rank test: ..., Right Help, Right Time (p-value)", Y, 0.5, "p_value")],
                   coverage, {"impact.courses": courses})
    assert narrative.impact(reg, Y) == [
        "The rise was larger than chance alone would be likely to produce for none of the one course evaluated "
        "(Wilcoxon signed-rank test, p < 0.05); for Right Help, Right Time the change is within what chance alone "
        "could produce at this sample size (p = 0.50)."]
