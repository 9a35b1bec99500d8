"""The tables a partnership fills in: their files, columns, keys and cross-column rules.

Table names, file names and required columns are part of the public contract
(docs/data.md documents every column). Optional columns may be left out of a
file; unknown columns are refused so that a typo is never silently ignored.
Column and Table are in columns.py, the checks across cells and rows in
table_checks.py; both are imported here, so `schema` names everything.
"""
from __future__ import annotations

from collections.abc import Sequence

from wsp_analysis.data import rules
from wsp_analysis.data.columns import MISSING, REFUSE, Column, Table  # noqa: F401  (part of this module's contract)
from wsp_analysis.data.columns import QUARTER, SOURCE, YEAR
from wsp_analysis.data.table_checks import (action_dates_in_order, attended_not_more_than_bookings,
                                            attended_not_more_than_places, bookings_are_attended_plus_no_shows,
                                            bookings_are_registrations_less_cancellations,
                                            cancellations_not_more_than_registrations,
                                            completion_date_only_when_completed, course_parts_within_signed_up,
                                            occurrences_not_fewer_than_events, one_theme_per_quarter,
                                            walk_ins_not_more_than_attended, whole_year_or_quarters)
from wsp_analysis.data.indicators import indicator_tables
from wsp_analysis.data.training_tables import training_tables

BOOKING_STATUSES = ("attended", "no_show", "cancelled")
ACTION_STATUSES = ("completed", "ongoing", "not_stated")  # actions.csv: status as the source states it
ACTION_LEVELS = ("action", "review")  # one row per action, or one row for all of a review's actions
SECTION11_GRADES = ("Fully met", "Partially met", "Not met")  # Section 11 / Section 43 standards, best first

RATING_SCALE = (1, 5)  # evaluation forms: self-rated knowledge, 1 (none) to 5 (expert)


def rating(raw: str) -> int:
    """A self-rating of knowledge, a whole number from 1 (none) to 5 (expert)."""
    low, high = RATING_SCALE
    if not raw.lstrip("-").isdigit() or not low <= int(raw) <= high:
        raise rules.RuleBroken(f'"{raw}" is not a rating from {low} to {high} (a whole number)')
    return int(raw)



def _count(name: str, doc: str, blank: str = MISSING, required: bool = True) -> Column:
    return Column(name, rules.count, blank=blank, required=required, dtype="Int64", doc=doc)


def _money(name: str, doc: str) -> Column:
    return Column(name, rules.money, dtype="Float64", doc=doc)


_YEAR, _QUARTER, _SOURCE = YEAR, QUARTER, SOURCE


