"""Control charts for the dashboard and the benchmark, in the charts module's style (Analysis Function
palette, inline SVG with a title and alt text naming the numbers, never colour alone):

- xmr: an indicator's points in time order, its mean, process limits and target as labelled lines, and
  each special-cause point marked by shape as well as colour (a triangle up for high, down for low);
- funnel: each partnership's rate against its denominator, the pooled rate and the 95% and 99.8% limits
  as labelled curves, the partnerships outside the limits marked by shape and named.

Every number drawn comes from the DataTable shown beside the chart (built from the register by
report.dashboard and report.benchmark); the funnel's curves from the register's details. Nothing is
calculated here.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from wsp_analysis.report import charts
from wsp_analysis import format as fmt
from wsp_analysis.report.tables import DataTable

GREY, BLUE, MAROON, ORANGE, TEAL, PURPLE = "#3D3D3D", "#12436D", "#801650", "#F46A25", "#28A197", "#A285D1"
SCALE = {"proportion": 100.0}  # proportions are drawn as percents


def axis_label(unit: str) -> str:
    """The value axis's title for a unit: "Percent" for proportions and percents, "Number" for counts."""
    return {"proportion": "Percent", "percent": "Percent", "count": "Number", "gbp": "Pounds"}.get(unit, "Value")


def _ticks(ax, labels: list[str]) -> None:
    """Tick every point when few, else each year's first quarter (labelled with the year)."""
    if len(labels) <= 8:
        ax.set_xticks(range(len(labels)), labels, fontsize=8)
        return
    at = [i for i, t in enumerate(labels) if t.endswith("Q1") or " " not in t] or list(range(0, len(labels), 4))
    ax.set_xticks(at, [labels[i].split(" ")[0] for i in at], fontsize=8)
    ax.set_xticks(range(len(labels)), minor=True)


def _line_label(ax, y: float, text: str, color: str, n: int) -> None:
    ax.text(n - 0.5, y, f" {text}", va="center", ha="left", fontsize=8, color=color)


@charts.with_style
def xmr(data: DataTable, period_col: str, value_col: str, unit: str, lines: dict[str, float | None],
        directions: list[int], polarity: str, title: str, subtitle: str, alt: str) -> charts.Chart:
    """An XmR (or run) chart of the table's rows in order: `lines` maps "Mean", "Upper limit", "Lower limit",
    "Target" to a value (None: not drawn); `directions` per row: 1 high, -1 low, 0 common cause. A special
    point is a triangle pointing up (high) or down (low), blue for improvement and orange for concern as
    `polarity` reads it (purple for a measure with no better direction), named in the legend: shape and
    words tell what colour does."""
    labels = [str(p) for p in data.frame[period_col]]
    raw = [data.value(i, value_col) for i in range(len(labels))]
    scale = SCALE.get(unit, 1.0)
    y = np.array([np.nan if fmt.is_missing(v) else float(v) * scale for v in raw])
    x = np.arange(len(labels))
    fig, ax = plt.subplots(figsize=(7.2, 2.7))
    ax.plot(x, y, color=GREY, linewidth=1.2, marker="o", markersize=3.5, zorder=3)
    styles = {"Mean": (BLUE, "-"), "Upper limit": (MAROON, "--"), "Lower limit": (MAROON, "--"),
              "Target": (ORANGE, ":")}
    for name, value in lines.items():
        if value is None or fmt.is_missing(value):
            continue
        color, style = styles[name]
        ax.axhline(value * scale, color=color, linestyle=style, linewidth=1.3, zorder=2)
        _line_label(ax, value * scale, name, color, len(labels))
    better = {"higher_is_better": 1, "lower_is_better": -1}.get(polarity, 0)
    for sign, marker in ((1, "^"), (-1, "v")):
        hit = np.array([d == sign for d in directions], dtype=bool)
        if not hit.any():
            continue
        color, words = (PURPLE, "higher" if sign > 0 else "lower") if not better else \
            (BLUE, "improvement") if sign == better else (ORANGE, "concern")
        ax.scatter(x[hit], y[hit], marker=marker, s=46, color=color, edgecolors=GREY if color == PURPLE else "white",
                   linewidths=0.6, zorder=4, label=f"Special cause {words} ({'high' if sign > 0 else 'low'})")
    if any(d != 0 for d in directions):
        ax.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(0, 1.02), ncols=2)
    _ticks(ax, labels)
    ax.set_xlim(-0.5, len(labels) - 0.5)
    ax.set_ylabel(axis_label(unit), fontsize=9)
    ax.tick_params(axis="y", labelsize=8)
    # the axis spans the points and the lines (not from 0: a process is read by its variation)
    drawn = [*y[~np.isnan(y)], *[v * scale for v in lines.values() if v is not None and not fmt.is_missing(v)]]
    low, high = min(drawn), max(drawn)
    pad = (high - low) * 0.12 or abs(high) * 0.1 or 1
    ax.set_ylim(low - pad, high + pad * 2.2)  # room above for the legend
    points = [(r, value_col, data.value(i, value_col)) for i, r in enumerate(labels)]
    return charts.finish(fig, ax, title, subtitle, alt, data, points)


