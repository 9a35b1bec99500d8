"""The dashboard page: a summary table first (every indicator's latest value, variation, assurance and
target, grouped by priority), then a small control chart per indicator, each with its data as a table.
Everything from the dashboard's register (calc.dashboard): numbers from its figures, words from
reg.details["dashboard.indicators"] and ["dashboard.points"].

    reg = wsp.figures(ds, "2023-24", "Q4", kind="dashboard")
    display(dashboard.title(reg, "2023-24", "Q4"))
    display(blocks.bullets(dashboard.key_messages(reg, "2023-24", "Q4")))
    display(dashboard.summary(reg, "2023-24", "Q4"))
    display(*dashboard.charts(reg, "2023-24", "Q4"))

Variation and assurance show as an icon (a small circle with a letter, as Making Data Count draws them)
with their words beside it: the icon is hidden from screen readers, and its colour never carries the
meaning alone.
"""
from __future__ import annotations

import html

from wsp_analysis.calc.register import Register
from wsp_analysis.data import periods
from wsp_analysis.report import blocks, control_charts, sections
from wsp_analysis import format as fmt
from wsp_analysis.report import tables as datatables
from wsp_analysis.report.messages import dashboard as words
from wsp_analysis.report.messages.dashboard import key_messages, say, when
from wsp_analysis.report.messages.common import value

# What the dashboard notebook reads, in page order.
__all__ = ["title", "key_messages", "summary", "charts", "summary_table", "points_table", "chart", "icon"]

KINDS = {"proportion": "proportion", "percent": "percent", "count": "count", "gbp": "gbp"}  # unit -> table kind
# words -> (letter, fill, letter colour): Analysis Function colours; the letter and the words carry the meaning
ICONS = {
    "special cause improvement": ("I", "#12436D", "#FFFFFF"),
    "special cause concern": ("C", "#F46A25", "#0B0C0C"),
    "special cause (higher)": ("H", "#A285D1", "#0B0C0C"),
    "special cause (lower)": ("L", "#A285D1", "#0B0C0C"),
    "common cause": ("~", "#3D3D3D", "#FFFFFF"),
    "consistently passes the target": ("P", "#12436D", "#FFFFFF"),
    "consistently fails the target": ("F", "#F46A25", "#0B0C0C"),
    "hit and miss: may pass or fail the target": ("?", "#3D3D3D", "#FFFFFF"),
}
NOT_JUDGED = "not judged"


def title(reg: Register, year: str, quarter: str | None = None) -> blocks.Html:
    """The page's title block (report.sections.title, kind "dashboard")."""
    return sections.title(reg, year, quarter, kind="dashboard")


def icon(text: str) -> str:
    """The icon for a variation or assurance in words, then the words; the words alone when there is no icon."""
    if text not in ICONS:
        return html.escape(text)
    letter, fill, ink = ICONS[text]
    return (f'<span class="spc-judgement"><svg aria-hidden="true" focusable="false" width="18" height="18" '
            f'viewBox="0 0 18 18" style="vertical-align:-4px;margin-right:.35rem"><circle cx="9" cy="9" r="8.5" '
            f'fill="{fill}"/><text x="9" y="13" text-anchor="middle" font-size="11" font-weight="bold" '
            f'font-family="Arial, sans-serif" fill="{ink}">{html.escape(letter)}</text></svg>'
            f"{html.escape(text)}</span>")


def _rows(reg: Register):
    return list(reg.detail("dashboard.indicators").itertuples(index=False))


def _judged(row, words_: str) -> str:
    if row.chart == "none":
        return fmt.NOT_AVAILABLE
    if row.chart == "run":
        return f"{NOT_JUDGED}: fewer than 12 points"
    return words_ or NOT_JUDGED