def tables(grade_scale: Sequence[str]) -> dict[str, Table]:
    """The table specifications for a partnership with this grade scale."""
    specs = [
        Table(
            "audits",
            (
                _YEAR,
                Column("quarter", rules.quarter, blank=REFUSE, doc="Quarter the audit round ran in (Q1-Q4)."),
                Column("theme", rules.text, blank=REFUSE, doc="Theme of the quarter's multi-agency audit (one a quarter).",
                       folded=True),
                Column("grade", rules.grade(grade_scale), blank=REFUSE, doc="A grade on the partnership's scale."),
                _count("count", "Number of audited cases given this grade; 0 where none (blank: not available)."),
                _SOURCE,
            ),
            key=("year", "quarter", "theme", "grade"),
            doc="Multi-agency audit gradings: one row per year, quarter, theme and grade.",
            table_checks=(one_theme_per_quarter,),
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
                _count("bookings", "Places booked and not cancelled: attended + no-shows (with walk-ins: attended - "
                                   "walk-ins + no-shows). Blank where registrations and cancellations are given: "
                                   "registrations - cancellations is used."),
                _count("cancellations", "Bookings cancelled before the session; not counted as bookings."),
                _count("attended", "Bookings attended; where walk_ins is given, everyone who attended: bookings "
                                   "attended + walk-ins."),
                _count("no_shows", "Bookings not attended and not cancelled."),
                _count("elearning_taken", "E-learning modules taken."),
                _count("trainers", "Trainers who delivered sessions.", required=False),
                _count("venues", "Venues used.", required=False),
                _count("waiting_list", "People on waiting lists at the time of reporting.", required=False),
                _count("registrations", "Places booked, including those later cancelled (bookings + "
                                        "cancellations), for a partnership that counts registrations.", required=False),
                _count("walk_ins", "People who attended without booking; they are counted in attended, never in "
                                   "bookings or the share of bookings attended (blank: not recorded).",
                       required=False),
                _count("sessions_cancelled", "Sessions cancelled (not run), as opposed to bookings cancelled.",
                       required=False),
                _count("trainer_days", "Days of trainers' time spent delivering sessions (whole days).",
                       required=False),
                _SOURCE,
            ),
            key=("year", "quarter"),
            doc="Multi-agency training statistics: one row per year, or one per quarter.",
            row_checks=(
                bookings_are_attended_plus_no_shows,
                bookings_are_registrations_less_cancellations,
                cancellations_not_more_than_registrations,
                attended_not_more_than_bookings,
                walk_ins_not_more_than_attended,
                attended_not_more_than_places,
                occurrences_not_fewer_than_events,
            ),
            table_checks=(whole_year_or_quarters("year"),),
            figures="`training.events`, `.occurrences`, `.places_offered`, `.bookings`, `.cancellations`, "
                    "`.attended`, `.no_shows`, `.elearning_taken` (count); `training.attendance_rate` = bookings attended / "
                    "bookings, `training.no_show_rate` = no-shows / bookings, `training.utilisation_rate` = attended "
                    "/ places offered (proportion, with its 95% interval). Where a partnership's file has values in "
                    "them: `training.registrations`, `training.walk_ins`, `training.bookings_attended` (attended - "
                    "walk-ins), `training.sessions_cancelled` and `training.trainer_days` (count); with walk-ins, the "
                    "attended figure says how many it includes (\"People who attended training, including 35 "
                    "walk-ins\") and the share of bookings attended leaves them out.",
        ),
        Table(
            "elearning_courses",
            (
                _YEAR,
                Column("course", rules.text, blank=REFUSE, doc="Course title.", folded=True),
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
                Column("referral_type", rules.text, blank=REFUSE, folded=True,
                       doc="serious_incident (to the partnership, for rapid review), self_neglect_panel, practice_review, ..."),
                Column("measure", rules.text, blank=REFUSE, folded=True,
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
                Column("category", rules.text, blank=REFUSE, folded=True,
                       doc="Group of lines, e.g. staffing, non_staffing, income."),
                Column("line", rules.text, blank=REFUSE, doc="Budget line as the accounts name it.", folded=True),
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
                Column("course", rules.text, blank=REFUSE, doc="Course title (the event).", folded=True),
                Column("occurrence", rules.text, blank=REFUSE, doc="Reference of the session (one run of a course)."),
                Column("agency", rules.text, doc="Agency of the person booked (blank: not recorded).", folded=True),
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
                Column("course", rules.text, blank=REFUSE, doc="Course title (the event).", folded=True),
                Column("delegate", rules.text, blank=REFUSE,
                       doc="Pseudonymous reference of the delegate (never a name)."),
                Column("agency", rules.text, required=False, doc="Agency of the delegate (blank: not recorded).",
                       folded=True),
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
                Column("organisation", rules.text, blank=REFUSE, doc="Contributing organisation.", folded=True),
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
        Table(
            "actions",
            (
                Column("year", rules.year, blank=REFUSE,
                       doc="Financial year the action is counted in: the year of the audit round or review report "
                           "that records it (2023-24)."),
                Column("quarter", rules.quarter,
                       doc="Quarter of the audit round that raised it (Q1-Q4); blank when it is not tied to a "
                           "quarter (counted in the year only, not in quarterly reports)."),
                Column("raised_by", rules.text, blank=REFUSE, folded=True,
                       doc="The audit or review the action came from, e.g. \"Q1 audit: Child Sexual Abuse\", "
                           "\"SCR W6\"; the report groups actions by it."),
                Column("level", rules.one_of(ACTION_LEVELS, "a row level"), blank=REFUSE,
                       doc="action (one row per action) or review (one row for all of a review's actions, where "
                           "the source gives their status but not their number: never split into invented "
                           "actions, and not counted in the number of actions)."),
                Column("action", rules.text, blank=REFUSE, doc="What is to be done, briefly, in your own words."),
                Column("theme", rules.text, doc="Theme of the audit or review (blank: not stated).", folded=True),
                Column("agency", rules.text, folded=True,
                       doc="Agency, service or group responsible for the action (blank: not stated)."),
                Column("date_raised", rules.iso_date, doc="Date the action was agreed (YYYY-MM-DD; blank: not known)."),
                Column("due_date", rules.iso_date,
                       doc="Date the action is due (YYYY-MM-DD; blank: no due date known, so it is never counted "
                           "overdue)."),
                Column("status", rules.one_of(ACTION_STATUSES, "an action status"), blank=REFUSE,
                       doc="completed, ongoing or not_stated (the source gives no status), as recorded."),
                Column("date_completed", rules.iso_date,
                       doc="Date the action was completed (YYYY-MM-DD; blank: not known, or not completed)."),
                _SOURCE,
            ),
            key=("year", "raised_by", "action"),
            doc="Actions arising from audits and reviews, and their progress: one row per action (or one row for a "
                "review whose actions are reported only as a whole). May hold only its header. An action is overdue "
                "at a date when its due date is before that date and it was not completed by then; reports use "
                "the period's last day.",
            row_checks=(completion_date_only_when_completed, action_dates_in_order),
        ),
        Table(
            "section11",
            (
                Column("year", rules.year, blank=REFUSE,
                       doc="Financial year of the self-assessment round (2023-24)."),
                Column("agency", rules.text, blank=REFUSE, doc="The agency that assessed itself.", folded=True),
                Column("standard", rules.text, blank=REFUSE, folded=True,
                       doc="The Section 11 (Children Act 2004) / Section 43 (Care Act 2014) standard assessed."),
                Column("self_grade", rules.one_of(SECTION11_GRADES, "a Section 11 grade"),
                       doc="The agency's own grade: Fully met, Partially met or Not met (blank: not returned)."),
                Column("moderated_grade", rules.one_of(SECTION11_GRADES, "a Section 11 grade"),
                       doc="The partnership's grade after checking the evidence (blank: not moderated or not "
                           "published)."),
                _SOURCE,
            ),
            key=("year", "agency", "standard"),
            doc="Agencies' Section 11 / Section 43 self-assessments: one row per round, agency and standard. May "
                "hold only its header: a partnership that publishes no grades records who attended the assurance "
                "event in section11_attendance.csv, and reports then say the grades are not published.",
        ),
        Table(
            "section11_attendance",
            (
                Column("year", rules.year, blank=REFUSE,
                       doc="Financial year of the self-assessment round (2023-24)."),
                Column("organisation", rules.text, blank=REFUSE, folded=True,
                       doc="An organisation that attended the round's assurance (check and challenge) event."),
                Column("event_date", rules.iso_date, doc="Date of the event (YYYY-MM-DD; blank: not known)."),
                _SOURCE,
            ),
            key=("year", "organisation"),
            doc="Organisations that attended a Section 11 assurance event, one row each. May hold only its header.",
        ),
        *indicator_tables(),
    ]
    optional = training_tables()  # after the table each follows: training by course, agency, percentages
    specs = [t for spec in specs for t in (spec, *optional.get(spec.name, ()))]
    return {t.name: t for t in specs}
