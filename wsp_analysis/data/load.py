"""Load a partnership folder (partnership.yaml + one CSV per table) into validated, typed tables.

    ds = load("data/walsall")
    ds.training            # pandas DataFrame, typed, blanks as <NA>
    ds.source("training")  # "data/walsall/training.csv", for figures' provenance

Every problem in every file is collected before anything is returned; a
DataValidationError lists them all (file, spreadsheet row, column, value, rule).
"""
from __future__ import annotations

import codecs
import csv
import dataclasses
import io
import warnings as warnings_module
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from wsp_analysis.data import rules
from wsp_analysis.data.bookings import bookings_summary
from wsp_analysis.errors import DataValidationError, Problem
from wsp_analysis.data.config import CONFIG_FILE, Partnership, _label, read_partnership, read_thresholds  # noqa: F401
from wsp_analysis.data.schema import REFUSE, Column, Table, tables


@dataclass(frozen=True)
class Dataset:
    partnership: Partnership
    folder: Path
    tables: dict[str, pd.DataFrame]
    label: str  # how the folder is named in messages and provenance, e.g. "data/walsall"
    warnings: tuple[Problem, ...] = ()  # what was accepted but changed (a grade's capitals, a file's encoding)

    def source(self, table: str) -> str:
        return f"{self.label}/{table}.csv"

    def __getattr__(self, name: str) -> pd.DataFrame:
        # ds.audits, ds.training, ... ; only called when normal lookup fails
        tables_ = self.__dict__.get("tables", {})
        if name in tables_:
            return tables_[name]
        raise AttributeError(name)


# Column names that would carry personal data: partnership tables hold counts, never people.
PERSONAL = {
    "name": "a name", "fullname": "a name", "firstname": "a name", "forename": "a name", "surname": "a name",
    "lastname": "a name", "childname": "a name", "clientname": "a name",
    "dateofbirth": "a date of birth", "dob": "a date of birth", "birthdate": "a date of birth",
    "nhsnumber": "an NHS number", "nhsno": "an NHS number", "address": "an address", "homeaddress": "an address",
    "postcode": "a postcode", "postalcode": "a postcode",
}


def looks_personal(column: str) -> str | None:
    """What personal data a column name suggests ("a date of birth"), or None."""
    return PERSONAL.get("".join(ch for ch in column.casefold() if ch.isalnum()))


def _decode(path: Path, where: str, warnings: list[Problem]) -> tuple[str, str, bytes | None]:
    """The file's text and delimiter: UTF-8 (a byte-order mark is fine), else Windows-1252; comma-separated,
    or semicolon-separated when the header has semicolons and no commas. Either fallback is a warning.
    Also the file's bytes when they are UTF-8 (without the byte-order mark), for the fast reader."""
    data = path.read_bytes()
    raw: bytes | None = data[3:] if data.startswith(codecs.BOM_UTF8) else data
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text, raw = data.decode("cp1252", errors="replace"), None
        warnings.append(Problem(where, "is not UTF-8; read as Windows-1252 (Excel's \"CSV\" encoding), so £ and "
                                       "accented letters are kept; save as \"CSV UTF-8\" to silence this"))
    end = text.find("\n")
    first = text if end < 0 else text[:end]
    delimiter = ";" if ";" in first and "," not in first else ","
    if delimiter == ";":
        warnings.append(Problem(where, "is semicolon-separated; read with ; as the delimiter"))
    return text, delimiter, raw


def read_rows(path: Path, where: str, warnings: list[Problem]) -> list[list[str]]:
    """The file's rows as text: UTF-8 (a byte-order mark is fine), else Windows-1252; comma-separated,
    or semicolon-separated when the header has semicolons and no commas. Either fallback is a warning."""
    text, delimiter, _ = _decode(path, where, warnings)
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _first_record(text: str, delimiter: str) -> list[str] | None:
    """The file's first record (the header) as the csv module reads it, without reading the rest."""
    size = 1 << 16
    while True:
        reader = csv.reader(io.StringIO(text[:size], newline=""), delimiter=delimiter)
        first = next(reader, None)
        if size >= len(text) or next(reader, None) is not None:  # a second record began: the first is whole
            return first
        size *= 4


