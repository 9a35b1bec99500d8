import pytest

from wsp_analysis import stats


def test_wilson_interval_4_of_20():
    # p = 0.2, z = 1.96: (p + z^2/2n ± z*sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n) = 0.0807 to 0.4160
    low, high = stats.wilson_interval(4, 20)
    assert low == pytest.approx(0.0807, abs=5e-4)
    assert high == pytest.approx(0.4160, abs=5e-4)


def test_wilson_interval_edges():
    low, high = stats.wilson_interval(0, 5)
    assert low == 0 and 0.4 < high < 0.45  # 0 of 5 still leaves up to about 43%
    assert stats.wilson_interval(0, 0) is None
