"""Load a partnership folder (partnership.yaml + one CSV per table) into validated, typed tables.

    ds = load("data/walsall")
    ds.training            # pandas DataFrame, typed, blanks as <NA>
    ds.source("training")  # "data/walsall/training.csv", for figures' provenance

Every problem in every file is collected before anything is returned; a
DataValidationError lists them all (file, spreadsheet row, column, value, rule).
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from . import rules
from .budget import DEFAULT_THRESHOLDS, Thresholds
from .errors import DataValidationError, Problem
from .schemas import REFUSE, Table, tables

CONFIG_FILE = "partnership.yaml"


@dataclass(frozen=True)
class Partnership:
    """What the library needs to know about a partnership (from partnership.yaml)."""

    slug: str
    name: str
    short_name: str
    statutory_partners: tuple[str, ...]
    priorities: tuple[str, ...]
    grade_scale: tuple[str, ...]  # best first
    synthetic: bool = False
    source: str = ""
    budget_thresholds: Thresholds = DEFAULT_THRESHOLDS  # RAG thresholds, percent of budget (local choices)


@dataclass(frozen=True)
class Dataset:
    partnership: Partnership
    folder: Path
    tables: dict[str, pd.DataFrame]
    label: str  # how the folder is named in messages and provenance, e.g. "data/walsall"

    def source(self, table: str) -> str:
        return f"{self.label}/{table}.csv"

    def __getattr__(self, name: str) -> pd.DataFrame:
        # ds.audits, ds.training, ... ; only called when normal lookup fails
        tables_ = self.__dict__.get("tables", {})
        if name in tables_:
            return tables_[name]
        raise AttributeError(name)


def _label(folder: Path) -> str:
    """Folder as shown to users: relative to the data folder's parent ("data/walsall")."""
    return f"{folder.parent.name}/{folder.name}" if folder.parent.name else folder.name


def read_partnership(folder: Path, problems: list[Problem]) -> Partnership | None:
    path = folder / CONFIG_FILE
    where = f"{_label(folder)}/{CONFIG_FILE}"
    if not path.is_file():
        problems.append(Problem(where, "file is missing; every partnership folder needs one (see docs/data.md)"))
        return None
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8-sig")) or {}
    except yaml.YAMLError as e:
        problems.append(Problem(where, f"is not valid YAML: {e}"))
        return None
    if not isinstance(raw, dict):
        problems.append(Problem(where, "must be a mapping of keys (name, statutory_partners, grade_scale, ...)"))
        return None
    before = len(problems)

    def text_list(key: str, minimum: int) -> tuple[str, ...]:
        v = raw.get(key)
        if not isinstance(v, list) or len(v) < minimum or not all(isinstance(x, str) and x.strip() for x in v):
            problems.append(Problem(where, f"{key} must be a list of at least {minimum} non-blank names"))
            return ()
        if len(set(v)) != len(v):
            problems.append(Problem(where, f"{key} names an item twice"))
        return tuple(x.strip() for x in v)

    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append(Problem(where, "name must be the partnership's name"))
    scale = text_list("grade_scale", 2)
    partners = text_list("statutory_partners", 1)
    priorities = text_list("priorities", 0) if "priorities" in raw else ()
    thresholds = read_thresholds(raw.get("budget_thresholds"), where, problems)
    if len(problems) > before:
        return None
    return Partnership(
        slug=folder.name,
        name=name.strip(),
        short_name=str(raw.get("short_name") or name).strip(),
        statutory_partners=partners,
        priorities=priorities,
        grade_scale=scale,
        synthetic=bool(raw.get("synthetic", False)),
        source=str(raw.get("source", "")),
        budget_thresholds=thresholds,
    )


def read_thresholds(raw, where: str, problems: list[Problem]) -> Thresholds:
    """partnership.yaml's optional budget_thresholds (percent of budget); defaults for keys left out.

        budget_thresholds:
          green: 2        # adverse variance up to and including 2% of budget: green
          amber: 5        # up to and including 5%: amber; beyond: red
          underspend: 5   # favourable spending variance beyond 5%: named an underspend
    """
    if raw is None:
        return DEFAULT_THRESHOLDS
    if not isinstance(raw, dict):
        problems.append(Problem(where, "budget_thresholds must be a mapping of green, amber and underspend to percents "
                                       "(e.g. green: 2)"))
        return DEFAULT_THRESHOLDS
    values = {}
    for key, v in raw.items():
        if key not in Thresholds.KEYS:
            problems.append(Problem(where, f'budget_thresholds: "{key}" is not a threshold (expected: '
                                           f"{', '.join(Thresholds.KEYS)})"))
        elif isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v <= 100:
            problems.append(Problem(where, f'budget_thresholds: {key} must be a percent of budget from 0 to 100, '
                                           f'written as a number like 5 (got "{v}")'))
        else:
            values[key] = float(v)
    th = Thresholds(**{k: values.get(k, getattr(DEFAULT_THRESHOLDS, k)) for k in Thresholds.KEYS})
    if th.green > th.amber:
        problems.append(Problem(where, f"budget_thresholds: green ({th.green:g}%) must not be more than amber "
                                       f"({th.amber:g}%)"))
    return th


def read_table(path: Path, spec: Table, where: str, problems: list[Problem]) -> pd.DataFrame | None:
    """Read and check one CSV; append problems; return the typed frame (None if unreadable)."""
    if not path.is_file():
        problems.append(Problem(where, f"file is missing; every table is required (keep the header row if there are no "
                                       f"records): {', '.join(spec.required_columns)}"))
        return None
    with path.open(newline="", encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    if not rows:
        problems.append(Problem(where, f"file is empty; it needs at least the header row: {', '.join(spec.required_columns)}"))
        return None
    header = [h.strip() for h in rows[0]]
    known = {c.name: c for c in spec.columns}
    ok = True
    for name in header:
        if name not in known:
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
        for name, raw in zip(header, cells):
            col = known[name]
            raw = raw.strip()
            if raw == "":
                if col.blank == REFUSE:
                    problems.append(Problem(where, "is blank; this column must be filled in", row=i, column=name))
                    good = False
                rec[name] = None
                continue
            try:
                rec[name] = col.rule(raw)
            except rules.RuleBroken as e:
                problems.append(Problem(where, str(e), row=i, column=name))
                good = False
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
    if not folder.is_dir():
        raise DataValidationError([Problem(label, "is not a folder; expected a partnership folder such as data/walsall")])
    partnership = read_partnership(folder, problems)
    loaded: dict[str, pd.DataFrame] = {}
    if partnership is not None:
        for name, spec in tables(partnership.grade_scale).items():
            frame = read_table(folder / spec.file, spec, f"{label}/{spec.file}", problems)
            if frame is not None:
                loaded[name] = frame
    if not problems:
        problems.extend(training_matches_bookings(loaded, label))
    if problems:
        raise DataValidationError(problems)
    return Dataset(partnership=partnership, folder=folder, tables=loaded, label=label)
