"""Reading an agency return: every table sheet of the workbook checked with the table's own rules.

Each sheet is written to a temporary CSV, cell for cell and row for row, and checked by
dataset.read_table, so a problem's row and column map straight back to a cell (`Audits!D7`). What only
a workbook can hold is refused here, located the same way: a formula, a merged cell, a date typed as
text, a sheet that is not the template's.
"""
from __future__ import annotations

import csv
import math
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

from wsp_analysis.data import load as dataset
from wsp_analysis.data import schema as schemas
from wsp_analysis.errors import DataValidationError, Problem
from wsp_analysis.returns.template import HELPER_SHEETS, cell_ref, kind, table_sheets


# --- problems located in the workbook ---------------------------------------------------------------

@dataclass(frozen=True)
class CellProblem:
    """A problem in the workbook: its sheet and cell (or range), the column's name and what is wrong."""

    workbook: str
    message: str
    sheet: str | None = None
    cell: str | None = None  # "D7", "C7:C8" (merged), "A7:F7" (a whole row), "A1:F1" (the header)
    column: str | None = None

    @property
    def where(self) -> str:
        if self.sheet is None:
            return self.workbook
        return f"{self.workbook}, " + (cell_ref(self.sheet, self.cell) if self.cell else f'sheet "{self.sheet}"')

    def __str__(self) -> str:
        col = f", column {self.column}" if self.column else ""
        return f"{self.where}{col}: {self.message}"


class ImportRefused(DataValidationError):
    """The workbook was not imported; carries every problem found. Nothing in the data folder changed."""

    def __init__(self, problems: list, workbook: str):
        self.workbook = workbook
        super().__init__(problems)

    def report(self) -> str:
        """Every problem on a line of its own, then a count of problems and where, and that nothing was
        imported."""
        n = len(self.problems)
        sheets = sorted({p.sheet for p in self.problems if isinstance(p, CellProblem) and p.sheet})
        files = sorted({p.file for p in self.problems if isinstance(p, Problem)})
        where = []
        if sheets:
            where.append(f"{len(sheets)} sheet{'s' if len(sheets) != 1 else ''} of {self.workbook}")
        if files:
            where.append(f"{len(files)} data file{'s' if len(files) != 1 else ''}")
        lines = [str(p) for p in self.problems]
        lines.append(f"{n} problem{'s' if n != 1 else ''}" + (f" in {' and '.join(where)}" if where else "")
                     + f"; nothing was imported from {self.workbook}.")
        return "\n".join(lines)


# --- reading cells ------------------------------------------------------------------------------------

def _number_text(v) -> str:
    f = float(v)
    if math.isfinite(f) and f.is_integer() and abs(f) < 1e15:
        return str(int(f))
    return format(f, ".15g")


def cell_text(cell, k: str) -> tuple[str, str | None]:
    """(the cell's value as CSV text, a problem or None); `k` is the column's kind (workbook.Kind.name)."""
    v = cell.value
    if v is None:
        return "", None
    if cell.data_type == "f" or isinstance(v, (ArrayFormula, DataTableFormula)):
        text = v if isinstance(v, str) else getattr(v, "text", None) or "a table formula"
        return "", f"is a formula ({text}); type the value itself: formulas are not imported"
    if isinstance(v, bool):
        return ("TRUE" if v else "FALSE"), None
    if isinstance(v, date):  # datetime too: a time of day is dropped, the date is what a row records
        return (v.date() if isinstance(v, datetime) else v).isoformat(), None  # elsewhere the rule objects
    if isinstance(v, (time, timedelta)):
        return str(v), None  # a time or duration: the column's rule says it is not what the column holds
    if isinstance(v, (int, float)):
        if k == "date":
            return "", f'{_number_text(v)} is a number, not a date; type the date (it shows like 2023-04-30)'
        if k == "percent" and "%" in (cell.number_format or ""):
            v = v * 100  # a cell formatted as a percentage holds 0.35 for 35%
            return _number_text(round(v, 9)), None
        return _number_text(v), None
    text = str(v)
    if k == "date" and text.strip():
        return "", (f'"{text}" is typed as text, not as a date; type it as a date (e.g. 2023-04-30) so the '
                    "spreadsheet stores a date, not words that look like one")
    return text, None


# --- one sheet -----------------------------------------------------------------------------------------

@dataclass
class Sheet:
    """One table's sheet as read: its records as CSV text and typed, and where each column is."""

    name: str
    spec: schemas.Table
    header: list[str]  # column names, in sheet order (blank-headed empty columns left out)
    letters: dict[str, str]  # column name -> column letter
    last_letter: str
    frame: pd.DataFrame | None = None  # typed, as read_table returns it ("row" is the sheet row)
    texts: dict[int, dict[str, str]] = field(default_factory=dict)  # sheet row -> column -> canonical text
    filled_source: set[int] = field(default_factory=set)  # rows whose blank source import filled in

    def ref(self, row: int, column: str | None = None) -> str:
        """A cell of this sheet as Excel names it: Audits!D7."""
        if column in self.letters:
            return f"{self.letters[column]}{row}"
        return f"A{row}:{self.last_letter}{row}"


