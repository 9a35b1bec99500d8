"""Checks across tables, and checks that need partnership.yaml: run by load() once every table is read.

Each takes the loaded frames (table name -> frame, with each record's spreadsheet row in `row`), the
partnership and the folder's label, and returns problems located as validate prints them.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from wsp_analysis.data import rules, units
from wsp_analysis.data.bookings import bookings_summary
from wsp_analysis.data.cells import is_missing
from wsp_analysis.data.config import CONFIG_FILE, Partnership
from wsp_analysis.errors import Problem

CROSS_CHECKED = ("bookings", "cancellations", "attended", "no_shows", "occurrences")
GRADED = ("audits", "audit_shares")  # the tables whose rows need the partnership's grade scale


def training_matches_bookings(loaded: dict[str, pd.DataFrame], label: str) -> list[Problem]:
    """Where row-level bookings exist for a period, training.csv's counts for it must equal their sums."""
    summary = bookings_summary(loaded["bookings"])
    if summary.empty:
        return []
    # A few rows a partnership: plain Python, as each row is read. The first training.csv row of a period
    # is compared; training.csv may give the whole year instead, and its quarters then match no period.
    training = loaded["training"]
    columns = ["year", "quarter", "row", *CROSS_CHECKED, "walk_ins"]
    stated_for: dict[tuple, dict] = {}
    for values in zip(*(training[c].tolist() for c in columns)):
        record = dict(zip(columns, values))
        stated_for.setdefault((record["year"], record["quarter"]), record)
    out = []
    for counted in summary.to_dict("records"):
        stated = stated_for.get((counted["year"], counted["quarter"]))
        if stated is None:
            continue
        walk_ins = stated["walk_ins"]
        for col in CROSS_CHECKED:
            value, what = stated[col], col.replace("_", "-")
            if is_missing(value):
                continue
            if col == "attended" and not is_missing(walk_ins):
                # bookings.csv holds bookings only: walk-ins (attended without booking) are not among its rows
                value, what = value - walk_ins, f"attended from bookings (attended - {int(walk_ins):,} walk-ins)"
            if value != counted[col]:
                out.append(Problem(f"{label}/training.csv", f"{int(value):,} {what} in {counted['year']} "
                                   f"{counted['quarter']} but bookings.csv has {int(counted[col]):,}",
                                   row=int(stated["row"]), column=col))
    return out


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


def _n(v) -> str:
    return f"{v:,.10g}"


def indicators_match_definitions(loaded: dict[str, pd.DataFrame], label: str) -> list[Problem]:
    """Every indicator in indicators.csv is defined in indicator_definitions.csv; each value is in its unit's
    range (a proportion 0-1, a count a whole number 0 or more); where numerator and denominator are given the
    unit is a rate (proportion, percent, ratio), a share's numerator is not above its denominator, and the
    value agrees with numerator / denominator in the unit's scale (to 0.005 of a proportion, half a percent)."""
    values, defs = loaded.get("indicators"), loaded.get("indicator_definitions")
    if values is None or defs is None or values.empty:
        return []
    where = f"{label}/indicators.csv"
    unit_of = {i: u for i, u in zip(defs["indicator"], defs["unit"]) if i is not None and u is not None}
    out = []
    for r in values.itertuples(index=False):
        row, name = int(r.row), r.indicator
        if name is None or (isinstance(name, float) and np.isnan(name)):
            continue  # the cell broke its own rule: reported already
        unit = unit_of.get(name)
        if name not in set(defs["indicator"]):
            known = ", ".join(sorted(i for i in defs["indicator"] if isinstance(i, str))) or "it has no rows"
            out.append(Problem(where, f'"{name}" is not defined in indicator_definitions.csv ({known}); add a row '
                                      "there saying what it is", row=row, column="indicator"))
            continue
        if unit is None:
            continue
        value = None if pd.isna(r.value) else float(r.value)
        num = None if pd.isna(r.numerator) else int(r.numerator)
        den = None if pd.isna(r.denominator) else int(r.denominator)
        out += [Problem(where, m, row=row, column=c) for c, m in _indicator_value(name, unit, value, num, den)]
    return out


def _indicator_value(name: str, unit: str, value, num, den) -> list[tuple[str, str]]:
    """(column, message) for one row of indicators.csv whose indicator is in `unit`."""
    if value is not None:
        if unit in ("proportion", "p_value") and not 0 <= value <= 1:
            hint = f" (for {_n(value)}%, write {_n(value / 100)}, or make the unit percent)" if 1 < value <= 100 else ""
            return [("value", f"{_n(value)} is not a {unit.replace('_', '-')} from 0 to 1{hint}")]
        if unit == "count" and (value < 0 or not value.is_integer()):
            return [("value", f"{_n(value)} is not a count (a whole number, 0 or more) as {name}'s unit says")]
    if num is None or den is None or den == 0:
        return []
    if unit not in units.RATE_SCALE:
        return [("numerator", f"a numerator and denominator make a rate, but {name}'s unit is {unit}; leave them "
                              "blank, or make the unit proportion, percent or ratio")]
    if unit in units.SHARES and num > den:
        return [("numerator", f"{num:,} is more than the denominator {den:,}: a share cannot be more than the whole")]
    scale = units.RATE_SCALE[unit]
    expected = num / den * scale
    if value is None:
        return [("value", f"is blank, but numerator and denominator are given ({num:,} / {den:,} = "
                          f"{_n(expected)}): write the value, or leave all three blank")]
    if abs(value - expected) > 0.005 * scale:
        what = "x 100 " if scale == 100 else ""
        return [("value", f"{_n(value)} is not numerator / denominator {what}({num:,} / {den:,} {what}= "
                          f"{_n(expected)}) in the unit {unit}")]
    return []
