"""Intervals and tests against reference values computed independently of the library: by hand (the
arithmetic is written out), by formulas coded here with the standard library only, or from published
worked examples. z = 1.959964 (the 97.5% normal quantile), z^2 = 3.841459."""
import itertools
import math

import numpy as np
import pandas as pd
import pytest

from wsp_analysis.calc import stats

Z = 1.959963984540054


def wilson_by_hand(k: int, n: int) -> tuple[float, float]:
    """(p + z^2/2n -/+ z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n), Wilson (1927)."""
    p = k / n
    centre = p + Z * Z / (2 * n)
    half = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    return (centre - half) / (1 + Z * Z / n), (centre + half) / (1 + Z * Z / n)


def normal_two_sided(z: float) -> float:
    return math.erfc(abs(z) / math.sqrt(2))  # 2 * (1 - Phi(|z|))


# --- Wilson intervals ---------------------------------------------------------------------------

def test_wilson_interval_4_of_20():
    # p = 0.2, n = 20: centre 0.2 + 3.841459/40 = 0.296036; half 1.959964 * sqrt(0.008 + 0.002401) = 0.199862;
    # divided by 1 + 0.192073 = 1.192073: 0.0807 to 0.4160
    low, high = stats.wilson_interval(4, 20)
    assert low == pytest.approx(0.0807, abs=5e-5)
    assert high == pytest.approx(0.4160, abs=5e-5)


def test_wilson_interval_0_of_n_and_n_of_n():
    # p = 0: the interval is 0 to z^2 / (n + z^2); p = 1: n / (n + z^2) to 1
    assert stats.wilson_interval(0, 20) == pytest.approx((0.0, 3.841459 / 23.841459))  # 0 to 0.1611
    assert stats.wilson_interval(20, 20) == pytest.approx((20 / 23.841459, 1.0))  # 0.8389 to 1
    low, high = stats.wilson_interval(0, 5)
    assert low == 0 and high == pytest.approx(3.841459 / 8.841459)  # 0 of 5 still leaves up to 43%
    assert stats.wilson_interval(0, 0) is None  # 0 of 0 has no interval
    assert stats.wilson_interval(None, 20) is None


@pytest.mark.parametrize("k, n", [(4, 5), (179, 239), (1333, 1617), (284, 1617), (1, 2412)])
def test_wilson_interval_equals_the_formula(k, n):
    assert stats.wilson_interval(k, n) == pytest.approx(wilson_by_hand(k, n), abs=1e-9)


def test_walsall_rapid_review_interval():
    # 4 of 5: centre 0.8 + 0.384146 = 1.184146; half 1.959964 * sqrt(0.032 + 0.038415) = 0.520058;
    # / 1.768292: 0.3755 to 0.9638
    assert stats.wilson_interval(4, 5) == pytest.approx((0.3755, 0.9638), abs=5e-5)


# --- Fisher's exact test of independence -----------------------------------------------------------

def fisher_by_brute_force(table) -> float:
    """Every 2 x k table with the same margins; p = sum of P(table) over tables no more likely than observed,
    P = prod C(c_j, a_j) / C(n, r1) (hypergeometric)."""
    cols = [a + b for a, b in zip(*table)]
    r1, n = sum(table[0]), sum(cols)
    prob = lambda first: math.prod(math.comb(c, a) for c, a in zip(cols, first)) / math.comb(n, r1)  # noqa: E731
    observed = prob(table[0])
    firsts = [f for f in itertools.product(*(range(c + 1) for c in cols)) if sum(f) == r1]
    return sum(prob(f) for f in firsts if prob(f) <= observed * (1 + 1e-7))


def test_fisher_hand_worked_2_x_3():
    # margins: rows 2 and 2, columns 2, 1, 1 (n = 4, C(4, 2) = 6 tables' worth):
    # first rows (2,0,0) 1/6, (1,1,0) 2/6, (1,0,1) 2/6, (0,1,1) 1/6; observed (2,0,0) has 1/6,
    # so p = 1/6 + 1/6 = 1/3
    res = stats.exact_independence([[2, 0, 0], [0, 1, 1]])
    assert res.pvalue == pytest.approx(1 / 3)
    assert "exact enumeration of 4 tables" in res.method


