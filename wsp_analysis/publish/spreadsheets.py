"""Reference tables beside each report: tables.xlsx and tables.ods, every table the report shows.

The tables are read back from the executed notebook (each displayed table carries its data), so
the spreadsheets hold exactly the report's tables, numbered as the report numbers them. Layout
follows the Government Analysis Function's guidance for releasing statistics in spreadsheets:
a cover sheet, a contents sheet, a notes sheet, then one table per sheet (an Excel table with a
header row) with its title, notes referenced as [note N], shorthand ([x], [z], [c]) explained,
units in the column headers, and no blank cells.

`layout` decides every sheet's lines and table once; XlsxWriter writes it as .xlsx and odfpy (the
library pandas itself uses for ODS) as .ods, so the two hold the same cells, formatted the same way:
thousands separators, whole numbers for counts and pounds, one decimal for percentages (each column's
unit once, in its header), and the contents' sheet names linked to their sheets. Text from the data (a
course, a theme, a partnership's name) is written exactly as typed: every text cell is written as a
string, never read as a formula, a link or markup. (ONS's gptables, used before, reads `[text](target)`
in any cell as a link and `$$x$$` as a note marker, and refuses a cell of symbols only, with no way
to turn that off: a course named "Neglect [Level 1](refresher)" stopped the report.)
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pandas as pd
import xlsxwriter
from odf import teletype
from odf.number import Number, NumberStyle
from odf.opendocument import OpenDocumentSpreadsheet
from odf.style import Style, TableColumnProperties, TextProperties
from odf.table import Table, TableCell, TableColumn, TableRow
from odf.text import A, P

from wsp_analysis.report import blocks
from wsp_analysis.publish import html as export
from wsp_analysis.report.tables import DataTable
from wsp_analysis.format import SYMBOLS

XLSX, ODS = "tables.xlsx", "tables.ods"
ROUNDING = ("Percentages are rounded to one decimal place and money to whole pounds, as in the report. "
            "figures.csv, beside this workbook, holds every figure in the report unrounded, with its source.")


@dataclass(frozen=True)
class Sheet:
    name: str  # Table_1, Table_2, ...: no spaces, as the guidance asks
    title: str
    table: DataTable
    notes: tuple[str, ...]  # references into the notes sheet, in order

    @property
    def frame(self) -> pd.DataFrame:
        return self.table.sheet_frame()

    @property
    def kinds(self) -> list[list[str]]:
        return self.table.sheet_kinds()


# Decimal places of each kind of number as the sheets show it (format.sheet_value rounds to the same), with
# thousands separators: counts and pounds whole, percentages to one decimal.
DECIMALS = {"count": 0, "gbp": 0, "proportion": 1, "percent": 1, "decimal": 2, "p_value": 4}


def number_format(kind: str) -> str:
    """The Excel number format of a kind of number: "#,##0", "#,##0.0", ..."""
    places = DECIMALS.get(kind, 0)
    return "#,##0" + ("." + "0" * places if places else "")


def _notes(tables: list[DataTable]) -> tuple[list[Sheet], pd.DataFrame]:
    """One sheet per table, and the notes table: each distinct note once, numbered in order of use."""
    texts: dict[str, str] = {"rounding": ROUNDING}
    sheets = []
    for n, t in enumerate(tables, start=1):
        refs = ["rounding"]
        for text in [*t.notes, *[f"{s} means {SYMBOLS[s]}." for s in t.symbols()]]:
            ref = next((r for r, v in texts.items() if v == text), f"note{len(texts) + 1}")
            texts[ref] = text
            refs.append(ref)
        sheets.append(Sheet(f"Table_{n}", f"Table {n}: {t.title}", t, tuple(refs)))
    notes = pd.DataFrame({"Note reference": list(texts), "Note text": list(texts.values())})
    return sheets, notes


def _cover_lines(facts: dict, title: str) -> tuple[list[str], list[str]]:
    """The cover's introductory lines (what the tables are, the period and the release facts as the report
    page gives them: status, publication date, next update, contact) and its lines about the data."""
    intro = [f"These are the tables of {title}, one table to a sheet."]
    if facts.get("period_description"):
        intro.append(f"Period: {facts['period_description']}.")
    status = (facts.get("status") or "draft").lower()
    intro.append(f"Status: {export.STATUS_TEXT.get(status, status.capitalize())}.")
    if facts.get("published_words"):
        intro.append(f"Published: {facts['published_words']}.")
    if facts.get("next_update_words"):
        intro.append(f"Next update: {facts['next_update_words']}.")
    if facts.get("contact"):
        intro.append(f"Contact: {facts['contact']['text']}.")
    about = ["The Contents sheet lists the tables; the Notes sheet holds the notes that tables refer to as "
             "[note 1] and so on.", ROUNDING,
             "Shorthand used in the tables: " + "; ".join(f"{s} {v}" for s, v in SYMBOLS.items()) + "."]
    return intro, about


ONE_TABLE = "This worksheet contains one table."
TABLE_NOTE = ONE_TABLE + " Some cells may refer to notes, which can be found on the notes worksheet."


@dataclass(frozen=True)
class Page:
    """One sheet as both writers lay it out: lines of text from A1 down, each with its style ("title",
    "subtitle" or "text"), then the table (if any) from the next row, header first."""

    name: str
    lines: tuple[tuple[str, str], ...]
    frame: pd.DataFrame | None = None
    table_name: str | None = None  # the Excel table's name (letters, digits and _)
    links: bool = False  # the contents: each first-column cell names a sheet, and links to it
    kinds: list[list[str]] | None = None  # each table cell's kind of number (format.KINDS), for its format


def layout(sheets: list[Sheet], notes: pd.DataFrame, title: str, facts: dict) -> list[Page]:
    """Cover, Contents, Notes, then Table_1...: the workbook's every line and table, for both writers.
    Notes are numbered in order of first use, which is the notes table's order."""
    intro, about = _cover_lines(facts, title)
    numbers = {ref: i for i, ref in enumerate(notes["Note reference"], start=1)}
    pages = [
        Page("Cover", ((f"{title}: reference tables", "title"), ("Introductory information", "subtitle"),
                       *((line, "text") for line in intro), ("About these data", "subtitle"),
                       *((line, "text") for line in about))),
        Page("Contents", (("Table of contents", "title"), (ONE_TABLE, "text")),
             pd.DataFrame({"Sheet name": [s.name for s in sheets], "Table description": [s.title for s in sheets]}),
             "contents_table", links=True),
        Page("Notes", (("Notes", "title"), (ONE_TABLE, "text")),
             pd.DataFrame({"Note number": list(numbers.values()), "Note text": list(notes["Note text"])}),
             "notes_table"),
    ]
    for s in sheets:
        refs = "".join(f"[note {numbers[r]}]" for r in s.notes)
        pages.append(Page(s.name, ((f"{s.title} {refs}", "title"), (TABLE_NOTE, "text"),
                                   (f"Source: {title}, figures.csv", "text")), s.frame, s.name.lower(),
                          kinds=s.kinds))
    return pages


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _text(v) -> str:
    return "" if v is None else str(v)


