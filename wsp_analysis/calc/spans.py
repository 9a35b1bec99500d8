"""Which reports to compute (requests), what data each figure is of (spans), and the two rules every
family shares: sums over a span, and whether a span has any data at all.

A request is one report: `partnership`, `report` (its period, "2023-24" or "2023-24-Q3"), `year`,
`quarter` (None for an annual report) and `prev` (the financial year before).

A span is the data a figure is of, written as a key: "2023-24" (the whole year), "2023-24:Q3" (one
quarter), "2023-24:Q1-Q3" (the year to the end of Q3). An annual report's figures are of its year and
the year before; a quarterly report's of its quarter, the year to date and the same quarter a year
earlier (spans() lists them, with the figure's period and the suffixes its id and label take).

Missing is not zero, here once for every family: a sum over a span is missing unless every quarter of
the span has a row and every value is filled in (a whole-year row stands for the year), and a figure
whose span has no row in any of its family's tables is blank (calc.compute applies has_data).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from wsp_analysis.data import periods

QUARTERS = periods.QUARTERS
THIS, YTD, PREV = "this", "ytd", "prev"


def span_key(year: str, quarters: tuple[str, ...] | None = None) -> str:
    """ "2023-24", "2023-24:Q3" or "2023-24:Q1-Q3"."""
    if not quarters:
        return year
    return f"{year}:{quarters[0]}" if len(quarters) == 1 else f"{year}:{quarters[0]}-{quarters[-1]}"


def parse_span(key: str) -> tuple[str, tuple[str, ...] | None]:
    """(year, quarters) of a span key; quarters None for the whole year."""
    year, _, qs = key.partition(":")
    if not qs:
        return year, None
    first, _, last = qs.partition("-")
    last = last or first
    return year, QUARTERS[QUARTERS.index(first): QUARTERS.index(last) + 1]


def requests(partnership: str, years: list[str], quarter: str | None = None) -> pd.DataFrame:
    """One request per year (all annual, or all for `quarter`) of one partnership."""
    return pd.DataFrame({
        "partnership": pd.Series([partnership] * len(years), dtype=object),
        "report": pd.Series([periods.period_label(y, quarter) for y in years], dtype=object),
        "year": pd.Series(list(years), dtype=object),
        "quarter": pd.Series([quarter] * len(years), dtype=object),
        "prev": pd.Series([periods.previous_year(y) for y in years], dtype=object),
    })


def spans(req: pd.DataFrame, which=(THIS, PREV), quarterly: bool | None = None) -> pd.DataFrame:
    """The spans a family computes for each request, one row per request and kind in `which`:
    partnership, report, which, year, quarters (tuple, None for the whole year), period (the figure's
    period), suffix (".ytd" for the year to date, else ""), when (", year to date" or ""), span (key).

    THIS: an annual report's year, a quarterly report's quarter; YTD: a quarterly report's Q1 to its
    quarter (annual reports have none); PREV: the year before, or the same quarter a year earlier.
    `quarterly` keeps only annual (False) or quarterly (True) requests."""
    req = req if quarterly is None else req[req["quarter"].notna() == quarterly]
    out = []
    for kind in which:
        r = req if kind != YTD else req[req["quarter"].notna()]
        q = r["quarter"]
        is_q = q.notna().to_numpy()
        year = np.where((kind == PREV), r["prev"].to_numpy(dtype=object), r["year"].to_numpy(dtype=object))
        quarters = [None if not iq else (periods.quarters_to(qq) if kind == YTD else (qq,))
                    for iq, qq in zip(is_q, q)]
        period = [periods.period_label(y, qq if iq else None) for y, qq, iq in zip(year, q, is_q)]
        out.append(pd.DataFrame({
            "partnership": r["partnership"].to_numpy(dtype=object), "report": r["report"].to_numpy(dtype=object),
            "which": kind, "year": pd.Series(year, dtype=object), "quarters": pd.Series(quarters, dtype=object),
            "period": pd.Series(period, dtype=object),
            "suffix": ".ytd" if kind == YTD else "", "when": ", year to date" if kind == YTD else "",
            "span": pd.Series([span_key(y, qs) for y, qs in zip(year, quarters)], dtype=object)}))
    if not out:
        return pd.DataFrame(columns=["partnership", "report", "which", "year", "quarters", "period", "suffix", "when",
                                     "span"])
    return pd.concat(out, ignore_index=True)


def sum_over_spans(rows: pd.DataFrame, keys: list[str], values: list[str], targets: pd.DataFrame) -> pd.DataFrame:
    """The sum of each of `values` over each target's span, per key.

    `rows` holds partnership, year, quarter (blank for a whole-year row), the `keys` and the `values`;
    `targets` holds partnership, year, quarters (as spans() gives) and the `keys`, and any other columns
    (kept). A whole-year target takes its key's whole-year row where there is one, else the sum of the four
    quarters; a target of some quarters the sum of those quarters' rows. A sum is missing (NaN) unless
    every quarter it needs has a row and the value is filled in on each: a partial sum is never passed off
    as the whole. Returns `targets` (same order) with the value columns as float."""
    t = targets.reset_index(drop=True).copy()
    t["_t"] = np.arange(len(t))
    on = ["partnership", "year", *keys]
    for v in values:
        t[v] = np.nan
    if t.empty or rows.empty:
        return t.drop(columns="_t")
    data = rows[["partnership", "year", "quarter", *keys, *values]].copy()
    for v in values:
        data[v] = data[v].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    whole = data[data["quarter"].isna()].drop_duplicates(on, keep="first")
    by_q = data[data["quarter"].notna()]
    # every quarter each target needs: one row per (target, quarter)
    need = t[["_t", *on]].assign(quarter=[QUARTERS if qs is None else qs for qs in t["quarters"]])
    need = need.explode("quarter")
    found = need.merge(by_q.assign(_found=1.0), on=[*on, "quarter"], how="left")
    g = found.groupby("_t", sort=True)
    complete = g["_found"].count() == g.size()
    summed = pd.DataFrame({v: g[v].sum().where(complete & (g[v].count() == g.size())) for v in values})
    for v in values:
        t[v] = summed[v].reindex(t["_t"]).to_numpy()
    year_rows = t[t["quarters"].isna()][["_t", *on]].merge(whole, on=on, how="inner")
    if len(year_rows):
        idx = year_rows["_t"].to_numpy()
        for v in values:
            t.loc[idx, v] = year_rows[v].to_numpy()
    return t.drop(columns="_t")


def periods_of(table: pd.DataFrame) -> pd.DataFrame:
    """The (partnership, year, quarter) of every row of a table: its year and quarter columns (quarter
    None for a whole-year row or a table without quarters), or the financial year and quarter of its date
    (date, else event_date). Distinct rows only."""
    if table.empty:
        return pd.DataFrame(columns=["partnership", "year", "quarter"])
    if "year" in table:
        quarter = table["quarter"] if "quarter" in table else pd.Series(None, index=table.index, dtype=object)
        out = pd.DataFrame({"partnership": table["partnership"], "year": table["year"],
                            "quarter": quarter.astype(object).where(quarter.notna(), None)})
    else:
        # each distinct (partnership, date) once: a million bookings hold a few thousand of them
        codes, distinct = pd.factorize(table["date"])
        pcodes, names = pd.factorize(table["partnership"])
        width = len(distinct) + 1
        pairs = np.unique(pcodes.astype(np.int64) * width + (codes + 1))
        of = [periods.of_date(d) for d in distinct] + [(None, None)]  # code -1 (no date): the last
        out = pd.DataFrame({"partnership": np.asarray(names, dtype=object)[pairs // width],
                            "year": [of[c - 1][0] for c in pairs % width],
                            "quarter": [of[c - 1][1] for c in pairs % width]})
    return out.drop_duplicates().reset_index(drop=True)


def has_data(present: pd.DataFrame, keys: pd.DataFrame) -> np.ndarray:
    """Whether each (partnership, span) of `keys` has at least one row in `present` (periods_of output):
    a whole-year span any row of its year; a span of quarters a row of one of those quarters."""
    seen: dict[str, dict[str, set]] = {}
    for p, y, q in zip(present["partnership"], present["year"], present["quarter"]):
        seen.setdefault(p, {}).setdefault(y, set()).add(q)
    out = np.zeros(len(keys), dtype=bool)
    cache: dict = {}
    for i, (p, key) in enumerate(zip(keys["partnership"], keys["span"])):
        if (p, key) not in cache:
            year, quarters = parse_span(key)
            got = seen.get(p, {}).get(year)
            cache[(p, key)] = bool(got) and (quarters is None or any(q in got for q in quarters))
        out[i] = cache[(p, key)]
    return out
