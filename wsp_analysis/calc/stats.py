"""Statistics for small samples, each written once and vectorised over groups: intervals that say how
uncertain a share is, and tests that say whether a change is larger than chance alone could produce.

Each test is implemented once, over many groups at a time (every partnership, year or course in one
call); the one-table functions below call the same code with one group. tests/test_stats.py checks
every one against scipy or statsmodels.

- wilson / wilson_interval: Wilson score 95% interval for k of n (the method OHID Fingertips prefers;
  scipy.stats.binomtest(...).proportion_ci(method="wilson") in its order of operations).
- fisher_2xk / exact_independence: Fisher's exact test (Freeman-Halton for 2 x k) that two groups'
  grade mixes are the same: every table with the observed margins enumerated, for all groups together;
  2 x 2 tables by scipy.stats.fisher_exact; tables too many to enumerate by a seeded permutation test.
- linear_trends / linear_trend: the linear-by-linear association (trend) test across ordered groups
  (statsmodels Table.test_ordinal_association without shifting zero cells).
- two_proportions_z / two_proportions: the pooled two-proportion z-test (statsmodels proportions_ztest).
- signed_ranks / signed_rank: the paired Wilcoxon signed-rank test (scipy.stats.wilcoxon, method
  "asymptotic", zero_method "wilcox", no continuity correction) and the matched-pairs rank-biserial
  correlation.

Missing results are NaN in the vectorised functions and None in the one-table ones, never 0.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special
from scipy import stats as sps

ALPHA = 0.05  # a change is called significant only when p < ALPHA
SEED = 20240401  # the permutation fallback's seed, so that results reproduce
ENUMERATION_LIMIT = 200_000  # 2 x k tables enumerated exactly up to this many; beyond, a permutation test
PERMUTATIONS = 9_999
NAN = np.nan
_Z95 = special.ndtri(0.5 + 0.5 * 0.95)


@dataclass(frozen=True)
class TestResult:
    """A test's p-value (None when it cannot be computed) and what was done, in words."""

    pvalue: float | None
    method: str
    statistic: float | None = None


def _none(v) -> float | None:
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)


# --- Wilson intervals -----------------------------------------------------------------------------------

