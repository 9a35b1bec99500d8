"""At a glance: one tile per area with data, each with its headline number, the change in words and a
judgement in words, then an overall judgement; what a board member reads in the first screen.

    tiles = glance.annual(reg, "2023-24")          # or glance.quarterly(reg, "2023-24", "Q3")
    display(glance.block(tiles))

Every number is a figure of the register, shown in the report's number style (prose: whole percents,
thousands separators, whole pounds). A judgement is one of five words-first verdicts (JUDGEMENTS), each
with its reason in a few words, so colour (the tile's edge) never carries it alone. The rules are plain:

- A change is "better" or "worse" only when its test says it is larger than chance alone would be likely
  to produce (p < 0.05); a tested change that is not is "no clear change"; a fall that cannot be tested
  (counts not published) is "worth watching".
- The budget follows the partnership's own RAG rating of total spending: red needs attention, amber is
  worth watching, green or under budget is within budget.
- Actions need attention when any is overdue, are on track when none with a due date is, and cannot be
  judged when no due date is recorded.
- Referral counts and each quarter's audit round (a different theme each quarter) are for information:
  more referrals or fewer is neither better nor worse, and one round is not compared with another.
"""
from __future__ import annotations

import html
from dataclasses import dataclass

from wsp_analysis.calc import stats
from wsp_analysis.calc.register import Figure, Register, slug
from wsp_analysis.data import periods
from wsp_analysis.report import blocks
from wsp_analysis import format as fmt
from wsp_analysis.report.messages.budget import EXPENDITURE, budget_lines
from wsp_analysis.report.messages.common import (change_in_points, get, known, listing, number, of, p_value,
                                                 plural, sentence, variance_percent)

# tone -> the judgement's words; the tone also names the tile's CSS class (its coloured edge)
JUDGEMENTS = {"attention": "Needs attention", "watch": "Worth watching", "fine": "No cause for concern",
              "unknown": "Cannot judge yet", "info": "For information"}


@dataclass(frozen=True)
class Tile:
    """One area's tile: `headline` (the number, as text: "20%", "£192,908", "[x]"), `what` it counts, the
    `change` in words, and the judgement: `tone` (a key of JUDGEMENTS), `verdict` (its words, or plainer
    ones such as "Better" or "On track") and `why`, a few words of reason."""

    area: str
    headline: str
    what: str
    change: str
    tone: str
    verdict: str
    why: str


def _shown(f: Figure | None, say) -> str:
    """A figure as the tile shows it: its value in prose style, [c] when suppressed, [x] when not available."""
    if f is not None and f.symbol:
        return f.symbol
    return say(f.value) if known(f) else fmt.NOT_AVAILABLE


def _tile(area, headline, what, change, tone, why, verdict=None) -> Tile:
    return Tile(area, headline, what, change, tone, verdict or JUDGEMENTS[tone], why)


def _tested(area: str, headline: str, what: str, said: str, change: float, pvalue: float, test: str,
            moved: str, unclear: str) -> Tile:
    """A tile judged by a test of its change: better (or needs attention) when the test finds more than
    chance alone would explain, by the change's sign; else no clear change. `moved(better)` and `unclear`
    are the reasons in words, the test's name and p-value (`test`) after them."""
    if stats.significant(pvalue) and change:
        better = change > 0
        return _tile(area, headline, what, said, "fine" if better else "attention", f"{moved(better)} ({test})",
                     "Better" if better else None)
    return _tile(area, headline, what, said, "fine", f"{unclear} ({test})", "No clear change")


def _suppressed(area: str, what: str) -> Tile:
    return _tile(area, fmt.CONFIDENTIAL, what, "Suppressed to protect confidentiality", "unknown",
                 "the counts are too small to publish")


# --- the annual report's tiles ---------------------------------------------------------------------------

def audits(reg: Register, year: str) -> Tile:
    """The share at the partnership's headline grade (audit.share.<grade>), its change in percentage points and
    whether the change in the grade mix is more than chance (Fisher's exact test)."""
    g = reg.partnership.lead_grade()
    prev = periods.previous_year(year)
    share = get(reg, f"audit.share.{slug(g)}", year)
    what = f"of audits graded {g.lower()}"
    if share is not None and share.symbol:
        return _suppressed("Audits", what)
    if not known(share):
        return _tile("Audits", fmt.NOT_AVAILABLE, what, "A grade's count is missing from the data", "unknown",
                     "the year's share is not known")
    if share.denominator is not None:
        what += f" {of(share.numerator, share.denominator)}"
    change, before = get(reg, f"audit.change_pp.{slug(g)}", year), get(reg, f"audit.share.{slug(g)}", prev)
    if not known(change) or not known(before):
        return _tile("Audits", fmt.pct(share.value), what, f"No {prev} figure to compare with", "unknown",
                     "one year alone shows no change")
    said = sentence(change_in_points(change.value, before.value, prev))
    mix = get(reg, "audit.test.grade_mix", year)
    if known(mix):
        return _tested("Audits", fmt.pct(share.value), what, said, change.value, mix.value,
                       f"Fisher's exact test, {p_value(mix.value)}",
                       lambda better: "grades moved by more than chance alone would explain",
                       "too few audits to tell whether the grade mix changed")
    whose = prev if before.denominator is None else year
    if change.value < 0:
        return _tile("Audits", fmt.pct(share.value), what, said, "watch",
                     f"{whose}'s counts are not published, so the fall cannot be tested")
    return _tile("Audits", fmt.pct(share.value), what, said, "unknown",
                 f"{whose}'s counts are not published, so the change cannot be tested")


