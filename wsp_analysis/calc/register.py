"""The figures register: every number a report states, with its provenance.

figures.csv columns (later versions may append columns, never rename):
id, label, period, value, unit, numerator, denominator, source, ci_low, ci_high

`value` is unrounded; a figure that cannot be computed has an empty value
(shown as [x] in reports), never 0.

`ci_low`, `ci_high`: the Wilson 95% interval of a proportion of counts (k of n). Empty where
there is no n (a published percentage), where n is 0, and for shares of money (a share of pounds
is not a sample of anything: it has no sampling uncertainty).

Units: count, proportion (0-1), percent and percentage_points (0-100 scale), gbp, ratio,
p_value (a test's p-value, 0-1; the label names the test), rating (a mean self-rating on the
evaluation forms' 1-5 scale, or a change in it), effect_size (a rank-biserial correlation, -1 to 1),
code (a judgement written as a whole number, its meaning in the label: the dashboard's variation and
assurance, 1, 0 or -1). The list is data.units.UNITS, which the tables that name a unit are checked against.
"""
from __future__ import annotations

import csv
import re
import sys
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from wsp_analysis.data.cells import is_missing
from wsp_analysis.data.units import UNITS  # noqa: F401  (part of this module's contract)

COLUMNS = ["id", "label", "period", "value", "unit", "numerator", "denominator", "source", "ci_low", "ci_high",
           "symbol"]


def clean(v) -> float | int | None:
    """Plain Python number or None (pandas NA and NaN become None)."""
    if is_missing(v):
        return None
    f = float(v)
    return int(f) if f.is_integer() and abs(f) < 2**53 else f


def cleaned(values: np.ndarray) -> np.ndarray:
    """clean() of every value of a float array at once: an object array of int (whole, below 2**53),
    float, or None (NaN)."""
    values = np.asarray(values, dtype=float)
    out = values.astype(object)
    with np.errstate(invalid="ignore"):
        whole = np.isfinite(values) & (np.floor(values) == values) & (np.abs(values) < 2 ** 53)
    out[whole] = values[whole].astype(np.int64).astype(object)
    out[np.isnan(values)] = None
    return out


@dataclass(frozen=True)
class Figure:
    """One figure a report states: its id and period (unique in a register), a label in words, the unrounded
    value (None when not available), its unit (UNITS), the counts behind it, its source file(s), the Wilson
    95% interval of a proportion of counts, and the [c] symbol when a publication report suppresses it.
    Raises ValueError for an unknown unit or half an interval."""
    id: str
    label: str
    period: str
    value: float | int | None
    unit: str
    numerator: float | int | None = None
    denominator: float | int | None = None
    source: str = ""
    ci_low: float | None = None
    ci_high: float | None = None
    symbol: str = ""  # "[c]" when a publication report suppresses the figure (its value is then empty)

    def __post_init__(self):
        if self.unit not in UNITS:
            raise ValueError(f"figure {self.id}: unit {self.unit!r} is not one of {', '.join(UNITS)}")
        for name in ("value", "numerator", "denominator", "ci_low", "ci_high"):
            object.__setattr__(self, name, clean(getattr(self, name)))
        if (self.ci_low is None) != (self.ci_high is None):
            raise ValueError(f"figure {self.id}: an interval needs both ci_low and ci_high")

    @property
    def missing(self) -> bool:
        return self.value is None

    @property
    def interval(self) -> tuple[float, float] | None:
        """(ci_low, ci_high), or None when the figure has no interval."""
        return None if self.ci_low is None else (self.ci_low, self.ci_high)