def wilson(k, n) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score 95% intervals for k of n, elementwise (arrays of equal length, 0-1); NaN where n is 0
    or missing."""
    k, n = np.asarray(k, dtype=float), np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        z = _Z95
        denom = 2 * (n + z ** 2)
        center = (2 * n * p + z ** 2) / denom
        delta = z / denom * np.sqrt(4 * n * p * (1 - p) + z ** 2)
        lo = np.where(k == 0, 0.0, center - delta)
        hi = np.where(k == n, 1.0, center + delta)
    bad = np.isnan(k) | np.isnan(n) | (n == 0)
    return np.where(bad, NAN, lo), np.where(bad, NAN, hi)


def wilson_interval(k: int, n: int) -> tuple[float, float] | None:
    """The Wilson score 95% interval (low, high) of k of n; None when n is 0 or either is missing."""
    if k is None or n is None or n == 0:
        return None
    lo, hi = wilson([k], [n])
    return float(lo[0]), float(hi[0])


# --- Fisher's exact test ------------------------------------------------------------------------------------

def _compositions(total: int, caps: Sequence[int]) -> int:
    """How many first rows a (0 <= a_j <= caps[j], summing to `total`) a 2 x k table with these margins has."""
    ways = [1] + [0] * total
    for cap in caps:
        new = [0] * (total + 1)
        for s in range(total + 1):
            if ways[s]:
                for a in range(min(cap, total - s) + 1):
                    new[s + a] += ways[s]
        ways = new
    return ways[total]


def _special_case(t: np.ndarray, seed: int, limit: int) -> TestResult | None:
    """The result of a 2 x k table that is not enumerated here (None: enumerate it)."""
    rows = t.sum(axis=1)
    if (rows == 0).any():
        return TestResult(None, "not computable: a group has no cases")
    if t.shape[1] < 2:
        return TestResult(1.0, "one category only: the groups cannot differ")
    if t.shape[1] == 2:
        return TestResult(float(sps.fisher_exact(t).pvalue), "Fisher's exact test (2 x 2, exact)")
    if _compositions(int(rows[0]), [int(c) for c in t.sum(axis=0)]) > limit:
        method = sps.PermutationMethod(n_resamples=PERMUTATIONS, rng=np.random.default_rng(seed))
        return TestResult(float(sps.fisher_exact(t, method=method).pvalue),
                          f"Fisher's exact test (2 x {t.shape[1]}, {PERMUTATIONS:,} permutations, seed {seed})")
    return None


def fisher_2xk(tables: Sequence, seed: int = SEED, limit: int = ENUMERATION_LIMIT) -> list[TestResult]:
    """Fisher's exact test of independence for many 2 x k tables of counts (two groups, k categories).

    All-zero categories are dropped first. The p-value is the probability, with both margins fixed, of a
    table no more likely than the one observed (Freeman-Halton). Every table with the observed margins is
    enumerated for all groups at once (log-probabilities from gammaln); 2 x 2 tables go to
    scipy.stats.fisher_exact, and tables with more than `limit` candidates to its seeded
    permutation test. Raises ValueError for a table that is not two rows."""
    out: list[TestResult | None] = [None] * len(tables)
    todo = []
    for i, table in enumerate(tables):
        t = np.asarray(table, dtype=np.int64)
        if t.ndim != 2 or t.shape[0] != 2:
            raise ValueError("Fisher's exact test needs a table of two rows (groups) and one column per category")
        t = t[:, t.sum(axis=0) > 0]
        out[i] = _special_case(t, seed, limit)
        if out[i] is None:
            todo.append((i, t))
    if not todo:
        return out
    width = max(t.shape[1] for _, t in todo)
    caps = np.zeros((len(todo), width), dtype=np.int64)
    first = np.zeros((len(todo), width), dtype=np.int64)
    for j, (_, t) in enumerate(todo):
        caps[j, : t.shape[1]], first[j, : t.shape[1]] = t.sum(axis=0), t[0]
    r1, n = first.sum(axis=1), caps.sum(axis=1)
    # Expand, column by column, every first row a with 0 <= a_j <= caps_j summing to r1 (lexicographic).
    g = np.arange(len(todo))
    chosen = np.zeros((len(todo), 0), dtype=np.int64)
    partial = np.zeros(len(todo), dtype=np.int64)
    for col in range(width):
        rest = caps[g, col + 1:].sum(axis=1)
        lo = np.maximum(0, r1[g] - partial - rest)
        hi = np.minimum(caps[g, col], r1[g] - partial)
        count = np.maximum(hi - lo + 1, 0)
        idx = np.repeat(np.arange(len(g)), count)
        offset = np.arange(len(idx)) - np.repeat(np.cumsum(count) - count, count)
        a = lo[idx] + offset
        g, chosen, partial = g[idx], np.column_stack([chosen[idx], a]), partial[idx] + a
    lg = special.gammaln
    head = -(lg(n + 1.0) - lg(r1 + 1.0) - lg(n - r1 + 1.0))

    def logp(rows_first: np.ndarray, grp: np.ndarray) -> np.ndarray:
        c = caps[grp]
        return head[grp] + (lg(c + 1.0) - lg(rows_first + 1.0) - lg(c - rows_first + 1.0)).sum(axis=1)

    observed = logp(first, np.arange(len(todo)))
    lp = logp(chosen, g)
    keep = lp <= observed[g] + 1e-7  # "no more likely", with R's relative tolerance for rounding
    total = np.bincount(g[keep], weights=np.exp(lp[keep]), minlength=len(todo))
    sizes = np.bincount(g, minlength=len(todo))
    for j, (i, t) in enumerate(todo):
        out[i] = TestResult(min(float(total[j]), 1.0), f"Fisher's exact test (2 x {t.shape[1]}, exact enumeration "
                                                        f"of {sizes[j]:,} tables)")
    return out


def exact_independence(table, *, seed: int = SEED, limit: int = ENUMERATION_LIMIT) -> TestResult:
    """Fisher's exact test on one 2 x k table (see fisher_2xk); p is None when a group is empty."""
    return fisher_2xk([table], seed, limit)[0]


# --- the linear-by-linear trend test -------------------------------------------------------------------------

