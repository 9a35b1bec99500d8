"""What a table specification is made of: columns (each with its cell rule) and tables (columns, key, checks).

The tables themselves are in schema.py; the checks across a row or a table in table_checks.py.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from wsp_analysis.data import rules

# How a blank cell is read: "missing" (not available, kept as NA; never 0) or "refuse".
MISSING, REFUSE = "missing", "refuse"


@dataclass(frozen=True)
class Column:
    """One column: its name, the rule each cell must meet (rules.py), what a blank cell means, whether the
    header must have it, the pandas dtype it loads as, and its meaning for docs/data.md.

    `folded`: a name that groups records (a theme, a course, an agency), compared after normalising
    Unicode, spaces and capitals and written one way when loaded (see cells.py)."""

    name: str
    rule: rules.Rule
    blank: str = MISSING
    required: bool = True  # must the column be present in the header?
    dtype: str = "object"  # pandas dtype of the loaded column
    doc: str = ""
    folded: bool = False


RowCheck = Callable[[dict], list[tuple[str, str]]]  # -> [(column, message)]
# A table check sees every parsed row (with its spreadsheet row number under "_row").
TableCheck = Callable[[list[dict]], list[tuple[int, str, str]]]  # -> [(row, column, message)]


@dataclass(frozen=True)
class Table:
    """One table: its name (the file is <name>.csv), columns, the columns each row is unique on, its
    meaning, and the checks across a row's cells and across its rows.

    `optional`: the folder may leave the file out; it then reads as a file holding only its header (no
    records), so every table is always there to calculate from and a folder without it validates as before.
    `figures`: the figure ids the table gives and their units, in words (docs/data.md, the Excel template)."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    doc: str
    row_checks: tuple[RowCheck, ...] = field(default=())
    table_checks: tuple[TableCheck, ...] = field(default=())
    optional: bool = False
    figures: str = ""

    @property
    def file(self) -> str:
        return f"{self.name}.csv"

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def folded_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.folded]


# The columns most tables share (schema.py and training_tables.py use them).
YEAR = Column("year", rules.year, blank=REFUSE, doc="Financial year, April to March, written like 2023-24.")
QUARTER = Column("quarter", rules.quarter, doc="Q1 (April-June) to Q4 (January-March); blank for a whole-year row.")
SOURCE = Column("source", rules.text, blank=REFUSE, doc="Where the row comes from: file and table or section.")


def count(name: str, doc: str, required: bool = True) -> Column:
    """A count column (rules.count, loaded as Int64); a blank cell is not available, never 0."""
    return Column(name, rules.count, required=required, dtype="Int64", doc=doc)

