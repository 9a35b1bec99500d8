"""Benchmarking across partnerships: for every indicator with numerators and denominators in at least
MIN_PARTNERSHIPS (3) partnerships for a period, each partnership's rate against the pooled rate of all of
them, with 95% and 99.8% limits at its denominator (calc.funnel: Spiegelhalter 2005, as OHID Fingertips).

    reg = figures(load_all("data"), "2023-24", "Q4")

A partnership's numerator and denominator for the period: a quarter's own point (calc.indicators); for a
year, the year's point of an indicator given yearly, or the sum of the year's four quarters when every one
has both. Indicators whose numerator and denominator are counts of a share (proportion or percent: the
partnership's own, the audit and training series) qualify; a built-in series is compared only between
partnerships whose definitions read the same (the headline grade differs between grade scales), and the
others are named as left out.

Figures (period the benchmark's), for an indicator X and a partnership P (its folder name):
- benchmark.X.partnerships (count), benchmark.X.pooled (proportion: numerators and denominators summed),
  benchmark.X.outside_95 and .outside_998 (count: partnerships outside those limits);
- benchmark.X.P.rate (proportion, with its counts and Wilson 95% interval), benchmark.X.P.lower_95,
  .upper_95, .lower_998, .upper_998 (proportion: the limits at P's denominator), benchmark.X.P.outside_95 and
  .outside_998 (code: 1 above the upper limit, -1 below the lower, 0 within).
Details: "benchmark.indicators" (words per indicator: who is outside, who was left out), "benchmark.rates"
(one row per indicator and partnership, in the funnel's order), "benchmark.curves" (each indicator's limits
at denominators across the funnel's width, for drawing only), "benchmark.partnerships" (every partnership
loaded: folder, name, whether synthetic).
"""
from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

from wsp_analysis.calc import funnel, indicators
from wsp_analysis.calc.register import Figure, Register
from wsp_analysis.calc.rows import one as ratio
from wsp_analysis.data import periods

MIN_PARTNERSHIPS = 3
CURVE_POINTS = 60
SHARES = ("proportion", "percent")


def _of_period(pts: pd.DataFrame, year: str, quarter: str | None) -> pd.DataFrame:
    """partnership, indicator, numerator, denominator, source: each one's counts for the period."""
    pts = pts[pts["numerator"].notna() & pts["denominator"].notna() & (pts["denominator"] > 0)]
    if quarter:
        got = pts[pts["period"] == periods.period_label(year, quarter)]
        return got[["partnership", "indicator", "numerator", "denominator", "source"]]
    whole = pts[(pts["period"] == year)]
    q = pts[(pts["year"] == year) & pts["quarter"].notna()]
    summed = q.groupby(["partnership", "indicator"], sort=False).agg(
        numerator=("numerator", "sum"), denominator=("denominator", "sum"), n=("period", "size"),
        source=("source", "first")).reset_index()
    summed = summed[summed["n"] == 4].drop(columns="n")  # a year is its four quarters, never fewer
    return pd.concat([whole[["partnership", "indicator", "numerator", "denominator", "source"]], summed],
                     ignore_index=True)


def _names(tables, ps) -> str:
    return ", ".join(tables.config(p).name for p in ps)


