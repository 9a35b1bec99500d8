"""The training sections' tables for training as partnerships publish it: by course, by the attendees' agency,
and evaluation published as shares. Every number from the register; names (courses, agencies, measures) from
its details, as typed. A table with no value is left out by report.sections.section.

    annual.training(reg, "2023-24") and quarterly.training(reg, "2023-24", "Q3") add them to their tables.
"""
from __future__ import annotations

import dataclasses
import re

from wsp_analysis.calc.register import Register
from wsp_analysis.report import tables as datatables
from wsp_analysis.report.messages.common import get, value
from wsp_analysis.report.messages.training import published_evaluations

COURSE_COLUMNS = ("Course", "Delivered by", "Sessions", "Places", "Attended", "Places filled", "Interval from",
                  "Interval to")
# figures a partnership may not count at all: a table row of them is left out when every cell is [x]
OPTIONAL = ("training.sessions_cancelled", "training.trainer_days", "training.registrations", "training.walk_ins",
            "training.bookings_attended", "training.published.")


def courses(reg: Register, period: str, when: str) -> datatables.DataTable:
    """One row per course with a row in the report's own span: who delivered it, its sessions, places,
    attended and the share of places filled with its 95% interval."""
    d = reg.detail("training.events")
    rows = []
    for name, base, agency in (zip(d["course"], d["base"], d["agency"]) if len(d) else ()):
        fill = get(reg, f"{base}.fill_rate", period)
        low, high = fill.interval if fill is not None and fill.interval else (None, None)
        rows.append([name, agency or None, value(reg, f"{base}.sessions", period), value(reg, f"{base}.places", period),
                     value(reg, f"{base}.attended", period), value(reg, f"{base}.fill_rate", period), low, high])
    kinds = {"Sessions": "count", "Places": "count", "Attended": "count", "Places filled": "proportion",
             "Interval from": "proportion", "Interval to": "proportion"}
    return datatables.build(f"Training by course, {when}", rows, COURSE_COLUMNS, kinds, row_headers=2,
                            notes=("Places filled: attended as a share of the places offered, with its Wilson 95% "
                                   "interval.", "Delivered by: [x] where the agency that delivered it is not "
                                                "recorded."))


def agencies(reg: Register, period: str, when: str) -> datatables.DataTable:
    """One row per attendees' agency: how many attended and their share of the attendance recorded by agency."""
    d = reg.detail("training.agencies")
    rows = [[name, value(reg, f"{base}.attended", period), value(reg, f"{base}.share", period)]
            for name, base in (zip(d["agency"], d["base"]) if len(d) else ())]
    return datatables.build(f"Training attendance by agency, {when}", rows, ["Agency", "Attended", "Share"],
                            {"Attended": "count", "Share": "proportion"},
                            notes=("Share: of all the attendance recorded by agency; everyone is counted, so the "
                                   "shares have no sampling interval.",))


def evaluation(reg: Register, year: str) -> datatables.DataTable:
    """Evaluation published as shares of delegates: one row per measure, when asked, and period (the year, then
    each quarter with a value), with the number who responded and the 95% interval where published."""
    rows = [[measure, when or None, period, f.value, f.denominator, *(f.interval or (None, None))]
            for measure, when, period, f in published_evaluations(reg, year)]
    return datatables.build(f"Training evaluation published as shares of delegates, {year}", rows,
                            ["Delegates reporting", "When asked", "Period", "Share", "Responded", "Interval from",
                             "Interval to"],
                            {"Share": "proportion", "Responded": "count", "Interval from": "proportion",
                             "Interval to": "proportion"}, row_headers=2,
                            notes=("Published percentages: the counts behind them are not published. Where the "
                                   "number who responded is published, the Wilson 95% interval is worked out at the "
                                   "published share.",))


_WALK_INS = re.compile(r", including (?:[\d,]+ walk-ins?|no walk-ins)")


def row_label(label: str) -> str:
    """A figure's label as a table row names it across periods: without the period's own number of walk-ins
    ("People who attended training, including 35 walk-ins" -> "People who attended training, including
    walk-ins")."""
    return _WALK_INS.sub(", including walk-ins", label)


def relabelled(figs: list) -> list:
    """The figures with row labels (row_label), for a table comparing periods."""
    return [dataclasses.replace(f, label=row_label(f.label)) for f in figs]


def label_notes(reg: Register, figs: list, others: dict[str, str]) -> tuple[str, ...]:
    """A note for each row whose figure in another column's period counts something else (walk-ins recorded
    one year, not the next; rates published, not counted): `others` maps a column to the id suffix and period
    it shows, as "suffix|period" ("|2022-23", ".ytd|2023-24-Q3")."""
    out = []
    for f in figs:
        for column, where in others.items():
            suffix, period = where.split("|")
            g = get(reg, f.id + suffix, period)
            if g is not None and not g.missing and row_label(g.label).removesuffix(", year to date") != \
                    row_label(f.label).removesuffix(", year to date"):
                out.append(f"{column}: \"{row_label(f.label)}\" is {g.label[:1].lower()}{g.label[1:]}.")
    return tuple(dict.fromkeys(out))


def shown(reg: Register, figs: list, columns: dict[str, str]) -> list:
    """The figures a comparison table lists: all but an optional measure (OPTIONAL) with no value in any of
    its columns (`columns` as label_notes takes them, the figure's own period first)."""
    def any_value(f) -> bool:
        return any(not (g := get(reg, f.id + w.split("|")[0], w.split("|")[1])) is None and not g.missing
                   for w in columns.values())
    return [f for f in figs if not f.id.startswith(OPTIONAL) or not f.missing or any_value(f)]

