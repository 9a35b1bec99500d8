"""Cell rules: each turns one raw CSV cell into a typed value or says, in words, which rule it breaks.

A rule receives the cell text with outer spaces removed and never a blank cell
(blank handling is the column's business, in schemas.py).
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from wsp_analysis.data import periods


class RuleBroken(ValueError):
    """The cell breaks a rule; the message says which, quoting the value."""


@dataclass(frozen=True)
class Normalised:
    """An unambiguous value written another way: accepted as `value`, with a warning saying what changed."""

    value: object
    note: str


Rule = Callable[[str], object]

_INT = re.compile(r"^-?\d{1,3}(,\d{3})+$|^-?\d+$")
_NUMBER = re.compile(r"^-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
_SPREADSHEET_ERRORS = ("#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!")


def _refuse_spreadsheet_error(raw: str) -> None:
    if raw.upper() in _SPREADSHEET_ERRORS:
        raise RuleBroken(f'"{raw}" is a spreadsheet error, not a number; fix the formula or leave the cell blank')


def text(raw: str) -> str:
    """Any non-blank text."""
    return raw


_OTHER_YEAR = re.compile(r"^(\d{4})\s*[/-]\s*(\d{2}|\d{4})$")


def year(raw: str):
    """A financial year written like 2023-24; "2023/24" and "2023-2024" are read as 2023-24 (with a warning)."""
    try:
        return periods.parse_year(raw)
    except ValueError as e:
        m = _OTHER_YEAR.match(raw)
        if m:
            start, end = int(m.group(1)), int(m.group(2))
            if end == start + 1 or end == (start + 1) % 100:
                return Normalised(f"{start}-{(start + 1) % 100:02d}", "financial years are written like 2023-24")
        raise RuleBroken(str(e)) from None


def quarter(raw: str) -> str:
    """Q1 to Q4 (Q1 is April to June)."""
    try:
        return periods.parse_quarter(raw)
    except ValueError as e:
        raise RuleBroken(str(e)) from None


def count(raw: str) -> int:
    """A whole number of things, 0 or more; thousands separators allowed ("1,617")."""
    _refuse_spreadsheet_error(raw)
    if not _INT.match(raw):
        if _FULL_STOP_THOUSANDS.match(raw):
            raise RuleBroken(f'"{raw}" is not a whole number (if the full stop separates thousands, write '
                             f'{raw.replace(".", "")} or {raw.replace(".", ",")})')
        raise RuleBroken(f'"{raw}" is not a whole number')
    value = int(raw.replace(",", ""))
    if value < 0:
        raise RuleBroken(f'"{raw}" is negative; a count cannot be')
    return value


_FULL_STOP_THOUSANDS = re.compile(r"^-?[1-9]\d{0,2}\.\d{3}$")


def money(raw: str) -> float:
    """Pounds: "33988", "£33,988", "33,988.00"; "(1,500)" is -1,500 as accountants write it.

    Refused: a minus sign inside brackets ("(-5)": negative twice), and a single full stop followed by
    exactly three digits ("£299.260"), which may be a thousands separator (299,260) or pence (299.26)."""
    _refuse_spreadsheet_error(raw)
    s = raw.replace("£", "").strip()
    negative = s.startswith("(") and s.endswith(")")
    if negative:
        s = s[1:-1].strip()
        if s.startswith("-"):
            amount = s[1:].strip()
            raise RuleBroken(f'"{raw}" is negative twice (a minus sign inside brackets): write -{amount} or '
                             f"({amount}) for a negative amount, {amount} for a positive one")
    if _FULL_STOP_THOUSANDS.match(s):
        whole, part = s.split(".")
        pence = f"{whole}.{part[:2]}" if part.endswith("0") else s
        raise RuleBroken(f'"{raw}" could be {whole},{part} (a full stop between thousands) or {pence} (pounds and '
                         f"pence): write {whole}{part} or {pence}")
    if not _NUMBER.match(s):
        raise RuleBroken(f'"{raw}" is not an amount of money in pounds (write it like 33988 or £33,988)')
    value = float(s.replace(",", ""))
    return -value if negative else value


def percent(raw: str) -> float:
    """A percentage from 0 to 100, without the % sign or with it."""
    _refuse_spreadsheet_error(raw)
    s = raw[:-1].strip() if raw.endswith("%") else raw
    if not _NUMBER.match(s):
        raise RuleBroken(f'"{raw}" is not a percentage')
    value = float(s.replace(",", ""))
    if not 0 <= value <= 100:
        raise RuleBroken(f'"{raw}" is not between 0 and 100')
    return value


def number(raw: str) -> float:
    """Any number: "629", "1,617", "-2.5", "0.83"; written without a unit (the table says what it is)."""
    _refuse_spreadsheet_error(raw)
    if raw.endswith("%") or raw.startswith("£"):
        plain_ = raw.rstrip("%").lstrip("£").strip()
        raise RuleBroken(f'"{raw}" has a unit sign; write the number alone ({plain_}): the unit is given once, in '
                         "indicator_definitions.csv")
    if not _NUMBER.match(raw):
        raise RuleBroken(f'"{raw}" is not a number (write it like 629, 1,617 or 0.83)')
    return float(raw.replace(",", ""))


_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]{0,59}$")


def identifier(raw: str) -> str:
    """A name that becomes part of figure ids: lowercase letters, digits and _, beginning with a letter, at
    most 60 characters (repeat_cp_plans)."""
    if not _IDENTIFIER.match(raw):
        suggestion = re.sub(r"[^a-z0-9]+", "_", plain(raw).casefold()).strip("_")
        hint = f" (e.g. {suggestion})" if suggestion and _IDENTIFIER.match(suggestion) else ""
        raise RuleBroken(f'"{raw}" is not a name for figure ids: use lowercase letters, digits and _, beginning '
                         f"with a letter, at most 60 characters{hint}")
    return raw


def iso_date(raw: str):
    """A date written YYYY-MM-DD (as spreadsheets export ISO dates)."""

    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise RuleBroken(f'"{raw}" is not a date written like 2023-04-30') from None


def plain(text: str) -> str:
    """`text` in Unicode's compatibility form (NFKC: a non-breaking space is a space, a full-width letter a
    letter), every run of spaces one plain space, none at either end."""
    return " ".join(text.split()) if text.isascii() else " ".join(unicodedata.normalize("NFKC", text).split())


def fold(text: str) -> str:
    """How names and words are compared: plain(text) without capitals."""
    return plain(text).casefold()


def one_of(allowed: Sequence[str], what: str) -> Rule:
    """One of a fixed list of words; other capitals or spacing are read as the list writes the word (with a
    warning)."""
    folded = {fold(a): a for a in allowed}

    def rule(raw: str):
        if raw in allowed:
            return raw
        match = folded.get(fold(raw))
        if match is not None:
            return Normalised(match, f"written as the list ({', '.join(allowed)}) writes it")
        raise RuleBroken(f'"{raw}" is not {what} ({", ".join(allowed)})')

    rule.__doc__ = f"One of: {', '.join(allowed)}."
    return rule


def grade(scale: Sequence[str]) -> Rule:
    """A grade on the partnership's own scale (partnership.yaml: grade_scale); other capitals, inner spacing
    or look-alike characters are read as the scale writes the grade (with a warning), abbreviations are not.
    With no scale, any text is taken: load then refuses the folder once, at partnership.yaml."""
    folded = {fold(g): g for g in scale}

    def rule(raw: str):
        if raw in scale or not scale:
            return raw
        match = folded.get(fold(raw))
        if match is not None:
            return Normalised(match, "grades are written as the partnership's scale writes them")
        raise RuleBroken(f"\"{raw}\" is not a grade on this partnership's scale ({', '.join(scale)})")

    rule.__doc__ = grade.__doc__
    return rule
