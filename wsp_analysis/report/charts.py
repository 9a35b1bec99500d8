"""Charts for reports: seaborn on the Analysis Function palette, never colour alone (direct labels
and hatching), a headline title and a subtitle naming the measure, and alt text made from the data.

Every chart is drawn from a DataTable, the same one the report shows beside it, so the chart, its
alt text and its table cannot disagree. A Chart displays as an inline SVG (text kept as text, so it
stays sharp, small and selectable) with role="img", a <title> and a <desc> holding the alt text;
with IMAGE_FORMAT = "png" it is an <img> with alt text instead (nbconvert's own image output
drops alt text, so neither goes through it).
"""
from __future__ import annotations

import base64
import functools
import hashlib
import html
import io
import re
import textwrap
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402

from wsp_analysis.report import tables as datatables  # noqa: E402
from wsp_analysis.report import format as fmt  # noqa: E402
from wsp_analysis.report.tables import DataTable  # noqa: E402

PALETTE = ["#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1"]
HATCHES = ["", "//", "xx", "\\\\", "--", ".."]  # dots last: drawn as curves, they cost the most bytes
TEXT = "#0B0C0C"  # near-black, as GOV.UK text: 19:1 on white
IMAGE_FORMAT = "svg"
CHART_MIME = "application/vnd.wsp-analysis.chart+json"  # the chart's data, kept in the executed notebook
RC = {
    "svg.fonttype": "none",  # text stays <text>, not paths: a third of the size, and the browser's own font
    "svg.hashsalt": "wsp-analysis",  # the same chart gives the same SVG on every run
    "font.family": "sans-serif",
    "font.sans-serif": ["Arial", "Helvetica", "Liberation Sans", "DejaVu Sans"],
    "text.color": TEXT, "axes.labelcolor": TEXT, "xtick.color": TEXT, "ytick.color": TEXT,
    "text.parse_math": False,  # a "$" in a theme or course name is text, never mathtext (or a parse error)
}

PROSE = {"count": fmt.count, "proportion": fmt.pct, "percent": fmt.percent, "gbp": fmt.gbp,
         "decimal": lambda v: fmt.number(v, 2), "p_value": fmt.p_value}


@dataclass(frozen=True)
class Chart:
    title: str
    subtitle: str
    alt: str
    image: str | bytes  # SVG text, or PNG bytes
    points: tuple[tuple[str, str, object], ...] = ()  # (row, column, value) of the source table, as drawn
    table: str = ""  # title of the DataTable the chart is drawn from

    def __repr__(self) -> str:  # short: the notebook's text/plain copy must not repeat the image
        return f"Chart({self.title!r})"

    @property
    def format(self) -> str:
        return "svg" if isinstance(self.image, str) else "png"

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/html": self._repr_html_(), "text/plain": repr(self),
                CHART_MIME: {"title": self.title, "alt": self.alt, "table": self.table,
                             "points": [[r, c, fmt.sheet_value(v) if fmt.is_missing(v) else v]
                                        for r, c, v in self.points]}}

    def _repr_html_(self) -> str:
        caption = "<figcaption>The data are in the table below the chart.</figcaption>"
        if self.format == "png":
            data = base64.b64encode(self.image).decode("ascii")
            return (f'<figure class="chart"><img src="data:image/png;base64,{data}" alt="{html.escape(self.alt)}">'
                    f"{caption}</figure>")
        return f'<figure class="chart">{self.image}{caption}</figure>'


