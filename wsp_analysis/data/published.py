"""published_figures.csv (optional): the figures a partnership's own published report prints, transcribed
so that `wsp-analysis reconcile` can compare each with ours (calc/reconcile.py). Its table specification,
the rule for a number as a report prints it, and reading it with the same reader and messages as every
table."""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pandas as pd

from wsp_analysis.data import periods, rules
from wsp_analysis.data.columns import REFUSE, Column, Table
from wsp_analysis.data.config import _label
from wsp_analysis.data.table import read_table
from wsp_analysis.errors import DataValidationError, Problem

FILE = "published_figures.csv"
_PRINTED = re.compile(r"^(?P<sign>[-+−])?\s*(?P<gbp>£)?\s*(?P<num>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?\s*"
                      r"(?P<unit>%|percentage points?|pp)?$", re.IGNORECASE)


@dataclass(frozen=True)
class Printed:
    """A number as a report printed it: its value, decimal places, and what the print says it is."""

    text: str
    value: Decimal  # as printed, signed when the print has a sign
    decimals: int
    signed: bool
    percent: bool  # printed with "%"
    points: bool  # printed as percentage points ("pp", "percentage points")
    pounds: bool  # printed with "£"


def parse_printed(text: str) -> Printed:
    """"82%", "1,617", "£192,908", "-15 percentage points", "£299.260"; ValueError when it is not a number."""
    s = text.strip()
    m = _PRINTED.match(s)
    if not m:
        raise ValueError(f'"{text}" is not a number as a report prints it (e.g. 82%, 1,617, £192,908, '
                         "15 percentage points)")
    digits = m.group("num").replace(",", "") + (m.group("frac") or "")
    value = Decimal(digits)
    if m.group("sign") in ("-", "−"):
        value = -value
    unit = (m.group("unit") or "").lower()
    return Printed(s, value, len(m.group("frac") or "") - (1 if m.group("frac") else 0), bool(m.group("sign")),
                   unit == "%", unit not in ("", "%"), bool(m.group("gbp")))


def _printed_rule(raw: str) -> str:
    """A number as the report prints it: 82%, 1,617, £192,908, 15 percentage points."""
    try:
        parse_printed(raw)
    except ValueError as e:
        raise rules.RuleBroken(str(e)) from None
    return raw


def _period_rule(raw: str) -> str:
    """A financial year (2023-24) or a quarter of one (2023-24-Q1)."""
    m = re.match(r"^(\d{4}-\d{2})(?:-(Q\d))?$", raw.strip(), re.IGNORECASE)
    try:
        if not m:
            raise ValueError(f'"{raw}" is not a period written like 2023-24 or 2023-24-Q1')
        return periods.period_label(m.group(1), m.group(2))
    except ValueError as e:
        raise rules.RuleBroken(str(e)) from None


SPEC = Table(
    name="published_figures",
    columns=(
        Column("figure_id", rules.text, REFUSE, doc="Id of our figure in figures.csv (e.g. training.attendance_rate); "
                                                    "an id we do not compute is reported not_derivable."),
        Column("printed", _printed_rule, REFUSE, doc="The figure exactly as the report prints it: 82%, 1,617, £192,908 "
                                                     "(a typo such as £299.260 is kept as printed)."),
        Column("where", rules.text, REFUSE, doc="Where the report prints it: section, table or panel."),
        Column("claim", rules.text, REFUSE, doc="What the report says, in words (quoting it where short)."),
        Column("year", rules.year, required=False,
               doc="Financial year of the report that prints it; blank or left out: the year reconciled."),
        Column("period", _period_rule, required=False,
               doc="Period the figure is for (2022-23, 2023-24-Q1); blank or left out: the report's year."),
    ),
    key=("year", "figure_id", "period", "where"),
    doc="Optional. The figures a partnership's published report prints, transcribed so that "
        "`wsp-analysis reconcile` can compare each with the figure computed from the data. One row per "
        "printed figure; the same figure printed in two places is two rows.",
)


def path(folder: Path) -> Path:
    """Where a partnership folder's published_figures.csv is."""
    return Path(folder) / FILE


def read(folder: str | Path, label: str | None = None) -> list[dict] | None:
    """The rows of folder/published_figures.csv (None when the file is absent); DataValidationError lists
    every problem, as dataset.load does."""
    folder = Path(folder).resolve()
    p = path(folder)
    if not p.is_file():
        return None
    problems: list[Problem] = []
    frame = read_table(p, SPEC, f"{label or _label(folder)}/{FILE}", problems)
    if problems:
        raise DataValidationError(problems)
    out = []
    for _, r in frame.iterrows():
        out.append({c: (None if pd.isna(r[c]) else r[c]) for c in ("row", *SPEC.column_names)})
    return out


def problems(folder: str | Path) -> list[Problem]:
    """Every problem in published_figures.csv (empty when it is valid or absent)."""
    try:
        read(folder)
    except DataValidationError as e:
        return e.problems
    return []


