"""Reconcile the figures a published report prints with the figures the library computes from the data.

`data/<partnership>/published_figures.csv` (optional) transcribes every figure a partnership's own
report prints: which of our figures it is (`figure_id`), how it was printed (`printed`: "82%", "1,617",
"£192,908"), where (`where`) and what the report claims, in words (`claim`). Each row gets one status:

- match: the printed number is ours after the report's rounding (it is within half a unit of its last
  printed place of our unrounded value: 82% for 82.44%; either rounding rule, so a tie counts);
- differs: it is not;
- percent_for_points: our figure is a change in percentage points and the report prints the same number
  as a percent ("a reduction by 15%" for 35% -> 20%, which is 15 points, a 43% relative fall);
- not_derivable: we have no such figure, or ours is not available.

    reg = register_for(ds, "2023-24")             # or register_for(ds, "2023-24", "Q1") for a quarter
    rows = reconcile(read(ds.folder), reg, "2023-24")   # list[Row]; quarter="Q1" for that quarter's rows
    print(text_table(rows))

A reconciliation is of one report. The year's takes every row of that year (a blank period is the year)
and compares it with the annual figures, which hold the year, earlier years and the audit rounds'
quarters. A quarter's takes the rows whose period is that quarter, or the same quarter of the year
before (which a quarterly report compares with), and compares them with the quarterly figures.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from wsp_analysis.calc import compute
from wsp_analysis.calc.register import Figure, Register, is_missing
from wsp_analysis.data import periods
from wsp_analysis.data.published import FILE, Printed, parse_printed, problems, read
from wsp_analysis import format as fmt

# published_figures.csv's reader and its names are re-exported: reconcile is where scrutineers look for them.
__all__ = ["FILE", "MATCH", "DIFFERS", "PERCENT_FOR_POINTS", "NOT_DERIVABLE", "Printed", "Row", "compare", "counts",
           "figures", "for_dataset", "in_report", "parse_printed", "problems", "read", "reconcile", "register_for",
           "relative_change", "summary", "text_table"]

MATCH, DIFFERS, PERCENT_FOR_POINTS, NOT_DERIVABLE = "match", "differs", "percent_for_points", "not_derivable"
STATUSES = (MATCH, DIFFERS, PERCENT_FOR_POINTS, NOT_DERIVABLE)
STATUS_MEANING = {
    MATCH: "the printed figure is ours after the report's rounding",
    DIFFERS: "the printed figure is not ours after rounding",
    PERCENT_FOR_POINTS: "a change in percentage points printed as a percent",
    NOT_DERIVABLE: "no figure of ours to compare with (not in the data, or not available)",
}

@dataclass(frozen=True)
class Row:
    """One published figure against ours: the printed text, our figure shown to one more place, the status
    (MATCH, DIFFERS, PERCENT_FOR_POINTS, NOT_DERIVABLE), a note, where it is printed and what it claims,
    and our unrounded value."""
    figure_id: str
    period: str
    printed: str
    ours: str  # our figure, shown to one more place than printed (or [x] / "none")
    status: str
    note: str
    where: str
    claim: str
    value: float | int | None = None  # our unrounded value


def _decimal(v) -> Decimal:
    return Decimal(repr(float(v)))


def _within(printed: Decimal, decimals: int, ours: Decimal) -> bool:
    """Is `printed` our value rounded to `decimals` places (either rule: a tie is accepted)?"""
    return abs(ours - printed) <= Decimal(5).scaleb(-(decimals + 1))


def _shown(fig: Figure, scale100: bool, decimals: int) -> str:
    dp = decimals + 1
    if fig.unit == "proportion":
        return fmt.pct(fig.value, dp)
    if fig.unit == "percent":
        return fmt.percent(fig.value, dp)
    if fig.unit == "percentage_points":
        sign = "-" if fig.value < 0 else "+" if fig.value > 0 else ""
        return f"{sign}{fmt.number(abs(fig.value), dp)} percentage points"
    if fig.unit == "gbp":
        return fmt.gbp(fig.value)
    if fig.unit == "count":
        return fmt.count(fig.value) if float(fig.value).is_integer() else fmt.number(fig.value, dp)
    return fmt.number(fig.value * (100 if scale100 else 1), max(dp, 3))


def relative_change(reg: Register, fig: Figure) -> float | None:
    """For a change in points (x.change_pp.y), the relative change of the share it compares, in percent:
    audit.change_pp.good, 35% -> 20%, is -42.9%. None when the register cannot say."""
    if ".change_pp." not in fig.id:
        return None
    prev = periods.previous_year(fig.period[:7])
    for base in (fig.id.replace(".change_pp.", ".share."), fig.id.replace(".change_pp.", ".")):
        if (base, fig.period) in reg and (base, prev) in reg:
            cur, before = reg.value(base, fig.period), reg.value(base, prev)
            if not is_missing(cur) and not is_missing(before) and before != 0:
                return (cur - before) / before * 100
    return None


def compare(fig: Figure | None, printed: Printed, reg: Register | None = None) -> tuple[str, str, str]:
    """(status, ours as shown, note) for one printed figure against ours."""
    if fig is None:
        return NOT_DERIVABLE, "none", "we compute no such figure"
    if fig.missing:
        return NOT_DERIVABLE, fmt.NOT_AVAILABLE, "our figure is not available ([x]): the data do not give it"
    ours = _decimal(fig.value)
    notes = []
    if fig.unit == "proportion" and (printed.percent or not printed.points):
        scaled = ours * 100 if printed.percent else ours
    elif fig.unit in ("proportion", "count", "gbp", "ratio", "p_value", "rating", "effect_size") and printed.points:
        return DIFFERS, _shown(fig, False, printed.decimals), f"printed as percentage points; our figure is a {fig.unit}"
    else:
        scaled = ours
    if fig.unit in ("count", "gbp") and printed.percent:
        return DIFFERS, _shown(fig, False, printed.decimals), f"printed as a percent; our figure is a {fig.unit}"
    target = printed.value
    if not printed.signed and scaled < 0:
        scaled = -scaled
        notes.append("compared without sign (the claim's words give the direction)")
    shown = _shown(fig, False, printed.decimals)
    if fig.unit == "percentage_points" and printed.percent:
        if _within(target, printed.decimals, scaled):
            rel = relative_change(reg, fig) if reg is not None else None
            words = f"{fmt.points(fig.value, printed.decimals)} printed as {printed.text}"
            if rel is not None:
                words += f"; as a relative change it is {fmt.percent(rel, 1)}"
            return PERCENT_FOR_POINTS, shown, words
        return DIFFERS, shown, "printed as a percent; our figure is a change in percentage points, and the size differs"
    if _within(target, printed.decimals, scaled):
        return MATCH, shown, "; ".join(notes)
    if printed.decimals and _within(target.scaleb(printed.decimals), 0, scaled):
        shown_as = f"{'£' if printed.pounds else ''}{printed.value.normalize():,}"
        notes.append(f"{printed.text} reads as {shown_as}; with a thousands comma for its point it would be ours")
    return DIFFERS, shown, "; ".join(notes)


def register_for(ds, year: str, quarter: str | None = None) -> Register:
    """The figures the report of `year` (or of its `quarter`, "Q1".."Q4") states: what its published
    figures are compared with. ValueError for a year or quarter that is not one."""
    return compute.register(ds, year, quarter)


def in_report(row: dict, year: str, quarter: str | None = None) -> str | None:
    """The period a published_figures row is for, when the report of `year` (or of its `quarter`) prints
    it; None when it belongs to another report. A blank year counts for any year; a blank period is the
    year, so a quarter's reconciliation leaves it to the annual one."""
    if row.get("year") not in (None, year):
        return None
    period = row.get("period") or year
    if quarter is None:
        return period
    q = periods.parse_quarter(quarter)
    reported = (periods.period_label(year, q), periods.period_label(periods.previous_year(year), q))
    return period if period in reported else None


