"""A report table as data: a DataFrame with a title, what kind of number each column holds, and notes.

One DataTable feeds the HTML table (blocks.table), the chart drawn from it (charts) and the
reference spreadsheets (reference_tables), so the three always show the same values.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from wsp_analysis import format as fmt
from wsp_analysis.calc.register import clean, is_missing

MIME = "application/vnd.wsp-analysis.table+json"  # how a displayed table carries its data into the notebook
UNITS = {"proportion": "%", "percent": "%", "gbp": "£"}


@dataclass(frozen=True, eq=False)
class DataTable:
    """`frame` holds values (numbers unrounded; None or NaN where not available; a symbol string such as
    "[z]" where the table means it). The first `row_headers` columns label the rows."""

    title: str
    frame: pd.DataFrame
    kinds: dict[str, str] = field(default_factory=dict)  # column -> formatting.KINDS; unnamed columns are text
    row_kinds: tuple[str, ...] | None = None  # per row, for tables that mix counts and rates in one column
    notes: tuple[str, ...] = ()
    row_headers: int = 1

    def __post_init__(self):
        unknown = {k for k in [*self.kinds.values(), *(self.row_kinds or ())] if k not in fmt.KINDS}
        if unknown:
            raise ValueError(f"unknown kinds {sorted(unknown)} in table {self.title!r}")
        if self.row_kinds is not None and len(self.row_kinds) != len(self.frame):
            raise ValueError(f"row_kinds has {len(self.row_kinds)} entries for {len(self.frame)} rows")

    @property
    def columns(self) -> list[str]:
        return [str(c) for c in self.frame.columns]

    def kind(self, row: int, column: str) -> str:
        """The unit of one cell ("count", "proportion", "gbp", ... or "text"): its row's where the table
        mixes units by row, else its column's."""
        col_kind = self.kinds.get(column, "text")
        if self.row_kinds is not None and self.columns.index(column) >= self.row_headers:
            return self.row_kinds[row]
        return col_kind

    def row_index(self, label: str) -> int:
        """Position of the (first) row whose header is `label`."""
        hits = [i for i, v in enumerate(self.frame.iloc[:, 0]) if str(v) == label]
        if not hits:
            raise KeyError(f"no row {label!r} in table {self.title!r}")
        return hits[0]

    def value(self, row: int | str, column: str):
        """One cell's value as computed (a number, text, or None/NaN where missing); `row` is a position or
        the row's header text."""
        i = self.row_index(row) if isinstance(row, str) else row
        return self.frame.iloc[i][column]

    def display_rows(self) -> list[list[str]]:
        """Every cell as the HTML table shows it (table style: one decimal for percents)."""
        return [[fmt.cell(self._plain(v), self.kind(i, c)) for c, v in zip(self.columns, row)]
                for i, row in enumerate(self.frame.itertuples(index=False))]

    def symbols(self) -> list[str]:
        """The shorthand symbols the displayed table uses ([x], [z], [c]), each once, for its notes."""
        return fmt.symbols_used(c for r in self.display_rows() for c in r)

    def sheet_frame(self) -> pd.DataFrame:
        """The table for a spreadsheet: numbers rounded as displayed, each column's unit once in its header (a
        "Unit" column when one column mixes units), [x] in place of blanks."""
        cols, rows = self.columns, []
        for i, row in enumerate(self.frame.itertuples(index=False)):
            cells = [fmt.sheet_value(self._plain(v), self.kind(i, c)) for c, v in zip(cols, row)]
            if self.row_kinds is not None:
                cells.insert(self.row_headers, _unit_name(self.row_kinds[i]))
            rows.append(cells)
        headers = [(_with_unit(c, self.kinds.get(c)) if self.row_kinds is None else c)
                   or ("Row" if j < self.row_headers else f"Column {j + 1}")  # a header is never blank
                   for j, c in enumerate(cols)]
        if self.row_kinds is not None:
            headers.insert(self.row_headers, "Unit")
        return pd.DataFrame(rows, columns=headers)

    def sheet_kinds(self) -> list[list[str]]:
        """Each cell's kind (format.KINDS), aligned with sheet_frame's cells (the Unit column is text): how a
        spreadsheet formats its number (thousands separators, decimals)."""
        out = []
        for i in range(len(self.frame)):
            kinds = [self.kind(i, c) for c in self.columns]
            if self.row_kinds is not None:
                kinds.insert(self.row_headers, "text")
            out.append(kinds)
        return out

    def to_json(self) -> dict:
        """The table as plain JSON data (title, columns, rows of plain values, units, notes), as the
        notebook's output carries it to the spreadsheets."""
        return {"title": self.title, "columns": self.columns,
                "rows": [[self._plain(v) for v in row] for row in self.frame.itertuples(index=False)],
                "kinds": dict(self.kinds), "row_kinds": list(self.row_kinds) if self.row_kinds else None,
                "notes": list(self.notes), "row_headers": self.row_headers}

    @classmethod
    def from_json(cls, data: dict) -> DataTable:
        return cls(data["title"], pd.DataFrame(data["rows"], columns=data["columns"], dtype=object),
                   data.get("kinds", {}), tuple(data["row_kinds"]) if data.get("row_kinds") else None,
                   tuple(data.get("notes", ())), data.get("row_headers", 1))

    @staticmethod
    def _plain(v):
        """A JSON-friendly Python value: numpy and pandas scalars become int, float or None."""
        if isinstance(v, str):
            return v
        return None if is_missing(v) else clean(v)


def _with_unit(column: str, kind: str | None) -> str:
    """A header with its unit, once: "Share (%)", "Budget (£)"; a header that already names its unit
    ("Variance (% of budget)", "Contribution (pounds)") is left as it is, and a blank one blank."""
    unit = UNITS.get(kind or "")
    if not column or unit is None or unit in column or {"%": "percent", "£": "pound"}[unit] in column.lower():
        return column
    return f"{column} ({unit})"


def _unit_name(kind: str) -> str:
    return {"count": "number", "proportion": "percent", "percent": "percent", "gbp": "pounds", "decimal": "number",
            "p_value": "p-value"}.get(kind, "")


def build(title: str, rows: Sequence[Sequence], columns: Sequence[str], kinds: dict[str, str] | None = None,
          **options) -> DataTable:
    """A DataTable from plain rows, keeping values as given (no dtype guessing: missing stays missing)."""
    return DataTable(title, pd.DataFrame([list(r) for r in rows], columns=list(columns), dtype=object),
                     kinds or {}, **options)