def _fast_records(text: str, delimiter: str, header: list[str], raw: bytes | None = None
                  ) -> tuple[list[np.ndarray], np.ndarray] | None:
    """The records after the header as one array of cell text per column, and their spreadsheet row numbers,
    parsed by pandas' C reader (from `raw`, the file's UTF-8 bytes, when given); wholly blank rows are left
    out, as the csv module's reading leaves them.

    None whenever the csv module might read the file otherwise, so that the caller reads it row by row:
    a row with more or fewer cells than the header, a quoted cell spanning lines, a lone carriage
    return, or anything pandas warns about. pandas fills a short row with empty cells, so every row
    whose last cell is empty (or whose first is blank) is read again by the csv module, from its line."""
    width = len(header)
    body = raw if raw is not None else text.encode("utf-8")
    if b"\r" in body and body.count(b"\r") != body.count(b"\r\n"):
        return None  # a carriage return that does not end a line
    lines = body.count(b"\n") + (0 if body.endswith(b"\n") else 1)
    if lines <= 1:
        return [np.empty(0, dtype=object) for _ in header], np.empty(0, dtype=np.int64)
    try:
        with warnings_module.catch_warnings():
            warnings_module.simplefilter("error")
            frame = pd.read_csv(io.BytesIO(body), sep=delimiter, header=None, dtype=object, na_filter=False,
                                skip_blank_lines=False, index_col=False, quotechar='"', doublequote=True,
                                engine="c", encoding="utf-8")
    except Exception:  # noqa: BLE001 - any doubt: the caller reads the file row by row
        return None
    if frame.shape != (lines, width):
        return None  # a quoted cell spans lines, or a row has more cells than the header
    columns = [frame[j].to_numpy(dtype=object) for j in range(width)]
    if [c[0] for c in columns] != header:
        return None
    columns = [c[1:] for c in columns]
    n = lines - 1
    rows = np.arange(2, lines + 1, dtype=np.int64)
    first = columns[0]
    maybe = (columns[-1] == "") | (first == "") | np.fromiter(map(str.isspace, first), dtype=bool, count=n)
    candidates = np.flatnonzero(maybe)
    drop = []
    if len(candidates):
        ends = np.flatnonzero(np.frombuffer(body, dtype=np.uint8) == 10)
        for i in candidates.tolist():
            k = i + 1  # the line: the header is line 0
            start = 0 if k == 0 else int(ends[k - 1]) + 1
            stop = int(ends[k]) if k < len(ends) else len(body)
            cells = next(csv.reader(io.StringIO(body[start:stop].decode("utf-8"), newline=""),
                                    delimiter=delimiter), [])
            if not any(cell.strip() for cell in cells):
                drop.append(i)  # a wholly blank line is not a record
            elif cells != [c[i] for c in columns]:
                return None  # too few cells (pandas filled them): the row-by-row reading reports it
    if drop:
        keep = np.ones(n, dtype=bool)
        keep[drop] = False
        columns, rows = [c[keep] for c in columns], rows[keep]
    return columns, rows


@dataclass
class _Cells:
    """One column's reading: its values (typed for the frame, and as plain Python objects for the row and
    table checks), which cells were refused, and the problems and warnings with their record index."""

    values: object  # numpy object array or pandas extension array, one value per record
    objects: np.ndarray  # the same values as Python objects: None for a blank cell, NaN for a broken one
    bad: np.ndarray  # bool per record: blank where the column refuses blanks, or breaking the rule
    broken: np.ndarray  # bool per record: breaking the rule (the value is left out of the record)
    problems: list[tuple[int, Problem]]
    warnings: list[tuple[int, Problem]]
    kinds: set = dataclasses.field(default_factory=set)  # the types of the values given; None for a blank