def test_fisher_published_2_x_2_examples():
    # Fisher's lady tasting tea, 3 of 4 right: p = (1 + 16 + 1 + 16) / 70 = 0.4857
    assert stats.exact_independence([[3, 1], [1, 3]]).pvalue == pytest.approx(34 / 70)
    # scipy's documented example [[6, 2], [1, 4]]: 0.0163 + 0.0816 + 0.00466 = 0.10256 (= 4/39)
    assert stats.exact_independence([[6, 2], [1, 4]]).pvalue == pytest.approx(4 / 39)


def test_fisher_drops_all_zero_grades():
    # an Outstanding column with no cases changes nothing: the same as the 2 x 2 tea table
    assert stats.exact_independence([[0, 3, 1], [0, 1, 3]]).pvalue == pytest.approx(34 / 70)
    assert stats.exact_independence([[0, 2, 0, 0], [0, 0, 1, 1]]).pvalue == pytest.approx(1 / 3)


@pytest.mark.parametrize("table", [
    [[0, 4, 16, 0], [0, 7, 10, 3]],  # a Walsall-shaped year (4 good, 16 RI) against an invented one
    [[1, 10, 6, 3], [0, 12, 8, 0]],  # Demoshire 2022-23 against 2023-24
    [[5, 5, 5, 5], [5, 5, 5, 5]],  # identical mixes: p = 1
])
def test_fisher_equals_brute_force_enumeration(table):
    assert stats.exact_independence(table).pvalue == pytest.approx(fisher_by_brute_force(table), rel=1e-9)


def test_fisher_identical_mixes_give_p_of_one_and_an_empty_year_none():
    assert stats.exact_independence([[5, 5, 5, 5], [5, 5, 5, 5]]).pvalue == pytest.approx(1.0)
    assert stats.exact_independence([[0, 0, 0], [1, 2, 3]]).pvalue is None


def test_fisher_permutation_fallback_reproduces_and_agrees():
    table = [[0, 4, 16, 0], [0, 7, 10, 3]]
    exact = fisher_by_brute_force(table)  # 0.0870
    a = stats.exact_independence(table, limit=1)  # forced past enumeration: seeded permutations
    b = stats.exact_independence(table, limit=1)
    assert "permutations, seed" in a.method
    assert a.pvalue == b.pvalue  # the same seed, the same answer
    assert a.pvalue == pytest.approx(exact, abs=0.01)  # 9,999 permutations: standard error about 0.003


# --- linear-by-linear trend ---------------------------------------------------------------------------

def test_linear_trend_hand_worked():
    # rows (years, scores 0, 1, 2): [1, 3], [2, 2], [3, 1]; columns (grades, scores 0, 1); n = 12.
    # mean row score 1, mean column score 0.5; sum n (u - 1)(v - 0.5) = -1 + 0 - 1 = -2;
    # sum n (u - 1)^2 = 8; sum n (v - 0.5)^2 = 3; r = -2 / sqrt(24) = -0.408248;
    # z = r sqrt(n - 1) = -1.354006; p = 2 (1 - Phi(1.354006)) = 0.1757
    res = stats.linear_trend([[1, 3], [2, 2], [3, 1]])
    assert res.statistic == pytest.approx(-2 / math.sqrt(24) * math.sqrt(11))
    assert res.pvalue == pytest.approx(normal_two_sided(-2 / math.sqrt(24) * math.sqrt(11)))
    assert res.pvalue == pytest.approx(0.1757, abs=5e-5)


def test_linear_trend_keeps_an_empty_grade_in_its_place_and_is_not_shifted():
    # an empty middle grade: scores stay 0 and 2 for the outer grades (no 0.5 added to zero cells):
    # same table as above with column scores 0 and 2, and r is unchanged by rescaling a score
    res = stats.linear_trend([[1, 0, 3], [2, 0, 2], [3, 0, 1]])
    assert res.pvalue == pytest.approx(0.1757, abs=5e-5)
    assert stats.linear_trend([[1, 3], [0, 0], [0, 0]]).pvalue is None  # one year with cases: nothing to trend


# --- two proportions -----------------------------------------------------------------------------------

def test_two_proportions_hand_worked():
    # 30 of 50 against 20 of 50: pooled p = 0.5; se = sqrt(0.25 * (2/50)) = 0.1; z = (0.6 - 0.4) / 0.1 = 2;
    # p = 2 (1 - Phi(2)) = 0.0455
    res = stats.two_proportions(30, 50, 20, 50)
    assert res.statistic == pytest.approx(2.0)
    assert res.pvalue == pytest.approx(0.0455, abs=5e-5)
    assert stats.significant(res.pvalue) is True


