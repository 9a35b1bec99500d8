"""Load a partnership folder (partnership.yaml + one CSV per table) into validated, typed tables.

    ds = load("data/walsall")
    ds.training            # pandas DataFrame, typed, blanks as <NA>
    ds.source("training")  # "data/walsall/training.csv", for figures' provenance

Every problem in every file is collected before anything is returned; a
DataValidationError lists them all (file, spreadsheet row, column, value, rule).
Each table is read by table.read_table; the checks across tables are in checks.py.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from wsp_analysis.data import checks
from wsp_analysis.data.config import Partnership, _label, read_partnership
from wsp_analysis.data.schema import SECTION11_GRADES
from wsp_analysis.data.schema import tables
from wsp_analysis.data.table import read_table, shown
from wsp_analysis.errors import DataValidationError, Problem


@dataclass(frozen=True)
class Dataset:
    """A loaded, valid partnership folder.

    partnership: partnership.yaml as read (config.Partnership); folder: the folder, resolved; tables: table
    name -> typed frame (a `row` column with each record's spreadsheet row, then the table's columns; see
    docs/data.md), also reachable as attributes (ds.audits); label: the folder as messages and provenance
    name it ("data/walsall"); warnings: each value accepted but changed (a grade's capitals, a theme's
    spaces, a file's encoding), one Problem each."""

    partnership: Partnership
    folder: Path
    tables: dict[str, pd.DataFrame]
    label: str
    warnings: tuple[Problem, ...] = ()

    def source(self, table: str) -> str:
        """The table's file as figures name their source: "data/walsall/training.csv"."""
        return f"{self.label}/{table}.csv"

    def __getattr__(self, name: str) -> pd.DataFrame:
        # ds.audits, ds.training, ... ; only called when normal lookup fails
        tables_ = self.__dict__.get("tables", {})
        if name in tables_:
            return tables_[name]
        raise AttributeError(name)


def validate(folder: str | Path) -> list[Problem]:
    """Every problem in the partnership folder, in the order load reports them (empty list when valid)."""
    try:
        load(folder)
    except DataValidationError as e:
        return e.problems
    return []


def load(folder: str | Path) -> Dataset:
    """Load and validate a partnership folder; raise DataValidationError listing every problem.

    Reads partnership.yaml, then every table (a file that is a link to one outside the folder is refused
    unread), then the checks that need the partnership or several tables."""
    folder = Path(folder).resolve()
    label = _label(folder)
    problems: list[Problem] = []
    warnings: list[Problem] = []
    if not folder.is_dir():
        raise DataValidationError([shown(Problem(label, "is not a folder; expected a partnership folder such as "
                                                        "data/walsall"))])
    partnership = read_partnership(folder, problems)
    loaded: dict[str, pd.DataFrame] = {}
    if partnership is not None:
        for name, spec in tables(partnership.grade_scale).items():
            frame = read_table(folder / spec.file, spec, f"{label}/{spec.file}", problems, warnings)
            if frame is not None:
                loaded[name] = frame
        problems.extend(checks.grade_scale_given(loaded, partnership, label))
        problems.extend(checks.budgets_not_negative(loaded, partnership, label))
        problems.extend(checks.indicators_match_definitions(loaded, label))
    if not problems:
        problems.extend(checks.training_matches_bookings(loaded, label))
    if problems:
        raise DataValidationError([shown(p) for p in problems])
    return Dataset(partnership=partnership, folder=folder, tables=ordered_grades(loaded, partnership), label=label,
                   warnings=tuple(warnings))


def ordered_grades(loaded: dict[str, pd.DataFrame], partnership) -> dict[str, pd.DataFrame]:
    """Grades as ordered categoricals, best first, so that sorting and comparing follow the scale: audit
    grades on the partnership's scale (audits.csv, audit_shares.csv), Section 11 grades on Fully met,
    Partially met, Not met. A blank stays missing."""
    scales = {"audits": {"grade": tuple(partnership.grade_scale)},
              "audit_shares": {"grade": tuple(partnership.grade_scale)},
              "section11": {"self_grade": SECTION11_GRADES, "moderated_grade": SECTION11_GRADES}}
    out = dict(loaded)
    for name, columns in scales.items():
        if name in out:
            out[name] = out[name].assign(**{c: pd.Categorical(out[name][c], categories=list(scale), ordered=True)
                                            for c, scale in columns.items()})
    return out
