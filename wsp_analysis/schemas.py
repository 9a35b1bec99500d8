"""The tables a partnership fills in: their files, columns, keys and cross-column rules.

Table names, file names and required columns are part of the public contract
(docs/data.md documents every column). Optional columns may be left out of a
file; unknown columns are refused so that a typo is never silently ignored.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from . import rules

BOOKING_STATUSES = ("attended", "no_show", "cancelled")

# How a blank cell is read: "missing" (not available, kept as NA; never 0) or "refuse".
MISSING, REFUSE = "missing", "refuse"


@dataclass(frozen=True)
class Column:
    name: str
    rule: rules.Rule
    blank: str = MISSING
    required: bool = True  # must the column be present in the header?
    dtype: str = "object"  # pandas dtype of the loaded column
    doc: str = ""


RowCheck = Callable[[dict], list[tuple[str, str]]]  # -> [(column, message)]
# A table check sees every parsed row (with its spreadsheet row number under "_row").
TableCheck = Callable[[list[dict]], list[tuple[int, str, str]]]  # -> [(row, column, message)]


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    doc: str
    row_checks: tuple[RowCheck, ...] = field(default=())
    table_checks: tuple[TableCheck, ...] = field(default=())

    @property
    def file(self) -> str:
        return f"{self.name}.csv"

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def _n(v: int) -> str:
    return f"{v:,}"


# --- row checks: each small and named after its rule -----------------------------------------

def bookings_are_attended_plus_no_shows(r: dict) -> list[tuple[str, str]]:
    """bookings = attended + no_shows (cancellations are not bookings)."""
    b, a, n = r.get("bookings"), r.get("attended"), r.get("no_shows")
    if None not in (b, a, n) and a + n != b:
        return [("bookings", f"{_n(b)} bookings is not attended + no-shows ({_n(a)} + {_n(n)} = {_n(a + n)})")]
    return []


def attended_not_more_than_bookings(r: dict) -> list[tuple[str, str]]:
    """attended <= bookings."""
    b, a = r.get("bookings"), r.get("attended")
    if None not in (b, a) and a > b:
        return [("attended", f"{_n(a)} attended is more than the {_n(b)} bookings")]
    return []


def attended_not_more_than_places(r: dict) -> list[tuple[str, str]]:
    """attended <= places_offered."""
    p, a = r.get("places_offered"), r.get("attended")
    if None not in (p, a) and a > p:
        return [("places_offered", f"{_n(p)} places offered is fewer than the {_n(a)} who attended")]
    return []


def occurrences_not_fewer_than_events(r: dict) -> list[tuple[str, str]]:
    """occurrences >= events (each event runs at least once)."""
    e, o = r.get("events"), r.get("occurrences")
    if None not in (e, o) and o < e:
        return [("occurrences", f"{_n(o)} occurrences is fewer than the {_n(e)} events")]
    return []


def course_parts_within_signed_up(r: dict) -> list[tuple[str, str]]:
    """completed + in_progress <= signed_up."""
    s, c, p = r.get("signed_up"), r.get("completed"), r.get("in_progress")
    if None not in (s, c) and c > s:
        return [("completed", f"{_n(c)} completed is more than the {_n(s)} signed up")]
    if None not in (s, c, p) and c + p > s:
        return [("in_progress", f"completed + in progress ({_n(c)} + {_n(p)} = {_n(c + p)}) is more than the {_n(s)} signed up")]
    return []


RATING_SCALE = (1, 5)  # evaluation forms: self-rated knowledge, 1 (none) to 5 (expert)


def rating(raw: str) -> int:
    """A self-rating of knowledge, a whole number from 1 (none) to 5 (expert)."""
    low, high = RATING_SCALE
    if not raw.lstrip("-").isdigit() or not low <= int(raw) <= high:
        raise rules.RuleBroken(f'"{raw}" is not a rating from {low} to {high} (a whole number)')
    return int(raw)


def whole_year_or_quarters(*group: str) -> TableCheck:
    """A year is given either as one whole-year row or as quarter rows, never both (it would count twice)."""

    def check(records: list[dict]) -> list[tuple[int, str, str]]:
        annual = {tuple(r[g] for g in group): r["_row"] for r in records if r.get("quarter") is None}
        out = []
        for r in records:
            k = tuple(r[g] for g in group)
            if r.get("quarter") is not None and k in annual:
                out.append((r["_row"], "quarter",
                            f"{r['quarter']} repeats a period already given as a whole year in row {annual[k]}; "
                            "give the year either as one whole-year row or by quarter, not both"))
        return out

    check.__doc__ = whole_year_or_quarters.__doc__
    check.__name__ = "whole_year_or_quarters"
    return check


def _count(name: str, doc: str, blank: str = MISSING, required: bool = True) -> Column:
    return Column(name, rules.count, blank=blank, required=required, dtype="Int64", doc=doc)


def _money(name: str, doc: str) -> Column:
    return Column(name, rules.money, dtype="Float64", doc=doc)


_YEAR = Column("year", rules.year, blank=REFUSE, doc="Financial year, April to March, written like 2023-24.")
_QUARTER = Column("quarter", rules.quarter, doc="Q1 (April-June) to Q4 (January-March); blank for a whole-year row.")
_SOURCE = Column("source", rules.text, blank=REFUSE, doc="Where the row comes from: file and table or section.")


def tables(grade_scale: Sequence[str]) -> dict[str, Table]:
    """The table specifications for a partnership with this grade scale."""
    specs = [
        Table(
            "audits",
            (
                _YEAR,
                Column("quarter", rules.quarter, blank=REFUSE, doc="Quarter the audit round ran in (Q1-Q4)."),
                Column("theme", rules.text, blank=REFUSE, doc="Theme of the quarter's multi-agency audit."),
                Column("grade", rules.grade(grade_scale), blank=REFUSE, doc="A grade on the partnership's scale."),
                _count("count", "Number of audited cases given this grade; 0 where none (blank: not available)."),
                _SOURCE,
            ),
            key=("year", "quarter", "theme", "grade"),
            doc="Multi-agency audit gradings: one row per year, quarter, theme and grade.",
        ),
        Table(
            "audit_shares",
            (
                _YEAR,
                Column("grade", rules.grade(grade_scale), blank=REFUSE, doc="A grade on the partnership's scale."),
                Column("percent", rules.percent, dtype="Float64", doc="Published share of audits with this grade, 0-100."),
                _SOURCE,
            ),
            key=("year", "grade"),
            doc="Published grade percentages, for years whose counts were never published.",
        ),
        Table(
            "training",
            (
                _YEAR,
                _QUARTER,
                _count("events", "Distinct training events (courses) scheduled."),
                _count("occurrences", "Sessions run (an event may run more than once)."),
                _count("places_offered", "Places offered across all occurrences."),
                _count("bookings", "Places booked and not cancelled: attended + no-shows."),
                _count("cancellations", "Bookings cancelled before the session; not counted as bookings."),
                _count("attended", "Bookings attended."),
                _count("no_shows", "Bookings not attended and not cancelled."),
                _count("elearning_taken", "E-learning modules taken."),
                _count("trainers", "Trainers who delivered sessions.", required=False),
                _count("venues", "Venues used.", required=False),
                _count("waiting_list", "People on waiting lists at the time of reporting.", required=False),
                _SOURCE,
            ),
            key=("year", "quarter"),
            doc="Multi-agency training statistics: one row per year, or one per quarter.",
            row_checks=(
                bookings_are_attended_plus_no_shows,
                attended_not_more_than_bookings,
                attended_not_more_than_places,
                occurrences_not_fewer_than_events,
            ),
            table_checks=(whole_year_or_quarters("year"),),
        ),
        Table(
            "elearning_courses",
            (
                _YEAR,
                Column("course", rules.text, blank=REFUSE, doc="Course title."),
                _count("signed_up", "People signed up by the year end."),
                _count("completed", "People who completed the course."),
                _count("in_progress", "People part way through at the year end."),
                _SOURCE,
            ),
            key=("year", "course"),
            doc="Take-up of individual e-learning courses.",
            row_checks=(course_parts_within_signed_up,),
        ),
        Table(
            "referrals",
            (
                _YEAR,
                _QUARTER,
                Column("referral_type", rules.text, blank=REFUSE,
                       doc="serious_incident (to the partnership, for rapid review), self_neglect_panel, practice_review, ..."),
                Column("measure", rules.text, blank=REFUSE,
                       doc="received, met_rapid_review_criteria, progressed_to_statutory_review, ..."),
                _count("count", "Number; blank when not published (not available, never 0)."),
                _SOURCE,
            ),
            key=("year", "quarter", "referral_type", "measure"),
            doc="Referral and review volumes: one row per period, type and measure.",
            table_checks=(whole_year_or_quarters("year", "referral_type", "measure"),),
        ),
        Table(
            "budget",
            (
                _YEAR,
                Column("section", rules.one_of(("expenditure", "income"), "a budget section"), blank=REFUSE,
                       doc="expenditure or income."),
                Column("category", rules.text, blank=REFUSE, doc="Group of lines, e.g. staffing, non_staffing, income."),
                Column("line", rules.text, blank=REFUSE, doc="Budget line as the accounts name it."),
                _money("budget", "Budgeted pounds for the year, or for a quarter row the budget profiled to that "
                                 "quarter (blank: not available)."),
                _money("actual", "Actual pounds spent or received in the year or quarter."),
                Column("quarter", rules.quarter, required=False,
                       doc="Q1-Q4 for in-year monitoring rows; blank for the year's outturn."),
                Column("forecast", rules.money, required=False, dtype="Float64",
                       doc="On a quarter row: the forecast outturn for the whole year as at that quarter."),
                _SOURCE,
            ),
            key=("year", "quarter", "section", "line"),
            doc="Budget and actual for each expenditure and income line: one row per year, or per quarter.",
        ),
        Table(
            "bookings",
            (
                Column("booking_id", rules.text, blank=REFUSE, doc="Unique reference of the booking request."),
                Column("date", rules.iso_date, blank=REFUSE, doc="Date of the session booked (YYYY-MM-DD)."),
                Column("course", rules.text, blank=REFUSE, doc="Course title (the event)."),
                Column("occurrence", rules.text, blank=REFUSE, doc="Reference of the session (one run of a course)."),
                Column("agency", rules.text, doc="Agency of the person booked (blank: not recorded)."),
                Column("status", rules.one_of(BOOKING_STATUSES, "a booking status"), blank=REFUSE,
                       doc="attended, no_show (booked, not cancelled, did not attend) or cancelled."),
                _SOURCE,
            ),
            key=("booking_id",),
            doc="Row-level training bookings, one row per booking request (optional detail: may hold only its "
                "header). Bookings = attended + no_show rows; cancelled rows count only as cancellations.",
        ),
        Table(
            "evaluations",
            (
                Column("date", rules.iso_date, blank=REFUSE, doc="Date of the course session (YYYY-MM-DD)."),
                Column("course", rules.text, blank=REFUSE, doc="Course title (the event)."),
                Column("delegate", rules.text, blank=REFUSE,
                       doc="Pseudonymous reference of the delegate (never a name)."),
                Column("agency", rules.text, required=False, doc="Agency of the delegate (blank: not recorded)."),
                Column("pre_rating", rating, dtype="Int64",
                       doc="Self-rated knowledge on the day, before the course, 1 (none) to 5 (expert); blank: "
                           "form not returned."),
                Column("post_rating", rating, dtype="Int64",
                       doc="Self-rated knowledge at the end of the course, 1-5; blank: form not returned."),
                Column("follow_up_rating", rating, dtype="Int64",
                       doc="Self-rated knowledge in the impact evaluation sent eight weeks after the course, 1-5; "
                           "blank: not returned."),
                _SOURCE,
            ),
            key=("date", "course", "delegate"),
            doc="Training evaluation forms, one row per delegate who attended an evaluated course (optional detail: "
                "may hold only its header). The year is the financial year of the session's date.",
        ),
        Table(
            "contributions",
            (
                _YEAR,
                Column("organisation", rules.text, blank=REFUSE, doc="Contributing organisation."),
                _money("amount", "Pounds contributed."),
                _SOURCE,
            ),
            key=("year", "organisation"),
            doc="Partner contributions to the partnership's budget.",
        ),
        Table(
            "reserves",
            (
                _YEAR,
                _money("brought_forward", "Reserve balance brought forward from the previous year, in pounds."),
                _SOURCE,
            ),
            key=("year",),
            doc="Reserve balance brought forward into each year.",
        ),
    ]
    return {t.name: t for t in specs}