class Register:
    """An ordered set of figures, unique on (id, period), with lookups for notebooks and narrative.

    What a report states comes from here only. Besides the figures a register made by calc.compute
    carries:
    - `coverage`: one row per figure family and span of the report (calc.spans), with `has_data`, so
      display code knows whether a period had any data at all without guessing from values;
    - `details`: named tables of words a page lists beside its figures (each action's text and dates,
      who attended an event, each budget line's judgement), computed with the figures;
    - `partnership`: the partnership's configuration (name, grade scale, thresholds), and `label`, its
      folder as sources name it ("data/walsall").
    """

    def __init__(self, figures: Iterable[Figure] = (), coverage: pd.DataFrame | None = None,
                 details: dict[str, pd.DataFrame] | None = None, partnership=None, label: str = ""):
        self._figs: dict[tuple[str, str], Figure] = {}
        for f in figures:
            self.add(f)
        self.coverage = coverage if coverage is not None else pd.DataFrame(columns=["family", "span", "has_data"])
        self.details = dict(details or {})
        self.partnership = partnership
        self.label = label

    def has_data(self, family: str, span: str) -> bool:
        """Whether the family's tables have any row in the span ("2023-24", "2023-24:Q3", "2023-24:Q1-Q3")."""
        c = self.coverage
        hit = c[(c["family"] == family) & (c["span"] == span)]
        return bool(len(hit)) and bool(hit["has_data"].iloc[0])

    def detail(self, name: str) -> pd.DataFrame:
        """A details table by name (an empty frame when the report has none)."""
        return self.details.get(name, pd.DataFrame())

    def add(self, fig: Figure) -> None:
        """Add a figure; ValueError when its (id, period) is already in the register."""
        key = (fig.id, fig.period)
        if key in self._figs:
            raise ValueError(f"figure {fig.id} for {fig.period} is defined twice")
        self._figs[key] = fig

    def extend(self, figs: Iterable[Figure]) -> None:
        """Add each figure (see add)."""
        for f in figs:
            self.add(f)

    def __iter__(self):
        return iter(self._figs.values())

    def __len__(self) -> int:
        return len(self._figs)

    def __contains__(self, key) -> bool:
        return key in self._figs

    def get(self, id: str, period: str) -> Figure:
        """The figure with this id and period; KeyError naming both when there is none."""
        try:
            return self._figs[(id, period)]
        except KeyError:
            raise KeyError(f"no figure {id} for {period}") from None

    def value(self, id: str, period: str):
        """The figure's value (None when not available); KeyError when there is no such figure."""
        return self.get(id, period).value

    def find(self, prefix: str, period: str | None = None) -> list[Figure]:
        """The figures whose id starts with `prefix` (of `period` when given), in register order."""
        return [f for f in self if f.id.startswith(prefix) and (period is None or f.period == period)]

    def frame(self) -> pd.DataFrame:
        """The register as a DataFrame with figures.csv's columns, one row per figure."""
        return pd.DataFrame([asdict(f) for f in self], columns=COLUMNS)

    def write_csv(self, path: str | Path) -> Path:
        """Write figures.csv (a folder is given: writes folder/figures.csv); returns the path."""
        return write_csv(self, path)


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return repr(v)  # unrounded, round-trips exactly
    return str(v)


def write_csv(figures: Iterable[Figure], path: str | Path) -> Path:
    """Write figures.csv (a folder is given: writes folder/figures.csv)."""
    path = Path(path)
    if path.is_dir():
        path = path / "figures.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(COLUMNS)
        for fig in figures:
            w.writerow([_cell(getattr(fig, c)) for c in COLUMNS])
    return path


def write_frame(frame: pd.DataFrame, out=None) -> None:
    """Write a frame of figures (every(): partnership, then figures.csv's columns) as CSV in figures.csv's
    cell format (unrounded values, empty for missing) to `out`: a path, or a text stream (standard output
    by default)."""
    def write(f):
        w = csv.writer(f, lineterminator="\n")
        w.writerow(list(frame.columns))
        for row in frame.itertuples(index=False, name=None):
            w.writerow([_cell(v) for v in row])

    if out is None or not isinstance(out, (str, Path)):
        write(out or sys.stdout)
    else:
        with Path(out).open("w", newline="", encoding="utf-8") as f:
            write(f)


def read_csv(path: str | Path) -> Register:
    """Read a figures.csv back into a Register (empty cells are missing)."""
    def num(s: str):
        return None if s == "" else clean(float(s))

    with Path(path).open(newline="", encoding="utf-8") as f:
        return Register(
            Figure(r["id"], r["label"], r["period"], num(r["value"]), r["unit"], num(r["numerator"]),
                   num(r["denominator"]), r["source"], num(r.get("ci_low") or ""), num(r.get("ci_high") or ""),
                   r.get("symbol") or "")
            for r in csv.DictReader(f)
        )


def slug(text: str) -> str:
    """Id fragment from a name: "Requires Improvement" -> "requires_improvement",
    "Professional Services (Chair costs, consultancy etc.)" -> "professional_services"."""
    base = re.sub(r"\(.*?\)", "", str(text)).replace("&", " ")
    return re.sub(r"[^a-z0-9]+", "_", base.lower()).strip("_")