def figures(tables, year: str, quarter: str | None = None) -> Register:
    """The benchmark's register for every partnership in `tables` (see the module's docstring). Raises
    ValueError for a year or quarter written wrongly."""
    year = periods.parse_year(year)
    quarter = periods.parse_quarter(quarter) if quarter else None
    period = periods.period_label(year, quarter)
    defs, pts = indicators.series(tables, year, quarter)
    defs = defs[defs["counts"].astype(bool) & defs["unit"].isin(SHARES)]
    got = _of_period(pts, year, quarter).merge(defs[["partnership", "indicator", "label", "polarity", "built_in"]],
                                               on=["partnership", "indicator"])
    figs, words, rates, curves = [], [], [], []
    for name in dict.fromkeys(got["indicator"]):
        g = got[got["indicator"] == name]
        label = Counter(g["label"]).most_common(1)[0][0]
        left = g[g["label"] != label] if bool(g["built_in"].iloc[0]) else g.iloc[0:0]
        g = g[~g.index.isin(left.index)].sort_values("denominator", kind="stable").reset_index(drop=True)
        if len(g) < MIN_PARTNERSHIPS:
            continue
        f = funnel.funnel(g[["partnership", "numerator", "denominator"]])
        base = f"benchmark.{name}"
        src = "; ".join(dict.fromkeys(g["source"]))
        n, d = float(g["numerator"].sum()), float(g["denominator"].sum())
        figs += [Figure(f"{base}.partnerships", f"{label}: partnerships compared", period, len(g), "count",
                        source=src),
                 ratio(f"{base}.pooled", f"{label}: pooled rate of the partnerships compared", period, n, d, src,
                       interval=False)]
        for tag, words_ in funnel.COVERAGES.items():
            out = int((f[f"outside_{words_}"] != 0).sum())
            figs.append(Figure(f"{base}.outside_{words_}", f"{label}: partnerships outside the {tag:.1%} limits"
                               .replace(".0%", "%"), period, out, "count", source=src))
        for r, s in zip(f.itertuples(index=False), g["source"]):
            pb, who = f"{base}.{r.partnership}", tables.config(r.partnership).name
            figs.append(ratio(f"{pb}.rate", f"{label}: {who}", period, r.numerator, r.denominator, s))
            for tag in ("95", "998"):
                shown = "95%" if tag == "95" else "99.8%"
                figs += [Figure(f"{pb}.lower_{tag}", f"{label}: {who}, lower {shown} limit at its denominator",
                                period, getattr(r, f"lower_{tag}"), "proportion", source=s),
                         Figure(f"{pb}.upper_{tag}", f"{label}: {who}, upper {shown} limit at its denominator",
                                period, getattr(r, f"upper_{tag}"), "proportion", source=s),
                         Figure(f"{pb}.outside_{tag}", f"{label}: {who}, outside the {shown} limits (1 above, -1 "
                                                       "below, 0 within)", period, getattr(r, f"outside_{tag}"),
                                "code", source=s)]
            rates.append([name, r.partnership, who, bool(tables.config(r.partnership).synthetic),
                          int(r.outside_95), int(r.outside_998)])
        grid = np.unique(np.geomspace(max(1.0, f["denominator"].min() * 0.7), f["denominator"].max() * 1.3,
                                      CURVE_POINTS).round())
        lo95, hi95 = funnel.limits(n / d, grid, 0.95)
        lo998, hi998 = funnel.limits(n / d, grid, 0.998)
        curves += [[name, float(x), float(a), float(b), float(c), float(e)]
                   for x, a, b, c, e in zip(grid, lo95, hi95, lo998, hi998)]
        side = {k: [r.partnership for r in f.itertuples(index=False) if getattr(r, f"outside_{t}") == s]
                for k, t, s in (("above_998", "998", 1), ("below_998", "998", -1), ("above_95", "95", 1),
                                ("below_95", "95", -1))}
        words.append([name, label, g["polarity"].iloc[0], len(g), *(_names(tables, side[k]) for k in side),
                      _names(tables, left["partnership"])])
    details = {
        "benchmark.indicators": pd.DataFrame(words, columns=["indicator", "label", "polarity", "partnerships",
                                                             "above_998", "below_998", "above_95", "below_95",
                                                             "left_out"], dtype=object),
        "benchmark.rates": pd.DataFrame(rates, columns=["indicator", "partnership", "name", "synthetic", "outside_95",
                                                        "outside_998"], dtype=object),
        "benchmark.curves": pd.DataFrame(curves, columns=["indicator", "denominator", "lower_95", "upper_95",
                                                          "lower_998", "upper_998"]),
    }
    details["benchmark.partnerships"] = pd.DataFrame(
        [[p, tables.config(p).name, bool(tables.config(p).synthetic)] for p in tables.partnerships],
        columns=["partnership", "name", "synthetic"], dtype=object)
    return Register(figs, details=details)