def linear_trends(long: pd.DataFrame) -> pd.DataFrame:
    """The linear-by-linear association test for many tables at once. `long` holds one row per cell:
    group, u (row score), v (column score), row, col (labels) and count. Rows and columns with no cases
    are left out; a group with fewer than two of either has no result. Returns, indexed by group (every
    group of `long`), columns pvalue and z (NaN where not computable); z > 0 means higher row scores go
    with higher column scores."""
    x = long[long["count"] > 0]
    groups = pd.Index(pd.unique(long["group"]), name="group")
    if x.empty:
        return pd.DataFrame({"pvalue": NAN, "z": NAN}, index=groups)
    nrows = x.groupby("group")["row"].nunique()
    ncols = x.groupby("group")["col"].nunique()
    cnt, u, v = x["count"].astype(float), x["u"].astype(float), x["v"].astype(float)
    by = x["group"]
    statistic = (u * v * cnt).groupby(by).sum()
    n_obs = cnt.groupby(by).sum()
    um = (u * cnt).groupby(by).sum()
    u2m = (u ** 2 * cnt).groupby(by).sum()
    vn = (v * cnt).groupby(by).sum()
    v2n = (v ** 2 * cnt).groupby(by).sum()
    e_stat = um * vn / n_obs
    v_stat = (u2m - um ** 2 / n_obs) * (v2n - vn ** 2 / n_obs) / (n_obs - 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (statistic - e_stat) / np.sqrt(v_stat)
    out = pd.DataFrame({"pvalue": 2 * special.ndtr(-np.abs(z.to_numpy())), "z": z.to_numpy()}, index=z.index)
    out[(nrows < 2) | (ncols < 2)] = NAN
    return out.reindex(groups)


def linear_trend(table, row_scores=None, col_scores=None) -> TestResult:
    """The linear-by-linear association test (Agresti) on one r x c table of counts with ordered rows (years,
    oldest first) and ordered columns (grades, best first); scores default to 0, 1, 2, ... Two-sided p from
    the normal distribution; None when fewer than two rows or columns have cases."""
    t = np.asarray(table, dtype=float)
    rs = np.arange(t.shape[0], dtype=float) if row_scores is None else np.asarray(row_scores, dtype=float)
    cs = np.arange(t.shape[1], dtype=float) if col_scores is None else np.asarray(col_scores, dtype=float)
    i, j = np.indices(t.shape)
    long = pd.DataFrame({"group": 0, "u": rs[i.ravel()], "v": cs[j.ravel()], "row": i.ravel(), "col": j.ravel(),
                         "count": t.ravel()})
    res = linear_trends(long).iloc[0]
    if math.isnan(res["pvalue"]):
        return TestResult(None, "not computable: needs cases in at least two groups and two categories")
    return TestResult(float(res["pvalue"]), "linear-by-linear association test (normal approximation)",
                      float(res["z"]))


# --- two proportions ----------------------------------------------------------------------------------------

def two_proportions_z(k1, n1, k2, n2) -> tuple[np.ndarray, np.ndarray]:
    """The pooled two-proportion z-test's two-sided p-value and z, elementwise: z = (p1 - p2) / sqrt(p (1 - p)
    (1/n1 + 1/n2)), p = (k1 + k2) / (n1 + n2). 1 where both shares sit at the same boundary (0% or 100%);
    NaN where a count is missing or a denominator is 0. Returns (p, z)."""
    k1, n1, k2, n2 = (np.asarray(v, dtype=float) for v in (k1, n1, k2, n2))
    with np.errstate(divide="ignore", invalid="ignore"):
        ok = ~(np.isnan(k1) | np.isnan(n1) | np.isnan(k2) | np.isnan(n2)) & (n1 != 0) & (n2 != 0)
        pooled = (k1 + k2) * 1.0 / (n1 + n2)
        diff = k1 * 1.0 / n1 - k2 * 1.0 / n2
        z = diff / np.sqrt(pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n2))
        p = special.ndtr(-np.abs(z)) * 2
    edge = (pooled == 0) | (pooled == 1)
    p, z = np.where(edge, 1.0, p), np.where(edge, 0.0, z)
    return np.where(ok, p, NAN), np.where(ok, z, NAN)


