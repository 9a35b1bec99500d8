"""The assurance sections of the annual and quarterly reports: actions arising from audits and reviews
(status in words, overdue at the period's last day) and agencies' Section 11 self-assessments. Numbers
from the register; the words of each action, agency and attendance from reg.details."""
from __future__ import annotations

from wsp_analysis.calc.register import Register, slug
from wsp_analysis.data import periods
from wsp_analysis.data.schema import SECTION11_GRADES
from wsp_analysis import format as fmt
from wsp_analysis.report import messages
from wsp_analysis.report import tables as datatables
from wsp_analysis.report.messages.assurance import action_groups, previous_round
from wsp_analysis.report.messages.quarterly import spans
from wsp_analysis.report.messages.common import get, value
from wsp_analysis.report.sections import Section, numerator, section
from wsp_analysis.report.tables import DataTable

STATUS_WORDS = {"completed": "Completed", "ongoing": "Ongoing", "not_stated": "Status not stated"}
COUNTS = ("raised", "completed", "ongoing", "not_stated")
GRADES = "Section 11 grades"  # how the grades table's title begins: the one Section 11 table a section shows


def _progress(reg: Register, prefix: str, period: str, suffix: str) -> str:
    v = {k: value(reg, f"{prefix}.{k}{suffix}", period) for k in (*COUNTS, "completed_share")}
    if v["raised"] is None:
        return ("All reported completed; number not given" if v["completed_share"] == 1 else
                "Reported as a whole; number not given")
    if not v["raised"]:
        return "No actions"
    words = [f"{v[k]} {w}" for k, w in (("completed", "completed"), ("ongoing", "ongoing"),
                                         ("not_stated", "status not stated")) if v[k]]
    return "All completed" if v["completed"] == v["raised"] else "; ".join(words)


def action_tables(reg: Register, period: str, as_of, suffix: str = "", title: str | None = None) -> list[DataTable]:
    """The actions tables: progress by source (with a row for all itemised actions), each action with its
    status and whether it was overdue at `as_of` in words, and progress by agency responsible. The
    figures are `period`'s (ids ending `suffix`); `title` names the period in captions. Empty when the
    period lists no action."""
    title = title or period
    listing = reg.detail("actions.listing")
    listing = listing[listing["suffix"] == suffix] if len(listing) else listing
    if listing.empty:
        return []
    at = fmt.date_words(as_of)
    over_col, share_col = f"Overdue at {at}", "Completed (share of those with a stated status)"
    cols = ["Raised by", "Actions", "Completed", "Ongoing", "Status not stated", share_col, over_col, "Progress"]
    kinds = {c: "count" for c in cols[1:5]} | {share_col: "proportion", over_col: "count"}

    def row(prefix: str, name: str) -> list:
        return [name, *[value(reg, f"{prefix}.{k}{suffix}", period) for k in (*COUNTS, "completed_share", "overdue")],
                _progress(reg, prefix, period, suffix)]

    rows = [row(prefix, name) for prefix, name in action_groups(reg, period, suffix)]
    rows.append(row("actions", "All itemised actions"))
    by_source = datatables.build(
        f"Actions from audits and reviews by source, {title} (number)", rows, cols, kinds,
        notes=("Completed share: of the actions whose status is stated.",
               f"Overdue: due before {at} and not completed by then; [x] where no action has a due date.",
               "A review that reports its actions only as a whole (their number not given) has [x] for its counts "
               "and is not in the row for all itemised actions."))
    lrows = []
    for r in listing.to_dict("records"):
        done = fmt.date_words(r["date_completed"]) if r["status_at"] == "completed" else fmt.NOT_APPLICABLE
        lrows.append([r["raised_by"], r["action"] if r["level"] == "action" else f"{r['action']} (review level)",
                      r["agency"] if isinstance(r["agency"], str) else None, fmt.date_words(r["due_date"]),
                      STATUS_WORDS[r["status_at"]], done,
                      r["overdue"].capitalize() if isinstance(r["overdue"], str) else fmt.NOT_APPLICABLE])
    each = datatables.build(f"Each action from audits and reviews, {title}", lrows,
                            ["Raised by", "Action", "Agency responsible", "Due", f"Status at {at}", "Completed on",
                             over_col], row_headers=2,
                            notes=(f"Status at {at}: as recorded, except that an action completed after that date "
                                   "was still ongoing then. Not known: past its due date with no stated status or "
                                   "no completion date.",))
    arows = []
    for prefix, name in action_groups(reg, period, suffix, "by_agency"):
        name = ("Not stated" if prefix.endswith(".not_stated") else
                name.removeprefix("Actions for which ").removesuffix(" is responsible"))
        arows.append([name, *[value(reg, f"{prefix}.{k}{suffix}", period) for k in (*COUNTS, "overdue")]])
    acols = ["Agency responsible", "Actions", "Completed", "Ongoing", "Status not stated", over_col]
    by_agency = datatables.build(f"Actions from audits and reviews by agency responsible, {title} (number)",
                                 arows, acols, {c: "count" for c in acols[1:]},
                                 notes=("Itemised actions only: a review that reports its actions only as a "
                                        "whole is not counted here.",))
    return [by_source, each, by_agency]


