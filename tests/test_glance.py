"""At a glance: each tile's headline number, its change in words and its judgement in words, from the register;
the overall judgement; tested on Walsall's and Demoshire's registers (values worked out by hand below) and on
small registers built to reach each rule."""
from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest
from conftest import REPO

import wsp_analysis as wsp
from wsp_analysis.calc.register import Figure, Register
from wsp_analysis.report import glance, glance_quarterly

Y, P = "2023-24", "2022-23"


def _tiles(tiles) -> list[tuple]:
    return [(t.area, t.headline, t.what, t.change, t.tone, t.verdict, t.why) for t in tiles]


def test_walsall_annual_tiles(register):
    assert _tiles(glance.annual(register, Y)) == [
        # 4 of 20 audits good = 20%; 2022-23 published 35% without counts: 20 - 35 = -15 points, not testable
        ("Audits", "20%", "of audits graded good (4 of 20)", "Down 15 percentage points from 35% in 2022-23", "watch",
         "Worth watching", "2022-23's counts are not published, so the fall cannot be tested"),
        # 1,333 / 1,617 = 82.4%; 2022-23 has no attendance rate
        ("Training", "82%", "of training bookings attended (1,333 of 1,617)", "No 2022-23 rate to compare with",
         "unknown", "Cannot judge yet", "one year alone shows no change"),
        # 5 received against 7 in 2022-23: two fewer
        ("Referrals", "5", "serious-incident referrals", "Two fewer than the seven in 2022-23", "info",
         "For information", "more referrals or fewer is neither better nor worse in itself"),
        # £567,721 - £374,813 = £192,908 over; 192,908 / 374,813 = 51.5% of budget; total spending rated red
        ("Budget", "£192,908", "51% over budget on spending", "Spent £567,721 against a budget of £374,813",
         "attention", "Needs attention", "adverse, rated red"),
        # 5 completed of the 7 with a stated status = 71.4%; two ongoing, three not stated; no due dates
        ("Actions", "71%", "of actions completed (5 of 7)", "Two ongoing and three with no status stated", "unknown",
         "Cannot judge yet", "no due dates recorded, so overdue is not known"),
    ]
    assert glance.overall(glance.annual(register, Y)) == (
        "One of the five areas needs attention: the budget. Audit grades are worth watching. Referrals are given "
        "for information. For training attendance and actions from audits and reviews there is not enough to "
        "judge yet.")


@pytest.fixture(scope="module")
def demoshire():
    return wsp.load(REPO / "data" / "demoshire")


def test_demoshire_tiles_judge_by_the_tests(demoshire):
    tiles = {t.area: t for t in glance.annual(wsp.figures(demoshire, Y), Y)}
    # 12 of 20 good against 10 of 20: up 10 points; Fisher's exact test on the grade mix, p = 0.27: no clear change
    assert (tiles["Audits"].headline, tiles["Audits"].verdict) == ("60%", "No clear change")
    assert tiles["Audits"].why == ("too few audits to tell whether the grade mix changed (Fisher's exact test, "
                                   "p = 0.27)")
    # 1,501 / 1,839 = 81.6% against 1,283 / 1,558 = 82.3%: down 0.7 points, z-test p = 0.58
    assert (tiles["Training"].headline, tiles["Training"].change) == ("82%", "Down one percentage point from 82% in "
                                                                              "2022-23")
    assert tiles["Training"].verdict == "No clear change"
    # £418,476 - £414,400 = £4,076 over, 4,076 / 414,400 = 0.98% of budget: rated green
    assert (tiles["Budget"].headline, tiles["Budget"].what) == ("£4,076", "1.0% over budget on spending")
    assert tiles["Budget"].tone == "fine"
    # 5 of 14 completed = 35.7%; two of the 14 with a due date overdue at 31 March 2024
    assert (tiles["Actions"].headline, tiles["Actions"].tone) == ("36%", "attention")
    assert tiles["Actions"].why == "two of 14 with a due date were overdue at 31 March 2024"


def test_walsall_q3_tiles(walsall):
    reg = wsp.figures(walsall, Y, "Q3", kind="quarterly")
    tiles = glance_quarterly.tiles(reg, Y, "Q3")
    # no training or budget for Q3 or the year to date: no tile for them
    assert [(t.area, t.headline) for t in tiles] == [("Audits", "20%"), ("Referrals", "9"), ("Actions", "71%")]
    # Q3's round: 1 of 5 good = 20%; year to date 2 of 15 = 13.3%
    assert (tiles[0].what, tiles[0].change) == ("of Q3's audits graded good (1 of 5)", "13% year to date (2 of 15)")
    # serious-incident referrals are not available for Q3: the headline is the first referral count it has
    assert tiles[1].what == "referrals to the self-neglect panel received in Q3"
    assert tiles[1].change == "Year to date not available [x]"
    assert tiles[2].what == "of actions completed year to date (5 of 7)"


