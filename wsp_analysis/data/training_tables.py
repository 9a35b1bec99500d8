"""The optional training tables: training as partnerships publish it when they do not count it as training.csv
does. Each may be left out of a folder (read as if it held only its header), so a folder written before these
tables existed validates unchanged; schema.tables() lists them beside training.csv and evaluations.csv.

- training_events.csv: per-course or per-event rows (sessions, places, attended, the delivering agency);
- training_by_agency.csv: attendance by the attendees' agency;
- training_shares.csv: training figures published as percentages without their counts;
- evaluation_shares.csv: evaluation published as shares of delegates (more knowledge, a change in practice),
  with the number who responded where it is published.
"""
from __future__ import annotations

from wsp_analysis.data import rules
from wsp_analysis.data.columns import QUARTER, REFUSE, SOURCE, YEAR, Column, Table, count
from wsp_analysis.data.table_checks import (attended_not_more_than_capacity, date_in_its_period,
                                            whole_year_or_quarters_throughout)

# training_shares.csv: the measures that are one of training.csv's rates (the figure they fill where counts
# give none), by the measure's id fragment; any other measure keeps its own words.
SHARE_RATES = {"attendance": "attendance_rate", "no_show": "no_show_rate", "utilisation": "utilisation_rate"}

_PERCENT = Column("percent", rules.percent, dtype="Float64", doc="The percentage as published, 0-100 (blank: not "
                                                                 "available).")


def training_tables() -> dict[str, list[Table]]:
    """The optional training tables, by the table they follow in schema.tables(): "elearning_courses" ->
    [training_events, training_by_agency, training_shares], "evaluations" -> [evaluation_shares]."""
    events = Table(
        "training_events",
        (
            YEAR,
            Column("quarter", rules.quarter, doc="Q1 (April-June) to Q4 (January-March); blank for a row of the "
                                                 "whole year (counted in annual reports only)."),
            Column("course", rules.text, blank=REFUSE, folded=True, doc="Course or event title, as published."),
            Column("date", rules.iso_date, required=False,
                   doc="Date of the event (YYYY-MM-DD); blank for a row covering several dates."),
            count("sessions", "Sessions run (a course may run several times)."),
            count("capacity", "Places the sessions offered."),
            count("attended", "People who attended."),
            Column("agency", rules.text, required=False, folded=True,
                   doc="The agency that delivered it (blank: not recorded)."),
            SOURCE,
        ),
        key=("year", "quarter", "course", "date", "agency"),
        doc="Training by course or by event: one row per course in a year or "
            "quarter, or per event. Each course's figures are summed over the report's period; where training.csv "
            "has no row for the period, the courses' totals stand for the training counts (events: courses; "
            "sessions run; places offered; attended).",
        row_checks=(attended_not_more_than_capacity, date_in_its_period),
        table_checks=(whole_year_or_quarters_throughout,),
        optional=True,
        figures="for the report's year or quarter, `training.event.<course>.sessions`, `.places`, `.attended` "
                "(count) and `.fill_rate` = attended / places (proportion, with its 95% interval); `<course>` is "
                "the name in lower case, words in brackets left out (`level_1`), the report naming the course as "
                "typed. Where training.csv has no row for the period: `training.events` (courses), "
                "`training.occurrences` (sessions), `training.places_offered`, `training.attended` (count) and "
                "`training.utilisation_rate` from these rows.",
    )
    by_agency = Table(
        "training_by_agency",
        (
            YEAR,
            QUARTER,
            Column("agency", rules.text, blank=REFUSE, folded=True,
                   doc="The attendees' agency (council, police, health, education, voluntary sector, ...)."),
            count("attended", "People from the agency who attended training (0 where none did: an agency left "
                              "out of a quarter makes its total for a longer period not available)."),
            SOURCE,
        ),
        key=("year", "quarter", "agency"),
        doc="Training attendance by the attendees' agency: one row per agency "
            "and year, or per agency and quarter.",
        table_checks=(whole_year_or_quarters_throughout,),
        optional=True,
        figures="for the report's year or quarter, `training.agency.<agency>.attended` (count) and `.share`, the "
                "agency's share of all the attendance recorded by agency (proportion, no interval: everyone is "
                "counted, not a sample).",
    )
    shares = Table(
        "training_shares",
        (
            YEAR,
            QUARTER,
            Column("measure", rules.text, blank=REFUSE, folded=True,
                   doc="What the percentage is of: attendance (share of bookings attended), no_show (share of "
                       "bookings not attended), utilisation (share of places offered that were used), or any "
                       "other measure in the source's own words (take-up, ...)."),
            _PERCENT,
            SOURCE,
        ),
        key=("year", "quarter", "measure"),
        doc="Training figures published as percentages without their counts, as audit_shares.csv holds audit "
            "grades. Where training.csv's counts give the same rate for the "
            "period, the counts are used and the published percentage is not.",
        optional=True,
        figures="a measure `attendance`, `no_show` or `utilisation` gives `training.attendance_rate`, "
                "`training.no_show_rate` or `training.utilisation_rate` where the counts give none; any other "
                "gives `training.published.<measure>`; each of the period its row gives (proportion = percent / "
                "100, no interval, labelled \"published percentage; counts not published\").",
    )
    evaluation = Table(
        "evaluation_shares",
        (
            YEAR,
            QUARTER,
            Column("measure", rules.text, blank=REFUSE, folded=True,
                   doc="What delegates reported, in the source's words or as a short name: more knowledge, a "
                       "change in practice, more confidence, ..."),
            Column("when", rules.text, folded=True,
                   doc="When they were asked: end of course, eight weeks on, ... (blank: not stated)."),
            _PERCENT,
            count("respondents", "Delegates who answered (blank: not published; with it, the share has a 95% "
                                 "interval).", required=False),
            SOURCE,
        ),
        key=("year", "quarter", "measure", "when"),
        doc="Training evaluation published as shares of delegates, not as each delegate's ratings: one row per "
            "measure, when it was asked, and year or quarter.",
        optional=True,
        figures="`impact.published.<measure>.<when>` (`.<when>` left out when blank), in the annual report for "
                "the year and each quarter given (proportion = percent / 100, labelled \"published percentage\"; "
                "with respondents, they are its denominator and it has a 95% interval at the published share).",
    )
    return {"elearning_courses": [events, by_agency, shares], "evaluations": [evaluation]}
