"""Disclosure control for publication: counts from 1 to the partnership's threshold are shown as [c],
and further counts are suppressed until no suppressed count can be worked out from what is shown.

Reports about children are published; a count of 1 to 5 audits or referrals can identify a child.
`protect(register, threshold)` returns the register a publication report shows:

1. Primary suppression: every count cell from 1 to `threshold` (default 5, as the DfE does).
2. Secondary suppression: the register's counts are tied by totals and differences, and those ties are
   read from the figures the register actually holds, whatever periods, themes and grades are present:
   the grades shown for a period sum to its audits graded (and inferred counts to their total), the
   quarters shown for a year sum to the year (with no Q4 round, Q1 + Q2 + Q3 is the year), a first
   quarter's year-to-date count is the quarter's, bookings = attended + no-shows, and a change = this
   period's count - the one before. A figure that exists but is not available ([x]) is an unknown in
   those ties, never 0. While any suppressed cell can be solved from the ties and the cells shown, a
   shown cell of its ties is suppressed too (the smallest that stops the solution, else the smallest).
3. Anything built on a suppressed count is suppressed: proportions (and their intervals), percent
   changes, and the tests, effect sizes and mean ratings of that part of the report. A figure with no
   number at all stays not available ([x]): there is nothing to protect, and [c] would say there was.

Not covered, and said so in the report: bounds that non-negativity alone gives, and differences
between separately published reports (e.g. two quarters' year-to-date figures).
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import replace

import numpy as np

from wsp_analysis.calc.register import Figure, Register

DEFAULT_THRESHOLD = 5
SYMBOL = "[c]"
Cell = tuple[str, str, str]  # (figure id, period, "value" | "numerator" | "denominator")
Equation = dict[Cell, int]  # sum of coefficient x cell = 0

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
# Families whose parts sum to a total in the same period: (id prefix of a part, the part's field, total id).
PARTITIONS = (("audit.share.", "numerator", "audit.graded"),
              ("consistency.count.", "value", "consistency.smallest_n.half_up"))
DERIVED_UNITS = ("p_value", "effect_size", "rating")  # suppressed with their part of the report
# The parts of a report that count children's cases: audits (and the counts inferred behind published
# percentages) and referrals. Training counts staff bookings, actions count tasks, budget counts pounds.
DOMAINS = ("audit", "consistency", "referrals")
_QUARTER = re.compile(r"^(\d{4}-\d{2})-(Q[1-4])$")


def rule(threshold: int) -> str:
    """The rule in words, for the report and its tables' notes."""
    return (f"In the counts of audited cases and referrals, counts from 1 to {threshold} are shown as [c] "
            "(suppressed to protect confidentiality), and so are other counts that would let a suppressed count "
            "be worked out from the totals shown, and every share, change, interval or test built on a "
            "suppressed count. Training, actions and money are not counts of children and are shown in full.")


def _base(fid: str) -> tuple[str, str]:
    """Split a year-to-date suffix: "training.attended.ytd" -> ("training.attended", ".ytd")."""
    return (fid[:-4], ".ytd") if fid.endswith(".ytd") else (fid, "")


def _previous(period: str) -> str:
    """The period a change compares with: the year before, or the same quarter of the year before
    ("2023-24" -> "2022-23", "2023-24-Q1" -> "2022-23-Q1")."""
    y = int(period[:4]) - 1
    return f"{y}-{(y + 1) % 100:02d}{period[7:]}"


def cell_of(fig: Figure, field: str) -> Cell:
    """The count a figure's value, numerator or denominator is, named once (so the denominator of the
    share graded Good is the same cell as audits graded, and a change's numerator is this year's count)."""
    base, ytd = _base(fig.id)
    if field != "value":
        before = fig.period if field == "numerator" else _previous(fig.period)
        if base in PCT_CHANGE_PARTS:
            return (PCT_CHANGE_PARTS[base], before, "value")
        if fig.unit == "count" and base.endswith("_change"):
            return (base[: -len("_change")] + ytd, before, "value")
        if base in RATIO_PARTS:
            return (RATIO_PARTS[base][field == "denominator"] + ytd, fig.period, "value")
        if base.startswith("audit.share.") and field == "denominator":
            return ("audit.graded" + ytd, fig.period, "value")
        m = re.match(r"(training\.course\.[^.]+)\.completion_rate$", base)
        if m:
            return (f"{m.group(1)}.{'signed_up' if field == 'denominator' else 'completed'}", fig.period, "value")
    return (fig.id, fig.period, field)