def canonical(v) -> str:
    """A typed value as the CSV writes it: blank for not available, dates ISO, whole numbers bare."""
    if v is None or (not isinstance(v, (str, date)) and pd.isna(v)):
        return ""
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, str):
        return v
    if hasattr(v, "is_integer") or isinstance(v, (int, float)) or hasattr(v, "item"):
        return _number_text(v)
    return str(v)


def read_sheet(ws, spec: schemas.Table, book: str, problems: list, warnings: list,
               extent: tuple[int, int] | None = None) -> Sheet | None:
    """Check one sheet with the table's rules (via a CSV in the sheet's shape); None when nothing is filled.
    `extent` is (last row, last column) holding a value (value_extents); the sheet's own size when None."""
    bad: set[tuple[int, int]] = set()  # (row, column index) already reported: the rules' view of them is noise
    for rng in sorted(ws.merged_cells.ranges, key=lambda r: (r.min_row, r.min_col)):
        problems.append(CellProblem(book, "merged cells: unmerge them and type the value in each cell (a merged "
                                          "cell hides which row and column its value belongs to)",
                                    ws.title, rng.coord))
        bad.update((r, c) for r, c in rng.cells)
    max_row, max_col = extent if extent is not None else (ws.max_row, ws.max_column)
    # Only the rows and columns that hold values: iter_rows makes a cell for every position it passes.
    grid = {(c.row, c.column): c for row in ws.iter_rows(min_row=1, max_row=max_row, max_col=max_col) for c in row} \
        if max_row and max_col else {}

    known = {c.name: c for c in spec.columns}
    header_cells: dict[int, str] = {}
    for c in range(1, max_col + 1):
        cell = grid.get((1, c))
        if cell is None or cell.value is None or (1, c) in bad:
            continue
        if cell.data_type == "f":
            problems.append(CellProblem(book, "is a formula; row 1 holds the column names, typed as text",
                                        ws.title, f"{get_column_letter(c)}1"))
            bad.add((1, c))
            continue
        name = str(cell.value).strip()
        if name:
            header_cells[c] = name

    columns: list[int] = []
    for c in range(1, max_col + 1):
        if c in header_cells:
            columns.append(c)
            continue
        filled = [r for r in range(2, max_row + 1) if (r, c) not in bad and grid.get((r, c)) is not None
                  and grid[(r, c)].value not in (None, "")]
        if filled and (1, c) not in bad:
            problems.append(CellProblem(book, "has values but no column name in row 1; name the column as the "
                                              f"template does ({', '.join(spec.column_names)}) or clear it",
                                        ws.title, f"{get_column_letter(c)}1"))
    header = [header_cells[c] for c in columns]
    letters: dict[str, str] = {}
    for c, name in zip(columns, header):
        letters.setdefault(name, get_column_letter(c))
    last_letter = get_column_letter(max(columns)) if columns else "A"
    sheet = Sheet(ws.title, spec, header, letters, last_letter)

    kinds = {c: (kind(spec, known[header_cells[c]]).name if header_cells[c] in known else "text") for c in columns}
    rows: dict[int, list[str]] = {}
    for r in range(2, max_row + 1):
        texts = []
        for c in columns:
            cell = grid.get((r, c))
            if cell is None or (r, c) in bad:
                texts.append("")
                continue
            text, problem = cell_text(cell, kinds[c])
            if problem:
                problems.append(CellProblem(book, problem, ws.title, f"{get_column_letter(c)}{r}", header_cells[c]))
                bad.add((r, c))
            texts.append(text)
        if any(t.strip() for t in texts):  # a row holding only refused cells is reported already
            rows[r] = texts
    if not rows:
        return None

    # A blank source is where the row came from: this workbook, sheet and row.
    if "source" in header:
        i = header.index("source")
        for r, texts in rows.items():
            if not texts[i].strip() and (r, columns[i]) not in bad:
                texts[i] = f"{Path(book).name} (sheet {ws.title}, row {r})"
                sheet.filled_source.add(r)

    # The table's own rules, exactly as validate applies them: a CSV shaped like the sheet.
    with tempfile.TemporaryDirectory(prefix="wsp-import-") as tmp:
        path = Path(tmp) / spec.file
        with path.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(header)
            for r in range(2, max(rows) + 1):
                w.writerow(rows.get(r, []))
        found: list[Problem] = []
        noted: list[Problem] = []
        frame = dataset.read_table(path, spec, ws.title, found, noted)
    col_index = dict(zip(header, columns))
    for p in found:
        if p.row is not None and p.column in col_index and (p.row, col_index[p.column]) in bad:
            continue  # the cell's own problem (a formula, a merged cell) is already reported
        problems.append(_locate(p, sheet, book))
    for p in noted:
        warnings.append(_locate(p, sheet, book))
    sheet.frame = frame
    if frame is not None:
        cols = [c for c in spec.column_names if c in header]
        for _, rec in frame.iterrows():
            sheet.texts[int(rec["row"])] = {c: canonical(rec[c]) for c in cols}
    return sheet


