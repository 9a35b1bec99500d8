"""Disclosure control for publication: counts from 1 to the partnership's threshold are shown as [c],
and further counts are suppressed until no suppressed count can be worked out from what is shown.

Reports about children are published; a count of 1 to 5 audits or referrals can identify a child.
`protect(register, threshold)` returns the register a publication report shows:

1. Primary suppression: every count cell from 1 to `threshold` (default 5, as the DfE does).
2. Secondary suppression: the register's counts are tied by totals and differences (grades sum to
   the audits graded, quarters to the year, bookings = attended + no-shows, a change = this year's
   count - last year's). While any suppressed cell can be solved from those equations and the cells
   shown, the smallest shown cell in one of its equations is suppressed too.
3. Anything built on a suppressed count is suppressed: proportions (and their intervals), percent
   changes, and the tests, effect sizes and mean ratings of that part of the report.

Not covered, and said so in the report: bounds that non-negativity alone gives, and differences
between separately published reports (e.g. two quarters' year-to-date figures).
"""
from __future__ import annotations

import re
from dataclasses import replace

import numpy as np

from wsp_analysis.data import periods
from wsp_analysis.calc.register import Figure, Register, is_missing

DEFAULT_THRESHOLD = 5
SYMBOL = "[c]"
Cell = tuple[str, str, str]  # (figure id, period, "value" | "numerator" | "denominator")

# Ratios whose numerator and denominator are other figures' counts (same period).
RATIO_PARTS = {
    "training.attendance_rate": ("training.attended", "training.bookings"),
    "training.no_show_rate": ("training.no_shows", "training.bookings"),
    "training.utilisation_rate": ("training.attended", "training.places_offered"),
    "referrals.rapid_review_rate": ("referrals.rapid_reviews", "referrals.received"),
}
# Percent changes whose numerator is this year's count and denominator last year's.
PCT_CHANGE_PARTS = {"training.events_change_pct": "training.events",
                    "training.elearning_change_pct": "training.elearning_taken"}
DERIVED_UNITS = ("p_value", "effect_size", "rating")  # suppressed with their part of the report
# The parts of a report that count children's cases: audits (and the counts inferred behind published
# percentages) and referrals. Training counts staff bookings, actions count tasks, budget counts pounds.
DOMAINS = ("audit", "consistency", "referrals")


def rule(threshold: int) -> str:
    """The rule in words, for the report and its tables' notes."""
    return (f"In the counts of audited cases and referrals, counts from 1 to {threshold} are shown as [c] "
            "(suppressed to protect confidentiality), and so are other counts that would let a suppressed count "
            "be worked out from the totals shown, and every share, change, interval or test built on a "
            "suppressed count. Training, actions and money are not counts of children and are shown in full.")


def _base(fid: str) -> tuple[str, str]:
    """Split a year-to-date suffix: "training.attended.ytd" -> ("training.attended", ".ytd")."""
    return (fid[:-4], ".ytd") if fid.endswith(".ytd") else (fid, "")


def cell_of(fig: Figure, field: str) -> Cell:
    """The count a figure's value, numerator or denominator is, named once (so the denominator of the
    share graded Good is the same cell as audits graded)."""
    base, ytd = _base(fig.id)
    if field != "value":
        if base in PCT_CHANGE_PARTS:
            period = fig.period if field == "numerator" else periods.previous_year(fig.period)
            return (PCT_CHANGE_PARTS[base], period, "value")
        if base in RATIO_PARTS:
            return (RATIO_PARTS[base][field == "denominator"] + ytd, fig.period, "value")
        if base.startswith("audit.share.") and field == "denominator":
            return ("audit.graded" + ytd, fig.period, "value")
        m = re.match(r"(training\.course\.[^.]+)\.completion_rate$", base)
        if m:
            return (f"{m.group(1)}.{'signed_up' if field == 'denominator' else 'completed'}", fig.period, "value")
    return (fig.id, fig.period, field)


def count_cells(reg: Register) -> dict[Cell, float]:
    """Every count the register shows, once: count figures' values and count-based proportions' parts."""
    cells: dict[Cell, float] = {}
    for f in reg:
        if f.unit == "count" and not is_missing(f.value):
            cells[cell_of(f, "value")] = f.value
        elif f.numerator is not None and f.denominator is not None and (
                f.unit == "proportion" or _base(f.id)[0] in PCT_CHANGE_PARTS):
            for field in ("numerator", "denominator"):
                v = getattr(f, field)
                if v is not None and float(v).is_integer():
                    cells.setdefault(cell_of(f, field), v)
    return cells


