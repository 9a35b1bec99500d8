"""Statistics for small samples: intervals that say how uncertain a share is, and tests that say
whether a change is larger than chance alone could produce.

Every function returns plain Python numbers, or None when the result cannot be computed
(a figure that cannot be computed is missing, never 0).

- wilson_interval: Wilson score 95% interval for k of n (the method OHID Fingertips prefers).
- exact_independence: Fisher's exact test (Freeman-Halton for 2 x k) that two groups' grade
  mixes are the same; exact enumeration, or a seeded permutation test when enumeration is too big.
- linear_trend: the linear-by-linear association (trend) test across three or more ordered groups.
- two_proportions: the pooled two-proportion z-test for a rate in two periods.
- signed_rank: the paired Wilcoxon signed-rank test and its matched-pairs rank-biserial correlation.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

ALPHA = 0.05  # a change is called significant only when p < ALPHA
SEED = 20240401  # the permutation fallback's seed, so that results reproduce
ENUMERATION_LIMIT = 200_000  # 2 x k tables enumerated exactly up to this many; beyond, a permutation test
PERMUTATIONS = 9_999


def wilson_interval(k: int, n: int, confidence: float = 0.95) -> tuple[float, float] | None:
    """Wilson score interval for k successes in n trials (None when n is 0 or either is missing).

    The method OHID Fingertips uses for proportions; it behaves at 0 of n and n of n,
    where the textbook normal interval collapses to a point.
    """
    if n is None or k is None or n == 0:
        return None
    ci = stats.binomtest(int(k), int(n)).proportion_ci(confidence_level=confidence, method="wilson")
    return float(ci.low), float(ci.high)


def _drop_empty_columns(table) -> np.ndarray:
    t = np.asarray(table, dtype=np.int64)
    return t[:, t.sum(axis=0) > 0]


def _bounded_compositions(total: int, caps: Sequence[int]) -> int:
    """How many integer vectors a with 0 <= a_j <= caps[j] sum to `total` (the 2 x k tables to enumerate)."""
    ways = [1] + [0] * total
    for cap in caps:
        new = [0] * (total + 1)
        for s in range(total + 1):
            if ways[s]:
                for a in range(min(cap, total - s) + 1):
                    new[s + a] += ways[s]
        ways = new
    return ways[total]


def _first_rows(total: int, caps: Sequence[int]):
    """Every first row of a 2 x k table with these column totals and this first-row total."""
    if len(caps) == 1:
        if total <= caps[0]:
            yield (total,)
        return
    rest = sum(caps[1:])
    for a in range(max(0, total - rest), min(caps[0], total) + 1):
        for tail in _first_rows(total - a, caps[1:]):
            yield (a, *tail)


def _log_table_prob(first: Sequence[int], cols: Sequence[int], row_total: int, n: int) -> float:
    """log P(first row) under independence with fixed margins: prod C(c_j, a_j) / C(n, r1)."""
    lg = math.lgamma
    out = -(lg(n + 1) - lg(row_total + 1) - lg(n - row_total + 1))
    for a, c in zip(first, cols):
        out += lg(c + 1) - lg(a + 1) - lg(c - a + 1)
    return out


@dataclass(frozen=True)
class TestResult:
    """A test's p-value (None when it cannot be computed) and what was done, in words."""

    pvalue: float | None
    method: str
    statistic: float | None = None


def exact_independence(table, *, limit: int = ENUMERATION_LIMIT, seed: int = SEED) -> TestResult:
    """Fisher's exact test of independence on a 2 x k table of counts (two groups, k categories).

    All-zero categories are dropped first (they carry no information). The p-value is the
    probability, with both groups' totals and each category's total fixed, of a table no more
    likely than the one observed (the Freeman-Halton extension of Fisher's test; for 2 x 2 it is
    Fisher's own). Tables are enumerated exactly when there are at most `limit` of them;
    otherwise scipy's fisher_exact runs a permutation test with a seeded generator, so the
    result reproduces. None when a group is empty.
    """
    t = _drop_empty_columns(table)
    if t.ndim != 2 or t.shape[0] != 2:
        raise ValueError("exact_independence needs a table of two rows (groups) and one column per category")
    rows = t.sum(axis=1)
    if (rows == 0).any():
        return TestResult(None, "not computable: a group has no cases")
    if t.shape[1] < 2:
        return TestResult(1.0, "one category only: the groups cannot differ")
    cols, n, r1 = [int(c) for c in t.sum(axis=0)], int(t.sum()), int(rows[0])
    if t.shape[1] == 2:
        return TestResult(float(stats.fisher_exact(t).pvalue), "Fisher's exact test (2 x 2, exact)")
    size = _bounded_compositions(r1, cols)
    if size <= limit:
        observed = _log_table_prob([int(a) for a in t[0]], cols, r1, n)
        total = 0.0
        for first in _first_rows(r1, cols):
            lp = _log_table_prob(first, cols, r1, n)
            if lp <= observed + 1e-7:  # "no more likely", with R's relative tolerance for rounding
                total += math.exp(lp)
        return TestResult(min(total, 1.0), f"Fisher's exact test (2 x {t.shape[1]}, exact enumeration of {size:,} "
                                            "tables)")
    method = stats.PermutationMethod(n_resamples=PERMUTATIONS, rng=np.random.default_rng(seed))
    p = stats.fisher_exact(t, method=method).pvalue
    return TestResult(float(p), f"Fisher's exact test (2 x {t.shape[1]}, {PERMUTATIONS:,} permutations, seed {seed})")