def _inline_svg(svg: str, title: str, alt: str) -> str:
    """matplotlib's SVG made fit to sit inside HTML: no XML prolog or metadata, ids unique to this chart
    (several charts share one page), scalable, and announced as one image with its title and alt text."""
    key = "c" + hashlib.sha1((title + alt).encode("utf-8")).hexdigest()[:6]
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    svg = re.sub(r'\bid="([^"]+)"', rf'id="{key}-\1"', svg)
    svg = re.sub(r'(href=")#([^"]+)"', rf'\1#{key}-\2"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", rf"url(#{key}-\1)", svg)
    svg = re.sub(r'^<svg ([^>]*?)width="[^"]*" height="[^"]*" ', r"<svg \1", svg)
    head = (f'<svg role="img" aria-labelledby="{key}-title {key}-desc" class="chart-image" ')
    svg = head + svg[len("<svg "):]
    close = svg.index(">") + 1
    return (svg[:close] + f'<title id="{key}-title">{html.escape(title)}</title>'
            f'<desc id="{key}-desc">{html.escape(alt)}</desc>' + svg[close:]).strip()


def _with_style(draw):
    """`draw` run inside the charts' matplotlib style (RC): fonts, text colour, SVG kept as text."""
    @functools.wraps(draw)
    def wrapper(*args, **kwargs):
        with plt.rc_context(RC):
            return draw(*args, **kwargs)
    return wrapper


def _finish(fig, ax, title: str, subtitle: str, alt: str, data: DataTable, points) -> Chart:
    """The figure titled, subtitled and saved as the Chart a page shows (inline SVG with its alt text, or
    PNG), drawn from `data` (points: the (row, column, value) cells drawn)."""
    ax.set_title(f"{title}\n", loc="left", fontsize=13, fontweight="bold")
    ax.text(0, 1.02, subtitle, transform=ax.transAxes, fontsize=10, color="#3D3D3D")
    sns.despine(ax=ax)
    fig.tight_layout()
    buf = io.BytesIO()
    if IMAGE_FORMAT == "svg":
        fig.savefig(buf, format="svg", metadata={"Date": None})
        image = _inline_svg(buf.getvalue().decode("utf-8"), title, alt)
    else:
        fig.savefig(buf, format="png", dpi=110)
        image = buf.getvalue()
    plt.close(fig)
    return Chart(title, subtitle, alt, image, tuple(points), data.title)


def _points(data: DataTable, rows: list[str], columns: list[str]) -> list[tuple[str, str, object]]:
    return [(r, c, data.value(r, c)) for r in rows for c in columns]


def _say(data: DataTable, row: str, column: str, value) -> str:
    """A value as prose says it (whole percents): chart labels and alt text read like the key messages."""
    kind = data.kind(data.row_index(row), column)
    return PROSE.get(kind, str)(value) if not fmt.is_missing(value) else fmt.NOT_AVAILABLE


def _hatch(ax, n_hue: int) -> None:
    # seaborn draws one container per hue level; hatch each level differently, so colour is never alone
    for i, container in enumerate(ax.containers[:n_hue]):
        for bar in container:
            bar.set_hatch(HATCHES[i % len(HATCHES)])
            bar.set_edgecolor("white")


def _hatch_legend(ax) -> None:
    """The legend's keys carry the same hatching as the bars, so the key is readable without colour too."""
    legend = ax.get_legend()
    for i, handle in enumerate(legend.legend_handles if legend else []):
        handle.set_hatch(HATCHES[i % len(HATCHES)])
        handle.set_edgecolor("white")


def _wrap(label: str, width: int = 26) -> str:
    return "\n".join(textwrap.wrap(label, width)) or label


def drawable(data: DataTable, rows: list[str], columns: list[str]) -> bool:
    """Whether a chart of these rows and columns of the table would show anything: at least one value is
    known and not zero. A chart of nothing (every bar [x] or 0) is never drawn; the section's words say
    what is not available instead."""
    shown = {str(v) for v in data.frame.iloc[:, 0]}
    for r in rows:
        for c in columns:
            if r not in shown or c not in data.columns:
                continue
            v = data.value(r, c)
            if not isinstance(v, str) and not fmt.is_missing(v) and v != 0:
                return True
    return False


def _long(data: DataTable, rows: list[str], columns: list[str], say=None) -> pd.DataFrame:
    """The points to draw, long form; a missing value is drawn as no bar and labelled [x], never as 0.
    Raises ValueError when there is nothing to draw (see drawable): a section checks first."""
    if not drawable(data, rows, columns):
        raise ValueError(f"nothing to draw from table {data.title!r}: no known value in rows {rows} of {columns}")
    pts = _points(data, rows, columns)
    return pd.DataFrame({"row": [r for r, _, _ in pts], "column": [c for _, c, _ in pts],
                         "value": [0.0 if fmt.is_missing(v) else float(v) for _, _, v in pts],
                         "label": [say(v) if say else _say(data, r, c, v) for r, c, v in pts]})


@_with_style
def grouped_bars(data: DataTable, rows: list[str], columns: list[str], title: str, subtitle: str,
                 alt_intro: str, y_label: str, scale: float = 1.0, y_max: float | None = None,
                 intervals: dict[tuple[str, str], tuple[float, float]] | None = None) -> Chart:
    """Vertical bars: one group per row of the table (e.g. a year), one hatched bar per column (e.g. a grade).

    `scale` turns stored values into axis units (100 for proportions drawn as percent). `intervals` maps
    (row, column) to a (low, high) 95% interval, drawn as an error bar and named in the alt text.
    """
    d = _long(data, rows, columns)
    d["drawn"] = d["value"] * scale
    fig, ax = plt.subplots(figsize=(9, 4.6))
    sns.barplot(data=d, x="row", y="drawn", hue="column", hue_order=columns, order=rows,
                palette=PALETTE[: len(columns)], saturation=1, ax=ax)
    _hatch(ax, len(columns))
    for container, col in zip(ax.containers, columns):
        labels = [d[(d["row"] == r) & (d["column"] == col)]["label"].iloc[0] for r in rows]
        ax.bar_label(container, labels=labels, fontsize=8, padding=1)
        for bar, r in zip(container, rows):
            if intervals and (r, col) in intervals:
                low, high = intervals[(r, col)]
                mid = bar.get_height()
                ax.errorbar(bar.get_x() + bar.get_width() / 2, mid, yerr=[[mid - low * scale], [high * scale - mid]],
                            fmt="none", ecolor="#3D3D3D", elinewidth=1, capsize=3)
    ax.set_xlabel(data.columns[0])
    ax.set_ylabel(y_label)
    if y_max is not None:
        ax.set_ylim(0, y_max)
    ax.legend(title=None, frameon=False, ncols=len(columns), loc="upper left", bbox_to_anchor=(0, 1.0),
              handleheight=1.4, handlelength=2.4)  # keys big enough to show their hatching
    _hatch_legend(ax)
    parts = [f"{c}: " + ", ".join(f"{r} {d[(d['row'] == r) & (d['column'] == c)]['label'].iloc[0]}" for r in rows)
             for c in columns]
    alt = f"{alt_intro} " + ". ".join(parts) + "."
    if intervals:
        alt += " Lines on the bars show 95% intervals: " + "; ".join(
            f"{c} {r} {fmt.pct(lo)} to {fmt.pct(hi)}" for (r, c), (lo, hi) in intervals.items()) + "."
    return _finish(fig, ax, title, subtitle, alt, data, _points(data, rows, columns))


@_with_style
def table_bars(data: DataTable, rows: list[str], column: str, title: str, subtitle: str, alt_intro: str,
               say=None) -> Chart:
    """One bar per row of the table, each labelled with its value; missing values show [x], not a 0 bar."""
    d = _long(data, rows, [column], say)
    fig, ax = plt.subplots(figsize=(9, 0.55 * len(rows) + 1.4))
    sns.barplot(x=d["value"], y=[_wrap(r) for r in rows], color=PALETTE[0], saturation=1, ax=ax, orient="h")
    for i, (v, lab) in enumerate(zip(d["value"], d["label"])):
        ax.text(v, i, " " + lab, va="center", fontsize=9)
    _money_axis(ax, data, column)
    ax.set_xlim(min(list(d["value"]) + [0]) * 1.3, max(list(d["value"]) + [1]) * 1.18)
    alt = f"{alt_intro} " + "; ".join(f"{r}: {lab}" for r, lab in zip(rows, d["label"])) + "."
    return _finish(fig, ax, title, subtitle, alt, data, _points(data, rows, [column]))


@_with_style
def table_paired_bars(data: DataTable, rows: list[str], columns: list[str], title: str, subtitle: str,
                      alt_intro: str, say=None) -> Chart:
    """Two (or more) bars per row of the table (e.g. budget and actual), hatched apart and each labelled."""
    d = _long(data, rows, columns, say)
    fig, ax = plt.subplots(figsize=(9, 0.8 * len(rows) + 1.6))
    sns.barplot(data=d.assign(row=d["row"].map(_wrap)), x="value", y="row", hue="column", hue_order=columns,
                palette=PALETTE[: len(columns)], saturation=1, ax=ax, orient="h")
    _hatch(ax, len(columns))
    for container, col in zip(ax.containers, columns):
        labels = [" " + d[(d["row"] == r) & (d["column"] == col)]["label"].iloc[0] for r in rows]
        ax.bar_label(container, labels=labels, fontsize=8)
    _money_axis(ax, data, columns[0])
    ax.set_xlim(0, max(d["value"].max(), 1) * 1.25)
    ax.legend(frameon=False, loc="lower right", handleheight=1.4, handlelength=2.4)
    _hatch_legend(ax)
    alt = f"{alt_intro} " + "; ".join(
        f"{r}: " + ", ".join(f"{c} {d[(d['row'] == r) & (d['column'] == c)]['label'].iloc[0]}" for c in columns)
        for r in rows) + "."
    return _finish(fig, ax, title, subtitle, alt, data, _points(data, rows, columns))


def _money_axis(ax, data: DataTable, column: str) -> None:
    """Horizontal bars: thousands-separated value axis (pounds where the values are money), no axis titles
    (the subtitle names the measure)."""
    kind = data.kinds.get(column)
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(
        lambda x, _: fmt.gbp(x) if kind == "gbp" else f"{x:,.1f}" if kind == "decimal" else f"{x:,.0f}"))
    ax.set_xlabel("")
    ax.set_ylabel("")


# Public names for the modules that draw other charts in this style (report.control_charts).
with_style, finish = _with_style, _finish