def two_proportions(k1: int, n1: int, k2: int, n2: int) -> TestResult:
    """The pooled two-proportion z-test that k1/n1 and k2/n2 come from the same rate (two-sided); p is None
    when a count is missing or a denominator is 0."""
    if any(v is None for v in (k1, n1, k2, n2)):
        return TestResult(None, "not computable: a count is not available")
    p, z = (_none(v[0]) for v in two_proportions_z([k1], [n1], [k2], [n2]))
    if p is None:
        return TestResult(None, "not computable: a count is not available")
    return TestResult(p, "two-proportion z-test (pooled)", z)


# --- the Wilcoxon signed-rank test ------------------------------------------------------------------------

@dataclass(frozen=True)
class SignedRank:
    """Paired Wilcoxon signed-rank test of after - before.

    n: pairs; n_changed: pairs whose difference is not 0 (the only ones ranked); positive_ranks /
    negative_ranks: the rank sums T+ and T-; effect_size: the matched-pairs rank-biserial correlation
    (T+ - T-) / (T+ + T-), from -1 (all fell) to 1 (all rose)."""

    n: int
    n_changed: int
    positive_ranks: float | None
    negative_ranks: float | None
    pvalue: float | None
    effect_size: float | None
    method: str = "Wilcoxon signed-rank test (normal approximation with tie correction; no-change pairs dropped)"


def signed_ranks(group, before, after) -> pd.DataFrame:
    """The signed-rank test for every group at once (one row per pair, with its group id). Ratings on a
    five-point scale tie as a rule, so the normal approximation with the tie correction is used: T+ against
    mean n(n+1)/4, variance n(n+1)(2n+1)/24 - sum(t^3 - t)/48 over tied groups. Returns, indexed by group
    (every group given), n_changed, positive_ranks, negative_ranks, pvalue and effect_size (NaN where no
    pair changed)."""
    d = np.asarray(after, dtype=float) - np.asarray(before, dtype=float)
    keep = d != 0
    g, d = np.asarray(group)[keep], d[keep]
    out = pd.DataFrame(index=pd.Index(pd.unique(np.asarray(group)), name="group"),
                       columns=["n_changed", "positive_ranks", "negative_ranks", "pvalue", "effect_size"], dtype=float)
    out["n_changed"] = 0.0
    if not len(d):
        return out
    frame = pd.DataFrame({"g": g, "a": np.abs(d), "pos": d > 0})
    frame["r"] = frame.groupby("g")["a"].rank(method="average")
    r_plus = frame["r"].where(frame["pos"], 0.0).groupby(frame["g"]).sum()
    r_minus = frame["r"].where(~frame["pos"], 0.0).groupby(frame["g"]).sum()
    count = frame.groupby("g").size().astype(float)
    ties = frame.groupby(["g", "a"]).size().astype(float)
    tie_correct = (ties ** 3 - ties).groupby(level="g").sum()
    mn = count * (count + 1.) * 0.25
    se = count * (count + 1.) * (2. * count + 1.)
    se = np.sqrt((se - tie_correct / 2) / 24)
    z = (r_plus - mn) / se
    out.loc[z.index, "n_changed"] = count.to_numpy()
    out.loc[z.index, "positive_ranks"] = r_plus.to_numpy()
    out.loc[z.index, "negative_ranks"] = r_minus.to_numpy()
    out.loc[z.index, "pvalue"] = 2 * special.ndtr(-np.abs(z.to_numpy()))
    out.loc[z.index, "effect_size"] = ((r_plus - r_minus) / (r_plus + r_minus)).to_numpy()
    return out


def signed_rank(before: Sequence[float], after: Sequence[float]) -> SignedRank:
    """The signed-rank test on one set of paired ratings (see signed_ranks); p and effect size are None when
    no pair changed. Raises ValueError when the two lists differ in length."""
    b, a = np.asarray(before, dtype=float), np.asarray(after, dtype=float)
    if b.shape != a.shape:
        raise ValueError("signed_rank needs the same number of before and after ratings")
    r = signed_ranks(np.zeros(len(b), dtype=np.int64), b, a).reindex([0]).iloc[0]
    changed = int(0 if math.isnan(r["n_changed"]) else r["n_changed"])
    return SignedRank(len(b), changed, _none(r["positive_ranks"]), _none(r["negative_ranks"]), _none(r["pvalue"]),
                      _none(r["effect_size"]))


def significant(p) -> bool | None:
    """True when p < 0.05, False otherwise; None when there is no p-value."""
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return None
    return p < ALPHA
