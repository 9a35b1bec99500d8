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

`inference` turns the smallest consistent counts into what the annual report's audit section says:
the counts are an inference, not data, and the exact and trend tests run on them are labelled "if the
counts were ...". The tests are those of the statistics issue (audits.mix_test and audits.trend_test,
built on stats.exact_independence and stats.linear_trend).
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import pandas as pd

from wsp_analysis.calc import audits as audit_calc
from wsp_analysis.data import periods
from wsp_analysis.calc.register import Figure, is_missing, slug

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


def published_years(ds, year: str) -> list[str]:
    """Years up to `year` whose audit grades are published as percentages only (no counts), oldest first."""
    counted = set(audit_calc.year_counts(ds.audits, ds.partnership.grade_scale).index)
    shares = ds.audit_shares
    return sorted(y for y in set(shares["year"]) if y <= year and y not in counted)


def findings(ds, year: str, max_n: int = MAX_N) -> list[YearFinding]:
    """For each published-percentage year up to `year`: smallest consistent counts under both rules."""
    scale = tuple(ds.partnership.grade_scale)
    out = []
    for y in published_years(ds, year):
        rows = ds.audit_shares[ds.audit_shares["year"] == y].set_index("grade")["percent"]
        percents = tuple(None if g not in rows.index or pd.isna(rows[g]) else float(rows[g]) for g in scale)
        percents = tuple(p if p is None or not float(p).is_integer() else int(p) for p in percents)
        if any(p is None for p in percents):
            out.append(YearFinding(y, scale, percents, None, None, ()))
            continue
        dp = decimals_of(percents)
        fits = consistent_counts(percents, max_n, HALF_UP, dp)
        out.append(YearFinding(y, scale, percents, fits[0] if fits else None, smallest(percents, max_n, HALF_EVEN, dp),
                               tuple(f.n for f in fits[1:4])))
    return out


def counts_text(counts: Sequence[int], n: int | None = None) -> str:
    """"0/7/10/3 of 20"."""
    text = "/".join(str(c) for c in counts)
    return f"{text} of {n if n is not None else sum(counts)}"


def percents_text(percents: Sequence) -> str:
    """"0%/35%/50%/15%"."""
    return "/".join("[x]" if is_missing(p) else f"{p:g}%" for p in percents)


@dataclass(frozen=True)
class Inference:
    """The tests of the statistics issue run on the smallest consistent counts ("if the counts were ...").

    mix: Fisher's exact test, the year before `year` (inferred) against `year`; trend: the linear-by-linear
    trend test across every year from the first published one to `year`. Either is None when it cannot be
    run (a year with no consistent counts, or `year` itself without counts)."""

    year: str
    previous: str
    assumed: dict  # year -> counts assumed (smallest consistent, half up), grades best first
    mix: object | None  # stats.TestResult
    trend: object | None
    trend_years: tuple[str, ...]


def assumed_counts(found: Sequence[YearFinding]) -> dict[str, tuple[int, ...]]:
    """Year -> the smallest consistent counts under half up (years with none left out)."""
    return {f.year: f.half_up.first for f in found if f.half_up is not None}


def with_assumed(ds, assumed: dict[str, tuple[int, ...]]) -> pd.DataFrame:
    """audits.csv's rows plus one row per assumed count, shaped like audits.csv, for audits.mix_test/trend_test."""
    scale = list(ds.partnership.grade_scale)
    extra = [{"year": y, "quarter": "Q1", "theme": "assumed", "grade": g, "count": c, "source": "inferred"}
             for y, counts in assumed.items() for g, c in zip(scale, counts)]
    base = ds.audits[["year", "quarter", "theme", "grade", "count", "source"]]
    frame = pd.concat([base, pd.DataFrame(extra, columns=base.columns)], ignore_index=True)
    frame["count"] = frame["count"].astype("Int64")
    return frame


def inference(ds, year: str, max_n: int = MAX_N) -> Inference | None:
    """The exact and trend tests run as if the smallest consistent counts were the data.
    None when no year before `year` is published as percentages only."""
    found = findings(ds, year, max_n)
    if not found:
        return None
    scale = list(ds.partnership.grade_scale)
    prev = periods.previous_year(year)
    assumed = assumed_counts(found)
    frame = with_assumed(ds, assumed)
    counted = set(audit_calc.year_counts(frame, scale).index)
    mix = audit_calc.mix_test(frame, scale, year, prev) if prev in assumed and year in counted else None
    first = min(found, key=lambda f: f.year).year
    span, y = [], first
    while y <= year:
        span.append(y)
        y = _next_year(y)
    trend = audit_calc.trend_test(frame, scale, span) if len(span) >= 3 and all(s in counted for s in span) else None
    return Inference(year, prev, assumed, mix, trend, tuple(span))


