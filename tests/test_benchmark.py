"""Benchmarking across partnerships (calc.benchmark): which partnerships and counts are compared, the pooled
rate and each partnership's limits, worked by hand on folders built here."""
from __future__ import annotations

import pytest
from builders import audits, build

import wsp_analysis as wsp
from wsp_analysis.calc import benchmark, funnel

DEFINITION = {"indicator": "rhi_72h", "label": "Return home interviews within 72 hours", "unit": "proportion",
              "polarity": "higher_is_better", "priority": "Missing", "definition": "within 72 hours, of returns"}
THREE_GRADES = ("Effective", "Partly Effective", "Not Effective")


def rows(counts, year="2023-24"):
    """Quarterly indicators.csv rows from (numerator, denominator) pairs, Q1 first."""
    return [{"indicator": "rhi_72h", "year": year, "quarter": q, "value": round(n / d, 4), "numerator": n,
             "denominator": d} for q, (n, d) in zip(("Q1", "Q2", "Q3", "Q4"), counts)]


@pytest.fixture
def region(tmp_path):
    data = tmp_path / "data"
    # a: 40/50 in Q4; b: 30/60; c: 190/200, and four quarters each (b's Q2 has no counts)
    build(data, {"indicators": rows([(20, 25), (21, 30), (22, 30), (40, 50)]), "indicator_definitions": [DEFINITION],
                 "audits": audits("2023-24", "Q4", "Neglect", (1, 1, 1, 1))}, name="a")
    b = rows([(10, 20), (1, 1), (12, 20), (30, 60)])
    b[1] = {"indicator": "rhi_72h", "year": "2023-24", "quarter": "Q2", "value": None}
    build(data, {"indicators": b, "indicator_definitions": [DEFINITION],
                 "audits": audits("2023-24", "Q4", "Neglect", (0, 2, 2, 0))}, name="b")
    build(data, {"indicators": rows([(90, 100), (95, 100), (99, 100), (190, 200)]),
                 "indicator_definitions": [DEFINITION],
                 "audits": audits("2023-24", "Q4", "Neglect", (2, 2, 0), THREE_GRADES)}, scale=THREE_GRADES, name="c")
    return wsp.load_all(data)


def test_a_quarter_pooled_rate_and_limits_by_hand(region):
    reg = benchmark.figures(region, "2023-24", "Q4")
    # pooled (40 + 30 + 190) / (50 + 60 + 200) = 260 / 310 = 0.8387
    pooled = reg.get("benchmark.rhi_72h.pooled", "2023-24-Q4")
    assert (pooled.value, pooled.numerator, pooled.denominator) == (pytest.approx(260 / 310), 260, 310)
    assert reg.value("benchmark.rhi_72h.partnerships", "2023-24-Q4") == 3
    rate = reg.get("benchmark.rhi_72h.b.rate", "2023-24-Q4")
    assert (rate.value, rate.numerator, rate.denominator) == (0.5, 30, 60) and rate.ci_low is not None
    lo, hi = funnel.limits(260 / 310, [60], 0.998)
    assert reg.value("benchmark.rhi_72h.b.lower_998", "2023-24-Q4") == pytest.approx(lo[0])
    assert reg.value("benchmark.rhi_72h.b.upper_998", "2023-24-Q4") == pytest.approx(hi[0])
    # 50% of 60 lies far below 84%: outside both limits; 95% of 200 far above
    assert reg.value("benchmark.rhi_72h.b.outside_998", "2023-24-Q4") == -1
    assert reg.value("benchmark.rhi_72h.c.outside_998", "2023-24-Q4") == 1
    assert reg.get("benchmark.rhi_72h.b.outside_998", "2023-24-Q4").unit == "code"
    assert reg.value("benchmark.rhi_72h.outside_998", "2023-24-Q4") == 2
    words = reg.detail("benchmark.indicators").set_index("indicator")
    assert words.loc["rhi_72h", "below_998"] == "Testshire Safeguarding Partnership"  # b's name (the builder's)
    assert list(reg.detail("benchmark.rates")["partnership"]) == ["a", "b", "c"]  # smallest denominator first
    # the audits: c grades on another scale, so only a and b remain: fewer than three, not compared
    assert "audit.good_or_better" not in set(reg.detail("benchmark.indicators")["indicator"])
    assert not reg.find("benchmark.audit.")


def test_a_year_sums_its_four_quarters_and_never_fewer(region):
    reg = benchmark.figures(region, "2023-24")
    # a: (20 + 21 + 22 + 40) / (25 + 30 + 30 + 50) = 103 / 135; b's Q2 has no counts, so b has no year: two
    # partnerships remain, fewer than three, and nothing is compared
    assert not reg.find("benchmark.rhi_72h")
    assert reg.detail("benchmark.indicators").empty
    curves = reg.detail("benchmark.curves")
    assert curves.empty


def test_a_year_by_hand_with_three_complete_partnerships(tmp_path):
    data = tmp_path / "data"
    for name, counts in (("a", [(20, 25), (21, 30), (22, 30), (40, 50)]), ("b", [(10, 20)] * 4),
                         ("c", [(9, 10)] * 4)):
        build(data, {"indicators": rows(counts), "indicator_definitions": [DEFINITION]}, name=name)
    reg = benchmark.figures(wsp.load_all(data), "2023-24")
    a = reg.get("benchmark.rhi_72h.a.rate", "2023-24")
    assert (a.numerator, a.denominator, a.value) == (103, 135, pytest.approx(103 / 135))
    # pooled (103 + 40 + 36) / (135 + 80 + 40) = 179 / 255
    assert reg.value("benchmark.rhi_72h.pooled", "2023-24") == pytest.approx(179 / 255)
    curves = reg.detail("benchmark.curves")
    assert curves["denominator"].min() <= 40 * 0.7 + 1 and curves["denominator"].max() >= 135 * 1.3 - 1
    assert (curves["lower_998"] <= curves["lower_95"]).all() and (curves["upper_95"] <= curves["upper_998"]).all()
