"""Import an agency return (the template workbook, filled in) into a partnership's CSVs: all or nothing.

    wsp-analysis import returns.xlsx --partnership walsall [--replace]

1. Every sheet is read and checked with the same rules and wording as `validate`: each sheet is
   written to a temporary CSV, cell for cell and row for row, and checked by dataset.read_table,
   so a problem's row and column map straight back to a cell (`Audits!D7`). What only a
   workbook can hold is refused here, located the same way: a formula, a merged cell, a date
   typed as text, a sheet that is not the template's.
2. A period (year and quarter; year; or for row-level tables the quarter of the date) that already
   has rows in the table is refused, unless --replace, which first keeps a timestamped copy of
   every file it changes in data/P/.history/<timestamp>/. The same data imported twice is refused
   as a duplicate (data/P/.history/imports.csv logs each import's fingerprint).
3. The merged tables are validated as a whole folder in a temporary copy (cross-table rules
   included), then swapped in file by file under a lock (publish/files.py, the lock and atomic
   file replacement that rendering uses too), and the folder is loaded once more: on any failure
   every file is put back as it was. A refused import changes nothing.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from wsp_analysis.data import load as dataset
from wsp_analysis.data import paths
from wsp_analysis.data import periods
from wsp_analysis.data import schema as schemas
from wsp_analysis.errors import DataValidationError, Problem, UsageError
from wsp_analysis.publish import files
from wsp_analysis.returns.template import HELPER_SHEETS, cell_ref, kind, table_sheets

HISTORY = ".history"
LOG_FILE = "imports.csv"
LOG_COLUMNS = ("imported_at", "workbook", "fingerprint", "rows", "periods", "replaced")


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
        if column in self.letters:
            return f"{self.letters[column]}{row}"
        return f"A{row}:{self.last_letter}{row}"


def _canonical(v) -> str:
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


def read_sheet(ws, spec: schemas.Table, book: str, problems: list, warnings: list) -> Sheet | None:
    """Check one sheet with the table's rules (via a CSV in the sheet's shape); None when nothing is filled."""
    bad: set[tuple[int, int]] = set()  # (row, column index) already reported: the rules' view of them is noise
    for rng in sorted(ws.merged_cells.ranges, key=lambda r: (r.min_row, r.min_col)):
        problems.append(CellProblem(book, "merged cells: unmerge them and type the value in each cell (a merged "
                                          "cell hides which row and column its value belongs to)",
                                    ws.title, rng.coord))
        bad.update((r, c) for r, c in rng.cells)
    max_row, max_col = ws.max_row, ws.max_column
    grid = {(c.row, c.column): c for row in ws.iter_rows(min_row=1, max_row=max_row, max_col=max_col) for c in row}

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
            sheet.texts[int(rec["row"])] = {c: _canonical(rec[c]) for c in cols}
    return sheet


def _locate(p: Problem, sheet: Sheet, book: str) -> CellProblem:
    """A problem read_table found in the sheet's CSV, located in the sheet."""
    if p.row is None:
        return CellProblem(book, p.message, sheet.name, None, p.column)
    if p.row == 1 and p.column not in sheet.letters:
        return CellProblem(book, p.message, sheet.name, f"A1:{sheet.last_letter}1", p.column)
    return CellProblem(book, p.message, sheet.name, sheet.ref(p.row, p.column), p.column)


def _header_matches(ws, specs: dict[str, schemas.Table]) -> str | None:
    """The template sheet whose column names the sheet's row 1 holds, if any (for a renamed sheet)."""
    names = {str(c.value).strip() for c in next(ws.iter_rows(min_row=1, max_row=1), ()) if c.value is not None}
    for sheet, spec in specs.items():
        if names and set(spec.required_columns) <= names <= set(spec.column_names):
            return sheet
    return None


def _has_content(ws) -> bool:
    return any(c.value not in (None, "") for row in ws.iter_rows() for c in row) or bool(ws.merged_cells.ranges)


