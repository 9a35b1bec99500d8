"""Load a partnership folder (partnership.yaml + one CSV per table) into validated, typed tables.

    ds = load("data/walsall")
    ds.training            # pandas DataFrame, typed, blanks as <NA>
    ds.source("training")  # "data/walsall/training.csv", for figures' provenance

Every problem in every file is collected before anything is returned; a
DataValidationError lists them all (file, spreadsheet row, column, value, rule).
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import rules
from .errors import DataValidationError, Problem
from .partnership import CONFIG_FILE, Partnership, _label, read_partnership, read_thresholds  # noqa: F401
from .schemas import REFUSE, Table, tables

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


def read_rows(path: Path, where: str, warnings: list[Problem]) -> list[list[str]]:
    """The file's rows as text: UTF-8 (a byte-order mark is fine), else Windows-1252; comma-separated,
    or semicolon-separated when the header has semicolons and no commas. Either fallback is a warning."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
        warnings.append(Problem(where, "is not UTF-8; read as Windows-1252 (Excel's \"CSV\" encoding), so £ and "
                                       "accented letters are kept; save as \"CSV UTF-8\" to silence this"))
    first = text.split("\n", 1)[0]
    delimiter = ";" if ";" in first and "," not in first else ","
    if delimiter == ";":
        warnings.append(Problem(where, "is semicolon-separated; read with ; as the delimiter"))
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def read_table(path: Path, spec: Table, where: str, problems: list[Problem],
               warnings: list[Problem] | None = None) -> pd.DataFrame | None:
    """Read and check one CSV; append problems (and warnings for what was accepted but changed);
    return the typed frame (None if unreadable)."""
    warnings = [] if warnings is None else warnings
    if not path.is_file():
        problems.append(Problem(where, f"file is missing; every table is required (keep the header row if there are no "
                                       f"records): {', '.join(spec.required_columns)}"))
        return None
    rows = read_rows(path, where, warnings)
    if not rows:
        problems.append(Problem(where, f"file is empty; it needs at least the header row: {', '.join(spec.required_columns)}"))
        return None
    header = [h.strip() for h in rows[0]]
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


def training_matches_bookings(loaded: dict[str, pd.DataFrame], label: str) -> list[Problem]:
    """Where row-level bookings exist for a period, training.csv's counts for it must equal their sums."""
    from .training import bookings_summary  # here, not at the top: training imports nothing from dataset

    summary = bookings_summary(loaded["bookings"])
    if summary.empty:
        return []
    out = []
    training = loaded["training"]
    for _, s in summary.iterrows():
        rows = training[(training["year"] == s["year"]) & (training["quarter"] == s["quarter"])]
        if rows.empty:
            continue  # training.csv may give the whole year instead; quarters are then not comparable
        t = rows.iloc[0]
        for col in ("bookings", "cancellations", "attended", "no_shows", "occurrences"):
            if not pd.isna(t[col]) and int(t[col]) != int(s[col]):
                out.append(Problem(f"{label}/training.csv", f"{int(t[col]):,} {col.replace('_', '-')} in "
                                   f"{s['year']} {s['quarter']} but bookings.csv has {int(s[col]):,}",
                                   row=int(t["row"]), column=col))
    return out


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
