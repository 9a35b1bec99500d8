"""Charts for reports: seaborn on the Analysis Function palette, never colour alone (direct labels
and hatching), a headline title and a subtitle naming the measure, and alt text made from the data.

Each function returns a Chart, which displays as an <img> with its alt text in both JupyterLab and
the rendered HTML (nbconvert's own image output drops alt text).
"""
from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402

from . import formatting as fmt  # noqa: E402

PALETTE = ["#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1"]
HATCHES = ["", "//", "..", "xx", "\\\\", "++"]


@dataclass(frozen=True)
class Chart:
    title: str
    subtitle: str
    alt: str
    png: bytes

    def __repr__(self) -> str:  # short: the notebook's text/plain copy must not repeat the image
        return f"Chart({self.title!r})"

    def _repr_html_(self) -> str:
        data = base64.b64encode(self.png).decode("ascii")
        return (f'<figure class="chart"><img src="data:image/png;base64,{data}" alt="{html.escape(self.alt)}">'
                f"<figcaption>{html.escape(self.subtitle)}</figcaption></figure>")


def _finish(fig, ax, title: str, subtitle: str, alt: str) -> Chart:
    if ax.get_ylabel() == "" and ax.get_xlabel() == "":  # horizontal bars: thousands-separated value axis
        ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda x, _: f"{x:,.0f}"))
    ax.set_title(f"{title}\n", loc="left", fontsize=13, fontweight="bold")
    ax.text(0, 1.02, subtitle, transform=ax.transAxes, fontsize=10, color="#3D3D3D")
    sns.despine(ax=ax)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    plt.close(fig)
    return Chart(title, subtitle, alt, buf.getvalue())


def _hatch(ax, n_groups: int, n_hue: int) -> None:
    # seaborn draws one container per hue level; hatch each level differently
    for i, container in enumerate(ax.containers[:n_hue]):
        for bar in container:
            bar.set_hatch(HATCHES[i % len(HATCHES)])
            bar.set_edgecolor("white")


def audit_grades(shares: pd.DataFrame, title: str) -> Chart:
    """Grouped bars: share of audits in each grade, by year (from audits.year_shares)."""
    d = shares.dropna(subset=["share"]).copy()
    d["percent_value"] = d["share"].astype(float) * 100
    grades = [g for g in d["grade"].cat.categories if g in set(d["grade"])] if hasattr(d["grade"], "cat") else list(
        dict.fromkeys(d["grade"]))
    d["grade"] = d["grade"].astype(str)
    fig, ax = plt.subplots(figsize=(9, 4.6))
    sns.barplot(data=d, x="year", y="percent_value", hue="grade", hue_order=grades, palette=PALETTE[: len(grades)],
                ax=ax)
    _hatch(ax, d["year"].nunique(), len(grades))
    for container in ax.containers:
        ax.bar_label(container, fmt="%.0f%%", fontsize=8, padding=1)
    ax.set_xlabel("Financial year")
    ax.set_ylabel("Share of audits (%)")
    ax.set_ylim(0, 100)
    ax.legend(title="Grade", frameon=False, ncols=len(grades), loc="upper left", bbox_to_anchor=(0, 1.0))
    years = list(dict.fromkeys(d["year"]))
    parts = []
    for g in grades:
        vals = d[d["grade"] == g].set_index("year")["share"]
        parts.append(f"{g}: " + ", ".join(f"{y} {fmt.pct(vals.get(y))}" for y in years))
    alt = (f"Bar chart of the share of multi-agency audits in each grade, {years[0]} to {years[-1]}. "
           + ". ".join(parts) + ".")
    return _finish(fig, ax, title, "Share of audits in each grade, by financial year (%)", alt)


def horizontal_bars(labels: list[str], values: list, title: str, subtitle: str, value_format, alt_intro: str) -> Chart:
    """One bar per label, each labelled with its value; missing values are shown as [x], not drawn as 0."""
    fig, ax = plt.subplots(figsize=(9, 0.55 * len(labels) + 1.4))
    drawn = [0 if fmt.is_missing(v) else float(v) for v in values]
    sns.barplot(x=drawn, y=labels, color=PALETTE[0], ax=ax, orient="h")
    for i, v in enumerate(values):
        ax.text(drawn[i], i, " " + value_format(v), va="center", fontsize=9)
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.set_xlim(0, max(drawn + [1]) * 1.18)
    alt = alt_intro + " " + "; ".join(f"{lab}: {value_format(v)}" for lab, v in zip(labels, values)) + "."
    return _finish(fig, ax, title, subtitle, alt)


def paired_bars(labels: list[str], first: list, second: list, names: tuple[str, str], title: str, subtitle: str,
                value_format, alt_intro: str) -> Chart:
    """Two bars per label (e.g. budget and actual), hatched apart and each labelled with its value."""
    long = pd.DataFrame({"label": labels * 2, "series": [names[0]] * len(labels) + [names[1]] * len(labels),
                         "value": [0 if fmt.is_missing(v) else float(v) for v in first + second]})
    fig, ax = plt.subplots(figsize=(9, 0.8 * len(labels) + 1.6))
    sns.barplot(data=long, x="value", y="label", hue="series", palette=PALETTE[:2], ax=ax, orient="h")
    _hatch(ax, len(labels), 2)
    for container, vals in zip(ax.containers, (first, second)):
        ax.bar_label(container, labels=[" " + value_format(v) for v in vals], fontsize=8)
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.set_xlim(0, max(long["value"].max(), 1) * 1.25)
    ax.legend(frameon=False, loc="lower right")
    alt = alt_intro + " " + "; ".join(
        f"{lab}: {names[0]} {value_format(a)}, {names[1]} {value_format(b)}" for lab, a, b in zip(labels, first, second)
    ) + "."
    return _finish(fig, ax, title, subtitle, alt)
