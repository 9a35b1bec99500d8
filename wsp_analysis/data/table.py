"""One table's CSV file to a typed, checked frame: its header, every cell's rule, each row's and the
table's checks, and the key each row must be unique on.

    problems, warnings = [], []
    frame = read_table(Path("data/walsall/audits.csv"), schema.tables(scale)["audits"], "data/walsall/audits.csv",
                       problems, warnings)

Every problem is collected (file, spreadsheet row, column, value, rule), none stops the reading of the
others; messages show characters that would not print as escapes, so each is one line.
"""
from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pandas as pd

from wsp_analysis.data import read
from wsp_analysis.data.cells import ColumnRead, read_column
from wsp_analysis.data.columns import Table
from wsp_analysis.errors import Problem

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


def shown(p: Problem) -> Problem:
    """The problem with every character that would not print escaped (read.printable): one line, as typed."""
    return Problem(read.printable(p.file), read.printable(p.message), p.row,
                   None if p.column is None else read.printable(p.column))


def read_table(path: Path, spec: Table, where: str, problems: list[Problem],
               warnings: list[Problem] | None = None) -> pd.DataFrame | None:
    """Read and check one CSV (path) against its table (spec); `where` names the file in messages.

    Appends every problem to `problems` and a warning for each value accepted but changed to `warnings`,
    in row order (then the repeated keys and the table's checks). Returns the typed frame: a `row` column
    (the spreadsheet row, header = 1) and one column per spec column (absent optional ones as blank), or
    None when the file or its header cannot be read. An optional table's file left out reads as its header
    alone (an empty frame), with no problem. A file that is a link to one outside its own folder
    is refused without being read."""
    found: list[Problem] = []
    noted: list[Problem] = []
    frame = _read_table(path, spec, where, found, noted)
    problems.extend(shown(p) for p in found)
    if warnings is not None:
        warnings.extend(shown(p) for p in noted)
    return frame


def _read_table(path: Path, spec: Table, where: str, problems: list[Problem], warnings: list[Problem]):
    columns = ", ".join(spec.required_columns)
    if (path.exists() or path.is_symlink()) and not read.inside(path, path.parent):
        problems.append(Problem(where, "is a link to a file outside its folder, so it is not read: put the file "
                                       "itself in the folder"))
        return None
    if not path.is_file():
        if spec.optional and not path.exists():
            return _frame({}, np.zeros(0, dtype=np.int64), spec)  # left out: read as its header alone
        problems.append(Problem(where, "file is missing; every table is required (keep the header row if there are no "
                                       f"records): {columns}"))
        return None
    try:
        decoded = read.decode(path.read_bytes())
        grid = read.grid(decoded.body, decoded.delimiter)
    except read.Unreadable as e:
        problems.append(Problem(where, e.message, row=e.row, column=_guess_name(path, e.column)))
        return None
    if decoded.warning:
        warnings.append(Problem(where, decoded.warning))
    if not grid.records:
        problems.append(Problem(where, f"file is empty; it needs at least the header row: {columns}"))
        return None
    names = [grid.columns[j][0].strip() for j in range(grid.count(0))]
    width = max((j + 1 for j, name in enumerate(names) if name), default=0)
    if not width:
        problems.append(Problem(where, f"the header row is blank; row 1 holds the column names: {columns}", row=1))
        return None

    # Records: every row after the header but the wholly blank ones (not records) and those of the wrong width.
    n_all = grid.records - 1
    empty = {j: read.blank(grid.columns[j][1:]) for j in range(len(grid.columns)) if j >= width or not names[j]}
    first = empty[0] if 0 in empty else read.blank(grid.columns[0][1:])
    candidates = np.flatnonzero(first)
    blank_row = np.zeros(n_all, dtype=bool)
    if len(candidates):
        blank_row[candidates] = [all(not c[i + 1].strip() for c in grid.columns) for i in candidates.tolist()]
    found: list[tuple[int, int, Problem]] = []  # (record, order within the record, problem)
    wrong = np.zeros(n_all, dtype=bool)
    if grid.counts is not None:
        counts = grid.counts[1:]
        beyond = np.zeros(n_all, dtype=bool)  # a cell that is not blank beyond the header's cells
        for j, e in empty.items():
            if j >= len(names):
                beyond |= ~e
        wrong = ~blank_row & ((counts < width) | beyond)
        for i in np.flatnonzero(wrong):
            found.append((int(i), -1, Problem(where, f"has {int(counts[i])} cells but the header has {width} columns",
                                              row=int(i) + 2)))
    keep = ~(blank_row | wrong)
    ok = _check_header(names, width, spec, where, problems)
    for j in sorted(empty):
        if j < len(names) and (~empty[j] & keep).any():
            r = int(np.argmax(~empty[j] & keep))
            problems.append(Problem(where, f"column {j + 1} has no name in row 1 but holds values (row {r + 2}: "
                                           f"\"{grid.columns[j][r + 1]}\"); name it ({', '.join(spec.column_names)}) "
                                           "or delete the column", row=1))
            ok = False
    if not ok:
        return None
    index = np.flatnonzero(keep) + 1
    whole = len(index) == n_all
    rows = (index + 1).astype(np.int64)
    named = [(name, j) for j, name in enumerate(names[:width]) if name]
    cells = [(name, grid.columns[j][1:] if whole else grid.columns[j][index]) for name, j in named]
    return _check(cells, rows, spec, where, problems, warnings, found)