def read_workbook(path: Path, grade_scale, book: str) -> tuple[dict[str, Sheet], list, list]:
    """Every table sheet read and checked: ({table: Sheet with records}, problems, warnings)."""
    try:
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
        if spec is None:
            if not _has_content(ws):
                continue  # an empty extra sheet holds nothing to import or to lose
            match = _header_matches(ws, specs)
            hint = (f'its row 1 holds the columns of "{match}": rename the sheet "{match}"' if match else
                    f"the template's sheets are {', '.join(specs)}; rename it as one of them or move its rows there")
            problems.append(CellProblem(book, f'"{ws.title}" is not a sheet of the template, so its rows would be '
                                              f"lost: {hint}", ws.title,
                                        f"A1:{get_column_letter(max(ws.max_column, 1))}1" if match else None))
            continue
        sheet = read_sheet(ws, spec, book, problems, warnings)
        if sheet is not None:
            out[spec.name] = sheet
    wb.close()
    if not problems and not any(s.texts for s in out.values()):
        problems.append(CellProblem(book, "has no records on any sheet: nothing to import (fill in the rows below "
                                          "each sheet's column names)"))
    return out, problems, warnings


# --- periods -------------------------------------------------------------------------------------------

def period_of(spec: schemas.Table, rec) -> tuple[str, str | None]:
    """The period a record belongs to: (year, quarter or None for a whole year); row-level tables by date."""
    names = spec.column_names
    if "year" in names:
        q = rec.get("quarter") if "quarter" in names else None
        return rec["year"], (None if q is None or (not isinstance(q, str) and pd.isna(q)) else q)
    d = rec["date"]
    return periods.of_date(d if isinstance(d, date) else date.fromisoformat(str(d)))


def period_words(spec: schemas.Table, period: tuple[str, str | None]) -> str:
    year, q = period
    if q:
        return f"{year} {q}"
    return f"{year} (whole year)" if "quarter" in spec.column_names else year


def _rows_words(rows: list[int]) -> str:
    """2, 3, 4, 7 -> "rows 2-4 and 7"."""
    rows = sorted(rows)
    spans, start = [], rows[0]
    for a, b in zip(rows, rows[1:] + [None]):
        if b != a + 1:
            spans.append(f"{start}-{a}" if a != start else f"{a}")
            start = b
    words = spans[0] if len(spans) == 1 else ", ".join(spans[:-1]) + " and " + spans[-1]
    return f"row{'s' if len(rows) > 1 else ''} {words}"


# --- CSV files, kept as written ---------------------------------------------------------------------