def test_two_proportions_formula():
    k1, n1, k2, n2 = 1333, 1617, 1283, 1558
    pooled = (k1 + k2) / (n1 + n2)
    z = (k1 / n1 - k2 / n2) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    assert stats.two_proportions(k1, n1, k2, n2).pvalue == pytest.approx(normal_two_sided(z), rel=1e-9)


def test_two_proportions_at_0_of_n_and_n_of_n_and_missing():
    assert stats.two_proportions(0, 10, 0, 12).pvalue == 1.0  # both 0%: nothing differs
    assert stats.two_proportions(10, 10, 12, 12).pvalue == 1.0  # both 100%
    # 0 of 10 against 10 of 10: pooled 0.5, se = sqrt(0.25 * 0.2) = 0.2236, z = -4.472, p = 7.7e-6
    assert stats.two_proportions(0, 10, 10, 10).pvalue == pytest.approx(normal_two_sided(1 / math.sqrt(0.05)))
    assert stats.two_proportions(None, 10, 3, 12).pvalue is None  # missing is not zero
    assert stats.two_proportions(3, 0, 3, 12).pvalue is None


# --- Wilcoxon signed-rank and its effect size ----------------------------------------------------------

def test_signed_rank_wilcoxon_1945_example():
    # Wilcoxon's cross- and self-fertilised corn (differences): |d| ranks 1..15, the negatives -48 and -67 rank
    # 10 and 14, so T- = 24 and T+ = 120 - 24 = 96. Mean 15 * 16 / 4 = 60, variance 15 * 16 * 31 / 24 = 310,
    # z = (24 - 60) / sqrt(310) = -2.0447, p = 0.0409. Rank-biserial (96 - 24) / 120 = 0.6
    d = [6, 8, 14, 16, 23, 24, 28, 29, 41, -48, 49, 56, 60, -67, 75]
    res = stats.signed_rank([0] * 15, d)
    assert (res.positive_ranks, res.negative_ranks) == (96, 24)
    assert res.pvalue == pytest.approx(normal_two_sided((24 - 60) / math.sqrt(310)))
    assert res.pvalue == pytest.approx(0.0409, abs=5e-5)
    assert res.effect_size == pytest.approx(0.6)


def test_signed_rank_with_ties_and_no_change_pairs():
    # before 2 2 3 3 1 2, after 3 4 3 5 2 1: d = 1 2 0 2 1 -1. The 0 is dropped (n = 5).
    # |d| = 1, 2, 2, 1, 1: the three 1s share ranks 1-3 (2 each), the two 2s ranks 4-5 (4.5 each).
    # T+ = 2 + 4.5 + 4.5 + 2 = 13, T- = 2. Mean 5 * 6 / 4 = 7.5; variance 5 * 6 * 11 / 24 = 13.75 less the tie
    # correction ((27 - 3) + (8 - 2)) / 48 = 0.625: 13.125. z = (2 - 7.5) / sqrt(13.125) = -1.5181, p = 0.1290.
    # Rank-biserial (13 - 2) / 15 = 0.7333
    res = stats.signed_rank([2, 2, 3, 3, 1, 2], [3, 4, 3, 5, 2, 1])
    assert (res.n, res.n_changed, res.positive_ranks, res.negative_ranks) == (6, 5, 13, 2)
    assert res.pvalue == pytest.approx(normal_two_sided(-5.5 / math.sqrt(13.125)))
    assert res.pvalue == pytest.approx(0.1290, abs=5e-5)
    assert res.effect_size == pytest.approx(11 / 15)
    assert stats.significant(res.pvalue) is False


def test_signed_rank_when_nobody_changed():
    res = stats.signed_rank([3, 3, 4], [3, 3, 4])
    assert (res.n_changed, res.pvalue, res.effect_size) == (0, None, None)  # cannot be computed, not 0


def test_significance_rule():
    assert stats.significant(0.049) is True
    assert stats.significant(0.05) is False  # significant only when p < 0.05
    assert stats.significant(None) is None


# --- every test vectorised over groups, against scipy and statsmodels one table at a time -------------------

