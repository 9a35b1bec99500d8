"""The dashboard's register: every indicator's points up to the period (calc.indicators) judged the NHS
Making Data Count way (calc.spc), as figures with the dashboard's period and words beside them.

    reg = figures(ds, "2023-24", "Q4")        # what wsp.figures(ds, year, quarter, kind="dashboard") gives

Figures, for each indicator (its name from indicators.csv, or a built-in series' dotted name), period the
dashboard's ("2023-24-Q4", or "2023-24" for a year's):
- dashboard.<indicator>.value: one per point, with the point's own period (the indicator's unit, with its
  numerator and denominator; a proportion of counts carries its Wilson 95% interval);
- dashboard.<indicator>.points (count): the points charted (values known);
- dashboard.<indicator>.mean, .upper_limit, .lower_limit (the indicator's unit): the XmR chart's centre line
  and process limits (mean +/- 2.66 mean moving ranges);
- dashboard.<indicator>.special_points (count): points any special-cause rule flags;
- dashboard.<indicator>.variation (code): at the latest point, 1 special cause high, -1 special cause low,
  0 common cause;
- dashboard.<indicator>.assurance (code): 1 consistently passes the target, -1 consistently fails, 0 hit and
  miss; blank without a target (or for an indicator with no better direction);
- dashboard.<indicator>.target (the indicator's unit), when it has one.
Fewer than spc.MIN_POINTS (12) points give a run chart: the mean, and blank limits, special points,
variation and assurance, with a sentence saying why. No point at all: every figure blank.

Details: "dashboard.indicators" (one row per indicator, in order: built-in series first, then the
partnership's own: its definition, whether its numerator and denominator are counts (else pounds),
frequency, chart kind, first and latest period, and the words for its
variation, assurance and, for a run chart, why) and "dashboard.points" (one row per point: its period, in
words too, whether it is charted, and the rule that flagged it).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from wsp_analysis.calc import indicators, spc
from wsp_analysis.calc.register import Figure, Register
from wsp_analysis.calc.rows import one as ratio
from wsp_analysis.data import periods
from wsp_analysis.data.partnerships import Tables

XMR, RUN, NONE = "xmr", "run", "none"
INDICATOR_COLUMNS = ["indicator", "label", "unit", "polarity", "priority", "target", "source_agency", "definition",
                     "built_in", "counts", "frequency", "chart", "first", "latest", "variation_words", "assurance_words", "why"]
POINT_COLUMNS = ["indicator", "period", "when", "charted", "direction", "rule", "row_source"]


def when(period: str) -> str:
    """A period in words: "2023-24-Q3" -> "2023-24 Q3"; a year as it is."""
    return period.replace("-Q", " Q")


def _span(n: int, frequency: str, first: str, latest: str) -> str:
    unit = frequency + ("s" if n != 1 else "")
    return f"{n} {unit}, {when(first)}" + (f" to {when(latest)}" if latest != first else "")


def _value_figure(fid: str, label: str, period: str, unit: str, value, n, d, source: str) -> Figure:
    """A point: with its counts, a proportion carries its Wilson interval (value as given)."""
    if unit == "proportion" and not np.isnan(n) and not np.isnan(d) and d > 0 and float(n).is_integer():
        interval = ratio(fid, label, period, n, d, source)
        return Figure(fid, label, period, value, unit, n, d, source, interval.ci_low, interval.ci_high)
    return Figure(fid, label, period, value, unit, n, d, source)


def _one(d, own: pd.DataFrame, period: str, figs: list[Figure], points: list[list]) -> list:
    """Figures and words of one indicator; returns its row of dashboard.indicators."""
    base, label, unit = f"dashboard.{d.indicator}", d.label, d.unit
    target = None if d.target is None or pd.isna(d.target) else float(d.target)
    src = next((s for s in own["source"] if s), "")
    for r in own.itertuples(index=False):
        figs.append(_value_figure(f"{base}.value", label, r.period, unit, r.value, r.numerator, r.denominator, src))
    known = own[own["value"].notna()]
    frequency = own["frequency"].iloc[0] if len(own) else indicators.QUARTER
    c = spc.chart(known["value"].tolist()) if len(known) else None
    n = len(known)
    first, latest = (known["period"].iloc[0], known["period"].iloc[-1]) if n else ("", "")
    span = _span(n, frequency, first, latest) if n else f"no value up to {when(period)}"
    chart = NONE if c is None else XMR if c.limits else RUN
    variation = c.latest if c is not None else None
    assured = spc.assurance(c, d.polarity, target) if c is not None else None
    figs += [
        Figure(f"{base}.points", f"{label}: points charted ({span})", period, n, "count", source=src),
        Figure(f"{base}.mean", f"{label}: mean ({span})", period, c.mean if c else None, unit, source=src),
        Figure(f"{base}.upper_limit", f"{label}: upper process limit (mean + 2.66 x mean moving range; {span})",
               period, c.upper_limit if c else None, unit, source=src),
        Figure(f"{base}.lower_limit", f"{label}: lower process limit (mean - 2.66 x mean moving range; {span})",
               period, c.lower_limit if c else None, unit, source=src),
        Figure(f"{base}.special_points", f"{label}: points showing special cause variation ({span})", period,
               c.special_points if c else None, "count", source=src),
        Figure(f"{base}.variation", f"{label}: variation at the latest point (1 special cause high, -1 special "
                                    f"cause low, 0 common cause; {span})", period, variation, "code", source=src),
    ]
    if target is not None:
        defs_src = src.rsplit("/", 1)[0] + "/indicator_definitions.csv" if not d.built_in else src
        figs.append(Figure(f"{base}.target", f"{label}: target", period, target, unit, source=defs_src))
    figs.append(Figure(f"{base}.assurance", f"{label}: assurance against the target (1 consistently passes, -1 "
                                            f"consistently fails, 0 hit and miss; blank without a target; {span})",
                       period, assured, "code", source=src))
    charted = own["value"].notna().to_numpy()
    direction = np.zeros(len(own), dtype=int)
    rule = np.full(len(own), "", dtype=object)
    if c is not None and c.limits:
        direction[charted], rule[charted] = c.direction, c.rule
    for r, ch, dn, ru in zip(own.itertuples(index=False), charted, direction, rule):
        points.append([d.indicator, r.period, when(r.period), bool(ch), int(dn), ru, r.row_source])
    why = ""
    if chart == RUN:
        why = (f"{n} point{'s' if n != 1 else ''}: fewer than the {spc.MIN_POINTS} an XmR chart needs for process "
               "limits, so this is a run chart with no limits and no judgement of variation or assurance.")
    elif chart == NONE:
        why = f"No value up to {when(period)}, so there is nothing to chart."
    if chart != XMR:
        assurance_words = ""
    elif target is None:
        assurance_words = "no target set"
    elif d.polarity == spc.NEITHER:
        assurance_words = "no better direction, so not judged against the target"
    else:
        assurance_words = spc.ASSURANCE_WORDS[assured]
    return [d.indicator, label, unit, d.polarity, d.priority, target, d.source_agency, d.definition, bool(d.built_in),
            bool(d.counts), frequency, chart, first, latest, spc.variation_words(variation, d.polarity), assurance_words, why]


def figures(ds, year: str, quarter: str | None = None) -> Register:
    """The dashboard's register for one partnership and period (see the module's docstring). Raises
    ValueError for a year or quarter written wrongly."""
    year = periods.parse_year(year)
    quarter = periods.parse_quarter(quarter) if quarter else None
    period = periods.period_label(year, quarter)
    tables = Tables.of(ds)
    defs, pts = indicators.series(tables, year, quarter)
    figs: list[Figure] = []
    rows: list[list] = []
    points: list[list] = []
    for d in defs.itertuples(index=False):
        own = pts[pts["indicator"] == d.indicator]
        rows.append(_one(d, own, period, figs, points))
    details = {"dashboard.indicators": pd.DataFrame(rows, columns=INDICATOR_COLUMNS, dtype=object),
               "dashboard.points": pd.DataFrame(points, columns=POINT_COLUMNS, dtype=object)}
    coverage = pd.DataFrame({"family": ["dashboard"], "span": [year if not quarter else f"{year}:{quarter}"],
                             "has_data": [bool(len(pts) and pts["value"].notna().any())]})
    return Register(figs, coverage, details, partnership=ds.partnership, label=ds.label)
