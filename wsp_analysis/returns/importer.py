"""Import an agency return (the template workbook, filled in) into a partnership's CSVs: all or nothing.

    wsp-analysis import returns.xlsx --partnership walsall [--replace]

1. Every sheet is read and checked with the same rules and wording as `validate` (reader.py): a
   problem's row and column map straight back to a cell (`Audits!D7`), and what only a workbook
   can hold (a formula, a merged cell, a date typed as text, a foreign sheet) is refused there.
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
import re
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from wsp_analysis.data import load as dataset
from wsp_analysis.data import paths
from wsp_analysis.errors import DataValidationError, Problem, UsageError
from wsp_analysis.publish import files
from wsp_analysis.returns.reader import CellProblem, ImportRefused, Sheet, canonical, read_workbook
from wsp_analysis.data.table_checks import rows_words
from wsp_analysis.returns.records import CsvFile, period_of, period_words

HISTORY = ".history"
LOG_FILE = "imports.csv"
LOG_COLUMNS = ("imported_at", "workbook", "fingerprint", "rows", "periods", "replaced")


# --- the plan: what changes in which file -------------------------------------------------------------

@dataclass
class Change:
    """What an import does to one table file: the sheet it came from, the file and its new bytes, the rows
    added, the periods they are for, and the rows of each period it replaces."""
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
    """What an import did: the changes to each table, where the replaced files were kept, and the warnings."""
    workbook: str
    label: str
    changes: tuple[Change, ...]
    history: str | None
    warnings: tuple

    def lines(self) -> list[str]:
        """The import's outcome in lines for the terminal, one per table changed."""
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
        file = CsvFile.read(ds.folder / spec.file, spec.required_columns if spec.optional else None)
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
            column = next((c for c in ("year", "date") if c in spec.column_names), spec.key[0])
            problems.append(CellProblem(
                book, f"{words} already has data in {ds.label}/{spec.file} ({rows_words(rows)}); a period is "
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
        stale = [c for c in changes if c.csv.now() != c.csv.raw]
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
                    if c.csv.path.exists():  # an optional table's file made by this import has no earlier copy
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
                if c.csv.raw:
                    files.write_file(c.csv.path, c.csv.raw)
                else:
                    c.csv.path.unlink(missing_ok=True)  # made by this import: gone again
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
        have = {(period_of(spec, rec), tuple(canonical(rec[x]) for x in cols))
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
