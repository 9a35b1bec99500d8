"""Messages about assurance: actions arising from audits and reviews (status in words, overdue at the
period's last day), and agencies' Section 11 self-assessments (grades, moderation, change since the
previous round, or who attended the assurance event where grades are not published)."""
from __future__ import annotations

import re

from wsp_analysis.calc.register import Register, slug
from wsp_analysis.calc.spans import span_key
from wsp_analysis.data import periods
from wsp_analysis.data.schema import SECTION11_GRADES
from wsp_analysis import format as fmt
from wsp_analysis.report.messages.common import (change_in_points, get, interval, known, listing, no_data, number, of,
                                                 plural, sentence, unique, verdict)


# --- actions from audits and reviews -----------------------------------------------------------------

def _status_parts(completed, ongoing, not_stated) -> str:
    """"five completed, two ongoing and three whose status is not stated"; "all three completed"."""
    total = sum(v for v in (completed, ongoing, not_stated))
    for v, words in ((completed, "completed"), (ongoing, "ongoing")):
        if v == total:
            return f"{'both' if total == 2 else 'all ' + number(total)} {words}" if total > 1 else words
    if not_stated == total:
        return "no status stated" + ("" if total == 1 else " for either" if total == 2 else " for any of them")
    parts = [f"{number(v)} {w}" for v, w in ((completed, "completed"), (ongoing, "ongoing")) if v]
    if not_stated:
        parts.append(f"{number(not_stated)} whose status is not stated")
    return listing(parts)


def action_groups(reg: Register, period: str, suffix: str, kind: str = "by_source") -> list[tuple[str, str]]:
    """(id prefix, name) of each group of actions the register holds (kind "by_source" or "by_agency"), in
    order: "actions.by_source.scr_w6", "SCR W6"."""
    out = []
    for f in reg.find(f"actions.{kind}.", period):
        if f.id.endswith(".raised" + suffix) and f.id.count(".") == 3 + (1 if suffix else 0):
            name = f.label.removesuffix(", year to date").removeprefix("Actions raised by ")
            out.append((f.id.removesuffix(".raised" + suffix), name))
    return out


def _overdue(reg: Register, period: str, suffix: str, at: str) -> str:
    g = lambda id_: get(reg, id_ + suffix, period)  # noqa: E731
    due, over, unknown = g("actions.with_due_date"), g("actions.overdue"), g("actions.overdue_not_known")
    if not known(over):
        return (f"No action has a due date recorded, so whether any was overdue at {at} is not available "
                f"{fmt.NOT_AVAILABLE}.")
    if over.value == 0:
        msg = (f"At {at}, none of the {number(due.value)} actions with a due date was overdue"
               if due.value > 2 else f"At {at}, neither of the two actions with a due date was overdue"
               if due.value == 2 else f"At {at}, the one action with a due date was not overdue")
    else:
        msg = (f"At {at}, {number(over.value)} of the {number(due.value)} actions with a due date "
               f"{plural(over.value, 'was', 'were')} overdue (past the due date and not completed by then)")
    if known(unknown) and unknown.value:
        msg += (f"; for {number(unknown.value)} more past {plural(unknown.value, 'its', 'their')} due date "
                "the status or completion date is not given, so whether "
                f"{plural(unknown.value, 'it is', 'they are')} overdue is not known")
    return msg + "."