def actions(reg: Register, year: str) -> Section:
    """Actions arising from the year's audits and reviews, in words: their status, which were overdue at the
    year's last day, and progress by source (the tables, by source, each action and by agency, are in the
    appendix: action_details). Words alone, so that the annual page reads in eight laptop screens."""
    return section(messages.actions(reg, year), said=messages.key_messages(reg, year))


def action_details(reg: Register, year: str) -> list[DataTable]:
    """The actions tables of the appendix: progress by source, each action with its status, and progress by
    agency responsible."""
    if not reg.has_data("actions", year):
        return []
    return action_tables(reg, year, periods.year_dates(year)[1])


def section11_tables(reg: Register, year: str, period: str, suffix: str = "") -> list[DataTable]:
    """The Section 11 tables: grades (own and after moderation, with the previous round where the register
    holds it, and the change), the self-grades moderated lower, each agency's summary, and who attended
    the assurance event."""
    out = []
    agencies = get(reg, "section11.agencies" + suffix, period)
    if agencies is not None and not agencies.missing:
        prev = previous_round(reg, period, suffix)
        before = {gr: get(reg, f"section11.grade.{slug(gr)}", prev) if prev else None for gr in SECTION11_GRADES}
        with_prev = any(f is not None for f in before.values())
        cols = ["Grade", "Agency's own (number)", "Agency's own (share)", "After moderation (number)",
                "After moderation (share)", *([f"{prev} round after moderation (share)"] if with_prev else []),
                "Change (percentage points)"]
        rows = []
        for gr in SECTION11_GRADES:
            own, st = (f"section11.{k}.{slug(gr)}{suffix}" for k in ("self", "grade"))
            rows.append([gr, numerator(reg, own, period), value(reg, own, period), numerator(reg, st, period),
                         value(reg, st, period), *([before[gr].value if before[gr] else None] if with_prev else []),
                         value(reg, f"section11.change_pp.{slug(gr)}{suffix}", period)])
        kinds = {c: "count" if "(number)" in c else "proportion" for c in cols[1:-1]} | {cols[-1]: "decimal"}
        out.append(datatables.build(f"{GRADES}, {year} round: agencies' own and after moderation", rows,
                                    cols, kinds, notes=("After moderation: the partnership's grade where it checked "
                                                        "the evidence, else the agency's own.",)))
        low = reg.detail("section11.lowered")
        if len(low):
            out.append(datatables.build(
                f"Self-grades the partnership moderated lower, {year} round",
                [[r["agency"], r["standard"], r["self_grade"], r["moderated_grade"]] for r in low.to_dict("records")],
                ["Agency", "Standard", "Agency's own grade", "Moderated grade"], row_headers=2))
        each = reg.detail("section11.agencies")
        acols = ["Agency", "Standards", "Self-graded", "Moderated", "Moderated lower",
                 *[f"{gr} after moderation" for gr in SECTION11_GRADES]]
        keys = ("standards", "self_graded", "moderated", "moderated_lower",
                *[f"grade.{slug(gr)}" for gr in SECTION11_GRADES])
        out.append(datatables.build(
            f"Section 11 self-assessment by agency, {year} round (number of standards)",
            [[r["agency"], *[value(reg, f"{r['base']}.{k}{suffix}", period) for k in keys]]
             for r in each.to_dict("records")] if len(each) else [],
            acols, {c: "count" for c in acols[1:]}))
    att = reg.detail("section11.attendance")
    dates = {fmt.date_words(d) for d in att["event_date"]} if len(att) else set()
    if len(dates) == 1:  # one event: its date once, in the title, not on every row
        out.append(datatables.build(f"Organisations that attended the Section 11 assurance event on {dates.pop()}",
                                    [[r["organisation"]] for r in att.to_dict("records")], ["Organisation"],
                                    row_headers=0))  # a list: its one column is the data, not a row's label
    elif len(att):
        out.append(datatables.build(
            f"Organisations that attended the Section 11 assurance event, {year}",
            [[r["organisation"], fmt.date_words(r["event_date"])] for r in att.to_dict("records")],
            ["Organisation", "Event date"]))
    return out


