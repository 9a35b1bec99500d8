"""One column's cells through its rule: typed values, the cells refused, and the cells accepted but changed.

Each rule is applied once per distinct cell text and its outcome spread back to every record, so a
million rows of a few courses cost a few rule calls. A name that groups records (a theme, a course, an
agency: Column.folded) is compared after normalising Unicode (NFKC), spaces and capitals, and written
one way: with plain single spaces and standard characters, in the capitals of the first record that
has it. Each cell so changed is a warning naming it.
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from wsp_analysis.data import rules
from wsp_analysis.data.columns import REFUSE, Column
from wsp_analysis.data.read import any_space
from wsp_analysis.errors import Problem


BLANK = "is blank; this column must be filled in"
OUTER_SPACES = "spaces around a value are removed"
SPACES = ("unusual or repeated spaces and line breaks (and look-alike characters) are read as plain ones, so that it "
          "groups with the same name typed plainly")
_OK, _BLANK_REFUSED, _BROKEN, _CHANGED = 0, 1, 2, 3


def is_missing(v) -> bool:
    """Whether a value is missing (a blank cell, or a figure whose inputs are absent): None, pandas NA or a
    float NaN; never 0, which is a value."""
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))


@dataclass
class ColumnRead:
    """One column's reading: its values (typed for the frame, and as plain Python objects for the row and
    table checks), which cells were refused, and the problems and warnings with their record index."""

    values: object  # numpy object array or pandas extension array, one value per record
    objects: np.ndarray  # the same values as Python objects: None for a blank cell, NaN for a broken one
    bad: np.ndarray  # bool per record: blank where the column refuses blanks, or breaking the rule
    broken: np.ndarray  # bool per record: breaking the rule (the value is left out of the record)
    problems: list[tuple[int, Problem]]
    warnings: list[tuple[int, Problem]]
    kinds: set = dataclasses.field(default_factory=set)  # the types of the values given; None for a blank


def read_column(col: Column, cells: np.ndarray, rows: np.ndarray, where: str) -> ColumnRead:
    """Apply the column's rule to every cell (cells: object array of cell text, one per record; rows: each
    record's spreadsheet row). Problems and warnings are located at (where, row, column)."""
    if col.folded:
        return _names(col, cells, rows, where)
    if col.rule is rules.text and col.dtype == "object":
        return _text(col, cells, rows, where)
    return _ruled(col, cells, rows, where)


def _odd_cells(cells: np.ndarray) -> list[int]:
    """Indexes of the cells that are blank or have spaces around them. A column of few distinct values
    (judged from its first thousand) is checked once per distinct value, a long one with no space in any
    cell for empty cells only, any other cell by cell."""
    if len(cells) > 5000 and len(set(cells[:1000].tolist())) <= 100:
        odd = {cell for cell in set(cells.tolist()) if not cell or cell.strip() != cell}
        return np.flatnonzero(pd.Series(cells, dtype=object).isin(odd).to_numpy()).tolist() if odd else []
    if len(cells) > 5000 and not any_space(cells):  # a column of references: only an empty cell is odd
        return np.flatnonzero(cells == "").tolist()
    return [i for i, cell in enumerate(cells) if not cell or cell.strip() != cell]


def _text(col: Column, cells: np.ndarray, rows: np.ndarray, where: str) -> ColumnRead:
    """Text kept as written: only blank cells and cells with spaces around them need a look."""
    name, n = col.name, len(cells)
    problems, warnings = [], []
    odd = _odd_cells(cells)
    values = cells.copy() if odd else cells
    bad = np.zeros(n, dtype=bool)
    for i in odd:
        cell, row = cells[i], int(rows[i])
        raw = cell.strip()
        if raw == "":
            values[i] = None
            if col.blank == REFUSE:
                problems.append((i, Problem(where, BLANK, row=row, column=name)))
                bad[i] = True
            continue
        values[i] = raw
        if name != "source":
            warnings.append((i, Problem(where, f'"{cell}" read as "{raw}": {OUTER_SPACES}', row=row, column=name)))
    kinds = ({str} if len(odd) < n else set()) | {None if values[i] is None else str for i in odd}
    return ColumnRead(values, values, bad, np.zeros(n, dtype=bool), problems, warnings, kinds)


def _names(col: Column, cells: np.ndarray, rows: np.ndarray, where: str) -> ColumnRead:
    """A name that groups records, written one way (see the module's docstring). Each distinct cell text is
    looked at once; a column whose names are all written one way already is returned as it is."""
    name, n = col.name, len(cells)
    spelling: dict[str, str] = {}  # folded -> how it is written: the first cell text (plain) that has it
    first_text: dict[str, str] = {}  # folded -> that cell text, as typed
    changed: dict[str, tuple[str | None, str, str]] = {}  # cell text -> (its value, why, the first text) if changed
    for cell in dict.fromkeys(cells.tolist()):  # distinct texts, in the order records first have them
        raw = cell.strip()
        if not raw:
            changed[cell] = (None, "", "")
            continue
        plain = rules.plain(raw)
        key = plain.casefold()
        written = spelling.setdefault(key, plain)
        first_text.setdefault(key, cell)
        if written != plain:
            changed[cell] = (written, "", first_text[key])  # other capitals: named by the first text's row
        elif plain != raw:
            changed[cell] = (plain, SPACES, "")
        elif raw != cell:
            changed[cell] = (plain, OUTER_SPACES, "")
    problems, warnings = [], []
    refused = np.zeros(n, dtype=bool)
    values = cells
    if changed:
        values = cells.copy()
        first_row: dict[str, int] = {}
        for i in np.flatnonzero(pd.Series(cells, dtype=object).isin(list(changed)).to_numpy()):
            cell = cells[i]
            value, why, first = changed[cell]
            values[i] = value
            if value is None:
                if col.blank == REFUSE:
                    refused[i] = True
                    problems.append((int(i), Problem(where, BLANK, row=int(rows[i]), column=name)))
                continue
            if not why:
                if first not in first_row:
                    first_row[first] = int(rows[np.argmax(cells == first)])
                why = f"the same name in other capitals (or spacing); written as row {first_row[first]} writes it"
            warnings.append((int(i), Problem(where, f'"{cell}" read as "{value}": {why}', row=int(rows[i]),
                                             column=name)))
    kinds = ({str} if spelling else set()) | ({None} if any(v is None for v, _, _ in changed.values()) else set())
    return ColumnRead(values, values, refused, np.zeros(n, dtype=bool), problems, warnings, kinds)


def _ruled(col: Column, cells: np.ndarray, rows: np.ndarray, where: str) -> ColumnRead:
    """A cell rule (a year, a count, money...) applied once per distinct cell text."""
    name = col.name
    codes, uniques = pd.factorize(cells)
    kinds = np.zeros(len(uniques), dtype=np.int8)
    messages: list[str] = [""] * len(uniques)
    distinct = np.empty(len(uniques), dtype=object)
    for k, cell in enumerate(uniques):
        raw = cell.strip()
        if raw == "":
            distinct[k] = None
            if col.blank == REFUSE:
                kinds[k], messages[k] = _BLANK_REFUSED, BLANK
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
            kinds[k], messages[k] = _CHANGED, f'"{cell}" read as "{raw}": {OUTER_SPACES}'
        distinct[k] = value
    per_record = kinds[codes]
    problems, warnings = [], []
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
    seen = {None if v is None else type(v) for v, u in zip(distinct, used) if u}
    return ColumnRead(values, objects, broken | (per_record == _BLANK_REFUSED), broken, problems, warnings, seen)
