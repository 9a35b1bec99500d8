"""What every report section is made of (messages, at most one chart, tables) and the rules every section
keeps, in one place: no bullet repeated, no table without a row, no table whose every value is not
available, no chart whose table is not shown.

    s = section(["20% of audits ..."], chart, [table])
    display(*s.parts)
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date

from wsp_analysis.calc.register import Register, is_missing
from wsp_analysis.data import periods
from wsp_analysis.report import blocks, charts
from wsp_analysis import format as fmt
from wsp_analysis.report.messages.common import get, unique
from wsp_analysis.report.tables import DataTable


@dataclass(frozen=True)
class Section:
    """What a report section displays. `data` holds its tables as data (the reference spreadsheets are
    written from them); `tables` holds the same tables as HTML, in the same order, the chart's own first.
    `sentences` are the messages as plain strings."""

    messages: blocks.Html | None  # None when the key messages already said everything
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


def section(messages: list[str], chart: charts.Chart | None = None, data: list[DataTable] = (),
            said: list[str] = (), appendix: list[DataTable] = ()) -> Section:
    """A Section from its messages, chart and tables, keeping the rules every section keeps: each message
    once, and none the page has `said` already (its key messages: a section opens with what they do not
    say) unless the section would otherwise show nothing at all; a table with no rows, or with no value in any row (all [x]), left out (a spreadsheet cannot hold
    an empty table, and a reader learns nothing from one); a chart left out when its table is (`appendix`:
    tables the page shows in its appendix instead, which a chart may draw)."""
    kept = [d for d in data if len(d.frame) and has_values(d)]
    elsewhere = {d.title for d in appendix if len(d.frame) and has_values(d)}
    if chart is not None and chart.table in elsewhere and chart.table not in {d.title for d in kept}:
        chart = dataclasses.replace(chart, data_at=f"in the appendix, in the table {chart.table}")
    elif chart is not None and chart.table not in {d.title for d in kept}:
        chart = None
    shown = [m for m in unique(messages) if m not in set(said)]
    if not shown and not kept:  # a section never stands empty: with nothing else to show, it says its piece
        shown = unique(messages)
    return Section(blocks.bullets(shown) if shown else None, chart, [blocks.table(d) for d in kept], kept,
                   tuple(shown))


def details(parts: list[tuple[str, list[DataTable], list[str]]]) -> list:
    """The appendix of detailed tables: for each area (its name, its tables and any messages that belong with
    them) with something to show, a heading, the messages and the tables (the same rules as a section's:
    no empty or all-[x] table). What the notebook displays after the sections, in order."""
    out = []
    for area, data, notes in parts:
        kept = [d for d in data if len(d.frame) and has_values(d)]
        if not kept and not notes:
            continue
        out.append(blocks.heading(area, 3))
        if notes:
            out.append(blocks.bullets(unique(notes)))
        out += [blocks.table(d) for d in kept]
    return out


def numerator(reg: Register, id_: str, period: str):
    """A share's numerator (the count behind it) for a table cell, or None."""
    f = get(reg, id_, period)
    return None if f is None else f.numerator


def release(status: str | None = None, published: str | None = None, next_update: str | None = None) -> dict:
    """How a run is released, as the page, its printed pages and the spreadsheets' cover say it: status ("draft"
    unless "final"), the publication date (YYYY-MM-DD; today's, the render date, unless given) and the next
    update (a YYYY-MM-DD date, or words as typed; None when not given), each also in words."""
    status = (status or "draft").lower()
    day = date.fromisoformat(published) if published else date.today()

    def words(d: str | None) -> str | None:
        try:
            return fmt.date_words(date.fromisoformat(d)) if d else None
        except ValueError:
            return d  # words such as "March 2025", as typed
    return {"status": status, "published": day.isoformat(), "published_words": fmt.date_words(day),
            "next_update": next_update or None, "next_update_words": words(next_update)}


def title(reg: Register, year: str, quarter: str | None = None, kind: str | None = None,
          status: str | None = None, published: str | None = None, next_update: str | None = None) -> blocks.Html:
    """The report's title and what it covers. The rendered report's header is built from the data this
    carries (partnership, period, status, publication date, next update, contact), so the HTML has exactly
    one h1 whatever the notebook shows. `kind` names the report ("annual", "quarterly", "publication",
    "scrutiny"; by default annual, or quarterly when a quarter is given); `status`, `published` and
    `next_update` are the run's (see release)."""
    p = reg.partnership
    kind = kind or ("quarterly" if quarter else "annual")
    period = periods.period_label(year, quarter)
    heading = f"{p.name}: {kind} report {period}"
    notice = ("<p><strong>Synthetic data:</strong> every figure in this report is generated, not real.</p>"
              if p.synthetic else "")
    rel = release(status, published, next_update)
    contact = p.contact
    meta = {"title": heading, "partnership": p.name, "short_name": p.short_name, "period": period,
            "period_description": periods.describe(year, quarter), "kind": kind, **rel,
            "statutory_partners": list(p.statutory_partners), "synthetic": bool(p.synthetic),
            "contact": None if contact is None else {"name": contact.name, "email": contact.email,
                                                     "website": contact.website, "text": contact.describe()},
            "glossary": [list(t) for t in p.glossary]}
    e = blocks.html.escape
    more = f"Published {rel['published_words']}" + (f"; next update {rel['next_update_words']}"
                                                     if rel["next_update_words"] else "")
    return blocks.Titled(f"<h1>{e(heading)}</h1>"
                         f"<p>Data for {e(periods.describe(year, quarter))}. "
                         f"Statutory partners: {e(', '.join(p.statutory_partners))}. {e(more)}.</p>{notice}",
                         meta)