def test_publication_tiles_show_suppressed_figures_as_c(walsall):
    tiles = {t.area: t for t in glance.annual(wsp.figures(walsall, Y, kind="publication"), Y)}
    # 4 good audits and 5 referrals are at or below the suppression threshold of 5
    assert (tiles["Audits"].headline, tiles["Referrals"].headline) == ("[c]", "[c]")
    assert tiles["Audits"].change == "Suppressed to protect confidentiality"
    assert tiles["Budget"].headline == "£192,908"


# --- each rule, on a small register ---------------------------------------------------------------------------

@pytest.fixture
def partnership(walsall):
    return walsall.partnership


def reg_of(partnership, *figures, families=("audits",)) -> Register:
    coverage = pd.DataFrame({"family": list(families), "span": [Y] * len(families), "has_data": [True] * len(families)})
    return Register(figures, coverage, partnership=partnership)


def test_a_significant_fall_needs_attention_and_a_rise_is_better(partnership):
    def audits(change, p):
        return glance.audits(reg_of(
            partnership, Figure("audit.share.good", "s", Y, 0.2, "proportion", 4, 20),
            Figure("audit.share.good", "s", P, 0.2 - change / 100, "proportion", 10, 20),
            Figure("audit.change_pp.good", "c", Y, change, "percentage_points"),
            Figure("audit.test.grade_mix", "Fisher's exact test", Y, p, "p_value")), Y)
    worse = audits(-30, 0.01)  # 10 of 20 to 4 of 20, p = 0.01 < 0.05
    assert (worse.tone, worse.verdict) == ("attention", "Needs attention")
    assert worse.why == "grades moved by more than chance alone would explain (Fisher's exact test, p = 0.010)"
    assert audits(30, 0.01).verdict == "Better"
    assert audits(-30, 0.05).verdict == "No clear change"  # 0.05 itself is not below 0.05


def test_a_missing_share_is_not_available_never_zero(partnership):
    t = glance.audits(reg_of(partnership, Figure("audit.share.good", "s", Y, None, "proportion")), Y)
    assert (t.headline, t.tone) == ("[x]", "unknown")


def test_budget_follows_the_partnerships_rag(partnership):
    lines = pd.DataFrame({"section": ["expenditure"], "category": [""], "line": ["Total spending"],
                          "base": ["budget.section.expenditure"], "judgement": ["adverse"], "rag": ["Amber"],
                          "note": [""], "is_total": [True]})

    def budget(variance, rag):
        reg = reg_of(partnership, Figure("budget.expenditure.variance", "v", Y, variance, "gbp", 104000 + variance,
                                         104000),
                     Figure("budget.expenditure.variance_pct", "p", Y, variance / 1040, "percent"), families=("budget",))
        reg.details["budget.lines"] = lines.assign(rag=[rag])
        return glance.budget(reg, Y)
    # £4,000 over a budget of £104,000 = 3.8% over: amber is worth watching
    amber = budget(4000, "Amber")
    assert (amber.headline, amber.what, amber.tone) == ("£4,000", "3.8% over budget on spending", "watch")
    assert budget(4000, "Red").tone == "attention"
    under = budget(-2080, "Green")  # £2,080 under = 2.0% under budget: favourable
    assert (under.headline, under.what, under.verdict) == ("£2,080", "2.0% under budget on spending", "Within budget")


def test_overall_judgement_counts_and_names_areas():
    t = glance.Tile("Audits", "1", "", "", "fine", "No clear change", "")
    tiles = [t, replace(t, area="Budget", tone="attention"), replace(t, area="Actions", tone="attention"),
             replace(t, area="Training", tone="unknown")]
    assert glance.overall(tiles) == ("Two of the four areas need attention: the budget and actions from audits and "
                                     "reviews. Audit grades show no cause for concern. For training attendance there "
                                     "is not enough to judge yet.")
    assert glance.overall([t]) == "No area needs attention. Audit grades show no cause for concern."
    assert glance.overall([tiles[1]]) == "The one area needs attention: the budget."
    assert glance.overall([]) == "The data holds nothing to judge for this period."


def test_the_block_says_each_judgement_in_words(register):
    html = glance.block(glance.annual(register, Y)).body
    assert html.count('<li class="tile tone-') == 5
    assert '<p class="tile-number">£192,908</p>' in html
    assert "<strong>Needs attention</strong>: adverse, rated red" in html  # the words, not the colour alone
    assert '<p class="overall"><strong>Overall judgement:</strong> One of the five areas needs attention' in html