@charts.with_style
def funnel(data: DataTable, name_col: str, rate_col: str, denominator_col: str, pooled: float,
           curves: dict[str, tuple[list[float], list[float]]], outside: list[int], title: str, subtitle: str,
           alt: str) -> charts.Chart:
    """A funnel plot: each row's rate (a proportion, drawn as a percent) against its denominator; `curves`
    maps a limit's name ("95% limits", "99.8% limits") to (denominators, lower and upper proportions
    interleaved as [lower..., upper...]); `outside` per row: 1 above the 99.8% limits, -1 below, 0 within."""
    names = [str(v) for v in data.frame[name_col]]
    rate = np.array([float(data.value(i, rate_col)) * 100 for i in range(len(names))])
    n = np.array([float(data.value(i, denominator_col)) for i in range(len(names))])
    fig, ax = plt.subplots(figsize=(7.2, 3.6))
    ax.axhline(pooled * 100, color=BLUE, linewidth=1.3)
    for (label, (dens, bounds)), (color, style) in zip(curves.items(), ((TEAL, "--"), (MAROON, ":"))):
        k = len(dens)
        ax.plot(dens, np.array(bounds[:k]) * 100, color=color, linestyle=style, linewidth=1.2)
        ax.plot(dens, np.array(bounds[k:]) * 100, color=color, linestyle=style, linewidth=1.2, label=label)
    inside = np.array([o == 0 for o in outside], dtype=bool)
    ax.scatter(n[inside], rate[inside], color=GREY, s=22, zorder=3, label="Within the 99.8% limits")
    for sign, marker, color, words in ((1, "^", BLUE, "Above"), (-1, "v", ORANGE, "Below")):
        hit = np.array([o == sign for o in outside], dtype=bool)
        if hit.any():
            ax.scatter(n[hit], rate[hit], marker=marker, color=color, s=50, zorder=4, edgecolors="white",
                       linewidths=0.6, label=f"{words} the 99.8% limits")
            for i in np.flatnonzero(hit):
                ax.annotate(names[i], (n[i], rate[i]), textcoords="offset points", xytext=(4, 4), fontsize=8)
    ax.text(ax.get_xlim()[1], pooled * 100, " Pooled rate", va="center", fontsize=8, color=BLUE)
    ax.set_xlabel("Denominator (number)", fontsize=9)
    ax.set_ylabel("Percent", fontsize=9)
    ax.tick_params(labelsize=8)
    ax.legend(frameon=False, fontsize=8, loc="lower right", ncols=2)
    points = [(r, rate_col, data.value(i, rate_col)) for i, r in enumerate(names)]
    return charts.finish(fig, ax, title, subtitle, alt, data, points)
