"""Actions arising from audits and reviews (actions.csv): how many were raised, their status, and
which are overdue at a reference date.

Status is as the data records it: completed, ongoing or not_stated (the source gives none), taken at
the reference date: an action completed after that date was still ongoing at it (a completed action
with no completion date is taken as recorded). The completed share is of the actions with a stated
status, with its Wilson 95% interval. An action is
overdue at a date when its due date is before that date and it was not completed by then: due on
the day itself is not overdue, and an action with no due date is never overdue. Reports use the
last day of their period as the reference date and say so.

A review-level row (level "review") stands for all of a review's actions when the source gives their
status but not their number (Walsall's SCR W6: every action completed). It is never split into
invented actions: the headline counts and the counts by agency are of itemised actions only, and the
counts of a source that has a review-level row are not available, never 0.

Figures: an annual report's year (overdue at its last day); a quarterly report's quarter and year to date
(ids end .ytd), overdue at the quarter's last day (rows with no quarter count only in the year). Computed
per report (each partnership and period a group). Source: actions.csv. Details: "actions.listing", each
action of the period with its status and overdue state in words.
"""
from __future__ import annotations

import dataclasses

from datetime import date

import pandas as pd

from wsp_analysis.calc.register import Figure, is_missing, slug
from wsp_analysis.calc.rows import Block, from_figures
from wsp_analysis.calc.rows import one as ratio
from wsp_analysis.calc.spans import span_key
from wsp_analysis.data import periods
from wsp_analysis.data.schema import ACTION_STATUSES

TABLES = ("actions",)

ACTION, REVIEW = "action", "review"
COMPLETED, ONGOING, NOT_STATED = ACTION_STATUSES
STATUS_WORDS = {COMPLETED: "Completed", ONGOING: "Ongoing", NOT_STATED: "Status not stated"}
# Whether an action is overdue at a reference date:
OVERDUE, NOT_OVERDUE, NO_DUE_DATE, NOT_KNOWN = "overdue", "not overdue", "no due date", "not known"
NO_AGENCY = "not_stated"  # id fragment for actions whose responsible agency is not stated


def date_words(d: date) -> str:
    """31 March 2024."""
    return f"{d.day} {d:%B %Y}"


def _value(v):
    return None if is_missing(v) else v


def overdue_state(due, status: str, completed_on, as_of: date) -> str:
    """Whether an action was overdue at the end of `as_of`.

    - no due date: NO_DUE_DATE (never overdue);
    - due on or after `as_of`: NOT_OVERDUE (due today is not yet overdue);
    - due before `as_of` (due yesterday or earlier): OVERDUE unless it was completed by `as_of`. A
      completed action with a completion date after `as_of` was still open then, so it was overdue. Where
      the status is not stated, or a completed action has no completion date, whether it was done by
      `as_of` is NOT_KNOWN (not guessed either way).
    """
    due, completed_on = _value(due), _value(completed_on)
    if due is None:
        return NO_DUE_DATE
    if due >= as_of:
        return NOT_OVERDUE
    if status == ONGOING:
        return OVERDUE
    if status == COMPLETED:
        if completed_on is None:
            return NOT_KNOWN
        return OVERDUE if completed_on > as_of else NOT_OVERDUE
    return NOT_KNOWN


def status_at(status: str, completed_on, as_of: date) -> str:
    """The status at the end of `as_of`: a completed action whose completion date is after it was ongoing
    then; otherwise the status as recorded (a completion with no date cannot be placed, so it stands)."""
    completed_on = _value(completed_on)
    if status == COMPLETED and completed_on is not None and completed_on > as_of:
        return ONGOING
    return status


def rows(actions: pd.DataFrame, year: str, quarters=None) -> pd.DataFrame:
    """The year's rows (all of them, or those of the given quarters; rows with no quarter count only in
    the whole year)."""
    out = actions[actions["year"] == year]
    if quarters is not None:
        out = out[out["quarter"].isin(list(quarters))]
    return out


def listing(actions: pd.DataFrame, year: str, as_of: date, quarters=None) -> pd.DataFrame:
    """One row per row of actions.csv for the period, with its status at `as_of` (status_at) and its
    overdue state then (review-level rows have none: [z]). Columns: raised_by, level, action, agency,
    quarter, date_raised, due_date, status, date_completed, status_at, overdue."""
    r = rows(actions, year, quarters).copy()
    r["status_at"] = [status_at(s, c, as_of) for s, c in zip(r["status"], r["date_completed"])]
    r["overdue"] = [None if lvl == REVIEW else overdue_state(d, s, c, as_of)
                    for lvl, d, s, c in zip(r["level"], r["due_date"], r["status"], r["date_completed"])]
    return r.reset_index(drop=True)