@dataclass
class CsvFile:
    """A table's CSV: its records with their exact text, so unchanged rows are written back byte for byte."""

    path: Path
    raw: bytes
    bom: bool
    newline: str
    delimiter: str
    header: list[str]
    header_text: str
    records: list[tuple[list[str], str]]  # (cells, exact text with its line ending), header excluded

    @classmethod
    def read(cls, path: Path) -> CsvFile:
        raw = path.read_bytes()
        try:
            text, bom = raw.decode("utf-8-sig"), raw.startswith(b"\xef\xbb\xbf")
        except UnicodeDecodeError:
            text, bom = raw.decode("cp1252", errors="replace"), False
        first = text.split("\n", 1)[0]
        delimiter = ";" if ";" in first and "," not in first else ","
        newline = "\r\n" if first.endswith("\r") else "\n"
        parts = text.split("\n")
        lines = [p + "\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])
        reader = csv.reader(iter(lines), delimiter=delimiter)
        records, start = [], 0
        for cells in reader:
            end = reader.line_num
            records.append((cells, "".join(lines[start:end])))
            start = end
        header_cells, header_text = records[0] if records else ([], "")
        return cls(path, raw, bom, newline, delimiter, [h.strip() for h in header_cells], header_text, records[1:])

    def merged(self, drop_rows: set[int], new_rows: list[dict[str, str]], columns: list[str]) -> bytes:
        """The file with the records at spreadsheet rows `drop_rows` removed and `new_rows` appended;
        `columns` the full header (the file's own, then any column the new rows fill that it lacks)."""
        extra = columns[len(self.header):]

        def line(cells: list[str]) -> str:
            buf = io.StringIO()
            csv.writer(buf, delimiter=self.delimiter, lineterminator=self.newline).writerow(cells)
            return buf.getvalue()

        def ended(text: str) -> str:
            return text if text.endswith("\n") else text + self.newline

        out = []
        if extra:
            body = self.header_text.rstrip("\r\n")
            out.append(body + self.delimiter + line(extra))
        else:
            out.append(ended(self.header_text))
        for i, (cells, text) in enumerate(self.records, start=2):
            if i in drop_rows:
                continue
            if extra and any(c.strip() for c in cells):
                body = text[: len(text.rstrip("\r\n"))]
                text = body + self.delimiter * len(extra) + self.newline
            out.append(ended(text))
        for rec in new_rows:
            out.append(line([rec.get(c, "") for c in columns]))
        text = "".join(out)
        return (b"\xef\xbb\xbf" if self.bom else b"") + text.encode("utf-8")


# --- the plan: what changes in which file -------------------------------------------------------------

@dataclass
class Change:
    table: str
    sheet: Sheet
    csv: CsvFile
    new_bytes: bytes
    added: int
    periods: list[str]
    replaced: dict[str, list[int]]  # period words -> existing rows removed
    origins: dict[int, tuple]  # merged spreadsheet row -> ("data", original row) or ("sheet", sheet row)


@dataclass(frozen=True)
class ImportResult:
    workbook: str
    label: str
    changes: tuple[Change, ...]
    history: str | None
    warnings: tuple

    def lines(self) -> list[str]:
        out = [f"imported {self.workbook} into {self.label}:"]
        for c in self.changes:
            out.append(f"  {c.csv.path.name}: {c.added} row{'s' if c.added != 1 else ''} added "
                       f"({', '.join(c.periods)})")
            for words, rows in c.replaced.items():
                out.append(f"    replaced {words}: {len(rows)} earlier row{'s' if len(rows) != 1 else ''} removed")
        if self.history:
            out.append(f"  the files as they were before are kept in {self.history}/")
        return out


def fingerprint(sheets: dict[str, Sheet]) -> str:
    """The data's fingerprint: every record's values, order of rows ignored; a source import filled in
    (which names the workbook file) does not count, so a renamed copy is still the same data."""
    data = {}
    for name, s in sorted(sheets.items()):
        rows = []
        for r, texts in s.texts.items():
            rec = {k: ("" if k == "source" and r in s.filled_source else v) for k, v in texts.items() if v != ""}
            rows.append(json.dumps(rec, sort_keys=True, ensure_ascii=False))
        data[name] = sorted(rows)
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode("utf-8")).hexdigest()


def _read_log(folder: Path) -> list[dict]:
    path = folder / HISTORY / LOG_FILE
    if not path.is_file():
        return []
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def plan(ds: dataset.Dataset, sheets: dict[str, Sheet], book: str, replace: bool) -> tuple[list[Change], list]:
    """The changes the import makes, table by table, or the problems that refuse it (periods with data)."""
    problems: list = []
    changes: list[Change] = []
    for name, sheet in sheets.items():
        if not sheet.texts:
            continue
        spec = sheet.spec
        frame = sheet.frame
        first_row: dict[tuple, int] = {}
        for _, rec in frame.iterrows():
            first_row.setdefault(period_of(spec, rec), int(rec["row"]))
        existing: dict[tuple, list[int]] = {}
        have = ds.tables[name]
        for _, rec in have.iterrows():
            existing.setdefault(period_of(spec, rec), []).append(int(rec["row"]))
        file = CsvFile.read(ds.folder / spec.file)
        drop: set[int] = set()
        replaced: dict[str, list[int]] = {}
        for period, row in first_row.items():
            if period not in existing:
                continue
            words = period_words(spec, period)
            rows = existing[period]
            if replace:
                drop.update(rows)
                replaced[words] = rows
                continue
            column = "year" if "year" in spec.column_names else "date"
            problems.append(CellProblem(
                book, f"{words} already has data in {ds.label}/{spec.file} ({_rows_words(rows)}); a period is "
                      "imported once, so these rows would count it twice. To replace that period with this "
                      f"workbook's rows, import with --replace (the file as it is now is kept in "
                      f"{ds.label}/{HISTORY}/)", sheet.name, sheet.ref(row, column), column))
        columns = list(file.header)
        for texts in sheet.texts.values():
            for c in spec.column_names:
                if texts.get(c, "") != "" and c not in columns:
                    columns.append(c)
        origins: dict[int, tuple] = {}
        n = 2
        for i, (cells, _) in enumerate(file.records, start=2):
            if i not in drop:
                origins[n] = ("data", i)
                n += 1
        new_rows = []
        for r in sorted(sheet.texts):
            origins[n] = ("sheet", r)
            n += 1
            new_rows.append(sheet.texts[r])
        changes.append(Change(name, sheet, file, file.merged(drop, new_rows, columns), len(new_rows),
                              [period_words(spec, p) for p in first_row], replaced, origins))
    return changes, problems