def _numeric_columns(frame: pd.DataFrame) -> list[bool]:
    """Columns holding numbers (symbols such as [x] aside): right-aligned, as numbers are."""
    return [any(_is_number(v) for v in frame.iloc[:, j]) and all(_is_number(v) or str(v) in SYMBOLS
                                                                  for v in frame.iloc[:, j])
            for j in range(frame.shape[1])]


def _widths(page: Page) -> list[float]:
    """Column widths in characters: the longest line of the header or any cell, within 8 to 100."""
    if page.frame is None:
        return [85.0]  # the cover's one column of prose
    widths = []
    for j, header in enumerate(page.frame.columns):
        texts = [str(header), *(_text(v) for v in page.frame.iloc[:, j])]
        longest = max(len(line) for t in texts for line in (t.splitlines() or [""]))
        widths.append(float(min(100, max(8, longest * 1.1 + 2))))
    return widths


def write_xlsx(path: Path, sheets: list[Sheet], notes: pd.DataFrame, title: str, facts: dict) -> Path:
    """The workbook as .xlsx. Every text cell goes through write_string, so text from the data (such as
    "=HYPERLINK(...)", "[Level 1](refresher)" or "https://x") stays text: never a formula or a link."""
    # Belt and braces: with these off, even a plain write() would keep such text as a string.
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                         "strings_to_numbers": False})
    wb.set_properties({"title": f"{title}: reference tables"})
    base = {"font_size": 12, "text_wrap": True, "valign": "top"}
    style = {"title": wb.add_format({**base, "bold": True, "font_size": 16, "text_wrap": False}),
             "subtitle": wb.add_format({**base, "bold": True, "font_size": 14}),
             "text": wb.add_format({**base, "text_wrap": False})}
    cover_text = wb.add_format(base)  # the cover's prose wraps in its wide column
    header = {a: wb.add_format({**base, "bold": True, "bottom": 1, "align": a}) for a in ("left", "right")}
    cell = {a: wb.add_format({**base, "align": a}) for a in ("left", "right")}
    numbers = {kind: wb.add_format({**base, "align": "right", "num_format": number_format(kind)}) for kind in DECIMALS}
    link = wb.add_format({**base, "align": "left", "font_color": "#0000FF", "underline": 1})
    for page in layout(sheets, notes, title, facts):
        ws = wb.add_worksheet(page.name)
        ws.hide_gridlines(2)
        for j, width in enumerate(_widths(page)):
            ws.set_column(j, j, width)
        for r, (text, kind) in enumerate(page.lines):
            ws.write_string(r, 0, text, cover_text if page.name == "Cover" and kind == "text" else style[kind])
        if page.frame is None:
            continue
        top, frame = len(page.lines), page.frame
        aligns = ["right" if n else "left" for n in _numeric_columns(frame)]
        for i, row in enumerate(frame.itertuples(index=False), start=top + 1):
            for j, v in enumerate(row):
                if page.links and j == 0:
                    ws.write_url(i, j, f"internal:'{v}'!A1", link, string=str(v))  # our own sheet names
                elif _is_number(v):
                    kind = page.kinds[i - top - 1][j] if page.kinds else "text"
                    ws.write_number(i, j, v, numbers.get(kind, cell[aligns[j]]))
                else:
                    ws.write_string(i, j, _text(v), cell[aligns[j]])
        # The table's header row is written by add_table, as text, from these names.
        ws.add_table(top, 0, top + len(frame), len(frame.columns) - 1, {
            "name": page.table_name, "autofilter": False, "style": None,
            "columns": [{"header": str(h), "header_format": header[a]} for h, a in zip(frame.columns, aligns)]})
    wb.close()
    return path