_OK, _BLANK_REFUSED, _BROKEN, _CHANGED = 0, 1, 2, 3


def _odd_cells(cells: np.ndarray) -> list[int]:
    """Indexes of the cells that are blank or have spaces around them. A column of few distinct values
    (judged from its first thousand) is checked once per distinct value, any other cell by cell."""
    if len(cells) > 5000 and len(set(cells[:1000].tolist())) <= 100:
        odd = {cell for cell in set(cells.tolist()) if not cell or cell.strip() != cell}
        return np.flatnonzero(pd.Series(cells, dtype=object).isin(odd).to_numpy()).tolist() if odd else []
    return [i for i, cell in enumerate(cells) if not cell or cell.strip() != cell]


def _read_column(col: Column, cells: np.ndarray, rows: np.ndarray, where: str) -> _Cells:
    """Apply the column's rule to every cell: once per distinct cell text, so that each message comes from
    the same rule function as when reading row by row, and the outcome is spread back to every record."""
    name, n = col.name, len(cells)
    problems: list[tuple[int, Problem]] = []
    warnings: list[tuple[int, Problem]] = []
    blank = Problem(where, "is blank; this column must be filled in")
    if col.rule is rules.text and col.dtype == "object":
        # Text is kept as written: only blank cells and cells with spaces around them need a look.
        odd = _odd_cells(cells)
        values = cells.copy() if odd else cells
        bad = np.zeros(n, dtype=bool)
        for i in odd:
            cell, row = cells[i], int(rows[i])
            raw = cell.strip()
            if raw == "":
                values[i] = None
                if col.blank == REFUSE:
                    problems.append((i, Problem(where, blank.message, row=row, column=name)))
                    bad[i] = True
                continue
            values[i] = raw
            if name != "source":
                warnings.append((i, Problem(where, f'"{cell}" read as "{raw}": spaces around a value are removed',
                                            row=row, column=name)))
        kinds = ({str} if len(odd) < n else set()) | {None if values[i] is None else str for i in odd}
        return _Cells(values, values, bad, np.zeros(n, dtype=bool), problems, warnings, kinds)

    codes, uniques = pd.factorize(cells)
    kinds = np.zeros(len(uniques), dtype=np.int8)
    messages: list[str] = [""] * len(uniques)
    distinct = np.empty(len(uniques), dtype=object)
    for k, cell in enumerate(uniques):
        raw = cell.strip()
        if raw == "":
            distinct[k] = None
            if col.blank == REFUSE:
                kinds[k], messages[k] = _BLANK_REFUSED, blank.message
            continue
        try:
            value = col.rule(raw)
        except rules.RuleBroken as e:
            distinct[k] = np.nan
            kinds[k], messages[k] = _BROKEN, str(e)
            continue
        if isinstance(value, rules.Normalised):
            kinds[k], messages[k] = _CHANGED, f'"{cell}" read as "{value.value}": {value.note}'
            value = value.value
        elif raw != cell and name != "source":
            kinds[k], messages[k] = _CHANGED, f'"{cell}" read as "{raw}": spaces around a value are removed'
        distinct[k] = value
    per_record = kinds[codes]
    for i in np.flatnonzero(per_record):
        p = Problem(where, messages[codes[i]], row=int(rows[i]), column=name)
        (warnings if per_record[i] == _CHANGED else problems).append((int(i), p))
    objects = distinct[codes]
    if col.dtype == "object":
        values = objects
    else:
        typed = pd.array([None if kind == _BROKEN else v for kind, v in zip(kinds, distinct)], dtype=col.dtype)
        values = typed.take(codes)
    broken = per_record == _BROKEN
    used = np.zeros(len(distinct), dtype=bool)
    used[codes] = True
    kinds = {None if v is None else type(v) for v, u in zip(distinct, used) if u}
    return _Cells(values, objects, broken | (per_record == _BLANK_REFUSED), broken, problems, warnings, kinds)