_ROW_IN_MESSAGE = re.compile(r"\brow (\d+)\b")


def _map_problem(p: Problem, changes: dict[str, Change], label: str, book: str):
    """A problem found in the merged folder, located where the analyst can fix it: the workbook's cell
    for an imported row, the data file's own row (as it is now) for an existing one."""
    change = next((c for c in changes.values() if p.file == f"{label}/{c.csv.path.name}"), None)
    if change is None:
        return p

    def mapped_words(m: re.Match) -> str:
        origin = change.origins.get(int(m.group(1)))
        if origin is None:
            return m.group(0)
        if origin[0] == "data":
            return f"row {origin[1]} of {p.file}"
        return f"row {origin[1]} of sheet {change.sheet.name}"

    message = _ROW_IN_MESSAGE.sub(mapped_words, p.message)
    origin = change.origins.get(p.row) if p.row is not None else None
    if origin is None:
        return Problem(p.file, message, p.row, p.column)
    if origin[0] == "data":
        return Problem(p.file, message, origin[1], p.column)
    sheet = change.sheet
    return CellProblem(book, message, sheet.name, sheet.ref(origin[1], p.column), p.column)


def check_merged(ds: dataset.Dataset, changes: list[Change], book: str) -> list:
    """Every problem of the folder as it would be after the import (in a temporary copy), located."""
    with tempfile.TemporaryDirectory(prefix="wsp-import-") as tmp:
        stage = Path(tmp) / ds.folder.parent.name / ds.folder.name
        shutil.copytree(ds.folder, stage, ignore=shutil.ignore_patterns(HISTORY))
        for c in changes:
            (stage / c.csv.path.name).write_bytes(c.new_bytes)
        found = dataset.validate(stage)
    by_name = {c.table: c for c in changes}
    return [_map_problem(p, by_name, ds.label, book) for p in found]


# --- swapping in -----------------------------------------------------------------------------------------

def import_lock(folder: Path) -> Path:
    """The lock file of a partnership's imports: <data folder>/.<partnership>.import.lock, beside the
    folder rather than in it, so the folder holds only its data and .history/."""
    return folder.parent / f".{folder.name}.import.lock"


def _history_dir(folder: Path, stamp: str) -> Path:
    base = folder / HISTORY / stamp
    path, n = base, 1
    while path.exists():
        n += 1
        path = base.with_name(f"{stamp}-{n}")
    return path


def _log_bytes(folder: Path, entry: dict) -> bytes:
    path = folder / HISTORY / LOG_FILE
    old = path.read_bytes() if path.is_file() else b""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=LOG_COLUMNS, lineterminator="\n")
    if not old:
        w.writeheader()
    w.writerow(entry)
    return old + buf.getvalue().encode("utf-8")


