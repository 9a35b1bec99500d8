import pandas as pd
import pytest

from wsp_analysis.calc import audits

SCALE = ("Outstanding", "Good", "Requires Improvement", "Inadequate")


def frame(rows):
    df = pd.DataFrame(rows, columns=["year", "quarter", "theme", "grade", "count"])
    df["count"] = df["count"].astype("Int64")
    return df


def shares_frame(rows):
    df = pd.DataFrame(rows, columns=["year", "grade", "percent"])
    df["percent"] = df["percent"].astype("Float64")
    return df


def test_distribution_fills_absent_grades_and_sums_quarters():
    a = frame([("2023-24", "Q1", "A", "Good", 1), ("2023-24", "Q1", "A", "Requires Improvement", 3),
               ("2023-24", "Q1", "A", "Outstanding", 0), ("2023-24", "Q1", "A", "Inadequate", 0),
               ("2023-24", "Q2", "B", "Good", 2), ("2023-24", "Q2", "B", "Requires Improvement", 2),
               ("2023-24", "Q2", "B", "Outstanding", 0), ("2023-24", "Q2", "B", "Inadequate", 0)])
    d = audits.grade_distribution(a, SCALE).set_index("grade")
    # Good: 1 + 2 = 3 of 4 + 4 = 8
    assert d.loc["Good", "count"] == 3
    assert d.loc["Good", "total"] == 8
    assert d.loc["Good", "share"] == pytest.approx(3 / 8)
    assert list(d.index) == list(SCALE)


def test_a_missing_grade_count_makes_the_total_missing_not_smaller():
    a = frame([("2023-24", "Q1", "A", "Good", 1), ("2023-24", "Q1", "A", "Requires Improvement", None),
               ("2023-24", "Q1", "A", "Outstanding", 0), ("2023-24", "Q1", "A", "Inadequate", 0)])
    d = audits.grade_distribution(a, SCALE).set_index("grade")
    assert pd.isna(d.loc["Good", "total"]) and pd.isna(d.loc["Good", "share"])
    # an absent grade row is treated the same way
    b = frame([("2023-24", "Q1", "A", "Good", 1)])
    assert audits.grade_distribution(b, SCALE)["total"].isna().all()


def test_year_shares_prefer_counts_and_keep_published_years_without_counts():
    a = frame([("2023-24", "Q1", "A", g, n) for g, n in zip(SCALE, (0, 4, 16, 0))])
    p = shares_frame([("2022-23", g, v) for g, v in zip(SCALE, (0, 35, 50, 15))]
                     + [("2023-24", g, v) for g, v in zip(SCALE, (0, 99, 1, 0))])  # counts win for 2023-24
    s = audits.year_shares(a, p, SCALE)
    good = s[s["grade"] == "Good"].set_index("year")
    assert good.loc["2023-24", "share"] == pytest.approx(4 / 20)
    assert good.loc["2023-24", "basis"] == audits.COUNTS
    assert good.loc["2022-23", "share"] == pytest.approx(0.35)
    assert pd.isna(good.loc["2022-23", "count"])  # no count is invented for a published percentage
    assert good.loc["2022-23", "basis"] == audits.PUBLISHED


def test_change_in_percentage_points():
    a = frame([("2023-24", "Q1", "A", g, n) for g, n in zip(SCALE, (0, 4, 16, 0))])
    p = shares_frame([("2022-23", g, v) for g, v in zip(SCALE, (0, 35, 50, 15))])
    c = audits.change_pp(audits.year_shares(a, p, SCALE), "2023-24").set_index("grade")
    assert c.loc["Good", "change_pp"] == 20 - 35  # 4/20 = 20%, against 35%: 15 points down
    assert c.loc["Requires Improvement", "change_pp"] == 80 - 50
    assert c.loc["Inadequate", "change_pp"] == 0 - 15


def test_change_is_missing_without_a_previous_year():
    a = frame([("2023-24", "Q1", "A", g, n) for g, n in zip(SCALE, (0, 4, 16, 0))])
    c = audits.change_pp(audits.year_shares(a, shares_frame([]), SCALE), "2023-24")
    assert c["change_pp"].isna().all()
