"""Checks across the cells of a row, and across the rows of one table: each small, named after its rule,
its docstring the rule in words (docs/data.md lists them under each table).

A row check sees one record (a dict of typed values; a cell that broke its own rule is left out) and
returns [(column, message)]; a table check sees every record (with its spreadsheet row under "_row")
and returns [(row, column, message)].
"""
from __future__ import annotations

from wsp_analysis.data import periods
from wsp_analysis.data.columns import TableCheck


def _n(v: int) -> str:
    return f"{v:,}"


def booked(r: dict) -> tuple[int | None, str]:
    """A training row's bookings and how they are known: as given, else registrations - cancellations (places
    booked and not cancelled), with words saying so; (None, "") when neither is given."""
    b, reg, c = r.get("bookings"), r.get("registrations"), r.get("cancellations")
    if b is not None:
        return b, ""
    if None not in (reg, c):
        return reg - c, f"; bookings = registrations - cancellations = {_n(reg)} - {_n(c)} = {_n(reg - c)}"
    return None, ""


def bookings_are_attended_plus_no_shows(r: dict) -> list[tuple[str, str]]:
    """bookings = attended + no_shows (cancellations are not bookings); where walk_ins is given, attended
    counts them too: attended = bookings - no_shows + walk_ins. Bookings left blank are registrations -
    cancellations."""
    (b, how), a, n, w = booked(r), r.get("attended"), r.get("no_shows"), r.get("walk_ins")
    if None in (b, a, n):
        return []
    if w is not None:
        if a != b - n + w:
            return [("attended", f"{_n(a)} attended is not bookings - no-shows + walk-ins ({_n(b)} - {_n(n)} + "
                                 f"{_n(w)} = {_n(b - n + w)}{how})")]
    elif a + n != b:
        if how:
            return [("attended", f"{_n(a)} attended + {_n(n)} no-shows = {_n(a + n)} is not the {_n(b)} bookings "
                                 f"({how[2:]}); if some attended without booking, give them as walk_ins")]
        return [("bookings", f"{_n(b)} bookings is not attended + no-shows ({_n(a)} + {_n(n)} = {_n(a + n)})")]
    return []


def bookings_are_registrations_less_cancellations(r: dict) -> list[tuple[str, str]]:
    """bookings = registrations - cancellations, where all three are given (registrations count the places
    later cancelled; bookings do not)."""
    b, reg, c = r.get("bookings"), r.get("registrations"), r.get("cancellations")
    if None not in (b, reg, c) and reg - c != b:
        return [("bookings", f"{_n(b)} bookings is not registrations - cancellations ({_n(reg)} - {_n(c)} = "
                             f"{_n(reg - c)})")]
    return []


def cancellations_not_more_than_registrations(r: dict) -> list[tuple[str, str]]:
    """cancellations <= registrations."""
    reg, c = r.get("registrations"), r.get("cancellations")
    if None not in (reg, c) and c > reg:
        return [("cancellations", f"{_n(c)} cancellations is more than the {_n(reg)} registrations")]
    return []


def attended_not_more_than_bookings(r: dict) -> list[tuple[str, str]]:
    """attended <= bookings; where walk_ins is given, attended - walk_ins <= bookings."""
    (b, how), a, w = booked(r), r.get("attended"), r.get("walk_ins")
    if None in (b, a):
        return []
    said = f" ({how[2:]})" if how else ""
    if w is not None:
        if a - w > b:
            return [("attended", f"{_n(a - w)} attended from bookings ({_n(a)} attended - {_n(w)} walk-ins) is more "
                                 f"than the {_n(b)} bookings{said}")]
    elif a > b:
        return [("attended", f"{_n(a)} attended is more than the {_n(b)} bookings{said}")]
    return []


def walk_ins_not_more_than_attended(r: dict) -> list[tuple[str, str]]:
    """walk_ins <= attended (walk-ins are among those who attended)."""
    a, w = r.get("attended"), r.get("walk_ins")
    if None not in (a, w) and w > a:
        return [("walk_ins", f"{_n(w)} walk-ins is more than the {_n(a)} who attended")]
    return []


