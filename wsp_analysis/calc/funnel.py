"""Funnel plots: each partnership's proportion against the pooled proportion of all of them, with control
limits that narrow as the denominator grows (Spiegelhalter, "Funnel plots for comparing institutional
performance", Statistics in Medicine 2005; the method OHID Fingertips uses for proportions).

For a pooled proportion p0 and a denominator n, the limits at a two-sided coverage (95%, 99.8%) are the
binomial quantiles r of X ~ Binomial(n, p0) at (1 - coverage) / 2 and (1 + coverage) / 2, interpolated
to a continuous proportion: (r - alpha) / n with alpha = (P(X <= r) - q) / (P(X <= r) - P(X <= r - 1))
(Spiegelhalter 2005, appendix A.1.1; scipy.stats.binom).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import binom

COVERAGES = {0.95: "95", 0.998: "998"}  # coverage -> the suffix of its columns


def _limit(p0: float, n: np.ndarray, q: float) -> np.ndarray:
    r = binom.ppf(q, n, p0)
    at, below = binom.cdf(r, n, p0), binom.cdf(r - 1, n, p0)
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = np.where(at > below, (at - q) / (at - below), 0.0)
        return np.clip((r - alpha) / n, 0.0, 1.0)


def limits(p0: float, n, coverage: float) -> tuple[np.ndarray, np.ndarray]:
    """The (lower, upper) control limits (proportions, 0-1) at each denominator in `n` around p0."""
    n = np.asarray(n, dtype=float)
    return _limit(p0, n, (1 - coverage) / 2), _limit(p0, n, (1 + coverage) / 2)


def funnel(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per row of `frame` (partnership, numerator, denominator; counts, numerator <= denominator,
    denominator > 0): rate = numerator / denominator; pooled = sum of numerators / sum of denominators;
    lower_95, upper_95, lower_998, upper_998 (limits at the row's denominator); outside_95 and outside_998
    (1 above the upper limit, -1 below the lower, 0 within). Raises ValueError for a row that is not a
    proportion of counts."""
    num, den = frame["numerator"].to_numpy(dtype=float), frame["denominator"].to_numpy(dtype=float)
    if (den <= 0).any() or (num < 0).any() or (num > den).any() or np.isnan(num).any() or np.isnan(den).any():
        raise ValueError("a funnel plot needs counts with 0 <= numerator <= denominator and a denominator above 0")
    p0 = num.sum() / den.sum()
    out = frame.copy()
    out["rate"] = num / den
    out["pooled"] = p0
    for coverage, tag in COVERAGES.items():
        lo, hi = limits(p0, den, coverage)
        out[f"lower_{tag}"], out[f"upper_{tag}"] = lo, hi
        out[f"outside_{tag}"] = np.where(out["rate"] > hi, 1, np.where(out["rate"] < lo, -1, 0))
    return out
