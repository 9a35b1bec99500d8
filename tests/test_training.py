import pandas as pd
import pytest

from wsp_analysis.calc import training

COLS = ["year", "quarter", *training.COUNTS]


def frame(rows):
    df = pd.DataFrame(rows, columns=COLS)
    for c in training.COUNTS:
        df[c] = df[c].astype("Int64")
    return df


def test_whole_year_row_is_used():
    t = frame([("2023-24", None, 144, 162, 2412, 1617, 352, 1333, 284, 2877)])
    totals = training.year_totals(t, "2023-24")
    assert totals["bookings"] == 1617
    r = training.rates(totals)
    assert r["attendance_rate"] == pytest.approx(1333 / 1617)
    assert r["no_show_rate"] == pytest.approx(284 / 1617)
    assert r["utilisation_rate"] == pytest.approx(1333 / 2412)


def test_quarters_sum_only_when_all_four_are_complete():
    q = [("2023-24", f"Q{i}", 10, 12, 100, 50, 5, 40, 10, 70) for i in range(1, 5)]
    totals = training.year_totals(frame(q), "2023-24")
    assert totals["bookings"] == 4 * 50 == 200
    assert training.rates(totals)["attendance_rate"] == pytest.approx((4 * 40) / (4 * 50))
    # one quarter missing: the year's counts are not available, never a three-quarter sum
    assert training.year_totals(frame(q[:3]), "2023-24").isna().all()
    q[2] = ("2023-24", "Q3", 10, 12, 100, None, 5, 40, 10, 70)
    totals = training.year_totals(frame(q), "2023-24")
    assert pd.isna(totals["bookings"]) and totals["attended"] == 160
    assert training.rates(totals)["attendance_rate"] is None


def test_rates_missing_when_denominator_zero_or_missing():
    t = frame([("2023-24", None, 1, 1, 0, 0, 0, 0, 0, 0)])
    assert training.rates(training.year_totals(t, "2023-24")) == {
        "attendance_rate": None, "no_show_rate": None, "utilisation_rate": None}


def test_course_completion():
    c = pd.DataFrame({"year": ["2023-24"], "course": ["Neglect"], "signed_up": [239], "completed": [179],
                      "in_progress": [42]}).astype({"signed_up": "Int64", "completed": "Int64", "in_progress": "Int64"})
    out = training.course_completion(c, "2023-24")
    assert out.loc[0, "completion_rate"] == pytest.approx(179 / 239)  # 0.749