def equations(reg: Register, cells: dict[Cell, float]) -> list[dict[Cell, int]]:
    """The linear relations between shown counts (each: sum of coefficient x cell = 0)."""
    eqs: list[dict[Cell, int]] = []
    periods = {f.period for f in reg}
    graded = {p for p in periods if ("audit.graded", p, "value") in cells}
    grades = sorted({f.id for f in reg if f.id.startswith("audit.share.") and not f.id.endswith(".ytd")})
    for p in graded:  # grades sum to the audits graded
        parts = [(g, p, "numerator") for g in grades if (g, p, "numerator") in cells]
        if parts:
            eqs.append({**{c: 1 for c in parts}, ("audit.graded", p, "value"): -1})
    for year in {p for p in graded if "-Q" not in p}:  # quarters sum to the year
        qs = [f"{year}-Q{i}" for i in range(1, 5)]
        if all(q in graded for q in qs):
            eqs.append({**{("audit.graded", q, "value"): 1 for q in qs}, ("audit.graded", year, "value"): -1})
            for g in grades:
                if all((g, q, "numerator") in cells for q in qs) and (g, year, "numerator") in cells:
                    eqs.append({**{(g, q, "numerator"): 1 for q in qs}, (g, year, "numerator"): -1})
    for p in periods:  # bookings = attended + no-shows
        for ytd in ("", ".ytd"):
            b, a, n = (("training." + k + ytd, p, "value") for k in ("bookings", "attended", "no_shows"))
            if b in cells and a in cells and n in cells:
                eqs.append({a: 1, n: 1, b: -1})
    for f in reg:  # count changes: change = this period - the one before
        if f.unit == "count" and f.id.endswith("_change") and f.numerator is not None and f.denominator is not None:
            base = f.id[: -len("_change")]
            now = (base, f.period, "value")
            before = next(((base, q, "value") for q in periods if q != f.period and cells.get((base, q, "value"))
                           == f.denominator), None)
            if now in cells and before is not None:
                eqs.append({(f.id, f.period, "value"): 1, now: -1, before: 1})
    for fid in {f.id for f in reg if f.id.startswith("referrals.") and f.unit == "count"}:  # quarters sum to year
        for year in {p for p in periods if "-Q" not in p and (fid, p, "value") in cells}:
            qs = [(fid, f"{year}-Q{i}", "value") for i in range(1, 5)]
            if all(q in cells for q in qs):
                eqs.append({**{q: 1 for q in qs}, (fid, year, "value"): -1})
    return eqs


def solvable(eqs: list[dict[Cell, int]], hidden: set[Cell]) -> list[Cell]:
    """The hidden cells that the equations determine once every shown cell is known (linear algebra:
    a hidden cell is determined when its unit vector lies in the row space of the hidden columns)."""
    cols = sorted({c for e in eqs for c in e if c in hidden})
    if not cols:
        return []
    index = {c: i for i, c in enumerate(cols)}
    a = np.array([[e.get(c, 0) for c in cols] for e in eqs if any(c in hidden for c in e)], dtype=float)
    rank = np.linalg.matrix_rank(a)
    out = []
    for c in cols:
        unit = np.zeros(len(cols))
        unit[index[c]] = 1
        if np.linalg.matrix_rank(np.vstack([a, unit])) == rank:
            out.append(c)
    return out


def suppressed_cells(reg: Register, threshold: int) -> set[Cell]:
    """Primary and secondary suppression over the register's counts."""
    cells = count_cells(reg)
    hidden = {c for c, v in cells.items() if 1 <= v <= threshold and c[0].split(".", 1)[0] in DOMAINS}
    eqs = equations(reg, cells)
    while True:
        exposed = solvable(eqs, hidden)
        if not exposed:
            return hidden
        target = exposed[0]
        candidates = sorted(((cells[c], c) for e in eqs if target in e for c in e if c not in hidden),
                            key=lambda t: (t[0], t[1]))
        if not candidates:  # every cell of its equations is hidden: widen to any equation it shares cells with
            candidates = sorted((cells[c], c) for e in eqs for c in e if c not in hidden)
        if not candidates:
            return hidden
        hidden.add(candidates[0][1])


def protect(reg: Register, threshold: int = DEFAULT_THRESHOLD) -> Register:
    """The register a publication report shows: suppressed figures have no value and the symbol [c]."""
    hidden = suppressed_cells(reg, threshold)
    touched_domains = {c[0].split(".", 1)[0] for c in hidden}
    out = Register()
    for f in reg:
        parts = [cell_of(f, "value")] if f.unit == "count" else [
            cell_of(f, field) for field in ("numerator", "denominator") if getattr(f, field) is not None]
        derived = f.unit in DERIVED_UNITS and f.id.split(".", 1)[0] in touched_domains
        change = _change_of_hidden(f, reg, hidden)
        if any(p in hidden for p in parts) or derived or change:
            out.add(replace(f, value=None, numerator=None, denominator=None, ci_low=None, ci_high=None,
                            symbol=SYMBOL))
        else:
            out.add(f)
    return out


def _change_of_hidden(f: Figure, reg: Register, hidden: set[Cell]) -> bool:
    """A change in percentage points (or percent) whose shares or counts are suppressed."""
    if f.unit != "percentage_points":
        return False
    m = re.match(r"(audit|training)\.change_pp\.(.+)$", f.id)
    if not m:
        return False
    base = f"audit.share.{m.group(2)}" if m.group(1) == "audit" else f"training.{m.group(2)}"
    related = [g for g in reg if _base(g.id)[0] == base]
    return any(cell_of(g, field) in hidden for g in related for field in ("numerator", "denominator", "value"))
