"""Reference tables beside each report: tables.xlsx and tables.ods, every table the report shows.

The tables are read back from the executed notebook (each displayed table carries its data), so
the spreadsheets hold exactly the report's tables, numbered as the report numbers them. Layout
follows the Government Analysis Function's guidance for releasing statistics in spreadsheets:
a cover sheet, a contents sheet, a notes sheet, then one table per sheet with its title, notes
referenced as [note N], shorthand ([x], [z], [c]) explained, units in the column headers, and no
blank cells. ONS's gptables writes the .xlsx to that guidance; it has no ODS output, which
government publishing asks for, so the .ods is written with odfpy (the library pandas itself uses
for ODS) to the same layout.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import gptables
import nbformat
import pandas as pd
from odf.opendocument import OpenDocumentSpreadsheet
from odf.style import Style, TableColumnProperties, TextProperties
from odf.table import Table, TableCell, TableColumn, TableRow
from odf.text import P

from wsp_analysis.report import blocks
from wsp_analysis.publish import html as export
from wsp_analysis.report.tables import DataTable
from wsp_analysis.report.format import SYMBOLS

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
    intro = [f"These are the tables of {title}, one table to a sheet."]
    if facts.get("period_description"):
        intro.append(f"Period: {facts['period_description']}.")
    intro.append(f"Status: {(facts.get('status') or 'draft').capitalize()}.")
    about = ["The Contents sheet lists the tables; the Notes sheet holds the notes that tables refer to as "
             "[note 1] and so on.", ROUNDING,
             "Shorthand used in the tables: " + "; ".join(f"{s} {v}" for s, v in SYMBOLS.items()) + "."]
    return intro, about


def write_xlsx(path: Path, sheets: list[Sheet], notes: pd.DataFrame, title: str, facts: dict) -> Path:
    intro, about = _cover_lines(facts, title)
    gp = {}
    for s in sheets:
        t = s.table
        gp[s.name] = gptables.GPTable(
            table=s.frame, table_name=s.name.lower(), title=f"{s.title} " + "".join(f"$${r}$$" for r in s.notes),
            index_columns={2: 0} if t.row_headers == 1 else {1: 0, 2: 1},
            source=f"Source: {title}, figures.csv")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas deprecation warnings raised inside gptables: not ours to fix
        gptables.write_workbook(
            filename=str(path), sheets=gp, notes_table=notes,
            cover=gptables.Cover(title=f"{title}: reference tables", intro=intro, about=about),
            contentsheet_label="Contents",
            # data text such as "=HYPERLINK(...)" or "+cmd|..." stays text: never a formula (CSV/formula injection)
            workbook_options={"strings_to_formulas": False, "strings_to_urls": False})
    return path


def _ods_cell(value, style=None) -> TableCell:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        cell = TableCell(valuetype="float", value=value)
    else:
        cell = TableCell(valuetype="string")
    if style is not None:
        cell.setAttribute("stylename", style)
    cell.addElement(P(text="" if value is None else str(value)))
    return cell


def _ods_row(values, style=None) -> TableRow:
    row = TableRow()
    for v in values:
        row.addElement(_ods_cell(v, style))
    return row


def write_ods(path: Path, sheets: list[Sheet], notes: pd.DataFrame, title: str, facts: dict) -> Path:
    """The same workbook as ODS: cover, contents, notes, then Table_1... with title and notes above each table."""
    doc = OpenDocumentSpreadsheet()
    heading = Style(name="heading", family="table-cell")
    heading.addElement(TextProperties(fontweight="bold", fontsize="14pt"))
    bold = Style(name="bold", family="table-cell")
    bold.addElement(TextProperties(fontweight="bold"))
    wide = Style(name="wide", family="table-column")
    wide.addElement(TableColumnProperties(columnwidth="6cm"))
    for s in (heading, bold, wide):
        doc.automaticstyles.addElement(s)

    def sheet(name: str, lines: list[str], frame: pd.DataFrame | None = None) -> None:
        t = Table(name=name)
        t.addElement(TableColumn(stylename=wide, numbercolumnsrepeated=max(1, 0 if frame is None else len(frame.columns))))
        t.addElement(_ods_row([lines[0]], heading))
        for line in lines[1:]:
            t.addElement(_ods_row([line]))
        if frame is not None:
            t.addElement(_ods_row([str(c) for c in frame.columns], bold))
            for row in frame.itertuples(index=False):
                t.addElement(_ods_row(list(row)))
        doc.spreadsheet.addElement(t)

    intro, about = _cover_lines(facts, title)
    sheet("Cover", [f"{title}: reference tables", *intro, "About these tables", *about])
    contents = pd.DataFrame({"Sheet name": [s.name for s in sheets], "Table description": [s.title for s in sheets]})
    sheet("Contents", ["Table of contents", "This worksheet contains one table."], contents)
    numbers = {ref: i for i, ref in enumerate(notes["Note reference"], start=1)}
    sheet("Notes", ["Notes", "This worksheet contains one table."],
          pd.DataFrame({"Note number": list(numbers.values()), "Note text": list(notes["Note text"])}))
    for s in sheets:
        refs = "".join(f"[note {numbers[r]}]" for r in s.notes)  # as gptables writes them
        sheet(s.name, [f"{s.title} {refs}", "This worksheet contains one table. Some cells may refer to notes, "
                                            "which can be found on the notes worksheet.", f"Source: {title}, figures.csv"],
              s.frame)
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
