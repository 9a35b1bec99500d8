"""Charts for reports: seaborn on the Analysis Function palette, never colour alone (direct labels
and hatching), a headline title and a subtitle naming the measure, and alt text made from the data.

Each SVG chart is drawn twice: WIDE for a laptop and paper, NARROW for a phone (4 inches wide, no text
under 9 points, so that drawn at 390 pixels its smallest text is still about 11 pixels; grouped bars
turn sideways). The page shows one of the two by its width (report.css), with the same alt text.

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
import dataclasses
import io
import re
import textwrap
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402

from wsp_analysis import format as fmt  # noqa: E402
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
class Size:
    """How large a chart is drawn: `width` in inches, type in points (`font`: labels, ticks and legend), row
    labels wrapped at `wrap` characters, titles at `title_wrap`; `narrow` draws grouped bars sideways."""

    name: str
    width: float
    font: float
    title: float
    subtitle: float
    wrap: int
    title_wrap: int
    narrow: bool = False

    @property
    def rc(self) -> dict:
        return {"font.size": self.font, "xtick.labelsize": self.font, "ytick.labelsize": self.font,
                "legend.fontsize": self.font, "axes.labelsize": self.font}


WIDE = Size("wide", 7, 8.5, 12, 9.5, 24, 66)
NARROW = Size("narrow", 4, 9, 11, 9, 16, 38, narrow=True)


@dataclass(frozen=True)
class Chart:
    """A drawn chart as the page shows it: SVG (or PNG) with its title, subtitle and alt text, the table it
    is drawn from (`table`, a DataTable's title) and the (row, column, value) points drawn, which tests
    compare with that table; `narrow` is the phone drawing, `data_at` where the caption sends the reader."""

    title: str
    subtitle: str
    alt: str
    image: str | bytes  # SVG text, or PNG bytes
    points: tuple[tuple[str, str, object], ...] = ()  # (row, column, value) of the source table, as drawn
    table: str = ""  # title of the DataTable the chart is drawn from
    narrow: str | None = None  # the same chart drawn for a phone (SVG only)
    data_at: str = "in the table below the chart"  # where the page shows the chart's table (its caption says)

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
        caption = f"<figcaption>The data are {html.escape(self.data_at)}.</figcaption>"
        if self.format == "png":
            data = base64.b64encode(self.image).decode("ascii")
            return (f'<figure class="chart"><img src="data:image/png;base64,{data}" alt="{html.escape(self.alt)}">'
                    f"{caption}</figure>")
        return f'<figure class="chart">{self.image}{self.narrow or ""}{caption}</figure>'


def _inline_svg(svg: str, title: str, alt: str, size: Size = WIDE) -> str:
    """matplotlib's SVG made fit to sit inside HTML: no XML prolog, metadata or comments, ids unique to this
    chart and size (several charts share one page, each twice), scalable, and announced as one image with its
    title and alt text."""
    key = "c" + hashlib.sha1((title + alt + size.name).encode("utf-8")).hexdigest()[:6]
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    svg = re.sub(r"<!--.*?-->\s*", "", svg, flags=re.S)  # matplotlib names each group in a comment: bytes only
    svg = re.sub(r'\bid="([^"]+)"', rf'id="{key}-\1"', svg)
    svg = re.sub(r'(href=")#([^"]+)"', rf'\1#{key}-\2"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", rf"url(#{key}-\1)", svg)
    svg = re.sub(r'^<svg ([^>]*?)width="[^"]*" height="[^"]*" ', r"<svg \1", svg)
    head = (f'<svg role="img" aria-labelledby="{key}-title {key}-desc" class="chart-image chart-{size.name}" ')
    svg = head + svg[len("<svg "):]
    close = svg.index(">") + 1
    return (svg[:close] + f'<title id="{key}-title">{html.escape(title)}</title>'
            f'<desc id="{key}-desc">{html.escape(alt)}</desc>' + svg[close:]).strip()


def _with_style(draw):
    """Draw the chart WIDE, and for an SVG NARROW as well (Chart.narrow), each in the house style."""
    @functools.wraps(draw)
    def wrapper(*args, **kwargs):
        with plt.rc_context({**RC, **WIDE.rc}):
            wide = draw(*args, size=WIDE, **kwargs)
        if IMAGE_FORMAT != "svg":
            return wide
        with plt.rc_context({**RC, **NARROW.rc}):
            narrow = draw(*args, size=NARROW, **kwargs)
        return dataclasses.replace(wide, narrow=narrow.image)
    return wrapper


def _finish(fig, ax, title: str, subtitle: str, alt: str, data: DataTable, points, size: Size = WIDE) -> Chart:
    """The figure titled, subtitled and saved as the Chart a page shows (inline SVG with its alt text, or
    PNG), drawn from `data` (points: the (row, column, value) cells drawn) at `size`."""
    # Title and subtitle from the figure's left edge, wrapped to its width; the axes fit in the space below.
    lines = textwrap.wrap(title, size.title_wrap) or [title]
    sub = textwrap.wrap(subtitle, int(size.title_wrap * size.title / size.subtitle * 1.1)) or [subtitle]
    height_pt = fig.get_figheight() * 72
    edge = 4 / (fig.get_figwidth() * 72)  # 4 points in from the left
    top = 1 - 4 / height_pt
    fig.text(edge, top, "\n".join(lines), fontsize=size.title, fontweight="bold", va="top", ha="left")
    under = top - (len(lines) * size.title * 1.25 + 2) / height_pt
    fig.text(edge, under, "\n".join(sub), fontsize=size.subtitle, color="#3D3D3D", va="top", ha="left")
    room = under - (len(sub) * size.subtitle * 1.25 + 6) / height_pt
    sns.despine(ax=ax)
    fig.tight_layout(rect=(0, 0, 1, room))
    buf = io.BytesIO()
    if IMAGE_FORMAT == "svg":
        fig.savefig(buf, format="svg", metadata={"Date": None})
        image = _inline_svg(buf.getvalue().decode("utf-8"), title, alt, size)
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


def _wrap(label: str, width: int = WIDE.wrap) -> str:
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
                 intervals: dict[tuple[str, str], tuple[float, float]] | None = None, size: Size = WIDE) -> Chart:
    """Vertical bars: one group per row of the table (e.g. a year), one hatched bar per column (e.g. a grade);
    sideways in the NARROW drawing, where a phone has height to spare and no width.

    `scale` turns stored values into axis units (100 for proportions drawn as percent). `intervals` maps
    (row, column) to a (low, high) 95% interval, drawn as an error bar and named in the alt text.
    """
    d = _long(data, rows, columns)
    d["drawn"] = d["value"] * scale
    side = size.narrow
    height = 0.22 * len(rows) * len(columns) + 0.35 * len(rows) + 2.2 if side else 3.2
    fig, ax = plt.subplots(figsize=(size.width, height))
    xy = {"y": "row", "x": "drawn", "orient": "h"} if side else {"x": "row", "y": "drawn"}
    sns.barplot(data=d, **xy, hue="column", hue_order=columns, order=rows, palette=PALETTE[: len(columns)],
                saturation=1, ax=ax)
    _hatch(ax, len(columns))
    for container, col in zip(ax.containers, columns):
        labels = [d[(d["row"] == r) & (d["column"] == col)]["label"].iloc[0] for r in rows]
        ax.bar_label(container, labels=labels, fontsize=size.font, padding=1)
        for bar, r in zip(container, rows):
            if intervals and (r, col) in intervals:
                low, high = intervals[(r, col)]
                if side:
                    mid = bar.get_width()
                    ax.errorbar(mid, bar.get_y() + bar.get_height() / 2, xerr=[[mid - low * scale], [high * scale - mid]],
                                fmt="none", ecolor="#3D3D3D", elinewidth=1, capsize=2)
                else:
                    mid = bar.get_height()
                    ax.errorbar(bar.get_x() + bar.get_width() / 2, mid, yerr=[[mid - low * scale], [high * scale - mid]],
                                fmt="none", ecolor="#3D3D3D", elinewidth=1, capsize=3)
    if side:
        ax.set_ylabel(data.columns[0])
        ax.set_xlabel(y_label)
        if y_max is not None:
            ax.set_xlim(0, y_max * 1.12)  # room for the label beyond a full bar
        ax.legend(title=None, frameon=False, ncols=2, loc="upper left", bbox_to_anchor=(-0.25, -0.12),
                  handleheight=1.4, handlelength=2.4)
    else:
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
    return _finish(fig, ax, title, subtitle, alt, data, _points(data, rows, columns), size)


def _row_height(rows: list[str], size: Size, per_line: float = 0.17) -> float:
    """Inches a row of horizontal bars needs: more where its wrapped label runs to more lines."""
    lines = max(len(textwrap.wrap(r, size.wrap)) or 1 for r in rows)
    return max(0.55, 0.2 + per_line * lines) if size.narrow else 0.32


@_with_style
def table_bars(data: DataTable, rows: list[str], column: str, title: str, subtitle: str, alt_intro: str,
               say=None, size: Size = WIDE) -> Chart:
    """One bar per row of the table, each labelled with its value; missing values show [x], not a 0 bar."""
    d = _long(data, rows, [column], say)
    fig, ax = plt.subplots(figsize=(size.width, _row_height(rows, size) * len(rows) + (1.4 if size.narrow else 1.2)))
    sns.barplot(x=d["value"], y=[_wrap(r, size.wrap) for r in rows], color=PALETTE[0], saturation=1, ax=ax, orient="h")
    for i, (v, lab) in enumerate(zip(d["value"], d["label"])):
        ax.text(v, i, " " + lab, va="center", fontsize=size.font + (0 if size.narrow else 1))
    _money_axis(ax, data, column, size)
    ax.set_xlim(min(list(d["value"]) + [0]) * 1.3, max(list(d["value"]) + [1]) * (1.35 if size.narrow else 1.18))
    alt = f"{alt_intro} " + "; ".join(f"{r}: {lab}" for r, lab in zip(rows, d["label"])) + "."
    return _finish(fig, ax, title, subtitle, alt, data, _points(data, rows, [column]), size)


@_with_style
def table_paired_bars(data: DataTable, rows: list[str], columns: list[str], title: str, subtitle: str,
                      alt_intro: str, say=None, size: Size = WIDE) -> Chart:
    """Two (or more) bars per row of the table (e.g. budget and actual), hatched apart and each labelled."""
    d = _long(data, rows, columns, say)
    per_row = max(0.8, _row_height(rows, size, 0.2)) if size.narrow else 0.46
    fig, ax = plt.subplots(figsize=(size.width, per_row * len(rows) + (1.8 if size.narrow else 1.3)))
    sns.barplot(data=d.assign(row=d["row"].map(lambda r: _wrap(r, size.wrap))), x="value", y="row", hue="column",
                hue_order=columns, palette=PALETTE[: len(columns)], saturation=1, ax=ax, orient="h")
    _hatch(ax, len(columns))
    for container, col in zip(ax.containers, columns):
        labels = [" " + d[(d["row"] == r) & (d["column"] == col)]["label"].iloc[0] for r in rows]
        ax.bar_label(container, labels=labels, fontsize=size.font)
    _money_axis(ax, data, columns[0], size)
    ax.set_xlim(0, max(d["value"].max(), 1) * (1.45 if size.narrow else 1.25))
    if size.narrow:
        ax.legend(frameon=False, ncols=len(columns), loc="upper left", bbox_to_anchor=(-0.3, -0.06), handleheight=1.4,
                  handlelength=2.4)
    else:
        ax.legend(frameon=False, loc="lower right", handleheight=1.4, handlelength=2.4)
    _hatch_legend(ax)
    alt = f"{alt_intro} " + "; ".join(
        f"{r}: " + ", ".join(f"{c} {d[(d['row'] == r) & (d['column'] == c)]['label'].iloc[0]}" for c in columns)
        for r in rows) + "."
    return _finish(fig, ax, title, subtitle, alt, data, _points(data, rows, columns), size)


def _money_axis(ax, data: DataTable, column: str, size: Size = WIDE) -> None:
    """Horizontal bars: thousands-separated value axis (pounds where the values are money), no axis titles
    (the subtitle names the measure); fewer ticks when drawn narrow, so that they do not collide."""
    kind = data.kinds.get(column)
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(
        lambda x, _: fmt.gbp(x) if kind == "gbp" else f"{x:,.1f}" if kind == "decimal" else f"{x:,.0f}"))
    if size.narrow:
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(3))
    ax.set_xlabel("")
    ax.set_ylabel("")


def with_style(draw):
    """`draw` run inside the charts' matplotlib style (RC): fonts, text colour, SVG kept as text; one drawing,
    for the modules that draw other charts in this style (report.control_charts)."""
    @functools.wraps(draw)
    def wrapper(*args, **kwargs):
        with plt.rc_context(RC):
            return draw(*args, **kwargs)
    return wrapper


finish = _finish  # the public name, for report.control_charts
