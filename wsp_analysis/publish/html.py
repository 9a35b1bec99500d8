"""The executive's HTML from an executed notebook, through our own nbconvert template (templates/wsp_report).

nbconvert's `lab` template fetches require.js and MathJax from a CDN, replaces alt text with "No
description has been provided", and fails axe-core's colour-contrast rule; ours extends nbconvert's
`base` and writes only what the reader needs: a header (title and status, period, publication date,
next update, contact, links to the files beside the page), a contents line, then the notebook's
sections, with no code, no prompts and no script; the page's own CSS gives the printed pages their
running header, status and "Page n of N". Before conversion the notebook is prepared here: hidden
cells and stderr dropped, the title cell's facts lifted into the header (so the page has one h1),
headings given ids and levels, and tables numbered in the order they appear, as the reference
spreadsheets number them. After it, the glossary of the terms the page uses is added and each term's
first use linked to it (report.glossary).
"""
from __future__ import annotations

import copy
import html
import re
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter
from traitlets.config import Config

from wsp_analysis.report import blocks, glossary
from wsp_analysis.report.tables import MIME as TABLE_MIME
from wsp_analysis.report.tables import DataTable

TEMPLATES = Path(__file__).resolve().parent / "templates"
TEMPLATE = "wsp_report"
HIDDEN_TAGS = ("parameters", "injected-parameters", "remove_cell")
STATUS_TEXT = {"draft": "Draft: figures may change before the partnership approves it",
               "final": "Final: approved by the partnership"}
_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$", re.M)
_FENCE = re.compile(r"^(```|~~~)")
_CAPTION = re.compile(r'(<caption[^>]*>|<p class="table-title"[^>]*>)')
_REGION_LABEL = re.compile(r'(class="table-wrap" role="region" aria-label=")')
_H1 = re.compile(r"<h1[^>]*>.*?</h1>", re.S)


def visible_cells(nb) -> list:
    """The cells a reader sees: hidden tags (parameters, injected parameters, remove_cell) left out."""
    return [c for c in nb.cells if not set(c.get("metadata", {}).get("tags", [])) & set(HIDDEN_TAGS)]


def tables(nb) -> list[DataTable]:
    """Every table the notebook displayed with its data, in reading order: table N in the report is
    sheet Table_N in the spreadsheets."""
    return [DataTable.from_json(o["data"][TABLE_MIME]) for c in visible_cells(nb) if c.cell_type == "code"
            for o in c.get("outputs", []) if TABLE_MIME in o.get("data", {})]