def training(reg: Register, year: str) -> Tile:
    """The share of bookings attended (training.attendance_rate), its change since the year before in
    percentage points and the two-proportion z-test of it."""
    prev = periods.previous_year(year)
    att = get(reg, "training.attendance_rate", year)
    what = "of training bookings attended"
    if att is not None and att.symbol:
        return _suppressed("Training", what)
    if not known(att):
        return _tile("Training", fmt.NOT_AVAILABLE, what, "Bookings or attendance missing from the data", "unknown",
                     "the attendance rate is not known")
    what += f" {of(att.numerator, att.denominator)}"
    change, before = get(reg, "training.change_pp.attendance_rate", year), get(reg, "training.attendance_rate", prev)
    if not known(change) or not known(before):
        return _tile("Training", fmt.pct(att.value), what, f"No {prev} rate to compare with", "unknown",
                     "one year alone shows no change")
    said = sentence(change_in_points(change.value, before.value, prev))
    test = get(reg, "training.test.attendance_rate", year)
    if not known(test):
        return _tile("Training", fmt.pct(att.value), what, said, "unknown", "the change could not be tested")
    return _tested("Training", fmt.pct(att.value), what, said, change.value, test.value,
                   f"two-proportion z-test, {p_value(test.value)}",
                   lambda better: f"attendance {'rose' if better else 'fell'} by more than chance alone would explain",
                   "a change this size could be chance alone")


def _referral_headline(reg: Register, period: str) -> Figure | None:
    """Serious-incident referrals, or (when the period has none known) the first referral count it has."""
    rec = get(reg, "referrals.received", period)
    if known(rec) or (rec is not None and rec.symbol):
        return rec
    return next((f for f in reg.find("referrals.", period) if f.unit == "count" and not f.id.endswith(".ytd")
                 and f.id.count(".") >= 1 and known(f)), rec)


def referrals(reg: Register, year: str) -> Tile:
    """Serious-incident referrals received (referrals.received) against the year before: for information."""
    prev = periods.previous_year(year)
    rec = _referral_headline(reg, year)
    what = "serious-incident referrals" if rec is None or rec.id == "referrals.received" else rec.label.lower()
    if rec is not None and rec.symbol:
        return _suppressed("Referrals", what)
    change = get(reg, "referrals.received_change", year) if rec is not None and rec.id == "referrals.received" else None
    if known(change):
        said = (f"The same as in {prev}" if change.value == 0 else
                sentence(f"{number(abs(change.value))} {'more' if change.value > 0 else 'fewer'} than the "
                         f"{number(change.denominator)} in {prev}"))
    else:
        said = f"No {prev} figure to compare with"
    return _tile("Referrals", _shown(rec, fmt.count), what, said, "info",
                 "more referrals or fewer is neither better nor worse in itself")


def _rag(reg: Register, year: str) -> str | None:
    total = next((r for r in budget_lines(reg, year) if r["section"] == EXPENDITURE and r["is_total"]), None)
    return total["rag"].lower() if total and total["rag"] else None


def budget(reg: Register, year: str) -> Tile:
    """Spending against budget (budget.expenditure.variance, with its percent of budget), judged by the
    partnership's RAG rating of total spending."""
    var, pct = get(reg, "budget.expenditure.variance", year), get(reg, "budget.expenditure.variance_pct", year)
    if not known(var):
        return _tile("Budget", fmt.NOT_AVAILABLE, "spending against budget", "Spending or its budget is missing",
                     "unknown", "spending against budget is not known")
    size = f" ({variance_percent(pct.value)})" if known(pct) else ""
    what = (f"{size.strip(' ()')} over budget on spending" if var.value > 0 and size else
            "over budget on spending" if var.value > 0 else
            f"{size.strip(' ()')} under budget on spending" if var.value < 0 and size else
            "under budget on spending" if var.value < 0 else "spending exactly on budget")
    said = f"Spent {fmt.gbp(var.numerator)} against a budget of {fmt.gbp(var.denominator)}"
    rag = _rag(reg, year)
    if var.value <= 0:
        return _tile("Budget", fmt.gbp(abs(var.value)), what, said, "fine", "favourable: spending within budget",
                     "Within budget")
    if rag == "red":
        return _tile("Budget", fmt.gbp(var.value), what, said, "attention", "adverse, rated red")
    if rag == "amber":
        return _tile("Budget", fmt.gbp(var.value), what, said, "watch", "adverse, rated amber")
    return _tile("Budget", fmt.gbp(var.value), what, said, "fine" if rag == "green" else "watch",
                 "adverse but rated green, within the partnership's tolerance" if rag == "green" else "adverse")


