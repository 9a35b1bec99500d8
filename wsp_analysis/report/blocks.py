"""Small HTML building blocks the notebooks display: bullet lists, accessible tables, notices.

Each returns an object with _repr_html_, so it shows the same in JupyterLab and in
the rendered report, and carries no code.
"""
from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from wsp_analysis.report.tables import MIME, DataTable
from wsp_analysis.format import SYMBOLS, symbols_used


@dataclass(frozen=True)
class Html:
    body: str

    def _repr_html_(self) -> str:
        return self.body

    def __repr__(self) -> str:  # plain-text copy in the notebook: the text without tags, briefly
        text = re.sub(r"<[^>]+>", " ", self.body)
        return " ".join(text.split())[:200]

    def __str__(self) -> str:
        return self.body


def bullets(items: Sequence[str], css_class: str = "messages") -> Html:
    """A bulleted list of plain-text items (escaped), as the key messages show."""
    lis = "".join(f"<li>{html.escape(i)}</li>" for i in items)
    return Html(f'<ul class="{css_class}">{lis}</ul>')


def paragraph(text: str) -> Html:
    """A paragraph of plain text (escaped)."""
    return Html(f"<p>{html.escape(text)}</p>")


def heading(text: str, level: int = 2) -> Html:
    """A heading of plain text (escaped) at `level` (2: a section)."""
    return Html(f"<h{level}>{html.escape(text)}</h{level}>")


def _is_numeric(cell: str) -> bool:
    s = cell.replace(",", "").replace("£", "").replace("%", "").replace("-", "").replace(".", "").strip()
    return (s.isdigit() and not _YEAR.match(cell)) or cell in SYMBOLS


_YEAR = re.compile(r"^\d{4}-\d{2}$")  # "2023-24" labels a row; it is not a number to right-align


@dataclass(frozen=True)
class Table(Html):
    """A table displayed with its data: JupyterLab shows the HTML, and the executed notebook keeps the
    values (as MIME type datatables.MIME) for the reference spreadsheets."""

    data: DataTable | None = None

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = {"text/html": self.body, "text/plain": repr(self)}
        if self.data is not None:
            bundle[MIME] = self.data.to_json()
        return bundle


REPORT_MIME = "application/vnd.wsp-analysis.report+json"


@dataclass(frozen=True)
class Titled(Html):
    """The report's title block, carrying the facts the rendered report's header is built from."""

    meta: dict | None = None

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/html": self.body, "text/plain": repr(self), REPORT_MIME: dict(self.meta or {})}


def table_id(title: str) -> str:
    """A stable id for a table, from its title (the same in JupyterLab and in the rendered report)."""
    return "table-" + hashlib.sha1(title.encode("utf-8")).hexdigest()[:8]


def table(rows, header: Sequence[str] | None = None, caption: str | None = None, row_headers: bool = True,
          number: int | None = None) -> Table:
    """An accessible table: caption, scope on headers, numbers right-aligned, symbols explained beneath.

    Pass a DataTable (the usual way: values are formatted by column kind), or, as before, `rows` of
    display strings with `header` and `caption` (the first cell of each row is its header).
    `number` prefixes the caption ("Table 3: ...") so the report and the spreadsheets agree.
    """
    if isinstance(rows, DataTable):
        data = rows
        shown = data.display_rows()
        header, caption, n_heads = data.columns, data.title, data.row_headers
        numeric = [[data.kind(i, c) != "text" for c in header] for i in range(len(shown))]
        numeric_col = [any(r[j] for r in numeric) for j in range(len(header))]
        notes = list(data.notes)
    else:
        shown, n_heads, notes = [[str(c) for c in r] for r in rows], 1 if row_headers else 0, []
        # display strings only: the spreadsheets get them as text (build from a DataTable for numbers)
        data = DataTable(caption, pd.DataFrame(shown, columns=list(header), dtype=object), row_headers=n_heads)
        numeric = [[_is_numeric(c) for c in r] for r in shown]
        numeric_col = [bool(shown) and all(r[j] for r in numeric) for j in range(len(header))]

    def cell(text: str, j: int, num: bool) -> str:
        cls = ' class="num"' if num else ""
        if j < n_heads:
            return f'<th scope="row"{cls}>{html.escape(text)}</th>'
        return f"<td{cls}>{html.escape(text)}</td>"

    tid = table_id(caption)
    label = f"Table {number}: {caption}" if number else caption
    num_class = ' class="num"'
    head = "".join(f'<th scope="col"{num_class if numeric_col[j] else ""}>{html.escape(h)}</th>'
                   for j, h in enumerate(header))
    body = "".join("<tr>" + "".join(cell(c, j, numeric[i][j]) for j, c in enumerate(r)) + "</tr>"
                   for i, r in enumerate(shown))
    notes += [f"{s} {SYMBOLS[s]}" for s in symbols_used(c for r in shown for c in r)]
    below = "".join(f'<p class="table-note">{html.escape(n)}</p>' for n in notes)
    # A focusable, labelled region: a wide table scrolls sideways on a phone, and a keyboard user can scroll it.
    # A table of more than three columns says so on a narrow screen (the CSS shows the hint only there).
    hint = ('<p class="scroll-hint">Scroll sideways to see every column.</p>' if len(header) > 3 else "")
    # The title is shown above the region, where it wraps to the screen (a caption is as wide as its table and
    # would scroll out of sight); the caption stays for assistive technology, which the title is hidden from.
    return Table(f'<p class="table-title" aria-hidden="true">{html.escape(label)}</p>{hint}'
                 f'<div class="table-wrap" role="region" aria-label="{html.escape(label)}" tabindex="0">'
                 f'<table id="{tid}-table"><caption id="{tid}" class="visually-hidden">{html.escape(label)}</caption>'
                 f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>{below}", data)