def _plain(v):
    return None if v is None or (isinstance(v, float) and v != v) else v


def _check_columns(columns: list[np.ndarray], rows: np.ndarray, header: list[str], spec: Table, where: str,
                   problems: list[Problem], warnings: list[Problem]) -> pd.DataFrame:
    """read_table's checks, a column at a time (the records of the fast reader)."""
    known = {c.name: c for c in spec.columns}
    n = len(rows)
    found: list[tuple[int, int, Problem]] = []  # (record, order within the record, problem)
    noted: list[tuple[int, int, Problem]] = []
    read: dict[str, _Cells] = {}
    for position, (name, cells) in enumerate(zip(header, columns)):
        out = _read_column(known[name], cells, rows, where)
        read[name] = out
        found += [(i, position, p) for i, p in out.problems]
        noted += [(i, position, p) for i, p in out.warnings]
    bad = np.zeros(n, dtype=bool)
    for c in read.values():
        bad |= c.bad

    def record(i: int) -> dict:  # as the row-by-row reading builds it: a broken cell is left out
        rec: dict = {"_row": int(rows[i])}
        for name in header:
            c = read[name]
            if not c.broken[i]:
                rec[name] = _plain(c.objects[i])
        return rec

    if spec.row_checks:
        for i in np.flatnonzero(~bad):
            rec, order = record(int(i)), len(header)
            for check in spec.row_checks:
                for column, message in check(rec):
                    found.append((int(i), order, Problem(where, message, row=int(rows[i]), column=column)))
                    order += 1
    found.sort(key=lambda t: (t[0], t[1]))
    noted.sort(key=lambda t: (t[0], t[1]))
    problems.extend(p for _, _, p in found)
    warnings.extend(p for _, _, p in noted)

    if n:
        keys = {}
        for c in spec.key:
            if c in read:
                k = read[c].objects
                if read[c].broken.any():
                    k = k.copy()
                    k[read[c].broken] = None  # a broken cell is None in the key, as in a record
                keys[c] = pd.Series(k, dtype=object)
            else:
                keys[c] = pd.Series(np.full(n, None, dtype=object), dtype=object)
        key_frame = pd.DataFrame(keys)
        dup = (keys[spec.key[0]].duplicated(keep="first") if len(spec.key) == 1 else
               key_frame.duplicated(keep="first")).to_numpy()
        if dup.any():
            group = key_frame.groupby(list(spec.key), dropna=False, sort=False).ngroup().to_numpy()
            first_row = pd.Series(rows).groupby(group).transform("first").to_numpy()
            for i in np.flatnonzero(dup):
                shown = ", ".join(f"{c} {v if v is not None else '(blank)'}" for c, v in
                                  ((c, keys[c][i]) for c in spec.key))
                problems.append(Problem(where, f"repeats row {first_row[i]} ({shown}); each row must be unique on "
                                               f"{', '.join(spec.key)}", row=int(rows[i])))
    if spec.table_checks:
        records = [record(i) for i in range(n)]
        for check in spec.table_checks:
            for row, column, message in check(records):
                problems.append(Problem(where, message, row=row, column=column))

    if not n:  # as pandas builds a frame from no records: every column object, then typed
        frame = pd.DataFrame([], columns=["row", *spec.column_names])
        for col in spec.columns:
            frame[col.name] = frame[col.name].astype(col.dtype)
        return frame
    data: dict[str, object] = {"row": rows}
    for col in spec.columns:
        c = read.get(col.name)
        if c is None:  # an optional column left out of the file
            data[col.name] = pd.Series(np.full(n, np.nan, dtype=object), dtype=object).astype(col.dtype)
        elif col.dtype != "object":
            data[col.name] = c.values
        elif c.broken.any():  # as pandas reads a column of records with a value left out
            data[col.name] = pd.Series(c.values.tolist()).astype(object)
        else:
            data[col.name] = pd.Series(_as_records_give(c.values, c.kinds), dtype=object)
    return pd.DataFrame(data)


