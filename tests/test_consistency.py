"""Counts behind rounded percentages, against cases worked by hand."""
from __future__ import annotations

import pandas as pd
import pytest

from wsp_analysis.calc import stats

from wsp_analysis.calc import consistency as c
from wsp_analysis.calc.consistency import HALF_EVEN, HALF_UP


def test_count_range_half_up_and_half_even():
    # 9 of 40 is 22.5% exactly: half up makes it 23, half even 22.
    assert 9 in c.count_range(23, 40, HALF_UP) and 9 not in c.count_range(23, 40, HALF_EVEN)
    assert 9 in c.count_range(22, 40, HALF_EVEN) and 9 not in c.count_range(22, 40, HALF_UP)
    # 61% of 23: 60.5% <= 100c/23 < 61.5% -> 13.915 <= c < 14.145 -> c = 14 (60.87%)
    assert list(c.count_range(61, 23)) == [14]
    # 0% of 40: only 0 (1 of 40 is 2.5%)
    assert list(c.count_range(0, 40)) == [0]
    # 20 of 20 is 100%
    assert list(c.count_range(100, 20)) == [20]


def test_table_2_2020_21_fits_1_14_7_1_of_23_first():
    # 1/23 = 4.35% -> 4; 14/23 = 60.87% -> 61; 7/23 = 30.43% -> 30; sum 99 because of rounding.
    fits = c.consistent_counts([4, 61, 30, 4], max_n=60)
    assert fits[0] == c.Fit(23, ((1, 14, 7, 1),))
    assert c.smallest([4, 61, 30, 4], rounding=HALF_EVEN).first == (1, 14, 7, 1)  # no ties: both rules agree
    assert [f.n for f in fits] == [23, 46]  # 2/28/14/2 of 46 is the only other total up to 60


def test_table_2_2019_20_fits_0_9_25_6_of_40_half_up_and_nothing_half_even():
    # 9/40 = 22.5% and 25/40 = 62.5% are ties: up to 23 and 63 half up; half even gives 22 and 62.
    assert c.smallest([0, 23, 63, 15], max_n=60) == c.Fit(40, ((0, 9, 25, 6),))
    assert c.consistent_counts([0, 23, 63, 15], max_n=60, rounding=HALF_EVEN) == []
    assert c.smallest([0, 23, 63, 15], max_n=60, rounding=HALF_EVEN) is None


def test_no_consistent_total_below_the_bound():
    # 1% needs 0.5% <= 100c/n < 1.5%: one case in at least 67 (1/67 = 1.49%); 66/67 = 98.51% -> 99.
    assert c.consistent_counts([1, 99], max_n=66) == []
    assert c.smallest([1, 99], max_n=67) == c.Fit(67, ((1, 66),))


def test_a_tie_separates_the_rules_for_ever():
    # 1/8 = 12.5% -> 13 and 7/8 = 87.5% -> 88 half up. Half even: 13 is odd, so 12.5 < 100c/n < 13.5, and
    # 88 is even, so 87.5 <= 100(n-c)/n <= 88.5, i.e. 11.5 <= 100c/n <= 12.5: the two never meet.
    assert c.smallest([13, 88]) == c.Fit(8, ((1, 7),))
    assert c.smallest([13, 88], max_n=500, rounding=HALF_EVEN) is None


def test_several_count_vectors_at_one_total_are_all_listed():
    # 33/33/33 of 3 is 1/1/1 (33.33% each; the row adds to 99)
    assert c.smallest([33, 33, 33]).first == (1, 1, 1)
    # 17% and 83%: n = 6 gives 1/6 = 16.67 -> 17 and 5/6 = 83.33 -> 83
    assert c.smallest([17, 83]) == c.Fit(6, ((1, 5),))
    # with one decimal: 33.3/66.7 of 3
    assert c.smallest([33.3, 66.7], decimals=1) == c.Fit(3, ((1, 2),))
    # 0/50/50 of 201: 1/201 = 0.498% -> 0, 2/201 = 0.995% -> 1, so the first grade is 0 or 1;
    # 100/201 = 49.75% and 101/201 = 50.25% both -> 50. Three vectors add to 201:
    assert c.fits_at([0, 50, 50], 201).counts == ((0, 100, 101), (0, 101, 100), (1, 100, 100))
    assert c.fits_at([45, 55], 10) is None  # 4.5 and 5.5 of 10 are not whole


def test_bad_input_is_refused_in_words():
    with pytest.raises(ValueError, match="not a percentage from 0 to 100"):
        c.count_range(101, 10)
    with pytest.raises(ValueError, match="missing"):
        c.smallest([None, 50])
    with pytest.raises(ValueError, match="rounding must be"):
        c.count_range(50, 2, "bankers")
    with pytest.raises(ValueError, match="no percentages"):
        c.consistent_counts([])


def test_decimals_of():
    assert c.decimals_of([4, 61, 30, 4]) == 0
    assert c.decimals_of([33.3, 66.7]) == 1
    assert c.decimals_of([4.0, 96.0]) == 0


def test_walsall_findings_and_inference(register):
    found = register.detail("consistency.findings").set_index("year")
    assert sorted(found.index) == ["2019-20", "2020-21", "2021-22", "2022-23"]
    assert found.loc["2019-20", "half_up"] == (0, 9, 25, 6) and pd.isna(found.loc["2019-20", "half_even_n"])
    assert found.loc["2019-20", "percent_sum"] == 101 and found.loc["2020-21", "percent_sum"] == 99
    assert (found.loc["2022-23", "half_up"], found.loc["2022-23", "half_up_n"]) == ((0, 7, 10, 3), 20)
    # Fisher's exact test as if 2022-23 were 0/7/10/3, against 2023-24's 0/4/16/0 (outstanding dropped: all zero)
    mix = register.get("consistency.test.grade_mix", "2023-24")
    assert mix.value == pytest.approx(stats.exact_independence([[7, 10, 3], [4, 16, 0]]).pvalue)
    assert 0.05 < mix.value < 0.1 and "if the counts were 0/7/10/3 of 20 in 2022-23" in mix.label
    trend = register.get("consistency.test.grade_trend", "2023-24")
    assert trend.value is not None and trend.label.startswith("Linear-by-linear trend test, audit grade mix 2019-20 "
                                                              "to 2023-24")


def test_figures(register):
    assert register.value("consistency.smallest_n.half_up", "2020-21") == 23
    assert register.value("consistency.smallest_n.half_even", "2019-20") is None
    assert register.value("consistency.count.good", "2019-20") == 9
    assert register.value("consistency.percent_sum", "2019-20") == 101
    assert register.get("consistency.test.grade_mix", "2023-24").unit == "p_value"
