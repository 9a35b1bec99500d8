"""What every report section is made of (messages, at most one chart, tables) and the rules every section
keeps, in one place: no bullet repeated, no table without a row, no table whose every value is not
available, no chart whose table is not shown.

    s = section(["20% of audits ..."], chart, [table])
    display(*s.parts)
"""
from __future__ import annotations

from dataclasses import dataclass, field

from wsp_analysis.calc.register import Register, is_missing
from wsp_analysis.data import periods
from wsp_analysis.report import blocks, charts
from wsp_analysis.report import format as fmt
from wsp_analysis.report.messages.common import get, unique, value  # noqa: F401  (what sections read)
from wsp_analysis.report.tables import DataTable


@dataclass(frozen=True)
class Section:
    """What a report section displays. `data` holds its tables as data (the reference spreadsheets are
    written from them); `tables` holds the same tables as HTML, in the same order, the chart's own first.
    `sentences` are the messages as plain strings."""

    messages: blocks.Html
    chart: charts.Chart | None
    tables: list[blocks.Html] = field(default_factory=list)
    data: list[DataTable] = field(default_factory=list)
    sentences: tuple[str, ...] = ()

    @property
    def parts(self) -> list:
        """What the notebook displays, in order: messages, the chart (when there is one), the tables."""
        return [p for p in (self.messages, self.chart, *self.tables) if p is not None]


def has_values(table: DataTable) -> bool:
    """Whether any cell outside the row headers holds a value: a number, or text that is not one of the
    shorthand symbols ([x], [z], [c])."""
    for row in table.frame.itertuples(index=False):
        for v in list(row)[table.row_headers:]:
            if isinstance(v, str):
                if v.strip() and v not in fmt.SYMBOLS:
                    return True
            elif not is_missing(v):
                return True
    return False


def section(messages: list[str], chart: charts.Chart | None = None, data: list[DataTable] = ()) -> Section:
    """A Section from its messages, chart and tables, keeping the rules every section keeps: each message
    once; a table with no rows, or with no value in any row (all [x]), left out (a spreadsheet cannot hold
    an empty table, and a reader learns nothing from one); a chart left out when its table is."""
    kept = [d for d in data if len(d.frame) and has_values(d)]
    if chart is not None and chart.table not in {d.title for d in kept}:
        chart = None
    said = unique(messages)
    return Section(blocks.bullets(said), chart, [blocks.table(d) for d in kept], kept, tuple(said))


def numerator(reg: Register, id_: str, period: str):
    """A share's numerator (the count behind it) for a table cell, or None."""
    f = get(reg, id_, period)
    return None if f is None else f.numerator


def title(reg: Register, year: str, quarter: str | None = None, kind: str | None = None,
          status: str = "draft") -> blocks.Html:
    """The report's title and what it covers. The rendered report's header is built from the data this
    carries (partnership, period, status), so the HTML has exactly one h1 whatever the notebook shows.
    `kind` names the report ("annual", "quarterly", "publication", "scrutiny"; by default annual, or
    quarterly when a quarter is given)."""
    p = reg.partnership
    kind = kind or ("quarterly" if quarter else "annual")
    period = periods.period_label(year, quarter)
    heading = f"{p.name}: {kind} report {period}"
    notice = ("<p><strong>Synthetic data:</strong> every figure in this report is generated, not real.</p>"
              if p.synthetic else "")
    meta = {"title": heading, "partnership": p.name, "period": period,
            "period_description": periods.describe(year, quarter), "kind": kind, "status": status,
            "statutory_partners": list(p.statutory_partners), "synthetic": bool(p.synthetic)}
    return blocks.Titled(f"<h1>{blocks.html.escape(heading)}</h1>"
                         f"<p>Data for {blocks.html.escape(periods.describe(year, quarter))}. "
                         f"Statutory partners: {blocks.html.escape(', '.join(p.statutory_partners))}.</p>{notice}",
                         meta)