def _as_records_give(values: np.ndarray, kinds: set) -> np.ndarray:
    """An object column as pandas builds it from records (and read_table then casts to object): where
    every value given is text, a blank (None) becomes NaN, as pandas' string inference makes it."""
    if None in kinds and kinds - {None} == {str}:
        values = values.copy()
        values[pd.isna(values)] = np.nan
    return values


def read_table(path: Path, spec: Table, where: str, problems: list[Problem],
               warnings: list[Problem] | None = None) -> pd.DataFrame | None:
    """Read and check one CSV; append problems (and warnings for what was accepted but changed);
    return the typed frame (None if unreadable).

    A regular file (every row as wide as the header, no cell spanning lines) is read by pandas and
    checked a column at a time, each rule applied once per distinct cell; anything else is read and
    checked row by row. Both give the same frame, problems and warnings, in the same order."""
    warnings = [] if warnings is None else warnings
    if not path.is_file():
        problems.append(Problem(where, f"file is missing; every table is required (keep the header row if there are no "
                                       f"records): {', '.join(spec.required_columns)}"))
        return None
    text, delimiter, raw = _decode(path, where, warnings)
    first = _first_record(text, delimiter)
    if first is None:
        problems.append(Problem(where, f"file is empty; it needs at least the header row: {', '.join(spec.required_columns)}"))
        return None
    header = [h.strip() for h in first]
    known = {c.name: c for c in spec.columns}
    ok = True
    for name in header:
        if looks_personal(name):
            problems.append(Problem(where, f'"{name}" looks like {looks_personal(name)}: personal data must not be in '
                                           "partnership tables, which hold counts and totals only; remove the column",
                                    row=1, column=name))
            ok = False
        elif name not in known:
            problems.append(Problem(where, f'"{name}" is not a column of {spec.file} (expected: '
                                           f"{', '.join(spec.column_names)})", row=1, column=name))
            ok = False
    if len(set(header)) != len(header):
        problems.append(Problem(where, "a column name appears twice in the header", row=1))
        ok = False
    for c in spec.required_columns:
        if c not in header:
            problems.append(Problem(where, f"required column is missing from the header", row=1, column=c))
            ok = False
    if not ok:
        return None
    fast = _fast_records(text, delimiter, first, raw)
    if fast is not None:
        return _check_columns(*fast, header, spec, where, problems, warnings)
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    return _check_rows(rows, header, spec, where, problems, warnings)