def section11(reg: Register, year: str) -> Section:
    """Agencies' Section 11 self-assessments: grades, moderation, change since the previous round (the
    self-grades moderated lower, each agency and who attended the assurance event are in the appendix:
    section11_details)."""
    if not reg.has_data("section11", year):
        return section(messages.section11(reg, year))
    return section(messages.section11(reg, year), None, _grades(section11_tables(reg, year, year)))


def _grades(tables: list[DataTable]) -> list[DataTable]:
    return [t for t in tables if t.title.startswith(GRADES)]


def _not_grades(tables: list[DataTable]) -> list[DataTable]:
    return [t for t in tables if not t.title.startswith(GRADES)]


def section11_details(reg: Register, year: str, quarter: str | None = None) -> list[DataTable]:
    """The Section 11 tables of the appendix: the self-grades moderated lower, each agency's summary, and who
    attended the assurance event (the year's round as recorded by the end of `quarter`, when given)."""
    if not reg.has_data("section11", year):
        return []
    if quarter:
        return _not_grades(section11_tables(reg, year, periods.period_label(year, quarter), ".ytd"))
    return _not_grades(section11_tables(reg, year, year))


def quarterly_actions(reg: Register, year: str, quarter: str) -> Section:
    """Actions from audits and reviews in a quarterly report: the quarter's and the year to date's, overdue
    at the quarter's end."""
    this, to_date = spans(year, quarter)
    msgs = messages.actions(reg, year, quarter)
    if not reg.has_data("actions", this) and not reg.has_data("actions", to_date):
        return section(msgs)
    period = periods.period_label(year, quarter)
    rows = (("actions.raised", "Actions raised", "count"), ("actions.completed", "Completed", "count"),
            ("actions.ongoing", "Ongoing", "count"), ("actions.not_stated", "Status not stated", "count"),
            ("actions.completed_share", "Completed (share of those with a stated status)", "proportion"),
            ("actions.with_due_date", "With a due date", "count"),
            ("actions.overdue", f"Overdue at the end of {quarter}", "count"))
    summary = datatables.build(
        f"Actions from audits and reviews, {quarter} {year} and year to date",
        [[label, value(reg, k, period), value(reg, k + ".ytd", period)] for k, label, _ in rows],
        ["Measure", quarter, "Year to date"], row_kinds=tuple(kind for _, _, kind in rows),
        notes=("Actions are counted in the quarter of the audit round that raised them; a review reporting its "
               "actions only as a whole is counted in the annual report.",))
    return section(msgs, None, [summary], said=messages.quarterly.key_messages(reg, year, quarter))


def quarterly_action_details(reg: Register, year: str, quarter: str) -> list[DataTable]:
    """The actions tables of a quarterly report's appendix: progress by source, each action and progress by
    agency, for the year to the end of the quarter."""
    this, to_date = spans(year, quarter)
    if not reg.has_data("actions", this) and not reg.has_data("actions", to_date):
        return []
    period, as_of = periods.period_label(year, quarter), periods.quarter_dates(year, quarter)[1]
    return action_tables(reg, period, as_of, ".ytd", f"{year} to the end of {quarter}")


def quarterly_section11(reg: Register, year: str, quarter: str) -> Section:
    """The year's Section 11 round as recorded (a round is yearly), attendance up to the quarter's end."""
    msgs = messages.section11(reg, year, quarter)
    if not reg.has_data("section11", year):
        return section(msgs)
    return section(msgs, None, _grades(section11_tables(reg, year, periods.period_label(year, quarter), ".ytd")))

