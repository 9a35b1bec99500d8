"""Every indicator's points in time order, for the dashboard (calc.dashboard) and the benchmark
(calc.benchmark): the partnership's own indicators (indicators.csv, defined in indicator_definitions.csv)
and the built-in quarterly series, taken from the figures the other families compute, so they join the
dashboard without being typed in.

    defs, points = series(tables, "2023-24", "Q4")

Built-in series (BUILT_IN; their names hold a dot, which a name in indicators.csv cannot, so they never
clash): the share of audits graded the headline grade or better, the training attendance rate,
serious-incident referrals, self-neglect panel referrals, and spending to date as a percent of the
budget profiled to date. Each is computed once, by calc.compute over one request per quarter (and per
year) of every partnership at once, and read from those figures.

Which points: an indicator with any quarterly value is charted by quarter, every quarter up to the
period's end (an annual period ends with its Q4); one given only by whole years by year, every year
that has ended by the period's end (a Q3 dashboard's latest year is the one before). A built-in series
takes a quarter (or year) only when its family has any row there; a blank value in a row that is there
is a point not available ([x]), never 0.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from wsp_analysis.calc import compute
from wsp_analysis.calc.register import slug
from wsp_analysis.calc.spans import requests, span_key
from wsp_analysis.data import periods

QUARTER, YEAR = "quarter", "year"
BUILT_IN_PRIORITY = "Partnership measures (built in)"
DEF_COLUMNS = ["partnership", "indicator", "label", "unit", "polarity", "priority", "target", "source_agency",
               "definition", "built_in", "counts"]
POINT_COLUMNS = ["partnership", "indicator", "period", "year", "quarter", "frequency", "value", "numerator",
                 "denominator", "source", "row_source"]

# name -> (family, unit, polarity, target, label, definition); `counts`: numerator and denominator are counts
BUILT_IN = {
    "audit.good_or_better": ("audits", "proportion", "higher_is_better", None,
                             "Share of audits graded {lead} or better",
                             "Multi-agency audit cases graded {lead} or better, of the cases graded (audits.csv; a "
                             "year published only as percentages adds the published shares)."),
    "training.attendance_rate": ("training", "proportion", "higher_is_better", None,
                                 "Share of training bookings attended",
                                 "Bookings attended, of bookings (places booked and not cancelled: attended + "
                                 "no-shows), training.csv."),
    "referrals.received": ("referrals", "count", "neither", None, "Serious-incident referrals to the partnership",
                           "Serious-incident referrals received for consideration of a rapid review, "
                           "referrals.csv."),
    "referrals.self_neglect_panel.received": ("referrals", "count", "neither", None,
                                              "Referrals to the self-neglect panel",
                                              "Referrals received by the self-neglect panel, referrals.csv."),
    "budget.expenditure.spend_to_profile": ("budget", "percent", "lower_is_better", 100.0,
                                            "Spending as a percent of the budget profiled to date",
                                            "Actual spending to the end of the period as a percent of the budget "
                                            "profiled to that date (100 is on budget; a year's point is the year's "
                                            "outturn against its budget), budget.csv. The target of 100 is the "
                                            "budget itself."),
}
COUNTED = ("audit.good_or_better", "training.attendance_rate")  # numerator and denominator are counts
FAMILIES = ("audits", "training", "referrals", "budget")


def end_of(year: str, quarter: str | None) -> tuple[str, str]:
    """The last quarter a period covers: (year, quarter), an annual period's being Q4."""
    return periods.parse_year(year), periods.parse_quarter(quarter) if quarter else "Q4"


def _order(year: str, quarter) -> int:
    """A sortable position in time: quarters by their end, a whole year as its Q4."""
    q = quarter if isinstance(quarter, str) else "Q4"
    return periods.start_year(year) * 4 + periods.QUARTERS.index(q)


def _objects(values) -> pd.Series:
    return pd.Series(list(values), dtype=object)


