"""Every figure of any partnerships and reports, from one set of family functions.

    reg = register(ds, "2023-24")            # one partnership's annual register
    reg = register(ds, "2023-24", "Q3")      # its quarterly register
    frame = every(load_all("data"))          # every annual figure of every partnership and year

Each family module (FAMILIES) computes its figures for a frame of requests (calc.spans.requests) over
tables that carry a partnership column (data.partnerships.Tables), grouped by partnership and period:
the one-partnership register is a slice of the same calculation as the all-partnerships frame. Then one
rule for every family: a figure whose span has no row in any of its family's tables is blank, never 0
(`coverage` records, per family and span, whether there was any data).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from wsp_analysis.calc import actions, audits, budget, consistency, impact, referrals, section11, training
from wsp_analysis.calc.register import COLUMNS, Figure, Register, cleaned
from wsp_analysis.calc.rows import NUMBERS, joined
from wsp_analysis.calc.spans import PREV, THIS, YTD, has_data, periods_of, requests, spans
from wsp_analysis.data import periods
from wsp_analysis.data.partnerships import Tables, report_years

# name -> module with TABLES (its input tables), figures(tables, req) -> blocks, and optionally
# details(tables, req) -> {name: frame with partnership and report columns}
FAMILIES = {"audits": audits, "consistency": consistency, "training": training, "impact": impact,
            "referrals": referrals, "budget": budget, "actions": actions, "section11": section11}


def _coverage(tables: Tables, req: pd.DataFrame, frame: pd.DataFrame, families) -> pd.DataFrame:
    """partnership, report, family, span, has_data: every family for every span a report's figures are of
    (its own spans, and any other span a family gave a figure)."""
    own = spans(req, (THIS, YTD, PREV))[["partnership", "report", "span"]]
    keys = pd.concat([own, frame[["partnership", "report", "span"]]], ignore_index=True).drop_duplicates()
    out, seen = [], {}  # each table's periods once (audits and consistency share theirs)
    for name in families:
        module = FAMILIES[name]
        for t in module.TABLES:
            if t not in seen:
                seen[t] = periods_of(tables[t])
        present = pd.concat([seen[t] for t in module.TABLES], ignore_index=True)
        out.append(keys.assign(family=name, has_data=has_data(present, keys)))
    return pd.concat(out, ignore_index=True)[["partnership", "report", "family", "span", "has_data"]]


def compute(tables: Tables, req: pd.DataFrame, families=None, details: bool = True) -> tuple[
        pd.DataFrame, pd.DataFrame, dict[str, pd.DataFrame]]:
    """(figures, coverage, details) of every request, from every family (or those named in `families`).

    figures: one row per figure and request: partnership, report, family, span, then figures.csv's
    columns (numbers as float, NaN for missing); a figure whose family has no data in its span is blank.
    coverage: see _coverage. details: name -> frame (partnership, report, ...), what pages name beside the
    figures; `details=False` leaves them out (empty), for figures alone."""
    parts, named = [], {}
    families = list(FAMILIES) if families is None else list(families)
    for name in families:
        module = FAMILIES[name]
        f = joined(module.figures(tables, req))
        f.insert(2, "family", name)
        parts.append(f)
        if details and hasattr(module, "details"):
            named.update(module.details(tables, req))
    frame = pd.concat(parts, ignore_index=True)
    coverage = _coverage(tables, req, frame, families)
    known = coverage.set_index(["partnership", "report", "family", "span"])["has_data"]
    idx = pd.MultiIndex.from_frame(frame[["partnership", "report", "family", "span"]])
    empty = ~known.reindex(idx).fillna(False).to_numpy(dtype=bool)
    for c in NUMBERS:
        frame.loc[empty, c] = np.nan
    return frame, coverage, named


def _figure_rows(frame: pd.DataFrame) -> list[Figure]:
    cols = {c: frame[c].to_numpy() for c in ("id", "label", "period", "unit", "source")}
    nums = {c: frame[c].to_numpy(dtype=float) for c in NUMBERS}
    return [Figure(cols["id"][i], cols["label"][i], cols["period"][i], nums["value"][i], cols["unit"][i],
                   nums["numerator"][i], nums["denominator"][i], cols["source"][i], nums["ci_low"][i],
                   nums["ci_high"][i]) for i in range(len(frame))]


def register(ds, year: str, quarter: str | None = None, families=None) -> Register:
    """Every figure one report states: the annual report of financial year `year`, or the quarterly
    report of its `quarter`; with coverage and details (see Register). `families` (names of FAMILIES)
    keeps to those. Raises ValueError for a year or quarter written wrongly, KeyError for an unknown
    family."""
    year = periods.parse_year(year)
    quarter = periods.parse_quarter(quarter) if quarter else None
    tables = Tables.of(ds)
    p = tables.partnerships[0]
    req = requests(p, [year], quarter)
    frame, coverage, details = compute(tables, req, families)
    sliced = {name: d[(d["partnership"] == p)].drop(columns=["partnership", "report"]).reset_index(drop=True)
              for name, d in details.items()}
    return Register(_figure_rows(frame), coverage.drop(columns=["partnership", "report"]), sliced,
                    partnership=ds.partnership, label=ds.label)


def every(tables: Tables) -> pd.DataFrame:
    """Every annual figure of every partnership and of each financial year its tables hold
    (data.partnerships.report_years): columns partnership, then figures.csv's columns (numbers as
    figures.csv holds them: int when whole, None when missing), sorted by partnership, period and id.
    A figure (id and period) stated by several years' reports appears once, as the latest states it."""
    req = pd.concat([requests(p, report_years(ds)) for p, ds in tables.datasets.items()], ignore_index=True)
    frame, _, _ = compute(tables, req, details=False)  # figures only: no page names them
    frame = frame.sort_values("report", kind="stable", ascending=False)
    frame = frame.drop_duplicates(["partnership", "id", "period"], keep="first")
    frame = frame.sort_values(["partnership", "period", "id"], kind="stable").reset_index(drop=True)
    out = pd.DataFrame({"partnership": frame["partnership"].to_numpy(dtype=object)})
    for c in COLUMNS:
        if c in NUMBERS:
            out[c] = pd.Series(cleaned(frame[c].to_numpy(dtype=float)), dtype=object)
        elif c in frame:
            out[c] = frame[c].to_numpy(dtype=object)
        else:
            out[c] = ""
    return out