def reconcile(rows: list[dict], reg: Register, year: str, quarter: str | None = None) -> list[Row]:
    """One Row per published figure the report of `year` prints (given `quarter`, the report of that
    quarter: `reg` is then the quarterly register), in the file's order."""
    out = []
    for r in rows:
        period = in_report(r, year, quarter)
        if period is None:
            continue
        fig = reg.get(r["figure_id"], period) if (r["figure_id"], period) in reg else None
        printed = parse_printed(r["printed"])
        status, ours, note = compare(fig, printed, reg)
        out.append(Row(r["figure_id"], period, r["printed"], ours, status, note, r["where"], r["claim"],
                       None if fig is None else fig.value))
    return out


def for_dataset(ds, reg: Register, year: str, quarter: str | None = None) -> list[Row] | None:
    """Reconcile the partnership's published_figures.csv with `reg` (the register of `year`, or of its
    `quarter`); None when the partnership has none."""
    rows = read(ds.folder, ds.label)
    return None if rows is None else reconcile(rows, reg, year, quarter)


def counts(rows: list[Row]) -> dict[str, int]:
    """How many rows have each status: {status: count} for every status, 0 where none."""
    return {s: sum(r.status == s for r in rows) for s in STATUSES}


def summary(rows: list[Row]) -> str:
    """One line: how many published figures, and how many of each status."""
    c = counts(rows)
    return (f"{len(rows)} published figure{'s' if len(rows) != 1 else ''}: "
            + ", ".join(f"{c[s]} {s}" for s in STATUSES))


def text_table(rows: list[Row]) -> str:
    """A plain-text table for the terminal: status, figure, period, printed, ours, note; then a summary."""
    head = ("status", "figure_id", "period", "printed", "ours", "note")
    body = [(r.status, r.figure_id, r.period, r.printed, r.ours, r.note) for r in rows]
    widths = [max(len(str(x[i])) for x in [head, *body]) for i in range(5)]
    lines = ["  ".join([*(str(x[i]).ljust(widths[i]) for i in range(5)), x[5]]).rstrip() for x in [head, *body]]
    return "\n".join([*lines, summary(rows)])


def figures(rows: list[Row], period: str, source: str) -> list[Figure]:
    """How many published figures have each status: reconcile.rows and reconcile.<status> (counts), for
    the period of the report reconciled (2023-24, or 2023-24-Q1 for a quarter's)."""
    c = counts(rows)
    out = [Figure("reconcile.rows", "Published figures transcribed from the report", period, len(rows), "count",
                  source=source)]
    for s in STATUSES:
        out.append(Figure(f"reconcile.{s}", f"Published figures with status {s} ({STATUS_MEANING[s]})", period,
                          c[s], "count", source=source))
    return out