def apply(ds: dataset.Dataset, changes: list[Change], book: str, workbook_name: str, fp: str,
          replace: bool, now: datetime) -> str | None:
    """Swap the changed files in under a lock, log the import, load the folder; on any failure put every
    file back as it was. Returns the history folder (relative label) when --replace kept copies."""
    folder = ds.folder
    history_root = folder / HISTORY
    with files.lock(import_lock(folder)):
        stale = [c for c in changes if c.csv.path.read_bytes() != c.csv.raw]
        if stale:
            raise ImportRefused([CellProblem(book, f"{ds.label}/{c.csv.path.name} changed while the import was being "
                                                   "checked; run the import again") for c in stale], book)
        if not replace and any(r.get("fingerprint") == fp for r in _read_log(folder)):
            raise ImportRefused([_duplicate(book, ds, fp)], book)  # imported meanwhile by another run
        root_existed = history_root.exists()
        log_path = history_root / LOG_FILE
        log_before = log_path.read_bytes() if log_path.is_file() else None
        history = _history_dir(folder, now.strftime("%Y%m%dT%H%M%S")) if replace else None
        written: list[Change] = []
        try:
            history_root.mkdir(exist_ok=True)
            if history is not None:
                history.mkdir()
                for c in changes:
                    shutil.copy2(c.csv.path, history / c.csv.path.name)
            for c in changes:
                files.write_file(c.csv.path, c.new_bytes)
                written.append(c)
            entry = {"imported_at": now.isoformat(timespec="seconds"), "workbook": workbook_name, "fingerprint": fp,
                     "rows": sum(c.added for c in changes),
                     "periods": "; ".join(f"{c.table} {', '.join(c.periods)}" for c in changes),
                     "replaced": "; ".join(f"{c.table} {', '.join(c.replaced)}" for c in changes if c.replaced)}
            files.write_file(log_path, _log_bytes(folder, entry))
            dataset.load(folder)  # the whole folder must still validate as it now stands
        except BaseException as e:
            for c in written:
                files.write_file(c.csv.path, c.csv.raw)
            if log_before is not None:
                files.write_file(log_path, log_before)
            elif log_path.exists():
                log_path.unlink()
            if history is not None:
                shutil.rmtree(history, ignore_errors=True)
            if not root_existed:
                shutil.rmtree(history_root, ignore_errors=True)
            if isinstance(e, DataValidationError):
                by_name = {c.table: c for c in changes}
                located = [_map_problem(p, by_name, ds.label, book) for p in e.problems]
                raise ImportRefused(located + [CellProblem(book, "the folder did not validate after the swap, so "
                                                                 "every file was put back as it was")], book) from None
            raise
    return f"{ds.label}/{HISTORY}/{history.name}" if history is not None else None


def _duplicate(book: str, ds: dataset.Dataset, fp: str) -> CellProblem:
    entry = next(r for r in _read_log(ds.folder) if r.get("fingerprint") == fp)
    return CellProblem(book, f"this data was already imported into {ds.label} on "
                             f"{entry.get('imported_at', '?').replace('T', ' ')} (from {entry.get('workbook', '?')}); "
                             "importing it again would count it twice, so nothing was changed")


def _same_as_existing(ds: dataset.Dataset, changes: list[Change]) -> bool:
    """Whether every imported row is already in the data for the same period (values equal, source aside):
    importing would change nothing, or it was imported before even if the import log no longer says so."""
    for c in changes:
        spec = c.sheet.spec
        cols = [x for x in spec.column_names if x != "source"]
        have = {(period_of(spec, rec), tuple(_canonical(rec[x]) for x in cols))
                for _, rec in ds.tables[c.table].iterrows()}
        for _, rec in c.sheet.frame.iterrows():
            mine = tuple(c.sheet.texts[int(rec["row"])].get(x, "") for x in cols)
            if (period_of(spec, rec), mine) not in have:
                return False
    return True


def import_workbook(path: str | Path, partnership: str, data_dir: str | Path | None = None,
                    replace: bool = False, now: datetime | None = None) -> ImportResult:
    """Import the workbook into data/<partnership>/: every record added, or nothing at all.

    Raises UsageError (no such file or partnership), DataValidationError (the folder is invalid as it
    stands) or ImportRefused (the workbook's problems, located by sheet and cell; a period that already
    has data without --replace; a duplicate)."""
    path = Path(path).expanduser()
    book = str(path)
    if not path.is_file():
        raise UsageError(f"{book}: no such file")
    folder = paths.partnership_dir(partnership, data_dir)
    ds = dataset.load(folder)
    sheets, problems, warnings = read_workbook(path, ds.partnership.grade_scale, book)
    if problems:
        raise ImportRefused(problems, book)
    fp = fingerprint(sheets)
    changes, problems = plan(ds, sheets, book, replace)
    # Imported before: refused, unless --replace would bring it back over data replaced since.
    if any(r.get("fingerprint") == fp for r in _read_log(ds.folder)) and (not replace or
                                                                        _same_as_existing(ds, changes)):
        raise ImportRefused([_duplicate(book, ds, fp)], book)
    if problems:
        if _same_as_existing(ds, changes):
            problems = [CellProblem(book, f"every row of this workbook is already in {ds.label} for the same "
                                          "periods: it was imported before, and importing it again would count it "
                                          "twice, so nothing was changed")]
        raise ImportRefused(problems, book)
    problems = check_merged(ds, changes, book)
    if problems:
        raise ImportRefused(problems, book)
    history = apply(ds, changes, book, path.name, fp, replace, now or datetime.now())
    return ImportResult(book, ds.label, tuple(changes), history, tuple(warnings))