def _ods_cell(value, style=None, link: str | None = None) -> TableCell:
    if _is_number(value):
        cell = TableCell(valuetype="float", value=value)
    else:
        cell = TableCell(valuetype="string")
    if style is not None:
        cell.setAttribute("stylename", style)
    para = P()
    if link:  # the contents: a sheet name that links to its sheet, as in the xlsx
        para.addElement(A(href=link, text=_text(value)))
    else:
        # teletype keeps runs of spaces, tabs and line breaks as typed (plain text in ODF collapses them)
        teletype.addTextToElement(para, _text(value))
    cell.addElement(para)
    return cell


def _ods_row(values, style=None, styles=None, links=False) -> TableRow:
    """A row of cells: `style` for all, or `styles` one per cell (a number's format); with `links`, the first
    cell links to the sheet it names."""
    row = TableRow()
    for j, v in enumerate(values):
        link = f"#{v}.A1" if links and j == 0 else None
        row.addElement(_ods_cell(v, styles[j] if styles else style, link))
    return row


def _ods_number_styles(doc) -> dict[str, Style]:
    """A cell style per kind of number, each with its data style: thousands separators and DECIMALS places."""
    out = {}
    for kind, places in DECIMALS.items():
        data = NumberStyle(name=f"n_{kind}")
        data.addElement(Number(decimalplaces=places, minintegerdigits=1, grouping="true"))
        doc.automaticstyles.addElement(data)
        cell = Style(name=f"c_{kind}", family="table-cell", datastylename=f"n_{kind}")
        doc.automaticstyles.addElement(cell)
        out[kind] = cell
    return out


def write_ods(path: Path, sheets: list[Sheet], notes: pd.DataFrame, title: str, facts: dict) -> Path:
    """The same workbook as ODS, from the same layout: every text cell a string paragraph, as typed; numbers
    formatted as in the xlsx; the contents' sheet names linked to their sheets."""
    doc = OpenDocumentSpreadsheet()
    styles = {"title": Style(name="heading", family="table-cell"),
              "subtitle": Style(name="subheading", family="table-cell"),
              "header": Style(name="bold", family="table-cell")}
    styles["title"].addElement(TextProperties(fontweight="bold", fontsize="16pt"))
    styles["subtitle"].addElement(TextProperties(fontweight="bold", fontsize="14pt"))
    styles["header"].addElement(TextProperties(fontweight="bold"))
    wide = Style(name="wide", family="table-column")
    wide.addElement(TableColumnProperties(columnwidth="6cm"))
    for s in (*styles.values(), wide):
        doc.automaticstyles.addElement(s)
    numbers = _ods_number_styles(doc)
    for page in layout(sheets, notes, title, facts):
        t = Table(name=page.name)
        t.addElement(TableColumn(stylename=wide, numbercolumnsrepeated=1 if page.frame is None
                                 else max(1, len(page.frame.columns))))
        for text, kind in page.lines:
            t.addElement(_ods_row([text], styles.get(kind)))
        if page.frame is not None:
            t.addElement(_ods_row([str(c) for c in page.frame.columns], styles["header"]))
            for i, row in enumerate(page.frame.itertuples(index=False)):
                kinds = page.kinds[i] if page.kinds else ["text"] * len(row)
                t.addElement(_ods_row(list(row), styles=[numbers.get(k) if _is_number(v) else None
                                                         for k, v in zip(kinds, row)], links=page.links))
        doc.spreadsheet.addElement(t)
    doc.save(str(path))
    return path


def write(folder: Path, executed: Path, title: str) -> list[Path]:
    """Write tables.xlsx and tables.ods into `folder` from the executed notebook's tables."""
    nb = nbformat.read(str(executed), as_version=4)
    tables = export.tables(nb)
    facts = next((o["data"][blocks.REPORT_MIME] for c in export.visible_cells(nb) if c.cell_type == "code"
                  for o in c.get("outputs", []) if blocks.REPORT_MIME in o.get("data", {})), {})
    if not tables:
        return []  # a notebook that shows no tables has no reference tables to publish
    sheets, notes = _notes(tables)
    folder = Path(folder)
    return [write_xlsx(folder / XLSX, sheets, notes, title, facts), write_ods(folder / ODS, sheets, notes, title, facts)]