def test_wilson_intervals_equal_scipy():
    from scipy.stats import binomtest

    k, n = np.meshgrid(np.arange(0, 41), np.arange(1, 41))
    keep = k <= n
    lo, hi = stats.wilson(k[keep], n[keep])
    for kk, nn, a, b in zip(k[keep], n[keep], lo, hi):
        ci = binomtest(int(kk), int(nn)).proportion_ci(method="wilson")
        assert (a, b) == pytest.approx((ci.low, ci.high), rel=1e-12, abs=1e-15), (kk, nn)
    assert np.isnan(stats.wilson([1], [0])[0][0])  # 1 of 0 has no interval


def test_two_proportion_tests_equal_statsmodels():
    from statsmodels.stats.proportion import proportions_ztest

    rng = np.random.default_rng(1)
    n1, n2 = rng.integers(1, 60, 300), rng.integers(1, 60, 300)
    k1, k2 = rng.integers(0, 61, 300) % (n1 + 1), rng.integers(0, 61, 300) % (n2 + 1)
    p, z = stats.two_proportions_z(k1, n1, k2, n2)
    for i in range(300):
        pooled = (k1[i] + k2[i]) / (n1[i] + n2[i])
        if pooled in (0, 1):
            assert p[i] == 1.0  # both shares at the same boundary: nothing to test
            continue
        zz, pp = proportions_ztest([int(k1[i]), int(k2[i])], [int(n1[i]), int(n2[i])])
        assert math.isclose(p[i], pp, rel_tol=1e-12) and math.isclose(z[i], zz, rel_tol=1e-12), i
    assert np.isnan(stats.two_proportions_z([1], [0], [1], [2])[0][0])  # a zero denominator


def test_signed_rank_tests_equal_scipy():
    from scipy.stats import wilcoxon

    rng = np.random.default_rng(2)
    sizes = [1, 2, 3, 5, 8, 13, 30, 80, 4]
    group = np.repeat(np.arange(len(sizes)), sizes)
    before = rng.integers(1, 6, len(group)).astype(float)
    after = np.clip(before + rng.integers(-2, 3, len(group)), 1, 5)
    after[group == 8] = before[group == 8]  # no pair changed
    got = stats.signed_ranks(group, before, after)
    for g in range(len(sizes)):
        d = after[group == g] - before[group == g]
        if not (d != 0).any():
            assert np.isnan(got.loc[g, "pvalue"]) and np.isnan(got.loc[g, "effect_size"])
            continue
        want = wilcoxon(d[d != 0], zero_method="wilcox", correction=False, method="asymptotic").pvalue
        assert math.isclose(got.loc[g, "pvalue"], want, rel_tol=1e-9), g


def test_fisher_exact_tests_equal_brute_force_and_scipy():
    from scipy.stats import fisher_exact

    rng = np.random.default_rng(3)
    tables = [rng.integers(0, 7, size=(2, k)) for k in (2, 3, 4, 4, 5, 3) for _ in range(5)]
    results = stats.fisher_2xk(tables)
    for t, res in zip(tables, results):
        t2 = t[:, t.sum(axis=0) > 0]
        if (t2.sum(axis=1) == 0).any():
            assert res.pvalue is None
        elif t2.shape[1] == 2:
            assert res.pvalue == pytest.approx(fisher_exact(t2).pvalue)
        elif t2.shape[1] > 2:
            assert res.pvalue == pytest.approx(fisher_by_brute_force(t2.tolist()), rel=1e-9), t


def test_linear_trend_tests_equal_statsmodels():
    from statsmodels.stats.contingency_tables import Table

    rng = np.random.default_rng(4)
    cells, tables = [], {}
    for g in range(25):
        t = rng.integers(1, 7, size=(int(rng.integers(2, 6)), int(rng.integers(2, 5))))
        rs = np.cumsum(rng.integers(1, 3, t.shape[0])) - 1
        tables[g] = (t, rs)
        cells += [(g, rs[i], j, i, j, t[i, j]) for i in range(t.shape[0]) for j in range(t.shape[1])]
    got = stats.linear_trends(pd.DataFrame(cells, columns=["group", "u", "v", "row", "col", "count"]))
    for g, (t, rs) in tables.items():
        want = Table(t, shift_zeros=False).test_ordinal_association(row_scores=rs,
                                                                     col_scores=np.arange(t.shape[1]))
        assert math.isclose(got.loc[g, "pvalue"], want.pvalue, rel_tol=1e-9), g