def _guess_name(path: Path, position: int | None) -> str | None:
    """The header's name for a cell position, from the file's first line (None when it cannot be told)."""
    if position is None:
        return None
    try:
        decoded = read.decode(path.read_bytes())
    except read.Unreadable:
        return None
    line = decoded.body.split(b"\n", 1)[0].split(b"\r", 1)[0].decode("utf-8")
    names = line.split(decoded.delimiter)
    if '"' in line or position >= len(names):
        return None
    return names[position].strip() or None


def _check_header(names: list[str], width: int, spec: Table, where: str, problems: list[Problem]) -> bool:
    """Every name in the header a column of the table, none twice, none personal, every required one there."""
    known = {c.name for c in spec.columns}
    header = [n for n in names[:width] if n]
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
            problems.append(Problem(where, "required column is missing from the header", row=1, column=c))
            ok = False
    return ok


def _plain(v):
    return None if v is None or (isinstance(v, float) and v != v) else v


def _check(cells: list[tuple[str, np.ndarray]], rows: np.ndarray, spec: Table, where: str, problems: list[Problem],
           warnings: list[Problem], found: list[tuple[int, int, Problem]]) -> pd.DataFrame:
    """Every cell's rule (a column at a time), each row's checks, the key, the table's checks; the frame."""
    known = {c.name: c for c in spec.columns}
    header = [name for name, _ in cells]
    n = len(rows)
    noted: list[tuple[int, int, Problem]] = []
    done: dict[str, ColumnRead] = {}
    for position, (name, column) in enumerate(cells):
        out = read_column(known[name], column, rows, where)
        done[name] = out
        found += [(i, position, p) for i, p in out.problems]
        noted += [(i, position, p) for i, p in out.warnings]
    bad = np.zeros(n, dtype=bool)
    for c in done.values():
        bad |= c.bad

    def record(i: int) -> dict:  # a record for the row and table checks: a broken cell is left out
        rec: dict = {"_row": int(rows[i])}
        for name in header:
            c = done[name]
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
        problems.extend(_repeated_keys(done, rows, spec, where))
    if spec.table_checks:
        records = [record(i) for i in range(n)]
        for check in spec.table_checks:
            for row, column, message in check(records):
                problems.append(Problem(where, message, row=row, column=column))
    return _frame(done, rows, spec)


def _repeated_keys(done: dict[str, ColumnRead], rows: np.ndarray, spec: Table, where: str) -> list[Problem]:
    """A problem for each record whose key repeats an earlier record's (a broken cell counts as blank)."""
    n = len(rows)
    keys = {}
    for c in spec.key:
        if c in done:
            k = done[c].objects
            if done[c].broken.any():
                k = k.copy()
                k[done[c].broken] = None
            keys[c] = k
        else:
            keys[c] = np.full(n, None, dtype=object)
    # The usual answer is "no key repeats": a set of Python values says so in one pass (a key's values are
    # None for a blank, never NaN, so Python's equality is pandas'). The key's last column (the most specific:
    # a delegate, a line) is often unique alone, and then so is the key; else the whole key is looked at.
    last = keys[spec.key[-1]].tolist()
    if len(set(last)) == n or (len(spec.key) > 1 and len(set(zip(*(k.tolist() for k in keys.values())))) == n):
        return []
    keys = {c: pd.Series(k, dtype=object) for c, k in keys.items()}
    key_frame = pd.DataFrame(keys)
    dup = (keys[spec.key[0]].duplicated(keep="first") if len(spec.key) == 1 else
           key_frame.duplicated(keep="first")).to_numpy()
    if not dup.any():
        return []
    group = key_frame.groupby(list(spec.key), dropna=False, sort=False).ngroup().to_numpy()
    first_row = pd.Series(rows).groupby(group).transform("first").to_numpy()
    out = []
    for i in np.flatnonzero(dup):
        words = ", ".join(f"{c} {v if v is not None else '(blank)'}" for c, v in ((c, keys[c][i]) for c in spec.key))
        out.append(Problem(where, f"repeats row {first_row[i]} ({words}); each row must be unique on "
                                  f"{', '.join(spec.key)}", row=int(rows[i])))
    return out


def _frame(done: dict[str, ColumnRead], rows: np.ndarray, spec: Table) -> pd.DataFrame:
    """The typed frame: `row`, then every column of the table in its order (an absent optional one blank).
    In a text column a blank is None, or NaN where every value given is text."""
    n = len(rows)
    if not n:
        return _empty(tuple((col.name, col.dtype) for col in spec.columns)).copy()
    data: dict[str, object] = {"row": rows}
    for col in spec.columns:
        c = done.get(col.name)
        if c is None:  # an optional column left out of the file
            data[col.name] = pd.Series(np.full(n, np.nan, dtype=object), dtype=object).astype(col.dtype)
        elif col.dtype != "object":
            data[col.name] = c.values
        elif c.broken.any():
            data[col.name] = pd.Series(c.values.tolist(), dtype=object)
        else:
            values = c.values
            if None in c.kinds and c.kinds - {None} == {str}:
                values = values.copy()
                values[pd.isna(values)] = np.nan
            # as given (a frame would infer text to pandas' str), and not copied: the array is the frame's alone
            data[col.name] = pd.Series(values, dtype=object, copy=False)
    return pd.DataFrame(data, copy=False)  # the columns are new arrays: no need to copy them into one block


@functools.cache
def _empty(columns: tuple[tuple[str, str], ...]) -> pd.DataFrame:
    """A table's frame with no records (`row` and each (name, dtype) column), built once per table layout:
    a partnership may leave many tables empty, and building one column at a time costs more than the copy."""
    frame = pd.DataFrame([], columns=["row", *(name for name, _ in columns)])
    for name, dtype in columns:
        frame[name] = frame[name].astype(dtype)
    return frame
