"""Counts behind rounded percentages: which whole-number counts could a published row of percentages have
come from?

Walsall's Table 2 publishes 2019-20 to 2022-23 as whole percentages only (no counts), and two of its rows
do not add to 100 (2020-21: 4 + 61 + 30 + 4 = 99; 2019-20: 0 + 23 + 63 + 15 = 101). Rounding explains
both, and it also limits the counts the percentages can have come from: 4/61/30/4 cannot come from 20
audits (no count of 20 gives 61%), but 1/14/7/1 of 23 rounds to exactly 4/61/30/4.

    consistent_counts([4, 61, 30, 4], max_n=60)         # totals 23, 26, 28, ... with their counts
    smallest([0, 23, 63, 15], rounding=HALF_EVEN)        # None: no total up to 60 fits

The arithmetic is exact (fractions, not floats), so a tie such as 9 of 40 = 22.5% is a tie: it rounds
to 23 half up and to 22 half even. Which rule the publisher used is not known, so both are offered.

Figures (an annual report, for each year up to it published as percentages only): the sum of the
percentages, the smallest consistent total under each rounding rule, the counts at the smallest total
(half up); and the exact and trend tests of the audit grade mix run as if those counts were the data,
labelled "if the counts were ..." (an inference, not data). Source: audit_shares.csv (and audits.csv for
the tests). Details: "consistency.findings", one row per published year (what the scrutiny report lists).
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from functools import lru_cache

import numpy as np
import pandas as pd

from wsp_analysis.calc import stats
from wsp_analysis.calc.audits import distribution
from wsp_analysis.calc.register import is_missing
from wsp_analysis.calc.rows import NAN, Block, objects, rows, slugs
from wsp_analysis.calc.spans import THIS, spans
from wsp_analysis.data import periods

HALF_UP, HALF_EVEN = "half_up", "half_even"
ROUNDINGS = (HALF_UP, HALF_EVEN)
RULE_NAMES = {HALF_UP: "round half up", HALF_EVEN: "round half to even"}
MAX_N = 60  # the default bound on the total: about three years of Walsall's 20 audits a year


@dataclass(frozen=True)
class Fit:
    """A total n and every vector of whole-number counts (summing to n) that rounds to the percentages.
    `counts` is in lexicographic order, so `first` is deterministic."""

    n: int
    counts: tuple[tuple[int, ...], ...]

    @property
    def first(self) -> tuple[int, ...]:
        return self.counts[0]


def _exact(percent) -> Fraction:
    if is_missing(percent):
        raise ValueError("a percentage is missing: counts cannot be inferred from an incomplete row")
    return Fraction(Decimal(str(percent)))


def count_range(percent, n: int, rounding: str = HALF_UP, decimals: int = 0) -> range:
    """The counts c (0 to n) for which 100 c / n, rounded to `decimals` places by `rounding`, is `percent`.

    Half up: p - h <= 100 c / n < p + h, where h is half the last printed place (0.5 for whole percents).
    Half even: the same interval, with a tie at either end kept only when p's last digit is even.
    """
    if rounding not in ROUNDINGS:
        raise ValueError(f"rounding must be one of {', '.join(ROUNDINGS)}, not {rounding!r}")
    if n < 1:
        raise ValueError(f"a total must be 1 or more, not {n}")
    p = _exact(percent)
    unit = Fraction(1, 10 ** decimals)
    if p < 0 or p > 100 or (p / unit).denominator != 1:
        raise ValueError(f"{percent} is not a percentage from 0 to 100 with {decimals} decimal places")
    h = unit / 2
    lo, hi = (p - h) * n / 100, (p + h) * n / 100  # bounds on c
    if rounding == HALF_UP:
        lo_in, hi_in = True, False
    else:
        even = (p / unit) % 2 == 0
        lo_in = hi_in = even
    first = math.ceil(lo) if lo_in or lo.denominator != 1 else int(lo) + 1
    last = math.floor(hi) if hi_in or hi.denominator != 1 else int(hi) - 1
    return range(max(first, 0), min(last, n) + 1)


def _vectors(ranges: Sequence[range], total: int):
    """Every vector (a_1..a_k), a_j in ranges[j], summing to total, in lexicographic order."""
    if len(ranges) == 1:
        if total in ranges[0]:
            yield (total,)
        return
    rest_min = sum(r.start for r in ranges[1:])
    rest_max = sum(r.stop - 1 for r in ranges[1:] if len(r))
    for a in ranges[0]:
        if rest_min <= total - a <= rest_max:
            for tail in _vectors(ranges[1:], total - a):
                yield (a, *tail)


def fits_at(percents: Sequence, n: int, rounding: str = HALF_UP, decimals: int = 0) -> Fit | None:
    """The count vectors of total n consistent with the percentages, or None when there is none."""
    ranges = [count_range(p, n, rounding, decimals) for p in percents]
    if any(len(r) == 0 for r in ranges):
        return None
    found = tuple(_vectors(ranges, n))
    return Fit(n, found) if found else None


def consistent_counts(percents: Sequence, max_n: int = MAX_N, rounding: str = HALF_UP,
                      decimals: int = 0) -> list[Fit]:
    """Every total n from 1 to max_n with at least one vector of whole-number counts that adds to n and
    rounds to `percents` (in order, e.g. best grade first), smallest n first. Empty when none fits.

    Under half up, 4/61/30/4 fits 1/14/7/1 of 23 first; 0/23/63/15 fits 0/9/25/6 of 40 first (9/40 is
    22.5%, 25/40 62.5%: ties, rounded up), and under half even no total up to 60 fits it.
    """
    percents = list(percents)
    if not percents:
        raise ValueError("no percentages given")
    if max_n < 1:
        raise ValueError(f"the bound on the total must be 1 or more, not {max_n}")
    out = []
    for n in range(1, max_n + 1):
        fit = fits_at(percents, n, rounding, decimals)
        if fit is not None:
            out.append(fit)
    return out


def smallest(percents: Sequence, max_n: int = MAX_N, rounding: str = HALF_UP, decimals: int = 0) -> Fit | None:
    """The smallest consistent total and its counts, or None when no total up to max_n fits."""
    for n in range(1, max_n + 1):
        fit = fits_at(percents, n, rounding, decimals)
        if fit is not None:
            return fit
    return None


def decimals_of(percents: Sequence) -> int:
    """The decimal places the percentages were printed with (the most any of them shows)."""
    places = [max(0, -Decimal(str(p)).normalize().as_tuple().exponent) for p in percents if not is_missing(p)]
    return max(places, default=0)


# --- the audit years published as percentages only ----------------------------------------------------

@dataclass(frozen=True)
class YearFinding:
    """One year of published percentages (grades best first) and the smallest counts consistent with them."""

    year: str
    grades: tuple[str, ...]
    percents: tuple  # as published; None where a cell is not available
    half_up: Fit | None
    half_even: Fit | None
    larger: tuple[int, ...]  # the next few totals that also fit (half up), to show the smallest is not the only one

    @property
    def complete(self) -> bool:
        return all(not is_missing(p) for p in self.percents)

    @property
    def percent_sum(self):
        return sum(self.percents) if self.complete else None


TABLES = ("audits", "audit_shares")


@lru_cache(maxsize=4096)
def finding(year: str, grades: tuple[str, ...], percents: tuple, max_n: int = MAX_N) -> YearFinding:
    """One published year's smallest consistent counts under both rules, and the next few totals that fit
    (half up). Exact fractions; cached by the percentages."""
    if any(p is None for p in percents):
        return YearFinding(year, grades, percents, None, None, ())
    dp = decimals_of(percents)
    fits = consistent_counts(percents, max_n, HALF_UP, dp)
    return YearFinding(year, grades, percents, fits[0] if fits else None, smallest(percents, max_n, HALF_EVEN, dp),
                       tuple(f.n for f in fits[1:4]))


def findings(tables, req: pd.DataFrame) -> list[tuple[str, str, str, YearFinding]]:
    """(partnership, report, previous year, finding) for every year up to an annual report's year whose
    grades are published as percentages only (no complete counts), oldest first."""
    a, s = tables["audits"], tables["audit_shares"]
    if s.empty:
        return []
    dist = distribution(tables, a, ["year"])
    counted = set(map(tuple, dist[dist["total"].notna()][["partnership", "year"]].drop_duplicates().to_numpy()))
    found: dict[str, list[YearFinding]] = {}
    for (p, y), grp in s.groupby(["partnership", "year"], sort=True):
        if (p, y) in counted:
            continue
        by = dict(zip(grp["grade"], grp["percent"]))
        scale = tuple(tables.config(p).grade_scale)
        percents = tuple(None if g not in by or pd.isna(by[g]) else float(by[g]) for g in scale)
        percents = tuple(v if v is None or not float(v).is_integer() else int(v) for v in percents)
        found.setdefault(p, []).append(finding(y, scale, percents))
    this = spans(req, (THIS,), quarterly=False)
    return [(p, report, periods.previous_year(year), f) for p, report, year in
            zip(this["partnership"], this["report"], this["year"]) for f in found.get(p, []) if f.year <= year]


def _next_year(year: str) -> str:
    y = periods.start_year(year) + 1
    return f"{y}-{(y + 1) % 100:02d}"


def assumed_counts(found) -> dict[str, tuple[int, ...]]:
    """Year -> the smallest consistent counts under half up (years with none left out)."""
    return {f.year: f.half_up.first for f in found if f.half_up is not None}


def figures(tables, req: pd.DataFrame) -> list[Block]:
    """Every consistency figure of every annual request (see the module's docstring)."""
    found = findings(tables, req)
    if not found:
        return []
    f = pd.DataFrame({"partnership": objects([r[0] for r in found]), "report": objects([r[1] for r in found])})
    fy = np.array([r[3].year for r in found], dtype=object)
    f["span"] = fy
    src = tables.source(f["partnership"], "audit_shares")
    out = [rows(f, "consistency.percent_sum", "Sum of the published grade percentages, " + fy, fy,
                [r[3].percent_sum if r[3].complete else NAN for r in found], "percent", source=src)]
    for rule in ROUNDINGS:
        fits = [getattr(r[3], rule) for r in found]
        out.append(rows(f, f"consistency.smallest_n.{rule}", f"Smallest total of audits consistent with the published "
                        f"percentages ({RULE_NAMES[rule]}; none up to {MAX_N}: blank), " + fy, fy,
                        [x.n if x else NAN for x in fits], "count", source=src))
    per_grade = [(i, j, g) for i, r in enumerate(found) for j, g in enumerate(r[3].grades)]
    if per_grade:
        idx = [i for i, _, _ in per_grade]
        fg = f.iloc[idx].reset_index(drop=True)
        grades = np.array([g for _, _, g in per_grade], dtype=object)
        values = [found[i][3].half_up.first[j] if found[i][3].half_up else NAN for i, j, _ in per_grade]
        out.append(rows(fg, "consistency.count." + slugs(grades), "Inferred audits graded " + grades
                        + f" at the smallest consistent total ({RULE_NAMES[HALF_UP]}; an inference, not data), "
                        + fy[idx], fy[idx], values, "count", source=tables.source(fg["partnership"], "audit_shares")))
    return out + _tests(tables, found)


def _tests(tables, found) -> list[Block]:
    """The exact and trend tests as if the smallest consistent counts were the data."""
    a = tables["audits"]
    tests: dict[tuple, list] = {}
    for p, report, prev, f in found:
        tests.setdefault((p, report, prev), []).append(f)
    keys = list(tests)
    base = a.groupby(["partnership", "year", "grade"], dropna=False)["count"].sum(min_count=1).reset_index() \
        if len(a) else pd.DataFrame(columns=["partnership", "year", "grade", "count"])
    pairs = pd.DataFrame({"partnership": objects([k[0] for k in keys]), "t": np.arange(len(keys))})
    assumed = [assumed_counts(tests[k]) for k in keys]
    extra = pd.DataFrame([(k[0], i, y, g, c) for i, k in enumerate(keys) for y, cs in assumed[i].items()
                          for g, c in zip(tables.config(k[0]).grade_scale, cs)],
                         columns=["partnership", "t", "year", "grade", "count"])
    long = pd.concat([pairs.merge(base, on="partnership"), extra], ignore_index=True)
    comp = distribution(tables, long, ["t", "year"])
    comp = comp[comp["total"].notna()]
    vectors = {k: g["count"].to_numpy(dtype=float).astype(np.int64) for k, g in comp.groupby(["t", "year"], sort=False)}
    mixes, mix_rows, trend_keys, trend_rows = [], [], [], []
    for i, (p, report, prev) in enumerate(keys):
        year = report  # an annual report's period is its year
        if prev in assumed[i] and (i, year) in vectors:
            mixes.append(np.array([vectors[(i, prev)], vectors[(i, year)]]))
            mix_rows.append((p, report, year, prev, counts_text(assumed[i][prev])))
        first = min(tests[keys[i]], key=lambda x: x.year).year
        span_, y = [], first
        while y <= year:
            span_.append(y)
            y = _next_year(y)
        if len(span_) >= 3 and all((i, x) in vectors for x in span_):
            trend_keys += [(i, len(trend_rows), x, periods.start_year(x) - periods.start_year(span_[0])) for x in span_]
            trend_rows.append((p, report, year, span_[0]))
    out = []
    if mix_rows:
        m = pd.DataFrame(mix_rows, columns=["partnership", "report", "span", "prev", "text"])
        res = stats.fisher_2xk(mixes)
        out.append(rows(m, "consistency.test.grade_mix", "Fisher's exact test, audit grade mix " + m["span"]
                        + " against " + m["prev"] + ", if the counts were " + m["text"] + " in " + m["prev"]
                        + " (p-value)", m["span"], [NAN if r.pvalue is None else r.pvalue for r in res], "p_value",
                        source=tables.source(m["partnership"], "audits") + "; "
                        + tables.source(m["partnership"], "audit_shares")))
    if trend_rows:
        tr = pd.DataFrame(trend_rows, columns=["partnership", "report", "span", "first"])
        kf = pd.DataFrame(trend_keys, columns=["t", "group", "year", "u"])
        cells = comp.merge(kf, on=["t", "year"])
        cells = cells.assign(v=cells["grade_index"], row=cells["year"], col=cells["grade_index"])
        p = stats.linear_trends(cells[["group", "u", "v", "row", "col", "count"]])["pvalue"]
        out.append(rows(tr, "consistency.test.grade_trend", "Linear-by-linear trend test, audit grade mix "
                        + tr["first"] + " to " + tr["span"] + ", if the counts were the smallest consistent with the "
                        "published percentages (p-value)", tr["span"], p.reindex(range(len(tr))).to_numpy(), "p_value",
                        source=tables.source(tr["partnership"], "audits") + "; "
                        + tables.source(tr["partnership"], "audit_shares")))
    return out


def details(tables, req: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """"consistency.findings": partnership, report, year, grades, percents (as published, best grade first),
    half_up (the smallest consistent counts, or None), half_up_n, half_even (the smallest consistent counts
    under round half to even, or None), half_even_n, larger (the next totals that fit, half up), percent_sum
    (None when a percentage is missing)."""
    cols = ["partnership", "report", "year", "grades", "percents", "half_up", "half_up_n", "half_even", "half_even_n",
            "larger", "percent_sum"]
    found = findings(tables, req)
    return {"consistency.findings": pd.DataFrame(
        [(p, r, f.year, f.grades, f.percents, f.half_up.first if f.half_up else None, f.half_up.n if f.half_up else None,
          f.half_even.first if f.half_even else None, f.half_even.n if f.half_even else None, f.larger, f.percent_sum)
         for p, r, _, f in found], columns=cols)}


def counts_text(counts: Sequence[int], n: int | None = None) -> str:
    """"0/7/10/3 of 20"."""
    text = "/".join(str(c) for c in counts)
    return f"{text} of {n if n is not None else sum(counts)}"


def percents_text(percents: Sequence) -> str:
    """"0%/35%/50%/15%"."""
    return "/".join("[x]" if is_missing(p) else f"{p:g}%" for p in percents)