def summary_table(reg: Register, year: str, quarter: str | None = None) -> datatables.DataTable:
    """The summary as data: Priority, Indicator, Latest period, Latest value, Target, Variation, Assurance;
    one row per indicator, grouped by priority in the order priorities first appear."""
    period = periods.period_label(year, quarter)
    rows = sorted(_rows(reg), key=lambda r, order={}: order.setdefault(r.priority, len(order)))
    out, kinds = [], []
    for r in rows:
        base = f"dashboard.{r.indicator}"
        latest = value(reg, f"{base}.value", r.latest) if r.latest else None
        target = value(reg, f"{base}.target", period) if (f"{base}.target", period) in reg else fmt.NOT_APPLICABLE
        out.append([r.priority, r.label, when(r.latest) if r.latest else fmt.NOT_AVAILABLE, latest, target,
                    _judged(r, r.variation_words), _judged(r, r.assurance_words)])
        kinds.append(KINDS.get(r.unit, "decimal"))
    return datatables.build(f"Every indicator at {when(period)}: latest value, variation and assurance", out,
                            ["Priority", "Indicator", "Latest period", "Latest value", "Target", "Variation",
                             "Assurance"], row_kinds=tuple(kinds), row_headers=2,
                            notes=("Variation is judged at the latest point of an XmR chart (12 points or more): "
                                   "special cause improvement or concern, or common cause. Assurance compares the "
                                   "process limits with the target. [z]: the indicator has no target.",))


def summary(reg: Register, year: str, quarter: str | None = None) -> blocks.Table:
    """The summary table, grouped by priority (a header row per priority), its variation and assurance each an
    icon with its words; it carries its data for the spreadsheets."""
    data = summary_table(reg, year, quarter)
    shown = data.display_rows()
    tid = blocks.table_id(data.title)
    num = ' class="num"'
    head = "".join(f'<th scope="col"{num if h in ("Latest value", "Target") else ""}>{html.escape(h)}</th>'
                   for h in data.columns[1:])
    body, group = [], None
    for cells in shown:
        if cells[0] != group:
            if group is not None:
                body.append("</tbody>")
            group = cells[0]
            body.append(f'<tbody><tr><th scope="rowgroup" colspan="6">{html.escape(group)}</th></tr>')
        body.append(f'<tr><th scope="row">{html.escape(cells[1])}</th><td>{html.escape(cells[2])}</td>'
                    f'<td class="num">{html.escape(cells[3])}</td><td class="num">{html.escape(cells[4])}</td>'
                    f"<td>{icon(cells[5])}</td><td>{icon(cells[6])}</td></tr>")
    body.append("</tbody>" if group is not None else "")
    symbols = fmt.symbols_used(c for r in shown for c in r)
    notes = [*data.notes, *[f"{s} {fmt.SYMBOLS[s]}" for s in symbols]]
    below = "".join(f'<p class="table-note">{html.escape(n)}</p>' for n in notes)
    return blocks.Table(f'<div class="table-wrap" role="region" aria-labelledby="{tid}" tabindex="0">'
                        f'<table id="{tid}-table"><caption id="{tid}">{html.escape(data.title)}</caption>'
                        f"<thead><tr>{head}</tr></thead>{''.join(body)}</table></div>{below}", data)


def points_table(reg: Register, row, period: str, taken: set[str]) -> datatables.DataTable:
    """One indicator's points as data: Period, Value (numerator and denominator where any point has them)
    and, for an XmR chart, the special-cause rule that flags each point."""
    pts = reg.detail("dashboard.points")
    pts = pts[pts["indicator"] == row.indicator]
    figs = {f.period: f for f in reg.find(f"dashboard.{row.indicator}.value") if f.id.endswith(".value")}
    counted = any(figs[p].denominator is not None for p in pts["period"] if p in figs)
    cols = ["Period", f"Value ({row.unit.replace('_', ' ')})"] + (["Numerator", "Denominator"] if counted else [])
    cols += ["Special cause variation"] if row.chart == "xmr" else []
    money = "count" if row.counts else "gbp"  # the one series whose parts are not counts is spending
    kinds = {cols[1]: KINDS.get(row.unit, "decimal"), **({"Numerator": money, "Denominator": money} if counted else {})}
    out = []
    for p in pts.itertuples(index=False):
        f = figs.get(p.period)
        cells = [p.when, None if f is None else f.value]
        cells += [f.numerator, f.denominator] if counted else []
        cells += [p.rule or ("none" if p.charted else fmt.NOT_APPLICABLE)] if row.chart == "xmr" else []
        out.append(cells)
    name = f"{row.label}, by {row.frequency}, to {when(period)}"
    n = 2
    while name in taken:
        name, n = f"{row.label}, by {row.frequency}, to {when(period)} ({n})", n + 1
    taken.add(name)
    notes = ("Numerator and denominator are in pounds: spending to date and the budget profiled to date.",) \
        if counted and not row.counts else ()
    return datatables.build(name, out, cols, kinds, notes=notes)


