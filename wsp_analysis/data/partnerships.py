"""One partnership or many, the same shape: every table of every loaded partnership, each with a
`partnership` column first (the partnership's folder name), so that one calculation serves a single
report and the whole country.

    tables = Tables.of(load("data/walsall"))      # one partnership
    tables = load_all("data")                     # every partnership folder under data/
    tables["training"]                            # DataFrame: partnership, row, year, quarter, ...
    tables.years("walsall")                       # ["2019-20", ..., "2023-24"]
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from wsp_analysis.data import paths, periods
from wsp_analysis.data.load import Dataset, load
from wsp_analysis.errors import DataValidationError, UsageError


def _objects(values, index=None) -> pd.Series:
    """A Series of Python objects as given (pandas would otherwise infer a string dtype, scanning to do so)."""
    return pd.Series(values, index=index, dtype=object)


@dataclass
class Tables:
    """Validated datasets by partnership (folder name), with each table of all of them concatenated.

    `tables[name]` is the table of every partnership, `partnership` first, in the order the datasets
    were given; an empty table keeps its columns. Built once per name and cached."""

    datasets: dict[str, Dataset]
    _cache: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, data: Dataset | Iterable[Dataset] | Tables) -> Tables:
        """Tables of one Dataset, several, or an existing Tables (returned as it is)."""
        if isinstance(data, Tables):
            return data
        many = [data] if isinstance(data, Dataset) else list(data)
        return cls({ds.folder.name: ds for ds in many})

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._cache:
            parts = [ds.tables[name].assign(partnership=_objects(np.full(len(ds.tables[name]), p, dtype=object),
                                                                 ds.tables[name].index))
                     for p, ds in self.datasets.items() if name in ds.tables]
            if parts:
                frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0].reset_index(drop=True)
            else:
                frame = pd.DataFrame(columns=["partnership"])
            self._cache[name] = frame[["partnership", *[c for c in frame.columns if c != "partnership"]]]
        return self._cache[name]

    @property
    def partnerships(self) -> list[str]:
        return list(self.datasets)

    def label(self, partnership: str) -> str:
        """How the partnership's folder is named in messages and sources: "data/walsall"."""
        return self.datasets[partnership].label

    def config(self, partnership: str):
        """The partnership's partnership.yaml (data.config.Partnership)."""
        return self.datasets[partnership].partnership

    def source(self, partnerships: pd.Series, table: str) -> pd.Series:
        """The source of each row's figure: "data/walsall/training.csv", per partnership."""
        labels = {p: ds.label for p, ds in self.datasets.items()}
        return partnerships.map(labels).astype(object) + f"/{table}.csv"

    def years(self, partnership: str) -> list[str]:
        """report_years of the partnership's dataset."""
        return report_years(self.datasets[partnership])


def report_years(ds: Dataset) -> list[str]:
    """The financial years a partnership's tables hold, oldest first: every year column (audit_shares.csv,
    which holds earlier years published as percentages, and indicators.csv, whose years only the dashboard
    charts, aside) and the years of booking and evaluation dates."""
    years: set[str] = set()
    for name, t in ds.tables.items():
        if name in ("audit_shares", "published_figures", "indicators") or t.empty:
            continue
        if "year" in t:
            years |= {y for y in t["year"].dropna().unique()}
        elif "date" in t:
            years |= {periods.of_date(d)[0] for d in t["date"].unique() if not pd.isna(d)}
    return sorted(years)


def load_all(data_dir: str | Path | None = None, partnerships: list[str] | None = None) -> Tables:
    """Load and validate every partnership folder (one holding partnership.yaml) under the data folder,
    or only those named. Raises DataValidationError listing every problem of every partnership (nothing
    is loaded), UsageError for an unknown partnership or a data folder with none."""
    root = paths.data_dir(data_dir)
    names = paths.partnerships(root)
    if partnerships is not None:
        for name in partnerships:
            paths.partnership_dir(name, root)  # an unknown partnership: UsageError naming the known ones
        names = list(partnerships)
    if not names:
        raise UsageError(f"no partnership folders in {root} (a partnership folder holds partnership.yaml)")
    problems, loaded = [], {}
    for name in names:
        try:
            loaded[name] = load(root / name)
        except DataValidationError as e:
            problems += e.problems
    if problems:
        raise DataValidationError(problems)
    return Tables(loaded)