def _slug(text: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def _headings(source: str, taken: set[str], contents: list[dict]) -> tuple[str, dict | None]:
    """Markdown headings become HTML headings with ids: level 1 is demoted to 2 (the header holds the one
    h1), each h2 opens a section and a contents entry. Returns the new source and the section it opens."""
    section, out, fenced = None, [], False
    for line in source.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
        m = None if fenced else _HEADING.match(line)
        if not m:
            out.append(line)
            continue
        level, text = max(2, len(m.group(1))), m.group(2)
        hid = _slug(text, taken)
        if level == 2:
            contents.append({"id": hid, "text": text})
            if section is None:
                section = {"id": hid, "first": len(contents) == 1}
        out.append(f'<h{level} id="{hid}">{html.escape(text)}</h{level}>\n')
    return "\n".join(out), section


def prepare(nb, title: str, status: str | None = None, provenance: dict | None = None) -> tuple[object, dict]:
    """A copy of the notebook ready for the template, and the facts for the page header (and footer:
    `provenance`, from manifest.footer, gives the reproducing command and the data files' short hashes)."""
    nb = copy.deepcopy(nb)
    nb.cells = visible_cells(nb)
    facts: dict = {}
    contents: list[dict] = []
    taken = {"main", "contents-title"}
    number = 0
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source, section = _headings(cell.source, taken, contents)
            if section:
                cell.metadata["wsp_section"] = section
            continue
        if cell.cell_type != "code":
            continue
        kept = []
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error" or (out.get("output_type") == "stream" and out.get("name") != "stdout"):
                continue  # a traceback or a warning is for the analyst, not the executive
            data = out.get("data", {})
            if blocks.REPORT_MIME in data:
                facts = dict(data[blocks.REPORT_MIME])
                continue  # the title block becomes the page header
            if TABLE_MIME in data and "text/html" in data:
                number += 1
                body = _CAPTION.sub(rf"\1Table {number}: ", str(data["text/html"]), count=2)
                data["text/html"] = _REGION_LABEL.sub(rf"\1Table {number}: ", body, count=1)
            elif "text/html" in data:
                data["text/html"] = _H1.sub("", str(data["text/html"]))  # the page header holds the one h1
            kept.append(out)
        cell.outputs = kept
    status = (status or facts.get("status") or "draft").lower()
    period = facts.get("period_description") or facts.get("period")
    has_tables = number > 0  # the reference spreadsheets are written only for a page with tables
    downloads = [{"href": "figures.csv", "what": "every figure, unrounded"}]
    if has_tables:
        downloads += [{"href": "tables.xlsx", "what": "tables, Excel"}, {"href": "tables.ods", "what": "tables, OpenDocument"}]
    downloads.append({"href": "report.ipynb", "what": "the notebook, with code"})
    published = facts.get("published_words")
    note = " · ".join(x for x in ("Synthetic data: not real" if facts.get("synthetic") else "",
                                  f"Published {published}" if published else "") if x)
    header = {"title": title, "partnership": facts.get("partnership"), "period": period, "status": status,
              "status_label": status.capitalize(), "status_text": STATUS_TEXT.get(status, status.capitalize()),
              "statutory_partners": facts.get("statutory_partners"), "synthetic": facts.get("synthetic", False),
              "contents": contents, "version": _version(), "provenance": provenance,
              "published_words": published, "next_update_words": facts.get("next_update_words"),
              "contact": facts.get("contact"), "glossary": facts.get("glossary") or [], "downloads": downloads,
              "has_tables": has_tables, "running_header": title, "footer_note": note}
    return nb, header


def _version() -> str:
    try:
        return version("wsp-analysis")
    except PackageNotFoundError:
        return "unknown"


def inline_svg(svg: str, metadata: dict) -> str:
    """An SVG output shown inline, announced as an image with its alt text (from the output's metadata)."""
    svg = svg[svg.index("<svg"):] if "<svg" in svg else svg
    alt = (metadata or {}).get("image/svg+xml", {}).get("alt", "")
    return svg.replace("<svg", f'<svg role="img" aria-label="{html.escape(alt)}"', 1)


def css_string(text) -> str:
    """Text as a CSS string literal, for the printed page's running header: quotes and backslashes escaped,
    and "<" written as an escape, so no text from the data can close the <style> element."""
    text = " ".join(str(text or "").split())
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ") + '"'


def exporter() -> HTMLExporter:
    """nbconvert's HTMLExporter set up for the executive's page: the house template (templates/), no code,
    no prompts and no heading anchors; returns the exporter (its from_notebook_node gives the HTML)."""
    c = Config()
    c.HTMLExporter.exclude_input = True
    c.HTMLExporter.exclude_input_prompt = True
    c.HTMLExporter.exclude_output_prompt = True
    c.HTMLExporter.exclude_anchor_links = True  # a "¶" link on every heading is noise to a screen reader
    ex = HTMLExporter(config=c, template_name=TEMPLATE, extra_template_basedirs=[str(TEMPLATES)])
    ex.register_filter("wsp_inline_svg", inline_svg)
    ex.register_filter("wsp_css_string", css_string)
    return ex


_TEXT_SKIP = re.compile(r"<(style|script)\b.*?</\1>|<[^>]+>", re.S | re.I)


def page_text(page: str) -> str:
    """The text of a rendered page, its charts' words included, for finding the terms it uses."""
    return html.unescape(_TEXT_SKIP.sub(" ", page))


def with_glossary(page: str, local=()) -> str:
    """The page with its glossary: the terms it uses (national ones and the partnership's own, `local`) listed
    before the footer with a contents entry, and each term's first use linked to its entry. A page that
    uses none is returned as it was, without the placeholders."""
    terms = glossary.used(page_text(page), glossary.terms(local))
    if not terms:
        return page.replace("<!--wsp:glossary-contents-->", "").replace("<!--wsp:glossary-->", "")
    page = glossary.link_first_uses(page, terms)
    return (page.replace("<!--wsp:glossary-contents-->", '<li><a href="#glossary">Glossary</a></li>')
            .replace("<!--wsp:glossary-->", glossary.section(terms)))


def to_html(executed: Path, title: str, status: str | None = None, provenance: dict | None = None) -> str:
    """The executive's HTML for an executed notebook. `status` ("draft" or "final") overrides the one the
    notebook's title block carries (sections.title; "draft" unless said otherwise). `provenance`
    (manifest.footer) adds the command that reproduces the report and the data files' short hashes to
    the footer."""
    nb = nbformat.read(str(executed), as_version=4)
    nb, header = prepare(nb, title, status, provenance)
    body, _ = exporter().from_notebook_node(nb, resources={"metadata": {"name": title}, "wsp": header})
    return with_glossary(body, header["glossary"])
