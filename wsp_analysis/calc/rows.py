"""Building figure rows a block at a time: one row per row of a frame of (partnership, report, span)
keys, every column a numpy array, joined into one frame at the end.

A family writes, for example,

    rows(base, "training.attended", "Training bookings attended", base["period"], base["attended"],
         "count", source=src)

and gets one figure per row of `base`. Each argument is a value for every row or a Series/array aligned
with `base`. `base` must hold `partnership`, `report` (the report the figure belongs to: "2023-24" or
"2023-24-Q3") and `span` (the data the figure is of: see calc.spans), which decides whether the figure
has data at all.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from wsp_analysis.calc import stats
from wsp_analysis.calc.register import Figure, slug

NAN = np.nan
NUMBERS = ("value", "numerator", "denominator", "ci_low", "ci_high")
# A share published without its counts says so in its label, in these words; the report tells such a share by
# PUBLISHED_MARK (every published share's label has it, whatever else it says of the respondents).
PUBLISHED_MARK = "published percentage"
PUBLISHED = f"{PUBLISHED_MARK}; counts not published"
Block = dict  # column name -> numpy array, every array the same length


def num(v, n: int | None = None) -> np.ndarray:
    """Float values with NaN for missing, from a Series of any numeric dtype, an array or a scalar."""
    if isinstance(v, pd.Series):
        v = v.astype("Float64").to_numpy(dtype=float, na_value=NAN) if v.dtype != float else v.to_numpy()
    elif v is None or v is pd.NA:
        v = NAN
    arr = np.asarray(v, dtype=float)
    return np.full(n, float(arr)) if arr.ndim == 0 and n is not None else arr


def text(v, n: int) -> np.ndarray:
    """Text values for every row: a Series or array as given, or one value repeated n times."""
    if isinstance(v, pd.Series):
        return v.to_numpy(dtype=object)
    if isinstance(v, np.ndarray):
        return v.astype(object)
    return np.full(n, v, dtype=object)


def objects(values, index=None) -> pd.Series:
    """A Series of Python objects as given (pandas would otherwise infer its string dtype)."""
    return pd.Series(values, index=index, dtype=object)


def rows(base: pd.DataFrame, id_, label, period, value, unit: str, numerator=None, denominator=None,
         source="", ci_low=None, ci_high=None) -> Block:
    """Figure rows, one per row of `base` (see the module's docstring)."""
    n = len(base)
    return {"partnership": base["partnership"].to_numpy(dtype=object), "report": base["report"].to_numpy(dtype=object),
            "span": base["span"].to_numpy(dtype=object),
            "id": text(id_, n), "label": text(label, n), "period": text(period, n), "value": num(value, n),
            "unit": np.full(n, unit, dtype=object), "numerator": num(numerator, n),
            "denominator": num(denominator, n), "source": text(source, n), "ci_low": num(ci_low, n),
            "ci_high": num(ci_high, n)}


def _whole(v: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return np.isfinite(v) & (np.floor(v) == v)


def ratio(base, id_, label, period, numerator, denominator, source, unit="proportion", interval=True) -> Block:
    """A share numerator / denominator for every row: missing when either is missing or the denominator is
    0. A proportion of whole counts (k of n, 0 <= k <= n) carries its Wilson 95% interval; pass
    interval=False for a share that is not k of n things (a share of pounds)."""
    n, d = num(numerator, len(base)), num(denominator, len(base))
    value, lo, hi = _share(n, d, unit, interval)
    return rows(base, id_, label, period, value, unit, n, d, source, lo, hi)


def _share(n: np.ndarray, d: np.ndarray, unit: str, interval: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(value, ci_low, ci_high) of n / d, elementwise: see ratio."""
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(np.isnan(n) | np.isnan(d) | (d == 0), NAN, n / d)
    lo, hi = np.full(len(n), NAN), np.full(len(n), NAN)
    if interval and unit == "proportion":
        ok = ~np.isnan(value) & _whole(n) & _whole(d) & (n >= 0) & (n <= d)
        lo[ok], hi[ok] = stats.wilson(n[ok], d[ok])
    return value, lo, hi


def pct_change(base, id_, label, period, current, previous, source) -> Block:
    """Relative change in percent, (current - previous) / previous x 100; missing when either is missing
    or previous is 0."""
    c, p = num(current, len(base)), num(previous, len(base))
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(np.isnan(c) | np.isnan(p) | (p == 0), NAN, (c - p) / p * 100)
    return rows(base, id_, label, period, value, "percent", c, p, source)


def slugs(values) -> np.ndarray:
    """calc.register.slug of every value, each distinct value worked out once."""
    cache: dict = {}
    out = np.empty(len(values), dtype=object)
    for i, v in enumerate(values):
        if v not in cache:
            cache[v] = slug(v)
        out[i] = cache[v]
    return out


def joined(parts: list[Block]) -> pd.DataFrame:
    """Every block as one frame: partnership, report, span, then the figures.csv columns (numbers as
    float with NaN for missing)."""
    parts = [p for p in parts if len(p["id"])]
    names = ["partnership", "report", "span", "id", "label", "period", "value", "unit", "numerator", "denominator",
             "source", "ci_low", "ci_high"]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=float if c in NUMBERS else object) for c in names})
    return pd.DataFrame({c: (np.concatenate([p[c] for p in parts]) if c in NUMBERS else
                             objects(np.concatenate([p[c] for p in parts]))) for c in names})


def one(id_: str, label: str, period: str, numerator, denominator, source: str, unit: str = "proportion",
        interval: bool = True) -> Figure:
    """ratio() for a single figure (families computed one report at a time: actions, Section 11)."""
    n, d = num(numerator, 1), num(denominator, 1)  # no frame: these run hundreds of times a region
    value, lo, hi = _share(n, d, unit, interval)
    return Figure(id_, label, period, value[0], unit, n[0], d[0], source, lo[0], hi[0])


def annual_and_quarterly(tables, req: pd.DataFrame, annual, quarterly) -> list[Block]:
    """A family's figures of every request: annual(tables, req) when a request is for a year, then
    quarterly(tables, req) when one is for a quarter (each picks its own requests from `req`)."""
    out = []
    if req["quarter"].isna().any():
        out += annual(tables, req)
    if req["quarter"].notna().any():
        out += quarterly(tables, req)
    return out


def from_figures(figs: list[Figure], partnership: str, report: str, span: str) -> Block:
    """A block of the figures one report's family computed one at a time, all of one span."""
    n = len(figs)
    col = lambda name: [getattr(f, name) for f in figs]  # noqa: E731
    return {"partnership": np.full(n, partnership, dtype=object), "report": np.full(n, report, dtype=object),
            "span": np.full(n, span, dtype=object),
            **{c: np.array(col(c), dtype=object) for c in ("id", "label", "period", "unit", "source")},
            **{c: np.array([NAN if v is None else float(v) for v in col(c)], dtype=float) for c in NUMBERS}}
