import pandas as pd
import pytest

from wsp_analysis.calc import budget


def frame(rows):
    df = pd.DataFrame(rows, columns=["year", "section", "category", "line", "budget", "actual"])
    return df.astype({"budget": "Float64", "actual": "Float64"})


ROWS = [
    ("2023-24", "expenditure", "staffing", "Staff", 100, 150),
    ("2023-24", "expenditure", "other", "Venues", 50, 40),
    ("2023-24", "income", "income", "Grants", 150, 170),
]


def test_line_variance_and_judgement_in_words():
    lines = budget.lines(frame(ROWS), "2023-24").set_index("line")
    assert lines.loc["Staff", "variance"] == 150 - 100 == 50
    assert lines.loc["Staff", "judgement"] == "adverse"  # spending over budget
    assert lines.loc["Venues", "variance"] == 40 - 50 == -10
    assert lines.loc["Venues", "judgement"] == "favourable"
    assert lines.loc["Grants", "variance"] == 170 - 150 == 20
    assert lines.loc["Grants", "judgement"] == "favourable"  # more income than planned
    assert lines.loc["Staff", "variance_pct"] == pytest.approx(50 / 100 * 100)


def test_judgement_rules():
    assert budget.judgement("expenditure", 1) == "adverse"
    assert budget.judgement("income", -1) == "adverse"
    assert budget.judgement("income", 0) == "on budget"
    assert budget.judgement("expenditure", pd.NA) is None


def test_totals_and_net_position():
    t = budget.totals(frame(ROWS), "2023-24").set_index("section")
    assert t.loc["expenditure", "actual"] == 150 + 40 == 190
    assert t.loc["expenditure", "variance"] == 190 - 150 == 40
    net = budget.net_position(frame(ROWS), "2023-24")
    assert net == {"budget": (100 + 50) - 150, "actual": 190 - 170}  # 0 planned; 20 deficit


def test_a_missing_line_makes_the_total_missing():
    rows = ROWS + [("2023-24", "expenditure", "other", "Unknown", None, 5)]
    t = budget.totals(frame(rows), "2023-24").set_index("section")
    assert pd.isna(t.loc["expenditure", "budget"])
    assert budget.net_position(frame(rows), "2023-24")["budget"] is None


def test_contributions_shares():
    c = pd.DataFrame({"year": ["2023-24"] * 2, "organisation": ["A", "B"], "amount": [30.0, 10.0]})
    out = budget.contributions(c, "2023-24").set_index("organisation")
    assert out.loc["A", "share"] == pytest.approx(30 / 40)