def linear_trend(table, row_scores=None, col_scores=None) -> TestResult:
    """Linear-by-linear association test (Agresti) on an r x c table of counts with ordered rows
    (e.g. years, oldest first) and ordered columns (e.g. grades, best first).

    Scores default to 0, 1, 2, ...; an all-zero column keeps its place in the order. The statistic
    is sum(u_i v_j n_ij); under independence with fixed margins its mean and variance are known,
    and z = (statistic - mean) / sd = r * sqrt(n - 1), r being the Pearson correlation of the scores.
    Two-sided p-value from the normal distribution (statsmodels Table.test_ordinal_association,
    without its default shifting of zero cells by 0.5). None when fewer than two rows or
    columns have cases.
    """
    from statsmodels.stats.contingency_tables import Table

    t = np.asarray(table, dtype=float)
    rs = np.arange(t.shape[0], dtype=float) if row_scores is None else np.asarray(row_scores, dtype=float)
    cs = np.arange(t.shape[1], dtype=float) if col_scores is None else np.asarray(col_scores, dtype=float)
    keep_r, keep_c = t.sum(axis=1) > 0, t.sum(axis=0) > 0
    if keep_r.sum() < 2 or keep_c.sum() < 2:
        return TestResult(None, "not computable: needs cases in at least two groups and two categories")
    t, rs, cs = t[keep_r][:, keep_c], rs[keep_r], cs[keep_c]
    res = Table(t, shift_zeros=False).test_ordinal_association(row_scores=rs, col_scores=cs)
    return TestResult(float(res.pvalue), "linear-by-linear association test (normal approximation)",
                      float(res.zscore))


def two_proportions(k1: int, n1: int, k2: int, n2: int) -> TestResult:
    """Pooled two-proportion z-test that k1/n1 and k2/n2 come from the same rate (two-sided).

    z = (p1 - p2) / sqrt(p (1 - p) (1/n1 + 1/n2)), p = (k1 + k2) / (n1 + n2) (statsmodels
    proportions_ztest). When both shares are 0% or both 100% there is no difference to test:
    p = 1. None when a count is missing or a denominator is 0.
    """
    from statsmodels.stats.proportion import proportions_ztest

    if any(v is None for v in (k1, n1, k2, n2)) or n1 == 0 or n2 == 0:
        return TestResult(None, "not computable: a count is not available")
    pooled = (k1 + k2) / (n1 + n2)
    if pooled in (0, 1):
        return TestResult(1.0, "two-proportion z-test (both shares identical at the boundary)", 0.0)
    z, p = proportions_ztest([int(k1), int(k2)], [int(n1), int(n2)])
    return TestResult(float(p), "two-proportion z-test (pooled)", float(z))


@dataclass(frozen=True)
class SignedRank:
    """Paired Wilcoxon signed-rank test of after - before.

    n: pairs; n_changed: pairs whose difference is not 0 (the only ones ranked, zero_method "wilcox");
    positive_ranks / negative_ranks: the rank sums T+ and T-; effect_size: the matched-pairs
    rank-biserial correlation (T+ - T-) / (T+ + T-), from -1 (all fell) to 1 (all rose).
    """

    n: int
    n_changed: int
    positive_ranks: float | None
    negative_ranks: float | None
    pvalue: float | None
    effect_size: float | None
    method: str = "Wilcoxon signed-rank test (normal approximation with tie correction; no-change pairs dropped)"


def signed_rank(before: Sequence[float], after: Sequence[float]) -> SignedRank:
    """Wilcoxon signed-rank test on paired ratings (scipy, method "asymptotic").

    Ratings on a five-point scale tie as a rule, and the exact distribution assumes no ties, so the
    normal approximation with the tie correction is used: T = min(T+, T-), mean n(n+1)/4, variance
    n(n+1)(2n+1)/24 - sum(t^3 - t)/48 over tied groups, no continuity correction.
    p and effect size are None when no pair changed.
    """
    b = np.asarray(before, dtype=float)
    a = np.asarray(after, dtype=float)
    if b.shape != a.shape:
        raise ValueError("signed_rank needs the same number of before and after ratings")
    d = a - b
    nz = d[d != 0]
    if len(nz) == 0:
        return SignedRank(len(d), 0, None, None, None, None)
    ranks = stats.rankdata(np.abs(nz))
    t_plus, t_minus = float(ranks[nz > 0].sum()), float(ranks[nz < 0].sum())
    res = stats.wilcoxon(nz, zero_method="wilcox", correction=False, method="asymptotic")
    return SignedRank(len(d), len(nz), t_plus, t_minus, float(res.pvalue), (t_plus - t_minus) / (t_plus + t_minus))


def significant(p) -> bool | None:
    """True when p < 0.05, False otherwise; None when there is no p-value."""
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return None
    return p < ALPHA