def summary(group: pd.DataFrame, as_of: date, itemised_only: bool = False) -> dict:
    """Counts for a group of rows: raised, completed, ongoing, not_stated (each status at `as_of`),
    with_due_date, overdue, overdue_not_known, and all_completed (every row, review-level ones
    included, is completed).

    A review-level row stands for an unknown number of actions, so a group holding one has counts
    that are not available (None); with `itemised_only` review-level rows are left out instead.
    overdue is None when no action in the group has a due date."""
    items = group[group["level"] == ACTION]
    known = itemised_only or len(items) == len(group)
    now = pd.Series([status_at(s, c, as_of) for s, c in zip(items["status"], items["date_completed"])],
                    dtype=object)
    states = [overdue_state(d, s, c, as_of) for d, s, c in zip(items["due_date"], items["status"],
                                                                 items["date_completed"])]
    due = sum(st != NO_DUE_DATE for st in states)
    count = (lambda n: n if known else None)  # noqa: E731
    return {
        "raised": count(len(items)),
        **{status: count(int((now == status).sum())) for status in ACTION_STATUSES},
        "with_due_date": count(due),
        "overdue": count(sum(st == OVERDUE for st in states)) if due else None,
        "overdue_not_known": count(sum(st == NOT_KNOWN for st in states)) if due else None,
        "all_completed": bool(len(group)) and all(status_at(s, c, as_of) == COMPLETED for s, c in
                                                  zip(group["status"], group["date_completed"])),
    }


def groups(period_rows: pd.DataFrame, by: str) -> list[tuple[str, str, pd.DataFrame]]:
    """(id fragment, name, rows) for each source (by="raised_by") or agency (by="agency"), in order of
    first appearance; actions with no agency stated form one group named "Agency not stated"."""
    out = []
    keys = period_rows[by].where(period_rows[by].notna(), None)
    for name in dict.fromkeys(keys):
        grp = period_rows[keys.isna()] if name is None else period_rows[keys == name]
        out.append((NO_AGENCY if name is None else slug(name), "Agency not stated" if name is None else name, grp))
    return out


def _group_figures(prefix: str, who: str, s: dict, period: str, at: str, when: str, suffix: str,
                   src: str) -> list[Figure]:
    """A group's figures; `who` names the group: "Actions raised by SCR W6", "Actions for which CAMHS is
    responsible"."""
    figs = [Figure(f"{prefix}.raised{suffix}", f"{who}{when}", period, s["raised"], "count", source=src)]
    for status in ACTION_STATUSES:
        figs.append(Figure(f"{prefix}.{status}{suffix}", f"{who}: {STATUS_WORDS[status].lower()}{when}", period,
                           s[status], "count", source=src))
    figs += [
        _completed_share(f"{prefix}.completed_share{suffix}",
                         f"{who}: share of those with a stated status that are completed{when}", period, s, src),
        Figure(f"{prefix}.overdue{suffix}", f"{who}: overdue at {at}, the period's last day (not available when none "
                                            f"has a due date){when}", period, s["overdue"], "count", source=src),
    ]
    return figs


def _completed_share(id_: str, label: str, period: str, s: dict, src: str) -> Figure:
    """Completed of those with a stated status; where the number is not given but every action is
    reported completed (a review-level row), the share is 1 without a count (so without an interval)."""
    if s["completed"] is None:
        value = 1.0 if s["all_completed"] else None
        return Figure(id_, label + (" (all reported completed; number not given)" if value else ""), period, value,
                      "proportion", source=src)
    return ratio(id_, label, period, s["completed"], s["completed"] + s["ongoing"], src)


