"""UK financial years ("2023-24", April to March) and their quarters (Q1 = Apr-Jun ... Q4 = Jan-Mar)."""
from __future__ import annotations

import functools
import re
from datetime import date

import numpy as np
import pandas as pd

from wsp_analysis.errors import UsageError

QUARTERS = ("Q1", "Q2", "Q3", "Q4")
QUARTER_MONTHS = {"Q1": "April to June", "Q2": "July to September", "Q3": "October to December", "Q4": "January to March"}
_YEAR = re.compile(r"^(\d{4})-(\d{2})$")


def parse_year(text: str) -> str:
    """Return the financial year `text` names, as "2023-24"; ValueError if it is not one."""
    s = str(text).strip()
    m = _YEAR.match(s)
    if not m:
        raise ValueError(f'"{text}" is not a financial year written like 2023-24')
    start, end = int(m.group(1)), int(m.group(2))
    if (start + 1) % 100 != end:
        raise ValueError(f'"{text}" is not a financial year: {start}-{(start + 1) % 100:02d} would follow {start}')
    return s


def parse_quarter(text: str) -> str:
    """Return "Q1".."Q4"; ValueError otherwise."""
    s = str(text).strip().upper()
    if s not in QUARTERS:
        raise ValueError(f'"{text}" is not a quarter (Q1, Q2, Q3 or Q4)')
    return s


def parse_period(year: str, quarter: str | None = None) -> tuple[str, str | None]:
    """(year, quarter) as parse_year and parse_quarter write them (quarter None when not given); UsageError,
    saying what is wrong, for the command line's exit 2."""
    try:
        return parse_year(year), parse_quarter(quarter) if quarter else None
    except ValueError as e:
        raise UsageError(str(e)) from None


def start_year(year: str) -> int:
    """The calendar year a financial year starts in: 2023 for 2023-24. ValueError when it is not a financial
    year."""
    return int(parse_year(year)[:4])


def previous_year(year: str) -> str:
    """The financial year before: 2022-23 for 2023-24."""
    y = start_year(year) - 1
    return f"{y}-{(y + 1) % 100:02d}"


def year_dates(year: str) -> tuple[date, date]:
    """First and last day of the financial year (1 April to 31 March)."""
    y = start_year(year)
    return date(y, 4, 1), date(y + 1, 3, 31)


def of_dates(dates) -> tuple[np.ndarray, np.ndarray]:
    """The financial year ("2023-24") and quarter ("Q1") of each date (datetime.date; None where blank), as
    two object arrays as long as `dates`. Each distinct date is looked up once (of_date): a million
    bookings hold a few thousand dates."""
    codes, distinct = pd.factorize(pd.Series(dates, dtype=object))
    found = [of_date(d) for d in distinct] + [(None, None)]  # code -1, a blank date, takes the last
    years = np.array([y for y, _ in found], dtype=object)
    quarters = np.array([q for _, q in found], dtype=object)
    return years[codes], quarters[codes]


def quarter_dates(year: str, quarter: str) -> tuple[date, date]:
    """First and last day of a quarter of a financial year: Q1 is 1 April to 30 June."""
    y = start_year(year)
    q = QUARTERS.index(parse_quarter(quarter))
    starts = [date(y, 4, 1), date(y, 7, 1), date(y, 10, 1), date(y + 1, 1, 1)]
    ends = [date(y, 6, 30), date(y, 9, 30), date(y, 12, 31), date(y + 1, 3, 31)]
    return starts[q], ends[q]


def period_label(year: str, quarter: str | None = None) -> str:
    """The period id used in figures.csv and report folders: "2023-24" or "2023-24-Q3"."""
    year = parse_year(year)
    return f"{year}-{parse_quarter(quarter)}" if quarter else year


def describe(year: str, quarter: str | None = None) -> str:
    """Plain words for a period, e.g. "2023-24 (1 April 2023 to 31 March 2024)"."""
    first, last = quarter_dates(year, quarter) if quarter else year_dates(year)
    name = f"{parse_quarter(quarter)} {year}" if quarter else year
    return f"{name} ({first.day} {first:%B %Y} to {last.day} {last:%B %Y})"


@functools.cache  # a region's tables share a few thousand dates, each looked up by every partnership
def of_date(d: date) -> tuple[str, str]:
    """The financial year and quarter a date falls in: 2024-01-15 -> ("2023-24", "Q4")."""
    start = d.year if d.month >= 4 else d.year - 1
    return f"{start}-{(start + 1) % 100:02d}", QUARTERS[((d.month - 4) % 12) // 3]


def quarters_to(quarter: str) -> tuple[str, ...]:
    """Q1 up to and including `quarter`: the quarters of a year-to-date figure."""
    return QUARTERS[: QUARTERS.index(parse_quarter(quarter)) + 1]
