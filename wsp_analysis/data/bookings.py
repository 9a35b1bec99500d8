"""Row-level bookings summed to the counts training.csv states, per financial year and quarter.

Loading uses it to check training.csv against bookings.csv (data.checks); the training figures
(calc.training) use it to count bookings. It lives here, with the data, so that loading never
reaches up into the calculations.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from wsp_analysis.data import periods

SUMMARY_COLUMNS = ["year", "quarter", "events", "occurrences", "bookings", "cancellations", "attended", "no_shows"]


def bookings_summary(bookings: pd.DataFrame) -> pd.DataFrame:
    """Counts per year and quarter from row-level bookings (bookings.csv as loaded: one row per booking
    request, with date, course, occurrence and status).

    Returns one row per (year, quarter) that has any booking request, sorted, with the columns
    SUMMARY_COLUMNS (counts as int64): bookings = attended + no_show rows; cancelled rows count only as
    cancellations; events = distinct courses and occurrences = distinct sessions with any booking request
    (a blank course or occurrence is not counted). An empty frame (those columns) when there are no rows.
    """
    if bookings.empty:
        return pd.DataFrame(columns=SUMMARY_COLUMNS)
    # Integer codes throughout (a million rows take a fraction of a second): each distinct date's period once,
    # then counts per period and status, and distinct (period, course) and (period, occurrence) pairs.
    codes, dates = pd.factorize(pd.Series(bookings["date"], dtype=object))
    of_date = [periods.of_date(d) for d in dates]
    keys = sorted(set(of_date))
    position = {k: i for i, k in enumerate(keys)}
    period = np.array([position[k] for k in of_date], dtype=np.int64)[codes]
    n = len(keys)

    def distinct(column: str) -> np.ndarray:
        c, u = pd.factorize(bookings[column].to_numpy(dtype=object))
        keep = c >= 0  # a blank value is not counted (as nunique leaves it out)
        pairs = pd.unique(period[keep] * max(len(u), 1) + c[keep])
        return np.bincount(pairs // max(len(u), 1), minlength=n).astype(np.int64)

    sc, su = pd.factorize(bookings["status"].to_numpy(dtype=object))
    by_status = np.bincount(period[sc >= 0] * len(su) + sc[sc >= 0], minlength=n * len(su)).reshape(n, len(su))
    status = {s: by_status[:, i].astype(np.int64) for i, s in enumerate(su)}
    zero = np.zeros(n, dtype=np.int64)
    attended, no_shows = status.get("attended", zero), status.get("no_show", zero)
    return pd.DataFrame({"year": [k[0] for k in keys], "quarter": [k[1] for k in keys], "events": distinct("course"),
                         "occurrences": distinct("occurrence"), "bookings": attended + no_shows,
                         "cancellations": status.get("cancelled", zero), "attended": attended,
                         "no_shows": no_shows})[SUMMARY_COLUMNS]
