"""Training: counts, attendance / no-show / utilisation rates, e-learning, and change on the year before.

Definitions (DESIGN.md): bookings are places booked and not cancelled, so
bookings = attended + no-shows; cancellations are counted apart.
attendance = attended / bookings; no-show = no-shows / bookings;
utilisation = attended / places offered.

Figures (calc.spans for the periods): for every report, the counts and rates of its span (an annual
report's year, a quarterly report's quarter) and of the year before or the same quarter a year earlier
(when that has counts); a quarterly report adds the year to date (ids end .ytd). An annual report adds
the change since the year before (events and e-learning in percent; attendance and no-show rates in
percentage points, with the two-proportion z-test) and each e-learning course's take-up.
Source: training.csv (counts; a whole-year row or one row per quarter) and elearning_courses.csv.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from wsp_analysis.calc import stats
from wsp_analysis.calc.rows import Block, num, pct_change, ratio, rows, slugs
from wsp_analysis.calc.spans import PREV, THIS, YTD, spans, sum_over_spans

TABLES = ("training", "elearning_courses")
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
TESTED = ("attendance_rate", "no_show_rate")  # rates compared with the year before, with a test


def totals(tables, req: pd.DataFrame, which=(THIS, YTD, PREV)) -> pd.DataFrame:
    """The counts of each request's spans (calc.spans.spans columns, then COUNTS as float, NaN where not
    available): a whole-year row, else the sum of the span's quarter rows when every one is there and
    filled in."""
    return sum_over_spans(tables["training"], [], list(COUNTS), spans(req, which))


def _counts_and_rates(t: pd.DataFrame, src: pd.Series) -> list[Block]:
    out = []
    for c in COUNTS:
        out.append(rows(t, "training." + c + t["suffix"], LABELS[c] + t["when"], t["period"], t[c], "count",
                        source=src))
    for key, (n, d, label) in RATES.items():
        out.append(ratio(t, "training." + key + t["suffix"], label + t["when"], t["period"], t[n], t[d], src))
    return out


def _changes(cur: pd.DataFrame, before: pd.DataFrame, src: pd.Series) -> list[Block]:
    """An annual report's change since the year before (cur and before aligned row for row)."""
    since = "since " + cur["prev"]
    out = []
    for c, name, what in (("events", "events_change_pct", "training events"),
                          ("elearning_taken", "elearning_change_pct", "e-learning modules taken")):
        out.append(pct_change(cur, f"training.{name}", f"Change in {what} " + since, cur["period"],
                              cur[c], before[c].to_numpy(), src))
    for key in TESTED:
        n, d, label = RATES[key]
        label = label.lower()
        k1, n1, k2, n2 = (num(s) for s in (cur[n], cur[d], before[n], before[d]))
        with np.errstate(divide="ignore", invalid="ignore"):
            both = ~np.isnan(k1) & ~np.isnan(n1) & (n1 != 0) & ~np.isnan(k2) & ~np.isnan(n2) & (n2 != 0)
            change = np.where(both, (k1 * 100 / n1) - (k2 * 100 / n2), np.nan)
        out.append(rows(cur, f"training.change_pp.{key}", f"Change in the {label} " + since, cur["period"], change,
                        "percentage_points", source=src))
        out.append(rows(cur, f"training.test.{key}", f"Two-proportion z-test: {label}, " + cur["year"] + " against "
                        + cur["prev"] + " (p-value)", cur["period"], stats.two_proportions_z(k1, n1, k2, n2)[0],
                        "p_value", source=src))
    return out


def _courses(tables, req: pd.DataFrame) -> list[Block]:
    """Each e-learning course's take-up in an annual report's year."""
    annual = spans(req, (THIS,), quarterly=False)
    c = annual.merge(tables["elearning_courses"], on=["partnership", "year"], how="inner")
    if c.empty:
        return []
    base = "training.course." + pd.Series(slugs(c["course"]), index=c.index)
    src = tables.source(c["partnership"], "elearning_courses")
    name = c["course"]
    return [
        rows(c, base + ".signed_up", "Signed up to " + name + " e-learning", c["period"], c["signed_up"], "count",
             source=src),
        rows(c, base + ".completed", "Completed " + name + " e-learning", c["period"], c["completed"], "count",
             source=src),
        rows(c, base + ".in_progress", "Part way through " + name + " e-learning at the year end", c["period"],
             c["in_progress"], "count", source=src),
        ratio(c, base + ".completion_rate", "Share of those signed up to " + name + " who completed it",
              c["period"], c["completed"], c["signed_up"], src),
    ]


def figures(tables, req: pd.DataFrame) -> list[Block]:
    """Every training figure of every request (see the module's docstring)."""
    t = totals(tables, req)
    # the year before (or the same quarter a year earlier) only when it has counts
    shown = t[(t["which"] != PREV) | t[list(COUNTS)].notna().any(axis=1)]
    out = _counts_and_rates(shown, tables.source(shown["partnership"], "training"))
    annual = req[req["quarter"].isna()]
    if len(annual):
        a = totals(tables, annual, (THIS, PREV))
        cur = a[a["which"] == THIS].reset_index(drop=True).assign(prev=annual["prev"].to_numpy())
        before = a[a["which"] == PREV].reset_index(drop=True)
        out += _changes(cur, before, tables.source(cur["partnership"], "training"))
    return out + _courses(tables, req)
