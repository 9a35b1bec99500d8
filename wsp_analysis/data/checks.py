"""Checks across tables, and checks that need partnership.yaml: run by load() once every table is read.

Each takes the loaded frames (table name -> frame, with each record's spreadsheet row in `row`), the
partnership and the folder's label, and returns problems located as validate prints them.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from wsp_analysis.data import rules
from wsp_analysis.data.bookings import bookings_summary
from wsp_analysis.data.config import CONFIG_FILE, Partnership
from wsp_analysis.errors import Problem

CROSS_CHECKED = ("bookings", "cancellations", "attended", "no_shows", "occurrences")
GRADED = ("audits", "audit_shares")  # the tables whose rows need the partnership's grade scale


def training_matches_bookings(loaded: dict[str, pd.DataFrame], label: str) -> list[Problem]:
    """Where row-level bookings exist for a period, training.csv's counts for it must equal their sums."""
    summary = bookings_summary(loaded["bookings"])
    if summary.empty:
        return []
    training = loaded["training"]
    # training.csv may give the whole year instead: its quarters are then not comparable (no row matches)
    t = training.drop_duplicates(["year", "quarter"])[["year", "quarter", "row", *CROSS_CHECKED]].copy()
    # bookings.csv holds bookings only: walk-ins (attended without booking) are not among its attended rows
    walk_ins = training.drop_duplicates(["year", "quarter"])["walk_ins"].astype("Float64")
    t["attended"] = t["attended"].astype("Float64") - walk_ins.fillna(0)
    t["walk_ins"] = walk_ins
    both = summary.reset_index(drop=True).merge(t, on=["year", "quarter"], how="inner", suffixes=("", "_t"),
                                                sort=False)
    out = []
    for col in CROSS_CHECKED:
        stated = both[f"{col}_t"]
        differs = stated.notna() & (stated.astype("Float64") != both[col].astype("Float64"))
        for i in np.flatnonzero(differs.fillna(False).to_numpy(dtype=bool)):
            r = both.iloc[i]
            what = col.replace("_", "-")
            if col == "attended" and not pd.isna(r["walk_ins"]):
                what = f"attended from bookings (attended - {int(r['walk_ins']):,} walk-ins)"
            out.append((i, CROSS_CHECKED.index(col), Problem(
                f"{label}/training.csv", f"{int(stated.iloc[i]):,} {what} in {r['year']} "
                f"{r['quarter']} but bookings.csv has {int(r[col]):,}", row=int(r["row"]), column=col)))
    return [p for _, _, p in sorted(out, key=lambda t: (t[0], t[1]))]


def budgets_not_negative(loaded: dict[str, pd.DataFrame], partnership: Partnership, label: str) -> list[Problem]:
    """A line's budget is 0 or more, unless partnership.yaml lists the line under negative_budget_lines."""
    budget = loaded.get("budget")
    if budget is None or budget.empty:
        return []
    allowed = {rules.fold(line) for line in partnership.negative_budget_lines}
    negative = budget[budget["budget"].fillna(0).astype(float) < 0]
    out = []
    for _, r in negative.iterrows():
        if rules.fold(str(r["line"])) in allowed:
            continue
        out.append(Problem(f"{label}/budget.csv",
                           f"{pounds(r['budget'])} is a negative budget for the {r['section']} line \"{r['line']}\"; "
                           "a budget is 0 or more. If this line really is budgeted below 0, list it under "
                           f"negative_budget_lines in {CONFIG_FILE}", row=int(r["row"]), column="budget"))
    return out


def pounds(v: float) -> str:
    """-60000.0 -> "-£60,000"; pence shown only when there are some."""
    shown = f"{abs(v):,.0f}" if float(v).is_integer() else f"{abs(v):,.2f}"
    return f"{'-' if v < 0 else ''}£{shown}"


def grade_scale_given(loaded: dict[str, pd.DataFrame], partnership: Partnership, label: str) -> list[Problem]:
    """partnership.yaml needs a grade scale once audits.csv or audit_shares.csv has rows."""
    if partnership.grade_scale:
        return []
    graded = [f"{name}.csv ({len(loaded[name]):,} row{'s' if len(loaded[name]) != 1 else ''})" for name in GRADED
              if name in loaded and len(loaded[name])]
    if not graded:
        return []
    return [Problem(f"{label}/{CONFIG_FILE}", f"grade_scale is missing, and {' and '.join(graded)} record grades: "
                                              "list the partnership's audit grades, best first")]