def _locate(p: Problem, sheet: Sheet, book: str) -> CellProblem:
    """A problem read_table found in the sheet's CSV, located in the sheet."""
    if p.row is None:
        return CellProblem(book, p.message, sheet.name, None, p.column)
    if p.row == 1 and p.column not in sheet.letters:
        return CellProblem(book, p.message, sheet.name, f"A1:{sheet.last_letter}1", p.column)
    return CellProblem(book, p.message, sheet.name, sheet.ref(p.row, p.column), p.column)


def _header_matches(ws, specs: dict[str, schemas.Table], last_col: int) -> str | None:
    """The template sheet whose column names the sheet's row 1 holds, if any (for a renamed sheet)."""
    row = next(ws.iter_rows(min_row=1, max_row=1, max_col=last_col), ()) if last_col else ()
    names = {str(c.value).strip() for c in row if c.value is not None}
    for sheet, spec in specs.items():
        if names and set(spec.required_columns) <= names <= set(spec.column_names):
            return sheet
    return None


def _has_content(ws, extent: tuple[int, int]) -> bool:
    last_row, last_col = extent
    return bool(ws.merged_cells.ranges) or (bool(last_row and last_col) and any(
        c.value not in (None, "") for row in ws.iter_rows(max_row=last_row, max_col=last_col) for c in row))


def value_extents(path: Path) -> dict[str, tuple[int, int]]:
    """{sheet title: (last row, last column) holding a value}, (0, 0) for a sheet with none.

    A sheet's stored size counts formatted empty cells: one bold, empty cell at row 1,048,576 makes it a
    million rows, and walking them (iter_rows makes a cell for each) took a minute and gigabytes. So the
    workbook is streamed once in openpyxl's read-only mode, which passes only the rows the file stores,
    each as long as its own last stored cell; the sheets are then read up to these extents only.
    Raises what load_workbook raises for a file that is not a workbook."""
    wb = load_workbook(path, read_only=True, data_only=False)
    try:
        out = {}
        for ws in wb.worksheets:
            ws.reset_dimensions()  # else every row is padded to the stored (formatted) width
            last_row = last_col = 0
            for row in ws.iter_rows():
                for cell in reversed(row):
                    if cell.value is not None:
                        last_row, last_col = cell.row, max(last_col, cell.column)
                        break
            out[ws.title] = (last_row, last_col)
        return out
    finally:
        wb.close()


def read_workbook(path: Path, grade_scale, book: str) -> tuple[dict[str, Sheet], list, list]:
    """Every table sheet read and checked: ({table: Sheet with records}, problems, warnings)."""
    try:
        extents = value_extents(path)
        wb = load_workbook(path, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as e:
        reason = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise ImportRefused([CellProblem(book, f"is not an Excel workbook (.xlsx) that can be read ({reason}); "
                                               "save it as an Excel Workbook and try again")], book) from None
    specs = table_sheets(schemas.tables(grade_scale))
    problems: list = []
    warnings: list = []
    out: dict[str, Sheet] = {}
    for ws in wb.worksheets:
        if ws.title in HELPER_SHEETS:
            continue
        spec = specs.get(ws.title)
        extent = extents.get(ws.title, (0, 0))
        if spec is None:
            if not _has_content(ws, extent):
                continue  # an empty extra sheet holds nothing to import or to lose
            match = _header_matches(ws, specs, extent[1])
            hint = (f'its row 1 holds the columns of "{match}": rename the sheet "{match}"' if match else
                    f"the template's sheets are {', '.join(specs)}; rename it as one of them or move its rows there")
            problems.append(CellProblem(book, f'"{ws.title}" is not a sheet of the template, so its rows would be '
                                              f"lost: {hint}", ws.title,
                                        f"A1:{get_column_letter(max(extent[1], 1))}1" if match else None))
            continue
        sheet = read_sheet(ws, spec, book, problems, warnings, extent)
        if sheet is not None:
            out[spec.name] = sheet
    wb.close()
    if not problems and not any(s.texts for s in out.values()):
        problems.append(CellProblem(book, "has no records on any sheet: nothing to import (fill in the rows below "
                                          "each sheet's column names)"))
    return out, problems, warnings

