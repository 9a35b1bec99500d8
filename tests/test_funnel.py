"""Funnel plot limits (Spiegelhalter 2005), worked by hand for one denominator."""
import math

import pandas as pd
import pytest
from scipy.stats import binom

from wsp_analysis.calc import funnel


def test_exact_binomial_limits_interpolated():
    # p0 = 0.5, n = 100, 95%: the 2.5% quantile is 40 (P(X <= 40) = 0.02844, P(X <= 39) = 0.01760);
    # alpha = (0.02844 - 0.025) / (0.02844 - 0.01760) = 0.3177; lower limit (40 - 0.3177) / 100 = 0.3968
    lo, hi = funnel.limits(0.5, [100], 0.95)
    at, below = binom.cdf(40, 100, 0.5), binom.cdf(39, 100, 0.5)
    assert lo[0] == pytest.approx((40 - (at - 0.025) / (at - below)) / 100) == pytest.approx(0.3968, abs=1e-4)
    # the 97.5% quantile is 60 (P(X <= 60) = 0.98240, P(X <= 59) = 0.97156): (60 - 0.6832) / 100 = 0.5932
    at, below = binom.cdf(60, 100, 0.5), binom.cdf(59, 100, 0.5)
    assert hi[0] == pytest.approx((60 - (at - 0.975) / (at - below)) / 100) == pytest.approx(0.5932, abs=1e-4)
    # close to the normal approximation for a large denominator
    lo, hi = funnel.limits(0.3, [100000], 0.998)
    z = 3.090232306167813
    assert lo[0] == pytest.approx(0.3 - z * math.sqrt(0.3 * 0.7 / 100000), abs=2e-5)


def test_partnerships_outside_the_limits_are_named():
    f = funnel.funnel(pd.DataFrame({"partnership": ["a", "b", "c", "d"], "numerator": [80, 450, 500, 30],
                                    "denominator": [100, 600, 640, 100]}))
    pooled = (80 + 450 + 500 + 30) / (100 + 600 + 640 + 100)
    assert f["pooled"].iloc[0] == pytest.approx(pooled)  # 1060 / 1440 = 0.7361
    assert list(f["outside_95"]) == [0, 0, 1, -1]  # 500 of 640 (78.1%) is above 76.9%; 30 of 100 far below
    assert list(f["outside_998"]) == [0, 0, 0, -1]  # ... but within 99.8% (78.8%)
    assert (f["lower_95"] >= f["lower_998"]).all() and (f["upper_95"] <= f["upper_998"]).all()
    with pytest.raises(ValueError):
        funnel.funnel(pd.DataFrame({"partnership": ["a"], "numerator": [5], "denominator": [0]}))