def actions_period(reg: Register, period: str, as_of, suffix: str = "", when: str = "") -> list[str]:
    """Messages for one period's actions: how many and their status, the completed share with its
    interval, overdue at `as_of` (a date), reviews that report their actions only as a whole, and each
    source's progress. `when` says the period in words ("in 2023-24")."""
    g = lambda id_: get(reg, id_ + suffix, period)  # noqa: E731
    raised = g("actions.raised")
    if raised is None:
        return []
    out = []
    if raised.missing:
        out.append(f"The number of actions from audits and reviews {when} is not available {fmt.NOT_AVAILABLE}.")
    elif raised.value == 0:
        out.append(f"No actions from audits or reviews are recorded {when}.")
    else:
        c, o, n = (g(f"actions.{s}").value for s in ("completed", "ongoing", "not_stated"))
        out.append(f"Audits and reviews raised {number(raised.value)} {plural(raised.value, 'action', 'actions')} "
                   f"{when}: {_status_parts(c, o, n)}.")
        share = g("actions.completed_share")
        if known(share):
            stated = share.denominator
            who = (f"of the {number(stated)} with a stated status" if n else
                   "of them" if stated > 1 else "")
            msg = (f"{fmt.pct(share.value)} {who} {plural(c, 'is', 'are')} completed {of(c, stated)}" if c else
                   f"None {who} is completed yet {of(c, stated)}")
            if share.interval and stated < 30:
                msg += (f"; with so few actions the share is uncertain: its 95% interval runs "
                        f"{interval(share)}")
            out.append(sentence(" ".join(msg.split())) + ".")
        elif n:
            out.append("No action has a stated status, so the share completed is not available "
                       f"{fmt.NOT_AVAILABLE}.")
        out.append(_overdue(reg, period, suffix, fmt.date_words(as_of)))
    groups = action_groups(reg, period, suffix)
    for prefix, name in groups:
        if get(reg, f"{prefix}.raised{suffix}", period).missing:
            share = get(reg, f"{prefix}.completed_share{suffix}", period)
            if known(share) and share.value == 1:
                out.append(f"{name}: all its actions are reported completed; their number is not given, so they are "
                           "not counted above.")
            else:
                out.append(f"{name}: its actions are reported only as a whole, without their number, so they are not "
                           "counted above.")
    itemised = []
    for prefix, name in groups:
        r = get(reg, f"{prefix}.raised{suffix}", period)
        if not r.missing and r.value:
            c, o, n = (get(reg, f"{prefix}.{s}{suffix}", period).value for s in ("completed", "ongoing", "not_stated"))
            itemised.append(f"{name} ({number(r.value)} {plural(r.value, 'action', 'actions')}: "
                            f"{_status_parts(c, o, n)})")
    if len(itemised) > 1:
        out.append("By source: " + "; ".join(itemised) + ".")
    return out


def actions(reg: Register, year: str, quarter: str | None = None) -> list[str]:
    """Messages for the actions section: the year's actions (overdue at the year's last day), or the
    quarter's and then the year to date's (overdue at the quarter's last day). One sentence when the period
    has no actions data."""
    if quarter is None:
        if not reg.has_data("actions", year):
            return [no_data("actions", year)]
        return unique(actions_period(reg, year, periods.year_dates(year)[1], when=f"in {year}"))
    period, as_of = periods.period_label(year, quarter), periods.quarter_dates(year, quarter)[1]
    this = reg.has_data("actions", span_key(year, (quarter,)))
    to_date = reg.has_data("actions", span_key(year, periods.quarters_to(quarter)))
    if not this and not to_date:
        return [no_data("actions", f"{quarter} {year}", "the data holds none for the quarter or the year to date")]
    out = (actions_period(reg, period, as_of, when=f"in {quarter} {year}") if this else
           [no_data("actions", quarter, f"the data holds none for {quarter} {year}; the year to date follows")])
    ytd = actions_period(reg, period, as_of, ".ytd", f"in {year} to the end of {quarter}")
    if quarter != "Q1" and ytd:
        out.append("Year to date: " + ytd[0][0].lower() + ytd[0][1:])
        out += [m for m in ytd[1:3] if "overdue" in m]
    return unique(out)


# --- Section 11 self-assessments -----------------------------------------------------------------------

def event_dates(reg: Register) -> list:
    """The dates of the assurance events in the register's attendance list, earliest first."""
    att = reg.detail("section11.attendance")
    if att.empty:
        return []
    return sorted({d for d in att["event_date"] if not fmt.is_missing(d)})


def previous_round(reg: Register, period: str, suffix: str = "") -> str | None:
    """The previous Section 11 round the register compares with ("2021-22"), as its change figures name it;
    None when there was none."""
    for f in reg.find("section11.change_pp.", period):
        if f.id.endswith(suffix):
            m = re.search(r"since the (\d{4}-\d{2}) round", f.label)
            if m:
                return m.group(1)
    return None