def _count_fields(fig: Figure) -> tuple[str, ...]:
    """The fields of a figure that are counts: a count's value (and, for a change, the two counts it
    compares), a share's or percent change's numerator and denominator."""
    if fig.unit == "count":
        return ("value", *(f for f in ("numerator", "denominator") if getattr(fig, f) is not None))
    if fig.unit == "proportion" or _base(fig.id)[0] in PCT_CHANGE_PARTS:
        return ("numerator", "denominator")
    return ()


def _named(reg: Register) -> dict[Cell, float | None]:
    """Every count cell the register names, with its value, or None where the figure is not available
    (an unknown, not 0). A share without counts (a published percentage) names none."""
    out: dict[Cell, float | None] = {}
    for f in reg:
        fields = _count_fields(f)
        if fields[:1] == ("numerator",) and f.numerator is None and f.denominator is None and not f.missing:
            continue  # a published percentage: there are no counts behind it in the register
        for field in fields:
            v = getattr(f, field)
            if field != "value" and v is not None and not float(v).is_integer():
                continue  # a share of pounds or of a rating, not of counted things
            c = cell_of(f, field)
            if out.get(c) is None:
                out[c] = v
    return out


def count_cells(reg: Register) -> dict[Cell, float]:
    """Every count the register shows, once: count figures' values and count-based proportions' parts."""
    return {c: v for c, v in _named(reg).items() if v is not None}


def _holds(eq: Equation, named: dict[Cell, float | None]) -> bool:
    """A tie the register's numbers break is not a tie (a reader using it gets a wrong answer); one with
    an unknown cell cannot be checked and is kept."""
    values = [named.get(c) for c in eq]
    return any(v is None for v in values) or sum(k * v for k, v in zip(eq.values(), values)) == 0


def equations(reg: Register) -> list[Equation]:
    """The linear ties between the register's counts, read from the periods, themes and grades it holds.
    Cells not available are unknowns in them."""
    named = _named(reg)
    by_series: dict[tuple[str, str], set[str]] = defaultdict(set)  # (id, field) -> periods named
    for cid, period, field in named:
        by_series[(cid, field)].add(period)
    eqs: list[Equation] = []
    for prefix, field, total in PARTITIONS:  # the parts shown for a period sum to its total
        for ytd in ("", ".ytd"):
            for period in {p for (cid, _), ps in by_series.items() if cid == total + ytd for p in ps}:
                parts = [c for c in named if c[1] == period and c[2] == field and c[0].startswith(prefix)
                         and _base(c[0])[1] == ytd]
                if parts:
                    eqs.append({**{c: 1 for c in parts}, (total + ytd, period, "value"): -1})
    for (cid, field), ps in by_series.items():
        for year in {p for p in ps if _QUARTER.match(p) is None}:  # the quarters shown sum to the year
            qs = sorted(p for p in ps if p.startswith(year + "-Q"))
            if qs:
                eqs.append({**{(cid, q, field): 1 for q in qs}, (cid, year, field): -1})
        base, ytd = _base(cid)
        if ytd:  # a first quarter's year to date is the quarter
            for p in ps:
                if p.endswith("-Q1") and (base, p, field) in named:
                    eqs.append({(cid, p, field): 1, (base, p, field): -1})
    for p in {c[1] for c in named}:  # bookings = attended + no-shows
        for ytd in ("", ".ytd"):
            b, a, n = (("training." + k + ytd, p, "value") for k in ("bookings", "attended", "no_shows"))
            if b in named and a in named and n in named:
                eqs.append({a: 1, n: 1, b: -1})
    for f in reg:  # a change in a count = this period's count - the one before
        if f.unit == "count" and _base(f.id)[0].endswith("_change"):
            now, before = cell_of(f, "numerator"), cell_of(f, "denominator")
            if now in named and before in named:
                eqs.append({(f.id, f.period, "value"): 1, now: -1, before: 1})
    return [e for e in eqs if _holds(e, named)]