def _next_year(year: str) -> str:
    y = periods.start_year(year) + 1
    return f"{y}-{(y + 1) % 100:02d}"


def figures(ds, year: str, max_n: int = MAX_N) -> list[Figure]:
    """The consistency findings as figures (period: the published year; the tests: `year`).

    consistency.percent_sum (percent), consistency.smallest_n.half_up / .half_even (count; empty when no
    total up to max_n fits), consistency.count.<grade> (count at the smallest total, half up), and
    consistency.test.grade_mix / .grade_trend (p_value, labelled "if the counts were ...")."""
    src = ds.source("audit_shares")
    figs: list[Figure] = []
    found = findings(ds, year, max_n)
    for f in found:
        figs.append(Figure("consistency.percent_sum", f"Sum of the published grade percentages, {f.year}", f.year,
                           f.percent_sum, "percent", source=src))
        for rule, fit in ((HALF_UP, f.half_up), (HALF_EVEN, f.half_even)):
            figs.append(Figure(f"consistency.smallest_n.{rule}",
                               f"Smallest total of audits consistent with the published percentages "
                               f"({RULE_NAMES[rule]}; none up to {max_n}: blank), {f.year}",
                               f.year, fit.n if fit else None, "count", source=src))
        for i, g in enumerate(f.grades):
            c = f.half_up.first[i] if f.half_up else None
            figs.append(Figure(f"consistency.count.{slug(g)}",
                               f"Inferred audits graded {g} at the smallest consistent total ({RULE_NAMES[HALF_UP]}; "
                               f"an inference, not data), {f.year}", f.year, c, "count", source=src))
    inf = inference(ds, year, max_n)
    if inf is not None:
        srcs = f"{ds.source('audits')}; {src}"
        if inf.mix is not None:
            figs.append(Figure("consistency.test.grade_mix",
                               f"Fisher's exact test, audit grade mix {year} against {inf.previous}, if the counts were "
                               f"{counts_text(inf.assumed[inf.previous])} in {inf.previous} (p-value)", year,
                               inf.mix.pvalue, "p_value", source=srcs))
        if inf.trend is not None:
            figs.append(Figure("consistency.test.grade_trend",
                               f"Linear-by-linear trend test, audit grade mix {inf.trend_years[0]} to {year}, if the "
                               "counts were the smallest consistent with the published percentages (p-value)", year,
                               inf.trend.pvalue, "p_value", source=srcs))
    return figs


def messages(ds, year: str, max_n: int = MAX_N) -> list[str]:
    """For the annual report's audit section: what the counts behind earlier years' published percentages
    could have been, and the exact and trend tests run on them, each labelled "if the counts were ..." (an
    inference, not data). Empty when every earlier year has counts."""
    from wsp_analysis.report import messages as narrative  # here: narrative is large and only this function needs it

    found = [f for f in findings(ds, year, max_n) if f.complete]
    if not found:
        return []
    scale = [g.lower() for g in ds.partnership.grade_scale]
    fitted = [f for f in found if f.half_up is not None]
    odd = [f"{f.year}'s add to {f.percent_sum:g}%" for f in found if f.percent_sum != 100]
    text = (f"The grades for {narrative.listing([f.year for f in found])} were published as percentages without "
            "counts" + (f" ({narrative.listing(odd)}, through rounding)" if odd else "") + ".")
    if fitted:
        text += (" As an inference, not data: the smallest counts that round to them are "
                 + narrative.listing([f"{counts_text(f.half_up.first)} in {f.year}" for f in fitted])
                 + f" ({'/'.join(scale)}, rounding half up). The real totals may be larger; these are only the "
                   "smallest that fit.")
    none = [f.year for f in found if f.half_up is None]
    if none:
        text += f" No counts of up to {max_n} audits round to the percentages published for {narrative.listing(none)}."
    out = [text]
    inf = inference(ds, year, max_n)
    if inf is not None and inf.mix is not None and inf.mix.pvalue is not None:
        fisher = "Fisher's exact test"
        out.append(f"If the counts were {counts_text(inf.assumed[inf.previous])} in {inf.previous}, the change in the "
                   f"grade mix to {year} would be {narrative.verdict(inf.mix.pvalue, fisher)}.")
    if inf is not None and inf.trend is not None and inf.trend.pvalue is not None:
        out.append(f"If the counts were those for {inf.trend_years[0]} to {inf.previous}, any steady drift in grades "
                   f"from {inf.trend_years[0]} to {year} would be "
                   f"{narrative.verdict(inf.trend.pvalue, 'linear-by-linear trend test')}.")
    return out
