"""Statistical process control, against the issue's reference series worked by hand (Making Data Count,
as NHS-R's NHSRplotthedots implements it)."""
import pytest

from wsp_analysis.calc import spc

A = [30, 34, 29, 31, 36, 33, 28, 32, 35, 30, 31, 29, 33, 52, 34, 31]
B = [0.80, 0.82, 0.79, 0.81, 0.80, 0.83, 0.78, 0.81, 0.86, 0.87, 0.86, 0.88, 0.87, 0.86, 0.89, 0.88]


def test_series_a_one_point_outside_the_limits():
    c = spc.chart(A)
    # mean 528 / 16 = 33; moving ranges 4 5 2 5 3 5 4 3 5 1 2 4 19 18 3: 83 / 15 = 5.5333
    assert c.mean == pytest.approx(528 / 16) == 33
    assert c.mean_moving_range == pytest.approx(83 / 15)
    assert c.upper_limit == pytest.approx(33 + 2.66 * 83 / 15) == pytest.approx(47.7187, abs=1e-4)
    assert c.lower_limit == pytest.approx(33 - 2.66 * 83 / 15) == pytest.approx(18.2813, abs=1e-4)
    assert c.special_points == 1 and c.direction[13] == 1 and c.rule[13] == spc.OUTSIDE  # the 14th, 52
    assert c.latest == 0
    assert spc.variation_words(c.latest, spc.NEITHER) == "common cause"
    assert spc.assurance(c, spc.NEITHER, 40) is None  # no better direction: no assurance


def test_series_b_two_runs_improvement_and_assurance():
    c = spc.chart(B)
    assert c.mean == pytest.approx(sum(B) / 16) == pytest.approx(0.838125)
    assert (c.lower_limit, c.upper_limit) == (pytest.approx(0.777832, abs=1e-6), pytest.approx(0.898418, abs=1e-6))
    # the first 8 points are below the mean and the last 8 above: both runs of 7 or more
    assert all(d == -1 for d in c.direction[:8]) and all(d == 1 for d in c.direction[8:])
    assert c.special_points == 16
    assert c.latest == 1 and spc.variation_words(c.latest, spc.HIGHER) == "special cause improvement"
    assert spc.variation_words(c.latest, spc.LOWER) == "special cause concern"
    assert spc.assurance(c, spc.HIGHER, 0.75) == 1  # the lower limit 0.7778 is above the target
    assert spc.assurance(c, spc.LOWER, 0.75) == -1
    assert spc.assurance(c, spc.HIGHER, 0.85) == 0  # the target lies between the limits: hit and miss
    assert spc.assurance(c, spc.HIGHER, None) is None


def test_a_run_of_seven_rising_is_a_trend():
    values = [10, 11, 10, 11, 10, 11, 10, 11, 12, 13, 14, 15, 16, 17]  # the 7th point on, 10 to 17: eight rising
    c = spc.chart(values)
    assert [i for i, r in enumerate(c.rule) if r in (spc.TREND, spc.OUTSIDE)] == list(range(6, 14))
    assert c.rule[6] == spc.TREND
    assert c.direction[-1] == 1


def test_two_of_three_beyond_two_sigma():
    c = spc.chart([11, 11.4] * 6 + [13, 11.5, 13])
    # mean 11.46; two sigma above it 12.60; upper limit 13.17: both 13s are beyond two sigma, inside the
    # limit, and all three points are above the mean, so the 13s (not the 11.5) are flagged
    assert c.mean + spc.NEAR * c.mean_moving_range < 13 < c.upper_limit and c.mean < 11.5
    assert [i for i, r in enumerate(c.rule) if r == spc.TWO_OF_THREE] == [12, 14]
    assert spc.chart([11, 11.4] * 6 + [13, 11.4, 13]).rule[12] == ""  # the middle point below the mean


def test_fewer_than_twelve_points_is_a_run_chart():
    c = spc.chart([3, 9])  # Walsall's self-neglect panel referrals, Q1 and Q3 2023-24
    assert c.mean == 6 and not c.limits and c.special_points is None and c.latest is None
    assert spc.assurance(c, spc.HIGHER, 5) is None
    with pytest.raises(ValueError):
        spc.chart([])
