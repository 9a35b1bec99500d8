"""The report kinds, in one registry: what each is for, which notebook renders it, the folder it renders
into, which periods it takes, and the register its figures.csv holds (what `verify` recomputes).

    kind = KINDS["publication"]
    reg = kind.figures(ds, "2023-24")        # the protected register
    kind_for(notebook=None, quarter="Q3")    # KINDS["quarterly"]
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from wsp_analysis.calc import compute, dashboard, disclosure, reconcile
from wsp_analysis.calc.register import Register
from wsp_analysis.data import periods


def _as_before(out: Register, reg: Register) -> Register:
    """`out` (figures derived from `reg`) with reg's coverage, details and partnership."""
    out.coverage, out.details, out.partnership, out.label = reg.coverage, reg.details, reg.partnership, reg.label
    return out


def _publication(ds, year: str, quarter: str | None = None) -> Register:
    reg = compute.register(ds, year, quarter)
    return _as_before(disclosure.protect(reg, ds.partnership.suppression_threshold), reg)


def _scrutiny(ds, year: str, quarter: str | None = None) -> Register:
    """The report's register (annual, or the quarter's with the year's counts behind rounded percentages),
    and how many published figures have each status (reconcile.*)."""
    reg = compute.register(ds, year, quarter)
    if quarter:
        annual = compute.register(ds, year)
        reg.extend(f for f in annual if f.id.startswith("consistency.") and (f.id, f.period) not in reg)
        reg.details["consistency.findings"] = annual.detail("consistency.findings")
    period = periods.period_label(year, quarter)
    rows = reconcile.for_dataset(ds, reg, year, quarter)
    if rows is not None:  # the page lists them: "reconcile.rows", one per transcribed figure of this report
        reg.details["reconcile.rows"] = pd.DataFrame([dataclasses.asdict(r) for r in rows],
                                                     columns=[f.name for f in dataclasses.fields(reconcile.Row)])
        src = f"{ds.label}/{reconcile.FILE}"
        reg.extend(f for f in reconcile.figures(rows, period, src) if (f.id, f.period) not in reg)
    return reg


@dataclass(frozen=True)
class Kind:
    """One kind of report.

    name: what titles and manifests call it; notebook: notebooks/<notebook>.ipynb renders it; suffix: added
    to the period in the report folder's name (reports/P/2023-24-scrutiny); periods: "year" (annual only),
    "quarter" (needs a quarter) or "either"; figures(ds, year, quarter) -> the Register its figures.csv
    holds."""

    name: str
    notebook: str
    suffix: str
    periods: str
    figures: Callable[..., Register]
    description: str = ""

    def folder(self, period: str) -> str:
        """The report folder's name for a period: "2023-24", "2023-24-Q3", "2023-24-scrutiny"."""
        return f"{period}-{self.suffix}" if self.suffix else period


KINDS = {k.name: k for k in (
    Kind("annual", "annual_report", "", "year", compute.register, "for the executive: a financial year"),
    Kind("quarterly", "quarterly_report", "", "quarter", compute.register, "for the executive: one quarter"),
    Kind("publication", "publication_report", "publication", "year", _publication,
         "for publication: small counts suppressed"),
    Kind("scrutiny", "scrutiny", "scrutiny", "either", _scrutiny,
         "for the scrutineer: reconciliation, counts behind percentages, the manifest"),
    Kind("dashboard", "dashboard", "dashboard", "either", dashboard.figures,
         "for the board: every indicator over time, judged by statistical process control (calc.dashboard)"),
)}
BY_NOTEBOOK = {k.notebook: k for k in KINDS.values()}


def kind_for(notebook: str | None, quarter: str | None) -> Kind | None:
    """The kind a notebook name renders (None: the period's default, annual or quarterly); None for a
    notebook of the user's own, which is not in the registry."""
    if not notebook:
        return KINDS["quarterly" if quarter else "annual"]
    found = BY_NOTEBOOK.get(notebook) or KINDS.get(notebook)
    if found is not None and found.name in ("annual", "quarterly"):
        return KINDS["quarterly" if quarter else "annual"]
    return found


def figures(ds, year: str, quarter: str | None = None, kind: str = "annual") -> Register:
    """The register of a report: `kind` one of KINDS (for "annual" a quarter gives the quarterly register).
    Raises KeyError for an unknown kind, ValueError for a year or quarter written wrongly."""
    return KINDS[kind].figures(ds, year, quarter)