def _typed(tables) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The partnerships' own definitions and points (indicators.csv, indicator_definitions.csv)."""
    d = tables["indicator_definitions"]
    defs = pd.DataFrame({c: d[c].to_numpy(dtype=object) if c in d else _objects([None] * len(d))
                         for c in DEF_COLUMNS if c not in ("built_in", "counts")})
    defs["target"] = pd.Series([None if pd.isna(t) else float(t) for t in defs["target"]], dtype=object)
    defs["built_in"], defs["counts"] = False, True  # a typed numerator and denominator are counts (data.indicators)
    v = tables["indicators"]
    quarterly = set(v.loc[v["quarter"].notna(), "indicator"].map(str) + "\0" + v.loc[v["quarter"].notna(),
                                                                                       "partnership"].map(str))
    freq = [QUARTER if f"{i}\0{p}" in quarterly else YEAR for i, p in zip(v["indicator"], v["partnership"])]
    pts = pd.DataFrame({
        "partnership": v["partnership"].to_numpy(dtype=object), "indicator": v["indicator"].to_numpy(dtype=object),
        "year": v["year"].to_numpy(dtype=object),
        "quarter": _objects(None if pd.isna(q) else q for q in v["quarter"]),
        "frequency": _objects(freq),
        "value": v["value"].astype("Float64").to_numpy(dtype=float, na_value=np.nan),
        "numerator": v["numerator"].astype("Float64").to_numpy(dtype=float, na_value=np.nan),
        "denominator": v["denominator"].astype("Float64").to_numpy(dtype=float, na_value=np.nan),
        "source": tables.source(v["partnership"], "indicators").to_numpy(dtype=object) if len(v) else [],
        "row_source": v["source"].to_numpy(dtype=object)})
    pts["period"] = _objects(periods.period_label(y, q) for y, q in zip(pts["year"], pts["quarter"]))
    return defs, pts[POINT_COLUMNS]


def _built_in_defs(tables, partnerships: list[str]) -> pd.DataFrame:
    rows = []
    for p in partnerships:
        lead = tables.config(p).lead_grade() or "the headline grade"
        for name, (_, unit, polarity, target, label, definition) in BUILT_IN.items():
            rows.append([p, name, label.format(lead=lead), unit, polarity, BUILT_IN_PRIORITY, target, None,
                         definition.format(lead=lead), True, name in COUNTED])
    return pd.DataFrame(rows, columns=DEF_COLUMNS).astype(object)


