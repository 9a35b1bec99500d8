"""Small HTML building blocks the notebooks display: bullet lists, accessible tables, notices.

Each returns an object with _repr_html_, so it shows the same in JupyterLab and in
the rendered report, and carries no code.
"""
from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from .formatting import SYMBOLS


@dataclass(frozen=True)
class Html:
    body: str

    def _repr_html_(self) -> str:
        return self.body

    def __repr__(self) -> str:  # plain-text copy in the notebook: the text without tags, briefly
        import re

        text = re.sub(r"<[^>]+>", " ", self.body)
        return " ".join(text.split())[:200]

    def __str__(self) -> str:
        return self.body


def bullets(items: Sequence[str], css_class: str = "messages") -> Html:
    lis = "".join(f"<li>{html.escape(i)}</li>" for i in items)
    return Html(f'<ul class="{css_class}">{lis}</ul>')


def paragraph(text: str) -> Html:
    return Html(f"<p>{html.escape(text)}</p>")


def heading(text: str, level: int = 2) -> Html:
    return Html(f"<h{level}>{html.escape(text)}</h{level}>")


def _is_numeric(cell: str) -> bool:
    s = cell.replace(",", "").replace("£", "").replace("%", "").replace("-", "").replace(".", "").strip()
    return s.isdigit() or cell in SYMBOLS


def table(rows: Sequence[Sequence[str]], header: Sequence[str], caption: str, row_headers: bool = True) -> Html:
    """An accessible table: caption, scope on headers, numbers right-aligned, symbols explained beneath.

    `rows` hold display strings (already formatted); the first cell of each row is its header.
    """
    def td(cell: str, first: bool) -> str:
        align = ' style="text-align:right"' if _is_numeric(cell) else ""
        if first and row_headers:
            return f'<th scope="row"{align}>{html.escape(cell)}</th>'
        return f"<td{align}>{html.escape(cell)}</td>"

    head = "".join(f'<th scope="col">{html.escape(h)}</th>' for h in header)
    body = "".join("<tr>" + "".join(td(str(c), i == 0) for i, c in enumerate(r)) + "</tr>" for r in rows)
    used = [s for s in SYMBOLS if any(s in str(c) for r in rows for c in r)]
    notes = "".join(f"<p class=\"table-note\">{html.escape(s)} {html.escape(SYMBOLS[s])}</p>" for s in used)
    return Html(f"<table><caption>{html.escape(caption)}</caption><thead><tr>{head}</tr></thead>"
                f"<tbody>{body}</tbody></table>{notes}")