def period_figures(actions: pd.DataFrame, src: str, year: str, as_of: date, period: str, quarters=None,
                   suffix: str = "", when: str = "") -> list[Figure]:
    """Every actions figure for one period's rows of one partnership's actions.csv: the headline counts
    (itemised actions), the completed share, overdue at `as_of`, review-level rows, and the same by
    source and by agency under actions.by_source.<source>. and actions.by_agency.<agency>. ids. `suffix`
    (".ytd") ends every id; `when` (", year to date") ends every label."""
    r = rows(actions, year, quarters)
    s = summary(r, as_of, itemised_only=True)
    at = date_words(as_of)
    figs = [Figure(f"actions.raised{suffix}", f"Actions raised by audits and reviews (itemised; a review reporting "
                                              f"its actions only as a whole is counted apart){when}", period,
                   s["raised"], "count", source=src)]
    for status in ACTION_STATUSES:
        figs.append(Figure(f"actions.{status}{suffix}", f"Actions raised by audits and reviews: "
                                                        f"{STATUS_WORDS[status].lower()}{when}", period, s[status],
                           "count", source=src))
    figs += [
        ratio(f"actions.completed_share{suffix}", f"Share of actions with a stated status that are completed{when}",
              period, s[COMPLETED], s[COMPLETED] + s[ONGOING], src),
        Figure(f"actions.with_due_date{suffix}", f"Actions with a due date{when}", period, s["with_due_date"],
               "count", source=src),
        Figure(f"actions.overdue{suffix}", f"Actions overdue at {at}, the period's last day: due before it and not "
                                           f"completed by it (not available when no action has a due date){when}",
               period, s["overdue"], "count", source=src),
        Figure(f"actions.overdue_not_known{suffix}", f"Actions past their due date at {at} whose status or "
                                                     f"completion date is not given, so whether they are overdue is "
                                                     f"not known{when}", period, s["overdue_not_known"], "count",
               source=src),
    ]
    reviews = r[r["level"] == REVIEW]
    figs += [
        Figure(f"actions.review_level{suffix}", f"Reviews whose actions are reported only as a whole, number not "
                                                f"given (not counted in actions raised){when}", period, len(reviews),
               "count", source=src),
        Figure(f"actions.review_level_completed{suffix}", f"Reviews reporting all their actions completed, number "
                                                          f"not given{when}", period,
               int((reviews["status"] == COMPLETED).sum()), "count", source=src),
    ]
    # by source every row counts (a review-level row makes its source's counts not available); by agency
    # only itemised actions do, as in the headline counts
    for by, kind, scope in (("raised_by", "by_source", r), ("agency", "by_agency", r[r["level"] == ACTION])):
        for key, name, grp in groups(scope, by):
            who = (f"Actions raised by {name}" if by == "raised_by" else
                   f"Actions for which {name} is responsible" if key != NO_AGENCY else
                   "Actions with no responsible agency stated")
            figs += _group_figures(f"actions.{kind}.{key}", who, summary(grp, as_of), period, at, when, suffix, src)
    return figs


def _scopes(req) -> list[tuple]:
    """(partnership, report, year, as_of, period, quarters, suffix, when, span) of every request's periods."""
    out = []
    for p, report, year, quarter in zip(req["partnership"], req["report"], req["year"], req["quarter"]):
        if quarter is None or pd.isna(quarter):
            out.append((p, report, year, periods.year_dates(year)[1], year, None, "", "", year))
            continue
        as_of, upto = periods.quarter_dates(year, quarter)[1], periods.quarters_to(quarter)
        out.append((p, report, year, as_of, report, (quarter,), "", "", span_key(year, (quarter,))))
        out.append((p, report, year, as_of, report, upto, ".ytd", ", year to date", span_key(year, upto)))
    return out


def _by_partnership(tables) -> dict[str, pd.DataFrame]:
    a = tables["actions"]
    return {p: g for p, g in a.groupby("partnership", sort=False)}


def figures(tables, req: pd.DataFrame) -> list[Block]:
    """Every actions figure of every request, one report (partnership and period) at a time."""
    mine = _by_partnership(tables)
    empty = tables["actions"].iloc[0:0]
    out, blank = [], {}
    for p, report, year, as_of, period, quarters, suffix, when, span in _scopes(req):
        src = f"{tables.label(p)}/actions.csv"
        if p in mine:
            figs = period_figures(mine[p], src, year, as_of, period, quarters, suffix, when)
        else:  # no actions.csv rows: an empty table's figures, worked out once per period (a region has many)
            key = (year, as_of, period, quarters, suffix, when)
            if key not in blank:
                blank[key] = period_figures(empty, "", year, as_of, period, quarters, suffix, when)
            figs = [dataclasses.replace(f, source=src) for f in blank[key]]
        out.append(from_figures(figs, p, report, span))
    return out


def details(tables, req: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """"actions.listing": each row of actions.csv in each request's periods (listing's columns), with
    partnership, report and suffix ("" for the year or quarter, ".ytd" for the year to date)."""
    mine = _by_partnership(tables)
    empty = tables["actions"].iloc[0:0]
    parts = [listing(mine.get(p, empty), year, as_of, quarters).assign(partnership=p, report=report, suffix=suffix)
             for p, report, year, as_of, _, quarters, suffix, _, _ in _scopes(req)]
    cols = ["partnership", "report", "suffix", "raised_by", "level", "action", "agency", "quarter", "date_raised",
            "due_date", "status", "date_completed", "status_at", "overdue"]
    parts = [x for x in parts if len(x)]
    return {"actions.listing": pd.concat(parts, ignore_index=True)[cols] if parts else pd.DataFrame(columns=cols)}
