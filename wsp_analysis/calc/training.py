"""Training: counts, attendance / no-show / utilisation rates, e-learning, and change on the year before.

Definitions (DESIGN.md): bookings are places booked and not cancelled, so
bookings = attended + no-shows; cancellations are counted apart.
attendance = attended / bookings; no-show = no-shows / bookings;
utilisation = attended / places offered.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from wsp_analysis.data import periods
from wsp_analysis.data.bookings import bookings_summary, periods_of_dates  # noqa: F401  (re-exported)
from wsp_analysis.calc import stats
from wsp_analysis.calc.register import Figure, is_missing, pct_change, ratio, slug

COUNTS = ("events", "occurrences", "places_offered", "bookings", "cancellations", "attended", "no_shows",
          "elearning_taken")
LABELS = {
    "events": "Training events scheduled",
    "occurrences": "Training sessions run (event occurrences)",
    "places_offered": "Training places offered",
    "bookings": "Training bookings (attended + no-shows)",
    "cancellations": "Training bookings cancelled",
    "attended": "Training bookings attended",
    "no_shows": "Training bookings not attended (no-shows)",
    "elearning_taken": "E-learning modules taken",
}
RATES = {  # id: (numerator, denominator, label)
    "attendance_rate": ("attended", "bookings", "Share of bookings attended"),
    "no_show_rate": ("no_shows", "bookings", "Share of bookings not attended (no-shows)"),
    "utilisation_rate": ("attended", "places_offered", "Share of places offered that were used"),
}


def _sum_or_missing(s: pd.Series):
    return s.sum() if len(s) and s.notna().all() else pd.NA


def year_totals(training: pd.DataFrame, year: str) -> pd.Series:
    """The year's counts: its whole-year row, or the sum of all four quarter rows.

    A count is missing (<NA>) when the year has no row, when a quarter is absent,
    or when any quarter's value is blank: a partial sum is never passed off as the year's.
    """
    rows = training[training["year"] == year]
    whole = rows[rows["quarter"].isna()]
    if len(whole):
        return whole.iloc[0][list(COUNTS)]
    if set(rows["quarter"]) == set(periods.QUARTERS):
        return pd.Series({c: _sum_or_missing(rows[c]) for c in COUNTS}, dtype="object")
    return pd.Series({c: pd.NA for c in COUNTS}, dtype="object")


def quarter_totals(training: pd.DataFrame, year: str, quarters) -> pd.Series:
    """Counts summed over the given quarter rows of the year (missing unless every one is present and filled)."""
    rows = training[(training["year"] == year) & training["quarter"].isin(list(quarters))]
    if set(rows["quarter"]) != set(quarters):
        return pd.Series({c: pd.NA for c in COUNTS}, dtype="object")
    return pd.Series({c: _sum_or_missing(rows[c]) for c in COUNTS}, dtype="object")


def rates(totals: pd.Series) -> dict[str, float | None]:
    """attendance_rate, no_show_rate and utilisation_rate from a row of counts (None when not computable)."""
    out = {}
    for key, (num, den, _) in RATES.items():
        n, d = totals.get(num), totals.get(den)
        out[key] = None if pd.isna(n) or pd.isna(d) or d == 0 else n / d
    return out


TESTED = ("attendance_rate", "no_show_rate")  # rates compared with the year before, with a test


def rate_change(current: pd.Series, previous: pd.Series, key: str) -> dict:
    """A rate in two periods: its change in percentage points and the two-proportion z-test.

    Returns share, previous_share, change_pp (current - previous, x 100) and pvalue; each None when
    a count it needs is not available.
    """
    num, den, _ = RATES[key]
    k1, n1, k2, n2 = (None if is_missing(v) else int(v) for v in (current[num], current[den], previous[num],
                                                                    previous[den]))
    share = None if k1 is None or not n1 else k1 / n1
    before = None if k2 is None or not n2 else k2 / n2
    change = None if share is None or before is None else (k1 * 100 / n1) - (k2 * 100 / n2)
    return {"share": share, "previous_share": before, "change_pp": change,
            "pvalue": stats.two_proportions(k1, n1, k2, n2).pvalue}


def course_completion(courses: pd.DataFrame, year: str) -> pd.DataFrame:
    """Each e-learning course's take-up in the year, with completion rate = completed / signed up."""
    out = courses[courses["year"] == year][["course", "signed_up", "completed", "in_progress"]].copy()
    out["completion_rate"] = (out["completed"].astype("Float64") / out["signed_up"].astype("Float64")).where(
        out["signed_up"] > 0)
    return out.reset_index(drop=True)


def figures(ds, year: str) -> list[Figure]:
    src = ds.source("training")
    prev = periods.previous_year(year)
    cur, before = year_totals(ds.training, year), year_totals(ds.training, prev)
    figs: list[Figure] = []
    for period, totals in ((year, cur), (prev, before)):
        if period == prev and totals.isna().all():
            continue
        for c in COUNTS:
            figs.append(Figure(f"training.{c}", LABELS[c], period, totals[c], "count", source=src))
        for key, (num, den, label) in RATES.items():
            figs.append(ratio(f"training.{key}", label, period, totals[num], totals[den], src))
    figs.append(pct_change("training.events_change_pct", f"Change in training events since {prev}", year,
                           cur["events"], before["events"], src))
    figs.append(pct_change("training.elearning_change_pct", f"Change in e-learning modules taken since {prev}", year,
                           cur["elearning_taken"], before["elearning_taken"], src))
    for key in TESTED:
        label = RATES[key][2].lower()
        ch = rate_change(cur, before, key)
        figs.append(Figure(f"training.change_pp.{key}", f"Change in the {label} since {prev}", year,
                           ch["change_pp"], "percentage_points", source=src))
        figs.append(Figure(f"training.test.{key}", f"Two-proportion z-test: {label}, {year} against {prev} (p-value)",
                           year, ch["pvalue"], "p_value", source=src))
    csrc = ds.source("elearning_courses")
    for _, r in course_completion(ds.elearning_courses, year).iterrows():
        base = f"training.course.{slug(r['course'])}"
        figs.append(Figure(f"{base}.signed_up", f"Signed up to {r['course']} e-learning", year, r["signed_up"],
                           "count", source=csrc))
        figs.append(Figure(f"{base}.completed", f"Completed {r['course']} e-learning", year, r["completed"],
                           "count", source=csrc))
        figs.append(Figure(f"{base}.in_progress", f"Part way through {r['course']} e-learning at the year end", year,
                           r["in_progress"], "count", source=csrc))
        figs.append(ratio(f"{base}.completion_rate", f"Share of those signed up to {r['course']} who completed it",
                          year, r["completed"], r["signed_up"], csrc))
    return figs