def attended_not_more_than_places(r: dict) -> list[tuple[str, str]]:
    """attended <= places_offered."""
    p, a = r.get("places_offered"), r.get("attended")
    if None not in (p, a) and a > p:
        return [("places_offered", f"{_n(p)} places offered is fewer than the {_n(a)} who attended")]
    return []


def occurrences_not_fewer_than_events(r: dict) -> list[tuple[str, str]]:
    """occurrences >= events (each event runs at least once)."""
    e, o = r.get("events"), r.get("occurrences")
    if None not in (e, o) and o < e:
        return [("occurrences", f"{_n(o)} occurrences is fewer than the {_n(e)} events")]
    return []


def course_parts_within_signed_up(r: dict) -> list[tuple[str, str]]:
    """completed + in_progress <= signed_up."""
    s, c, p = r.get("signed_up"), r.get("completed"), r.get("in_progress")
    if None not in (s, c) and c > s:
        return [("completed", f"{_n(c)} completed is more than the {_n(s)} signed up")]
    if None not in (s, c, p) and c + p > s:
        return [("in_progress", f"completed + in progress ({_n(c)} + {_n(p)} = {_n(c + p)}) is more than the {_n(s)} signed up")]
    return []


def completion_date_only_when_completed(r: dict) -> list[tuple[str, str]]:
    """date_completed is given only for a completed action."""
    if r.get("date_completed") is not None and r.get("status") not in (None, "completed"):
        return [("date_completed", f"a completion date is given but the status is {r['status']}; give the date only "
                                   "for a completed action, or set the status to completed")]
    return []


def action_dates_in_order(r: dict) -> list[tuple[str, str]]:
    """date_raised <= due_date and date_raised <= date_completed."""
    raised, out = r.get("date_raised"), []
    for column, word in (("due_date", "due"), ("date_completed", "completed")):
        d = r.get(column)
        if raised is not None and d is not None and d < raised:
            out.append((column, f"{d.isoformat()} ({word}) is before the action was raised on {raised.isoformat()}"))
    return out


def numerator_and_denominator_together(r: dict) -> list[tuple[str, str]]:
    """numerator and denominator are given together or not at all, and a denominator is above 0."""
    n, d = r.get("numerator"), r.get("denominator")
    if (n is None) != (d is None):
        given, other = ("numerator", "denominator") if d is None else ("denominator", "numerator")
        return [(other, f"a {given} is given without a {other}; give both (the value is numerator / "
                        "denominator) or neither")]
    if d == 0:
        return [("denominator", "a denominator of 0 gives no value; leave numerator and denominator blank when "
                                "there is nothing to divide by")]
    return []


def target_in_unit_range(r: dict) -> list[tuple[str, str]]:
    """A target in proportion (or p_value) is from 0 to 1; a target in count is 0 or more."""
    t, unit = r.get("target"), r.get("unit")
    if t is None or unit is None:
        return []
    if unit in ("proportion", "p_value") and not 0 <= t <= 1:
        hint = f" (for {t:g}%, write {t / 100:g}, or make the unit percent)" if 1 < t <= 100 else ""
        return [("target", f"{t:g} is not a {unit.replace('_', '-')} from 0 to 1{hint}")]
    if unit == "count" and t < 0:
        return [("target", f"{t:g} is negative; a count cannot be")]
    return []


def one_frequency_per_indicator(records: list[dict]) -> list[tuple[int, str, str]]:
    """An indicator is given either by quarter or by whole year, never both: its chart is of one or the other."""
    first: dict[str, dict[bool, int]] = {}  # indicator -> {by quarter?: first row}
    for r in records:
        if r.get("indicator") is None or r.get("year") is None:
            continue  # a cell that broke its rule is reported already
        first.setdefault(r["indicator"], {}).setdefault(r.get("quarter") is not None, r["_row"])
    out = []
    for r in records:
        seen = first.get(r.get("indicator"), {})
        if len(seen) == 2 and r["_row"] == max(seen.values()):
            out.append((r["_row"], "quarter",
                        f"{r['indicator']} is given by quarter (row {seen[True]}) and for a whole year (row "
                        f"{seen[False]}); give an indicator's values either by quarter or by year, not both: its "
                        "chart is of one or the other"))
    return out