def solvable(eqs: list[Equation], shown: set[Cell]) -> set[Cell]:
    """The cells not shown that the equations determine once every shown cell is known. Linear algebra:
    a cell is determined when its unit vector lies in the row space of the columns not shown."""
    cols = sorted({c for e in eqs for c in e if c not in shown})
    rows = [e for e in eqs if any(c not in shown for c in e)]
    if not cols or not rows:
        return set()
    a = np.array([[e.get(c, 0) for c in cols] for e in rows], dtype=float)
    _, s, vt = np.linalg.svd(a, full_matrices=False)
    basis = vt[s > 1e-9 * max(a.shape) * s[0]]  # orthonormal rows spanning the row space
    reach = (basis ** 2).sum(axis=0)  # squared length of each unit vector's projection onto it
    return {c for c, r in zip(cols, reach) if r > 1 - 1e-9}


def suppressed_cells(reg: Register, threshold: int) -> set[Cell]:
    """Primary and secondary suppression over the register's counts."""
    cells = count_cells(reg)
    hidden = {c for c, v in cells.items() if 1 <= v <= threshold and c[0].split(".", 1)[0] in DOMAINS}
    eqs = equations(reg)
    while True:
        shown = _shown(reg, hidden, cells)
        exposed = sorted(solvable(eqs, shown) - shown)
        if not exposed:
            return hidden
        target = exposed[0]
        candidates = _candidates(eqs, target, shown, cells)
        if not candidates:  # only possible when the ties alone fix it; nothing shown can be taken away
            return hidden
        stops = [c for c in candidates if target not in solvable(eqs, shown - {c})]
        hidden.add((stops or candidates)[0])


def _parts(f: Figure) -> list[Cell]:
    return [cell_of(f, field) for field in _count_fields(f) if field == "value" or getattr(f, field) is not None]


def _shown(reg: Register, hidden: set[Cell], cells: dict[Cell, float]) -> set[Cell]:
    """The counts a reader sees: those printed by a figure that is not suppressed. A figure is suppressed
    whole when any count it prints is hidden, so a share whose denominator is hidden shows no numerator
    either; that numerator is then as unseen as a hidden one (unless another figure prints it)."""
    out: set[Cell] = set()
    for f in reg:
        parts = [c for c in _parts(f) if c in cells]
        if parts and not any(c in hidden for c in parts):
            out.update(parts)
    return out


def _candidates(eqs: list[Equation], target: Cell, shown: set[Cell], cells: dict[Cell, float]) -> list[Cell]:
    """Shown cells that could protect `target`, smallest first: those in its own equations, else those in
    any equation linked to it through cells not shown."""
    near = sorted({c for e in eqs if target in e for c in e if c in shown}, key=lambda c: (cells[c], c))
    if near:
        return near
    linked, frontier = {target}, [target]
    while frontier:
        cell = frontier.pop()
        for e in eqs:
            if cell in e:
                for c in e:
                    if c not in shown and c not in linked:
                        linked.add(c)
                        frontier.append(c)
    return sorted({c for e in eqs if linked & e.keys() for c in e if c in shown}, key=lambda c: (cells[c], c))


def protect(reg: Register, threshold: int = DEFAULT_THRESHOLD) -> Register:
    """The register a publication report shows: suppressed figures have no value and the symbol [c].
    Same figures, same order; a figure with no number stays as it is ([x])."""
    hidden = suppressed_cells(reg, threshold)
    touched_domains = {c[0].split(".", 1)[0] for c in hidden}
    out = Register()
    for f in reg:
        parts = _parts(f)
        derived = f.unit in DERIVED_UNITS and f.id.split(".", 1)[0] in touched_domains
        nothing = f.missing and f.numerator is None and f.denominator is None
        if not nothing and (any(p in hidden for p in parts) or derived or _change_of_hidden(f, reg, hidden)):
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
