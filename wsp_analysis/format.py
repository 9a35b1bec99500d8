"""Number style for reports: prose uses whole percents, tables one decimal; thousands separators;
money in whole pounds; missing shows as [x], never 0.

Rounding is half up (0.5 -> 1), as readers do by hand, not Python's round-half-even.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from wsp_analysis.data.cells import is_missing

NOT_AVAILABLE, NOT_APPLICABLE, CONFIDENTIAL = "[x]", "[z]", "[c]"
SYMBOLS = {
    NOT_AVAILABLE: "not available (not published or not collected; it is not zero)",
    NOT_APPLICABLE: "not applicable",
    CONFIDENTIAL: "suppressed to protect confidentiality",
}


def _round(v: float, dp: int) -> Decimal:
    return Decimal(repr(float(v))).quantize(Decimal(1).scaleb(-dp), rounding=ROUND_HALF_UP)


def number(v, dp: int = 0) -> str:
    """1617 -> "1,617"; 176.923 (dp=1) -> "176.9"."""
    if is_missing(v):
        return NOT_AVAILABLE
    r = _round(v, dp)
    return f"{r:,.{dp}f}" if r != 0 else f"{0:.{dp}f}"  # no "-0"


def count(v) -> str:
    """A count in digits with thousands separators: 1617 -> "1,617"; [x] when missing."""
    return number(v, 0)


def pct(proportion, dp: int = 0) -> str:
    """A proportion (0-1) as a percent: 0.8244 -> "82%" (dp=1: "82.4%")."""
    return NOT_AVAILABLE if is_missing(proportion) else f"{number(float(proportion) * 100, dp)}%"


def percent(value, dp: int = 0) -> str:
    """A value already on the 0-100 scale: 176.92 -> "177%"."""
    return NOT_AVAILABLE if is_missing(value) else f"{number(value, dp)}%"


def points(value, dp: int = 0) -> str:
    """Size of a change in percentage points, without sign: -15 -> "15 percentage points"."""
    if is_missing(value):
        return NOT_AVAILABLE
    n = number(abs(float(value)), dp)
    return f"{n} percentage point{'' if n == '1' else 's'}"


def gbp(value) -> str:
    """Whole pounds: 192908 -> "£192,908"; -2109 -> "-£2,109"."""
    if is_missing(value):
        return NOT_AVAILABLE
    r = _round(value, 0)
    return f"-£{-r:,.0f}" if r < 0 else f"£{r:,.0f}"


KINDS = ("text", "count", "proportion", "percent", "gbp", "decimal", "p_value")  # how a table column is shown


def p_value(value) -> str:
    """A p-value to three decimals, or "<0.001" (more decimals would claim a precision it lacks)."""
    if is_missing(value):
        return NOT_AVAILABLE
    return "<0.001" if float(value) < 0.001 else number(value, 3)


def cell(value, kind: str = "text") -> str:
    """A table cell in table style: one decimal for percents, whole numbers and pounds; a symbol as given."""
    if isinstance(value, str):
        return value  # text, or a symbol such as [z] the table chose on purpose
    if is_missing(value):
        return NOT_AVAILABLE
    if kind == "count":
        return count(value)
    if kind == "proportion":
        return pct(value, 1)
    if kind == "percent":
        return percent(value, 1)
    if kind == "gbp":
        return gbp(value)
    if kind == "decimal":
        return number(value, 2)
    if kind == "p_value":
        return p_value(value)
    return str(value)


def sheet_value(value, kind: str = "text"):
    """The same cell for a spreadsheet: a number rounded as the table shows it (so the two agree), a
    proportion as a percent, or a symbol; a spreadsheet cell is never left blank for missing."""
    if isinstance(value, str):
        return value
    if is_missing(value):
        return NOT_AVAILABLE
    if kind in ("count", "gbp"):
        return int(_round(value, 0))
    if kind == "proportion":
        return float(_round(float(value) * 100, 1))
    if kind == "percent":
        return float(_round(value, 1))
    if kind == "decimal":
        return float(_round(value, 2))
    if kind == "p_value":
        return float(_round(value, 4))
    return value


def symbols_used(cells) -> list[str]:
    """The shorthand symbols that occur in these display strings, in the order SYMBOLS lists them."""
    cells = [str(c) for c in cells]
    return [s for s in SYMBOLS if any(s in c for c in cells)]


def up_down(change, up: str = "up", down: str = "down", same: str = "unchanged") -> str:
    """The direction of a change in words ("up", "down", "unchanged"); [x] when missing."""
    if is_missing(change):
        return NOT_AVAILABLE
    return up if change > 0 else down if change < 0 else same


def date_words(d) -> str:
    """A date as prose and tables write it: "9 August 2023" (no leading zero); [x] when missing."""
    if is_missing(d):
        return NOT_AVAILABLE
    return f"{d.day} {d:%B %Y}"
