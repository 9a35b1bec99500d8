"""The figures register: every number a report states, with its provenance.

figures.csv columns (later versions may append columns, never rename):
id, label, period, value, unit, numerator, denominator, source

`value` is unrounded; a figure that cannot be computed has an empty value
(shown as [x] in reports), never 0.
"""
from __future__ import annotations

import csv
import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

COLUMNS = ["id", "label", "period", "value", "unit", "numerator", "denominator", "source"]
UNITS = ("count", "proportion", "percent", "percentage_points", "gbp", "ratio")


def is_missing(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))


def clean(v) -> float | int | None:
    """Plain Python number or None (pandas NA and NaN become None)."""
    if is_missing(v):
        return None
    f = float(v)
    return int(f) if f.is_integer() and abs(f) < 2**53 else f


@dataclass(frozen=True)
class Figure:
    id: str
    label: str
    period: str
    value: float | int | None
    unit: str
    numerator: float | int | None = None
    denominator: float | int | None = None
    source: str = ""

    def __post_init__(self):
        if self.unit not in UNITS:
            raise ValueError(f"figure {self.id}: unit {self.unit!r} is not one of {', '.join(UNITS)}")
        for name in ("value", "numerator", "denominator"):
            object.__setattr__(self, name, clean(getattr(self, name)))

    @property
    def missing(self) -> bool:
        return self.value is None


def ratio(id: str, label: str, period: str, numerator, denominator, source: str,
          unit: str = "proportion") -> Figure:
    """A share numerator/denominator; missing when either is missing or the denominator is 0."""
    n, d = clean(numerator), clean(denominator)
    value = None if n is None or d in (None, 0) else n / d
    return Figure(id, label, period, value, unit, n, d, source)


def pct_change(id: str, label: str, period: str, current, previous, source: str) -> Figure:
    """Relative change in percent: (current - previous) / previous x 100."""
    c, p = clean(current), clean(previous)
    value = None if c is None or p in (None, 0) else (c - p) / p * 100
    return Figure(id, label, period, value, "percent", c, p, source)


class Register:
    """An ordered set of figures, unique on (id, period), with lookups for notebooks and narrative."""

    def __init__(self, figures: Iterable[Figure] = ()):
        self._figs: dict[tuple[str, str], Figure] = {}
        for f in figures:
            self.add(f)

    def add(self, fig: Figure) -> None:
        key = (fig.id, fig.period)
        if key in self._figs:
            raise ValueError(f"figure {fig.id} for {fig.period} is defined twice")
        self._figs[key] = fig

    def extend(self, figs: Iterable[Figure]) -> None:
        for f in figs:
            self.add(f)

    def __iter__(self):
        return iter(self._figs.values())

    def __len__(self) -> int:
        return len(self._figs)

    def __contains__(self, key) -> bool:
        return key in self._figs

    def get(self, id: str, period: str) -> Figure:
        try:
            return self._figs[(id, period)]
        except KeyError:
            raise KeyError(f"no figure {id} for {period}") from None

    def value(self, id: str, period: str):
        return self.get(id, period).value

    def find(self, prefix: str, period: str | None = None) -> list[Figure]:
        return [f for f in self if f.id.startswith(prefix) and (period is None or f.period == period)]

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame([asdict(f) for f in self], columns=COLUMNS)

    def write_csv(self, path: str | Path) -> Path:
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


def read_csv(path: str | Path) -> Register:
    """Read a figures.csv back into a Register (empty cells are missing)."""
    def num(s: str):
        return None if s == "" else clean(float(s))

    with Path(path).open(newline="", encoding="utf-8") as f:
        return Register(
            Figure(r["id"], r["label"], r["period"], num(r["value"]), r["unit"], num(r["numerator"]),
                   num(r["denominator"]), r["source"])
            for r in csv.DictReader(f)
        )


def slug(text: str) -> str:
    """Id fragment from a name: "Requires Improvement" -> "requires_improvement",
    "Professional Services (Chair costs, consultancy etc.)" -> "professional_services"."""
    import re

    base = re.sub(r"\(.*?\)", "", str(text)).replace("&", " ")
    return re.sub(r"[^a-z0-9]+", "_", base.lower()).strip("_")