def whole_year_or_quarters(*group: str) -> TableCheck:
    """A year is given either as one whole-year row or as quarter rows, never both (it would count twice)."""

    def check(records: list[dict]) -> list[tuple[int, str, str]]:
        # a record whose year (or other key) broke its own rule is already reported: leave it out here
        records = [r for r in records if all(r.get(g) is not None for g in group)]
        annual = {tuple(r[g] for g in group): r["_row"] for r in records if r.get("quarter") is None}
        out = []
        for r in records:
            k = tuple(r[g] for g in group)
            if r.get("quarter") is not None and k in annual:
                out.append((r["_row"], "quarter",
                            f"{r['quarter']} repeats a period already given as a whole year in row {annual[k]}; "
                            "give the year either as one whole-year row or by quarter, not both"))
        return out

    check.__doc__ = whole_year_or_quarters.__doc__
    check.__name__ = "whole_year_or_quarters"
    return check


def one_theme_per_quarter(records: list[dict]) -> list[tuple[int, str, str]]:
    """Each quarter's audit round has one theme: the audit figures and reports are built on one theme a quarter."""
    first: dict[tuple, tuple[str, int]] = {}  # (year, quarter) -> (its theme, the row that first gives it)
    others: dict[tuple, list[int]] = {}  # (year, quarter, another theme) -> its rows
    for r in records:
        year, quarter, theme = r.get("year"), r.get("quarter"), r.get("theme")
        if None in (year, quarter, theme):
            continue  # a cell that broke its rule (or a blank) is reported already
        theme0, _ = first.setdefault((year, quarter), (theme, r["_row"]))
        if theme != theme0:
            others.setdefault((year, quarter, theme), []).append(r["_row"])
    out = []
    for (year, quarter, theme), rows in others.items():
        theme0, row0 = first[(year, quarter)]
        out.append((rows[0], "theme",
                    f'"{theme}" is a second theme for {year} {quarter} ({rows_words(rows)}; row {row0} has '
                    f'"{theme0}"): a quarter\'s audit round has one theme, as the figures and reports are built; '
                    "record one theme per quarter"))
    return sorted(out)


def rows_words(rows: list[int]) -> str:
    """2, 3, 4, 7 -> "rows 2-4 and 7"; 5 -> "row 5"."""
    rows = sorted(rows)
    spans, start = [], rows[0]
    for a, b in zip(rows, rows[1:] + [None]):
        if b != a + 1:
            spans.append(f"{start}-{a}" if a != start else f"{a}")
            start = b
    words = spans[0] if len(spans) == 1 else ", ".join(spans[:-1]) + " and " + spans[-1]
    return f"row{'s' if len(rows) > 1 else ''} {words}"


def attended_not_more_than_capacity(r: dict) -> list[tuple[str, str]]:
    """attended <= capacity (the places the sessions offered)."""
    cap, a = r.get("capacity"), r.get("attended")
    if None not in (cap, a) and a > cap:
        return [("capacity", f"{_n(cap)} places is fewer than the {_n(a)} who attended")]
    return []


def date_in_its_period(r: dict) -> list[tuple[str, str]]:
    """A date, where given, falls in the row's financial year, and in its quarter where one is given."""
    d, year, quarter = r.get("date"), r.get("year"), r.get("quarter")
    if d is None or year is None:
        return []
    y, q = periods.of_date(d)
    if y != year or (quarter is not None and q != quarter):
        said = f"{year} {quarter}" if quarter else year
        return [("date", f"{d.isoformat()} is in {q} {y}, not in {said} as the row says")]
    return []


def whole_year_or_quarters_throughout(records: list[dict]) -> list[tuple[int, str, str]]:
    """A year's rows are either all for the whole year (quarter blank) or all by quarter: totals over the rows
    would otherwise count a whole-year row beside quarters it may overlap."""
    first: dict = {}  # year -> (whether its first row is a whole-year row, that row)
    out = []
    for r in records:
        year = r.get("year")
        if year is None:
            continue
        whole = r.get("quarter") is None
        kind0, row0 = first.setdefault(year, (whole, r["_row"]))
        if whole != kind0:
            said = "a whole-year row" if whole else f"a {r['quarter']} row"
            other = "by quarter" if whole else "for the whole year"
            out.append((r["_row"], "quarter", f"{said} for {year}, but row {row0} gives {year} {other}: give a "
                                              "year's rows either all for the whole year or all by quarter"))
    return out