def section11(reg: Register, year: str, quarter: str | None = None) -> list[str]:
    """Messages for the Section 11 section: who attended the assurance event, the grades agencies gave
    themselves and the grades after moderation, the agencies moderated lower, and the change since the
    previous round. Where no grades are recorded it says they are not available, never 0; where the year
    has no Section 11 records at all, one sentence."""
    if not reg.has_data("section11", year):
        return [no_data("section11", year)]
    suffix = ".ytd" if quarter else ""
    period = periods.period_label(year, quarter)
    g = lambda id_: get(reg, id_ + suffix, period)  # noqa: E731
    agencies, attended = g("section11.agencies"), g("section11.attended")
    if agencies is None:
        return []
    out = []
    dates = event_dates(reg)
    event = f"on {listing([fmt.date_words(d) for d in dates])}" if dates else f"in {year}"
    if known(attended) and attended.value:
        out.append(f"The Section 11 assurance {plural(len(dates), 'event', 'events')} {event} "
                   f"{plural(len(dates), 'was', 'were')} attended by {number(attended.value)} "
                   f"{plural(attended.value, 'organisation', 'organisations')}, listed in the appendix.")
    prev = previous_round(reg, period, suffix)
    if agencies.missing:
        if known(attended) and attended.value:
            out.append(f"Their self-assessment grades are not published, so the grades, their moderation and the "
                       f"change since the last round are not available {fmt.NOT_AVAILABLE}.")
        else:
            by = f" by the end of {quarter}" if quarter else ""
            out.append(f"No Section 11 self-assessment round is recorded for {year}{by} {fmt.NOT_AVAILABLE}"
                       + (f"; the latest was in {prev}." if prev else "."))
        return out
    n = g("section11.assessments")
    own = [g(f"section11.self.{slug(gr)}") for gr in SECTION11_GRADES]
    parts = [f"{fmt.pct(f.value)} {gr.lower()} {of(f.numerator, f.denominator)}" for f, gr in
             zip(own, SECTION11_GRADES) if known(f)]
    out.append(f"In the {year} round, {number(agencies.value)} {plural(agencies.value, 'agency', 'agencies')} graded "
               f"{plural(agencies.value, 'itself', 'themselves')} against the Section 11 standards, giving "
               f"{number(n.value if n else None)} grades: " + listing(parts) + ".")
    standing = [g(f"section11.grade.{slug(gr)}") for gr in SECTION11_GRADES]
    moderated, lower = g("section11.moderated"), g("section11.moderated_lower")
    if known(moderated) and moderated.value:
        parts = [f"{fmt.pct(f.value)} {gr.lower()}" for f, gr in zip(standing, SECTION11_GRADES) if known(f)]
        out.append(f"The partnership checked the evidence for {number(moderated.value)} of the grades. With its "
                   "grade standing where it gave one, the standards were " + listing(parts) + ".")
        share = g("section11.moderated_lower_share")
        names = dict(zip(reg.detail("section11.agencies").get("base", []),
                         reg.detail("section11.agencies").get("agency", [])))
        lowered = [(names.get(f.id.removesuffix(".moderated_lower" + suffix)), f.value)
                   for f in reg.find("section11.agency.", period)
                   if f.id.endswith(".moderated_lower" + suffix) and f.value]
        if known(lower) and lower.value:
            msg = (f"It moderated {number(lower.value)} {plural(lower.value, 'grade', 'grades')} lower than the "
                   f"agency's own ({fmt.pct(share.value if share else None)}; {fmt.count(lower.value)} of "
                   f"{fmt.count(moderated.value)}): "
                   + listing([f"{name} ({number(v)})" for name, v in lowered if name]) + ".")
        else:
            msg = "It moderated no grade lower than the agency's own."
        out.append(msg)
    else:
        out.append(f"No grade was moderated by the partnership, so whether agencies graded themselves too "
                   f"generously is not known {fmt.NOT_AVAILABLE}.")
    best = SECTION11_GRADES[0]
    change, cur = g(f"section11.change_pp.{slug(best)}"), standing[0]
    before = get(reg, f"section11.grade.{slug(best)}", prev) if prev else None
    if prev is None:
        out.append("This is the first round recorded, so there is no change since a previous round to report.")
    elif known(change) and known(cur):
        msg = (f"Standards {best.lower()} after moderation: {fmt.pct(cur.value)}, "
               + (f"{change_in_points(change.value, before.value)} in the {prev} round" if known(before) else
                  f"{change_in_points(change.value)} since the {prev} round"))
        test = g("section11.test.grade_mix")
        if known(test):
            msg += ". " + sentence(verdict(test.value, "Fisher's exact test", "the mix of grades changed"))
        out.append(msg + ".")
    return out