def _alt(reg: Register, row, period: str, data: datatables.DataTable) -> str:
    base, unit = f"dashboard.{row.indicator}", row.unit
    kind = "XmR chart" if row.chart == "xmr" else "Run chart"
    values = "; ".join(f"{data.value(i, 'Period')} {say(data.value(i, data.columns[1]), unit)}"
                       for i in range(len(data.frame)))
    text = f"{kind} of {row.label}. Values: {values}. Mean {say(value(reg, f'{base}.mean', period), unit)}"
    if row.chart == "xmr":
        text += (f"; process limits {say(value(reg, f'{base}.lower_limit', period), unit)} to "
                 f"{say(value(reg, f'{base}.upper_limit', period), unit)}")
    if (f"{base}.target", period) in reg:
        text += f"; target {say(value(reg, f'{base}.target', period), unit)}"
    text += "."
    if row.chart == "xmr":
        flagged = [f"{p.when} ({p.rule})" for p in reg.detail("dashboard.points").itertuples(index=False)
                   if p.indicator == row.indicator and p.rule]
        text += (f" Special cause variation at {len(flagged)} point{'s' if len(flagged) != 1 else ''}"
                 + (": " + "; ".join(flagged) if flagged else "") + f". Latest point: {row.variation_words}.")
    else:
        text += " Too few points for process limits."
    return text


def chart(reg: Register, row, period: str, data: datatables.DataTable):
    """The indicator's small control chart, drawn from its points table and the register's lines."""
    base = f"dashboard.{row.indicator}"
    lines = {"Mean": value(reg, f"{base}.mean", period)}
    if row.chart == "xmr":
        lines.update({"Upper limit": value(reg, f"{base}.upper_limit", period),
                      "Lower limit": value(reg, f"{base}.lower_limit", period)})
    if (f"{base}.target", period) in reg:
        lines["Target"] = value(reg, f"{base}.target", period)
    pts = reg.detail("dashboard.points")
    directions = [int(d) for d in pts[pts["indicator"] == row.indicator]["direction"]]
    subtitle = f"{control_charts.axis_label(row.unit)}, by {row.frequency}" + (
        f"; latest point: {row.variation_words}" if row.chart == "xmr" else "; run chart: too few points for limits")
    return control_charts.xmr(data, "Period", data.columns[1], row.unit, lines, directions, row.polarity, row.label,
                              subtitle, _alt(reg, row, period, data))


def charts(reg: Register, year: str, quarter: str | None = None) -> list:
    """Per priority a heading, then per indicator: its heading, sentences, chart (when it has any value) and
    its points as a table."""
    period = periods.period_label(year, quarter)
    out, taken, group = [], set(), None
    rows = sorted(_rows(reg), key=lambda r, order={}: order.setdefault(r.priority, len(order)))
    for r in rows:
        if r.priority != group:
            group = r.priority
            out.append(blocks.heading(group, 3))
        out.append(blocks.heading(r.label, 4))
        definition = f"{r.definition}" + (f" Source: {r.source_agency}." if r.source_agency else "")
        out.append(blocks.bullets([*words.indicator(reg, r, period), definition], "indicator-notes"))
        if r.chart == "none":
            continue
        data = points_table(reg, r, period, taken)
        out.append(chart(reg, r, period, data))
        out.append(blocks.table(data))
    return out