def _check_rows(rows: list[list[str]], header: list[str], spec: Table, where: str, problems: list[Problem],
                warnings: list[Problem]) -> pd.DataFrame:
    """read_table's checks, a row at a time (any file the fast reader leaves to the csv module)."""
    known = {c.name: c for c in spec.columns}
    records: list[dict] = []
    for i, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue  # a wholly blank line is not a record
        if len(cells) != len(header):
            problems.append(Problem(where, f"has {len(cells)} cells but the header has {len(header)} columns", row=i))
            continue
        rec: dict = {"_row": i}
        good = True
        for name, cell in zip(header, cells):
            col = known[name]
            raw = cell.strip()
            if raw == "":
                if col.blank == REFUSE:
                    problems.append(Problem(where, "is blank; this column must be filled in", row=i, column=name))
                    good = False
                rec[name] = None
                continue
            try:
                value = col.rule(raw)
            except rules.RuleBroken as e:
                problems.append(Problem(where, str(e), row=i, column=name))
                good = False
                continue
            if isinstance(value, rules.Normalised):
                warnings.append(Problem(where, f'"{cell}" read as "{value.value}": {value.note}', row=i, column=name))
                value = value.value
            elif raw != cell and name != "source":
                warnings.append(Problem(where, f'"{cell}" read as "{raw}": spaces around a value are removed',
                                        row=i, column=name))
            rec[name] = value
        if good:
            for check in spec.row_checks:
                for column, message in check(rec):
                    problems.append(Problem(where, message, row=i, column=column))
        records.append(rec)

    seen: dict[tuple, int] = {}
    for rec in records:
        k = tuple(rec.get(c) for c in spec.key)
        if k in seen:
            shown = ", ".join(f"{c} {v if v is not None else '(blank)'}" for c, v in zip(spec.key, k))
            problems.append(Problem(where, f"repeats row {seen[k]} ({shown}); each row must be unique on "
                                           f"{', '.join(spec.key)}", row=rec["_row"]))
        else:
            seen[k] = rec["_row"]
    for check in spec.table_checks:
        for row, column, message in check(records):
            problems.append(Problem(where, message, row=row, column=column))

    frame = pd.DataFrame(records, columns=["_row", *spec.column_names])
    for col in spec.columns:
        frame[col.name] = frame[col.name].astype(col.dtype) if col.dtype != "object" else frame[col.name].astype(object)
    frame = frame.rename(columns={"_row": "row"})
    return frame


CROSS_CHECKED = ("bookings", "cancellations", "attended", "no_shows", "occurrences")


def training_matches_bookings(loaded: dict[str, pd.DataFrame], label: str) -> list[Problem]:
    """Where row-level bookings exist for a period, training.csv's counts for it must equal their sums."""
    summary = bookings_summary(loaded["bookings"])
    if summary.empty:
        return []
    training = loaded["training"]
    # training.csv may give the whole year instead: its quarters are then not comparable (no row matches)
    t = training.drop_duplicates(["year", "quarter"])[["year", "quarter", "row", *CROSS_CHECKED]]
    both = summary.reset_index(drop=True).merge(t, on=["year", "quarter"], how="inner", suffixes=("", "_t"),
                                                sort=False)
    out = []
    for col in CROSS_CHECKED:
        stated = both[f"{col}_t"]
        differs = stated.notna() & (stated.astype("Float64") != both[col].astype("Float64"))
        for i in np.flatnonzero(differs.fillna(False).to_numpy(dtype=bool)):
            r = both.iloc[i]
            out.append((i, CROSS_CHECKED.index(col), Problem(
                f"{label}/training.csv", f"{int(stated.iloc[i]):,} {col.replace('_', '-')} in {r['year']} "
                f"{r['quarter']} but bookings.csv has {int(r[col]):,}", row=int(r["row"]), column=col)))
    return [p for _, _, p in sorted(out, key=lambda t: (t[0], t[1]))]


def validate(folder: str | Path) -> list[Problem]:
    """Every problem in the partnership folder (empty list when valid)."""
    try:
        load(folder)
    except DataValidationError as e:
        return e.problems
    return []


def load(folder: str | Path) -> Dataset:
    """Load and validate a partnership folder; raise DataValidationError listing every problem."""
    folder = Path(folder).resolve()
    label = _label(folder)
    problems: list[Problem] = []
    warnings: list[Problem] = []
    if not folder.is_dir():
        raise DataValidationError([Problem(label, "is not a folder; expected a partnership folder such as data/walsall")])
    partnership = read_partnership(folder, problems)
    loaded: dict[str, pd.DataFrame] = {}
    if partnership is not None:
        for name, spec in tables(partnership.grade_scale).items():
            frame = read_table(folder / spec.file, spec, f"{label}/{spec.file}", problems, warnings)
            if frame is not None:
                loaded[name] = frame
    if not problems:
        problems.extend(training_matches_bookings(loaded, label))
    if problems:
        raise DataValidationError(problems)
    return Dataset(partnership=partnership, folder=folder, tables=loaded, label=label, warnings=tuple(warnings))
