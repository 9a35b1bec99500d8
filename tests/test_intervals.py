"""Intervals: each audit share of counts carries its Wilson 95% interval, none for published percentages."""
import pytest

Z2 = 1.959963984540054 ** 2


def test_walsall_shares_with_intervals(register):
    good = register.get("audit.share.good", "2023-24")
    assert (good.numerator, good.denominator) == (4, 20)
    assert good.interval == (pytest.approx(0.0807, abs=5e-5), pytest.approx(0.4160, abs=5e-5))
    out = register.get("audit.share.outstanding", "2023-24")  # 0 of 20: 0 to z^2/(20 + z^2)
    assert out.interval == (0, pytest.approx(Z2 / (20 + Z2)))
    published = register.get("audit.share.good", "2022-23")
    assert published.interval is None  # a published percentage has no n, so no interval
