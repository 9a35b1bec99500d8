"""Training figures, on folders built in the test: the arithmetic is written beside each value."""
import pytest

from builders import register

Y = "2023-24"
COUNTS = ("events", "occurrences", "places_offered", "bookings", "cancellations", "attended", "no_shows",
          "elearning_taken")


def row(year, quarter, *values):
    return {"year": year, "quarter": quarter, **dict(zip(COUNTS, values))}


def test_whole_year_row_is_used(tmp_path):
    reg = register(tmp_path, {"training": [row(Y, None, 144, 162, 2412, 1617, 352, 1333, 284, 2877)]})
    assert reg.value("training.bookings", Y) == 1617
    assert reg.value("training.attendance_rate", Y) == pytest.approx(1333 / 1617)
    assert reg.value("training.no_show_rate", Y) == pytest.approx(284 / 1617)
    assert reg.value("training.utilisation_rate", Y) == pytest.approx(1333 / 2412)


def test_quarters_sum_only_when_all_four_are_complete(tmp_path):
    q = [row(Y, f"Q{i}", 10, 12, 100, 50, 5, 40, 10, 70) for i in range(1, 5)]
    reg = register(tmp_path, {"training": q})
    assert reg.value("training.bookings", Y) == 4 * 50 == 200
    assert reg.value("training.attendance_rate", Y) == pytest.approx((4 * 40) / (4 * 50))
    # one quarter missing: the year's counts are not available, never a three-quarter sum
    reg = register(tmp_path / "three", {"training": q[:3]})
    assert all(reg.value(f"training.{c}", Y) is None for c in COUNTS)
    # one blank cell: that count is missing; the others are summed
    q[2] = row(Y, "Q3", 10, 12, 100, None, 5, 40, 10, 70)
    reg = register(tmp_path / "blank", {"training": q})
    assert reg.value("training.bookings", Y) is None and reg.value("training.attended", Y) == 160
    assert reg.value("training.attendance_rate", Y) is None


def test_rates_missing_when_the_denominator_is_zero(tmp_path):
    reg = register(tmp_path, {"training": [row(Y, None, 1, 1, 0, 0, 0, 0, 0, 0)]})
    assert [reg.value(f"training.{k}", Y) for k in ("attendance_rate", "no_show_rate", "utilisation_rate")] == \
        [None, None, None]
    assert reg.value("training.bookings", Y) == 0  # a real zero stays 0


def test_change_since_the_year_before_and_its_test(tmp_path):
    reg = register(tmp_path, {"training": [row("2022-23", None, 52, 60, 900, 500, 40, 350, 150, 1123),
                                           row(Y, None, 144, 162, 2412, 1617, 352, 1333, 284, 2877)]})
    assert reg.value("training.events_change_pct", Y) == pytest.approx((144 - 52) / 52 * 100)  # 176.9%
    assert reg.value("training.elearning_change_pct", Y) == pytest.approx((2877 - 1123) / 1123 * 100)
    # attendance 1333/1617 = 82.44% against 350/500 = 70%: 12.44 points
    assert reg.value("training.change_pp.attendance_rate", Y) == pytest.approx(1333 * 100 / 1617 - 70)
    assert 0 < reg.value("training.test.attendance_rate", Y) < 0.001


def test_quarterly_year_to_date_and_the_same_quarter_a_year_earlier(tmp_path):
    rows = [row(Y, f"Q{i}", 10, 12, 100, 50, 5, 40 + i, 10 - i, 70) for i in range(1, 4)]
    rows.append(row("2022-23", "Q3", 8, 9, 80, 40, 4, 30, 10, 60))
    reg = register(tmp_path, {"training": rows}, Y, "Q3")
    p = f"{Y}-Q3"
    assert reg.value("training.attended", p) == 43
    assert reg.value("training.attended.ytd", p) == 41 + 42 + 43 == 126
    assert reg.value("training.bookings.ytd", p) == 3 * 50
    assert reg.get("training.attended.ytd", p).label == "Training bookings attended, year to date"
    assert reg.value("training.attended", "2022-23-Q3") == 30


def test_a_quarter_with_no_row_is_blank_and_the_year_to_date_needs_every_quarter(tmp_path):
    reg = register(tmp_path, {"training": [row(Y, "Q1", 10, 12, 100, 50, 5, 40, 10, 70)]}, Y, "Q2")
    p = f"{Y}-Q2"
    assert all(reg.value(f"training.{c}", p) is None for c in COUNTS)
    assert all(reg.value(f"training.{c}.ytd", p) is None for c in COUNTS)  # Q2 is missing from Q1-Q2
    assert not reg.has_data("training", f"{Y}:Q2") and reg.has_data("training", f"{Y}:Q1-Q2")


def test_course_completion(tmp_path):
    reg = register(tmp_path, {"elearning_courses": [{"year": Y, "course": "Neglect", "signed_up": 239,
                                                     "completed": 179, "in_progress": 42}]})
    assert reg.value("training.course.neglect.completion_rate", Y) == pytest.approx(179 / 239)  # 0.749
    assert reg.value("training.course.neglect.in_progress", Y) == 42