def actions(reg: Register, period: str, as_of, suffix: str = "") -> Tile:
    """The share of actions completed (actions.completed_share, of those with a stated status, with its counts),
    the status of the rest, and whether any was overdue at `as_of`."""
    g = lambda id_: get(reg, id_ + suffix, period)  # noqa: E731
    share, raised = g("actions.completed_share"), g("actions.raised")
    what = "of actions completed" + (" year to date" if suffix else "")
    if not known(share):
        return _tile("Actions", fmt.NOT_AVAILABLE, what, "No action has a stated status", "unknown",
                     "the share completed is not known")
    what += f" {of(share.numerator, share.denominator)}"
    rest = [(g(f"actions.{k}"), w) for k, w in (("ongoing", "ongoing"), ("not_stated", "with no status stated"))]
    parts = [f"{number(f.value)} {w}" for f, w in rest if known(f) and f.value]
    said = sentence(listing(parts)) if parts else f"All {number(raised.value)} completed" if known(raised) else ""
    over, due = g("actions.overdue"), g("actions.with_due_date")
    at = fmt.date_words(as_of)
    if known(over) and over.value:
        return _tile("Actions", fmt.pct(share.value), what, said, "attention",
                     f"{number(over.value)} of {number(due.value) if known(due) else fmt.NOT_AVAILABLE} with a due "
                     f"date {plural(over.value, 'was', 'were')} overdue at {at}")
    if known(over):
        return _tile("Actions", fmt.pct(share.value), what, said, "fine", f"none overdue at {at}", "On track")
    return _tile("Actions", fmt.pct(share.value), what, said, "unknown",
                 "no due dates recorded, so overdue is not known")


def annual(reg: Register, year: str) -> list[Tile]:
    """The annual (and publication) report's tiles: audits, training, referrals, budget and actions, each only
    when the register has data for it in the year."""
    makers = (("audits", audits), ("training", training), ("referrals", referrals), ("budget", budget))
    out = [make(reg, year) for family, make in makers if reg.has_data(family, year)]
    if reg.has_data("actions", year):
        out.append(actions(reg, year, periods.year_dates(year)[1]))
    return out


# --- the overall judgement and the block the page shows ----------------------------------------------------

# How the overall judgement names each area, and whether the name takes a plural verb.
AREA_WORDS = {"Audits": ("audit grades", True), "Training": ("training attendance", False),
              "Referrals": ("referrals", True), "Budget": ("the budget", False),
              "Actions": ("actions from audits and reviews", True)}


def _verb(names: list[tuple[str, bool]], one: str, many: str) -> str:
    return many if len(names) > 1 or names[0][1] else one


def overall(tiles: list[Tile]) -> str:
    """The overall judgement in words, from the tiles' tones: how many areas need attention and which, then
    what is worth watching, what shows no cause for concern, what cannot be judged yet, and what is given
    for information."""
    if not tiles:
        return "The data holds nothing to judge for this period."
    group = {tone: [AREA_WORDS.get(t.area, (t.area.lower(), False)) for t in tiles if t.tone == tone]
             for tone in JUDGEMENTS}
    say = lambda names: listing([n for n, _ in names])  # noqa: E731
    att, n = group["attention"], len(tiles)
    if not att:
        out = ["No area needs attention."]
    elif n == 1:
        out = [f"The one area needs attention: {say(att)}."]
    else:
        out = [f"{sentence(number(len(att)))} of the {number(n)} areas {plural(len(att), 'needs', 'need')} attention: "
               f"{say(att)}."]
    for tone, one, many, tail in (("watch", "is", "are", "worth watching"), ("fine", "shows", "show", "no cause for "
                                  "concern"), ("info", "is", "are", "given for information")):
        if group[tone]:
            out.append(f"{sentence(say(group[tone]))} {_verb(group[tone], one, many)} {tail}.")
    if group["unknown"]:
        out.append(f"For {say(group['unknown'])} there is not enough to judge yet.")
    return " ".join(out)


def block(tiles: list[Tile], summary: str | None = None) -> blocks.Html:
    """The tiles as a list, each a small card whose judgement is in words (its edge colour only repeats them),
    then the overall judgement (`summary`, by default overall(tiles))."""
    e = html.escape
    items = "".join(
        f'<li class="tile tone-{t.tone}"><h3 class="tile-area">{e(t.area)}</h3>'
        f'<p class="tile-number">{e(t.headline)}</p><p class="tile-what">{e(t.what)}</p>'
        + (f'<p class="tile-change">{e(t.change)}</p>' if t.change else "")
        + f'<p class="tile-judgement"><strong>{e(t.verdict)}</strong>: {e(t.why)}</p></li>'
        for t in tiles)
    summary = overall(tiles) if summary is None else summary
    return blocks.Html('<div class="glance">' + (f'<ul class="tiles">{items}</ul>' if items else "") +
                       f'<p class="overall"><strong>Overall judgement:</strong> {e(summary)}</p></div>')
