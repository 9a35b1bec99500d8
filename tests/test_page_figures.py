"""Figures and details the report pages need, added to the register where it lacked them. Every expected
value is worked by hand in the comment beside it."""
from __future__ import annotations

import pytest

import wsp_analysis as wsp


@pytest.fixture(scope="module")
def walsall_2022_23(walsall):
    return wsp.figures(walsall, "2022-23")


def test_a_year_published_only_as_percentages_states_them_in_its_own_report(walsall_2022_23):
    # Walsall's Table 2 publishes 2022-23 as 0% / 35% / 50% / 15% with no counts (audit_shares.csv)
    shares = {g: walsall_2022_23.get(f"audit.share.{g}", "2022-23")
              for g in ("outstanding", "good", "requires_improvement", "inadequate")}
    assert {g: f.value for g, f in shares.items()} == {"outstanding": 0, "good": 0.35, "requires_improvement": 0.5,
                                                      "inadequate": 0.15}
    for f in shares.values():
        assert (f.numerator, f.denominator, f.interval) == (None, None, None)  # no counts: no n, no interval
        assert "published percentage; counts not published" in f.label
        assert f.source == "data/walsall/audit_shares.csv"
    assert walsall_2022_23.value("audit.graded", "2022-23") is None  # the number of audits is not published
    # its change is from the same percentages: 35 - 60 (2021-22) = -25 points
    assert walsall_2022_23.value("audit.change_pp.good", "2022-23") == pytest.approx(-25)


def test_a_year_with_counts_still_states_counts(register):
    good = register.get("audit.share.good", "2023-24")
    assert (good.value, good.numerator, good.denominator) == (0.2, 4, 20)  # 4 of 20
    assert "published" not in good.label


def test_consistency_findings_carry_the_half_even_counts(register):
    found = register.detail("consistency.findings").set_index("year")
    # 2020-21, 4/61/30/4: 1/23 = 4.35% -> 4, 14/23 = 60.87% -> 61, 7/23 = 30.43% -> 30 (no ties, so the
    # same counts under either rule)
    assert found.loc["2020-21", "half_even"] == (1, 14, 7, 1) and found.loc["2020-21", "half_even_n"] == 23
    # 2022-23, 0/35/50/15: 7/20 = 35%, 10/20 = 50%, 3/20 = 15% exactly
    assert found.loc["2022-23", "half_even"] == (0, 7, 10, 3)
    # 2019-20, 0/23/63/15: only ties fit (9/40 = 22.5%, 25/40 = 62.5%), and half even rounds them down
    assert found.loc["2019-20", "half_even"] is None
    assert found.loc["2019-20", "half_up"] == (0, 9, 25, 6)
