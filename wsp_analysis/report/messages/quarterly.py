"""Messages of the quarterly report: the quarter's audit round, training, referrals and budget monitoring,
each against the year to date (and training against the same quarter a year earlier), and its key
messages. An area with no data in the quarter says so in one sentence."""
from __future__ import annotations

from wsp_analysis.calc.register import Register, slug
from wsp_analysis.calc.spans import span_key
from wsp_analysis.data import periods
from wsp_analysis import format as fmt
from wsp_analysis.report.messages import assurance
from wsp_analysis.report.messages import training as training_messages
from wsp_analysis.report.messages.common import get, known, listing, missing_areas, no_data, of, unique

THEMES_DIFFER = "Each quarter audits a different theme, so a change against another quarter is not applicable."
BUDGET_SECTIONS = (("expenditure", "Spending"), ("income", "Income"))


def spans(year: str, quarter: str) -> tuple[str, str]:
    """The span keys of a quarter and of its year to date: ("2023-24:Q3", "2023-24:Q1-Q3")."""
    return span_key(year, (quarter,)), span_key(year, periods.quarters_to(quarter))


def _elsewhere(reg: Register, family: str, year: str, quarter: str) -> str:
    """Why a quarter has nothing: the data holds nothing for it, or holds the year only in other forms."""
    reason = f"the data holds none for {quarter} {year}"
    if reg.has_data(family, year):
        reason += ", only for the year as a whole or for other quarters"
    return reason


def themes(reg: Register, year: str, quarters) -> str:
    """The themes of the audit rounds of `quarters` of `year`, in order ("Transitions, Neglect")."""
    r = reg.detail("audits.rounds")
    if r.empty:
        return ""
    r = r[(r["year"] == year) & r["quarter"].isin(list(quarters))].sort_values("quarter", kind="stable")
    return ", ".join(dict.fromkeys(r["theme"]))


def audits(reg: Register, year: str, quarter: str) -> list[str]:
    """The quarter's audit round (its theme and grades) and the year to date's count."""
    this, to_date = spans(year, quarter)
    period = periods.period_label(year, quarter)
    if not reg.has_data("audits", to_date):
        return [no_data("audits", f"{quarter} {year}", _elsewhere(reg, "audits", year, quarter))]
    msgs = []
    graded = get(reg, "audit.graded", period)
    if not reg.has_data("audits", this):
        msgs.append(no_data("audits", quarter, f"no audit round is recorded for {quarter} {year}"))
    elif not known(graded):
        msgs.append(f"The number of cases the {quarter} audit round graded is not available {fmt.NOT_AVAILABLE}: a "
                    "grade's count is missing from the data.")
    else:
        parts = []
        for g in reg.partnership.grade_scale:
            s = get(reg, f"audit.share.{slug(g)}", period)
            if s is not None and s.numerator:
                parts.append(f"{fmt.count(s.numerator)} {g.lower()}")
        theme = themes(reg, year, (quarter,))
        msgs.append(f"The {quarter} audit round" + (f" ({theme})" if theme else "")
                    + f" graded {fmt.count(graded.value)} cases: {', '.join(parts)}.")
    ytd = get(reg, "audit.graded.ytd", period)
    if known(ytd):
        msgs.append(f"Year to date, {fmt.count(ytd.value)} cases have been graded.")
    msgs.append(THEMES_DIFFER)
    return msgs


def _counts_known(reg: Register, period: str) -> list[str]:
    return [f"{f.label[:1].lower()}{f.label[1:]} {fmt.count(f.value)}" for f in reg.find("training.", period)
            if f.unit == "count" and not f.id.endswith(".ytd") and known(f)]


def training(reg: Register, year: str, quarter: str) -> list[str]:
    """The quarter's attendance against the same quarter a year earlier, and the year to date's."""
    this, _ = spans(year, quarter)
    period, prev = periods.period_label(year, quarter), periods.period_label(periods.previous_year(year), quarter)
    att = get(reg, "training.attendance_rate", period)
    msgs = []
    if not reg.has_data("training", this):
        msgs.append(no_data("training", quarter, _elsewhere(reg, "training", year, quarter)))
    elif training_messages.is_published(att):
        msgs.append(training_messages.attendance_published(reg, period, f" in {quarter}"))
    elif not known(att) and training_messages.counted_without_bookings(reg, period, quarter):
        msgs.append(training_messages.counted_without_bookings(reg, period, quarter))
    elif not known(att):
        msgs.append(f"The share of training bookings attended in {quarter} is not available {fmt.NOT_AVAILABLE}: the "
                    "data does not give both the bookings and the attendance for the quarter.")
        counts = _counts_known(reg, period)
        if counts:
            msgs.append(f"What the data gives for {quarter}: " + "; ".join(counts) + ".")
    else:
        msgs.append(f"{fmt.pct(att.value)} of training bookings in {quarter} were attended "
                    f"{of(att.numerator, att.denominator)}.")
        before = get(reg, "training.attendance_rate", prev)
        if known(before):
            msgs.append(f"In {quarter} a year earlier {fmt.pct(before.value)} were attended "
                        f"{of(before.numerator, before.denominator)}.")
    if reg.has_data("training", this):
        msgs += [m for m in (training_messages.walk_ins(reg, period), training_messages.registrations(reg, period))
                 if m]
    ytd = get(reg, "training.attendance_rate.ytd", period)
    if known(ytd) and not training_messages.is_published(ytd):
        msgs.append(f"Year to date, {fmt.pct(ytd.value)} of {fmt.count(ytd.denominator)} bookings were attended.")
    if reg.has_data("training", this):
        msgs += training_messages.breakdowns(reg, period, quarter)
    return msgs