def _requests(tables, partnerships: list[str], end: tuple[str, str]) -> pd.DataFrame:
    """One quarterly request per quarter up to `end` and one annual request per year ended by then, for
    every year each partnership's tables hold."""
    parts = []
    for p in partnerships:
        years = [y for y in tables.years(p) if y <= end[0]]
        for q in periods.QUARTERS:
            qs = [y for y in years if _order(y, q) <= _order(*end)]
            if qs:
                parts.append(requests(p, qs, q))
        ended = [y for y in years if _order(y, None) <= _order(*end)]
        if ended:
            parts.append(requests(p, ended))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def _built_in_points(tables, partnerships: list[str], end: tuple[str, str]) -> pd.DataFrame:
    """Every built-in series' points from the figures of one register per quarter and per year, all
    computed at once; a point only where its family has a row in the period."""
    req = _requests(tables, partnerships, end)
    if req.empty:
        return pd.DataFrame(columns=POINT_COLUMNS)
    frame, coverage, _ = compute.compute(tables, req, FAMILIES)
    own = frame[frame["period"] == frame["report"]].drop_duplicates(["partnership", "report", "id"])
    fig = {(p, r, i): (v, n, d, s) for p, r, i, v, n, d, s in zip(own["partnership"], own["report"], own["id"],
                                                                   own["value"], own["numerator"], own["denominator"],
                                                                   own["source"])}
    this = [span_key(y, (q,) if isinstance(q, str) else None) for y, q in zip(req["year"], req["quarter"])]
    cov = coverage.set_index(["partnership", "report", "family", "span"])["has_data"].to_dict()
    nan = (np.nan, np.nan, np.nan, "")
    rows = []
    for p, report, year, q, span in zip(req["partnership"], req["report"], req["year"], req["quarter"], this):
        q = q if isinstance(q, str) else None
        ytd = ".ytd" if q else ""
        scale = tables.config(p).grade_scale
        lead = tables.config(p).lead_grade()
        better = [f"audit.share.{slug(g)}" for g in scale[: scale.index(lead) + 1]] if lead else []
        for name, (family, *_rest) in BUILT_IN.items():
            if not cov.get((p, report, family, span), False):
                continue
            if name == "audit.good_or_better":
                shares = [fig.get((p, report, i), nan) for i in better]
                graded = fig.get((p, report, "audit.graded"), nan)
                n = sum(s[1] for s in shares) if shares else np.nan
                d = graded[0]
                if not np.isnan(n) and not np.isnan(d) and d > 0:
                    value = n / d
                else:  # a year published only as percentages: the published shares add up, no counts
                    n = d = np.nan
                    value = sum(s[0] for s in shares) if shares else np.nan
                src = graded[3] or next((s[3] for s in shares if s[3]), "")
            elif name == "budget.expenditure.spend_to_profile":
                actual = fig.get((p, report, f"budget.expenditure.actual{ytd}"), nan)
                budget = fig.get((p, report, f"budget.expenditure.budget{ytd}"), nan)
                n, d, src = actual[0], budget[0], actual[3]
                value = n / d * 100 if not np.isnan(n) and not np.isnan(d) and d > 0 else np.nan
            else:
                value, n, d, src = fig.get((p, report, name), nan)
            if name not in COUNTED and name != "budget.expenditure.spend_to_profile":
                n = d = np.nan  # a count has no numerator and denominator of its own
            rows.append([p, name, report, year, q, QUARTER if q else YEAR, value, n, d, src, None])
    pts = pd.DataFrame(rows, columns=POINT_COLUMNS)
    for c in ("value", "numerator", "denominator"):
        pts[c] = pts[c].astype(float)
    # by quarter where the series has a value in any quarter, else by year where it has one in any year
    known = pts[pts["value"].notna()]
    has = {(p, i, f) for p, i, f in zip(known["partnership"], known["indicator"], known["frequency"])}
    keep = [(p, i, f) in has and (f == QUARTER or (p, i, QUARTER) not in has)
            for p, i, f in zip(pts["partnership"], pts["indicator"], pts["frequency"])]
    return pts[np.array(keep, dtype=bool)].reset_index(drop=True)


def series(tables, year: str, quarter: str | None = None, partnerships: list[str] | None = None
           ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(definitions, points) of every indicator of every partnership (or those named) up to the period's
    end (see the module's docstring).

    definitions: one row per partnership and indicator (DEF_COLUMNS): the built-in series first, then the
    partnership's own in indicator_definitions.csv's order; target None when there is none; built_in; counts
    (numerator and denominator are counts, so a funnel plot can compare them). points: one row per
    point (POINT_COLUMNS), in time order within each indicator: value, numerator, denominator as float
    (NaN: not available), source (the file figures name), row_source (a typed row's own source text)."""
    end = end_of(year, quarter)
    ps = tables.partnerships if partnerships is None else list(partnerships)
    typed_defs, typed = _typed(tables)
    defs = pd.concat([_built_in_defs(tables, ps), typed_defs[typed_defs["partnership"].isin(ps)]],
                     ignore_index=True)
    typed = typed[typed["partnership"].isin(ps)]
    parts = [p for p in (_built_in_points(tables, ps, end), typed) if len(p)]
    if not parts:
        return defs, pd.DataFrame(columns=POINT_COLUMNS)
    pts = pd.concat(parts, ignore_index=True)
    order = np.array([_order(y, q) for y, q in zip(pts["year"], pts["quarter"])])
    pts = pts[order <= _order(*end)].assign(_o=order[order <= _order(*end)])
    rank = {(p, i): k for k, (p, i) in enumerate(zip(defs["partnership"], defs["indicator"]))}
    pts = pts.assign(_d=[rank.get((p, i), len(rank)) for p, i in zip(pts["partnership"], pts["indicator"])])
    pts = pts.sort_values(["_d", "_o"], kind="stable").drop(columns=["_d", "_o"]).reset_index(drop=True)
    for c in ("value", "numerator", "denominator"):
        pts[c] = pts[c].astype(float)
    return defs, pts[POINT_COLUMNS]