def referral_ids(reg: Register, period: str) -> list[tuple[str, str, str]]:
    """(id, label, kind) of each referral figure of the quarter, in the register's order; kind "count" or
    "proportion"."""
    return [(f.id, f.label, f.unit) for f in reg.find("referrals.", period)
            if not f.id.endswith(".ytd") and f.unit in ("count", "proportion")]


def referrals(reg: Register, year: str, quarter: str) -> list[str]:
    """Each referral count of the quarter and of the year to date; the counts not available in either, once."""
    this, to_date = spans(year, quarter)
    period = periods.period_label(year, quarter)
    if not reg.has_data("referrals", this) and not reg.has_data("referrals", to_date):
        return [no_data("referrals", f"{quarter} {year}", _elsewhere(reg, "referrals", year, quarter))]
    msgs, neither = [], []
    if not reg.has_data("referrals", this):
        msgs.append(no_data("referrals", quarter, _elsewhere(reg, "referrals", year, quarter)))
    for id_, label, kind in referral_ids(reg, period):
        if kind != "count":
            continue
        q, y = get(reg, id_, period), get(reg, id_ + ".ytd", period)
        if not known(q) and not known(y):
            neither.append(label[:1].lower() + label[1:])
            continue
        msgs.append(f"{label}: {fmt.count(q.value if q else None)} in {quarter}, "
                    f"{fmt.count(y.value if y else None)} year to date.")
    if neither and reg.has_data("referrals", this):
        msgs.append(f"Not available {fmt.NOT_AVAILABLE} for {quarter} or the year to date: {listing(neither)}.")
    return msgs


def budget(reg: Register, year: str, quarter: str) -> list[str]:
    """Spending and income to the end of the quarter against the profiled budget, in words (adverse or
    favourable), and each forecast outturn."""
    _, to_date = spans(year, quarter)
    if not reg.has_data("budget", to_date):
        return [no_data("budget", quarter, _elsewhere(reg, "budget", year, quarter)
                        + ", so there is no quarterly budget monitoring to report")]
    period = periods.period_label(year, quarter)
    msgs = []
    for s, name in BUDGET_SECTIONS:
        var = get(reg, f"budget.{s}.variance.ytd", period)
        if not known(var):
            msgs.append(f"{name} to date against the profiled budget is not available {fmt.NOT_AVAILABLE}.")
            continue
        over = var.value > 0
        good = (not over) if s == "expenditure" else over
        words = ("over" if over else "under") if var.value else "exactly on"
        msgs.append(f"{name} to the end of {quarter} was {fmt.gbp(var.numerator)} against {fmt.gbp(var.denominator)} "
                    f"profiled: {fmt.gbp(abs(var.value))} {words} the profile"
                    + ("" if not var.value else f" ({'favourable' if good else 'adverse'})") + ".")
        fc = get(reg, f"budget.{s}.forecast_variance", period)
        if known(fc):
            msgs.append(f"Forecast {name.lower()} for the year is {fmt.gbp(fc.numerator)} against a budget of "
                        f"{fmt.gbp(fc.denominator)}.")
    return msgs


def key_messages(reg: Register, year: str, quarter: str) -> list[str]:
    """The first message of each area (audits, training, referrals, budget, actions) with data in the year to
    date, then one message naming the areas with none (Section 11 is yearly: its year counts)."""
    this, to_date = spans(year, quarter)
    firsts = {"audits": audits, "training": training, "referrals": referrals, "budget": budget,
              "actions": assurance.actions}
    out = [first(reg, year, quarter)[0] for f, first in firsts.items() if reg.has_data(f, to_date)]
    missing = missing_areas(reg, {**{f: to_date for f in firsts}, "section11": year}, f"{quarter} {year}")
    return unique(out + ([missing] if missing else []))
