import csv

import pytest

from wsp_analysis.figures import COLUMNS, Figure, Register, pct_change, ratio, read_csv, slug, write_csv


def test_ratio_and_missing():
    assert ratio("x", "X", "2023-24", 1333, 1617, "s").value == pytest.approx(1333 / 1617)
    assert ratio("x", "X", "2023-24", None, 1617, "s").value is None
    assert ratio("x", "X", "2023-24", 0, 0, "s").value is None  # 0 of 0 is not 0%


def test_pct_change():
    f = pct_change("x", "X", "2023-24", 144, 52, "s")
    assert f.value == pytest.approx((144 - 52) / 52 * 100)  # 176.92
    assert (f.numerator, f.denominator, f.unit) == (144, 52, "percent")
    assert pct_change("x", "X", "2023-24", 144, None, "s").value is None


def test_unit_is_checked():
    with pytest.raises(ValueError, match="unit"):
        Figure("x", "X", "2023-24", 1, "percentage")


def test_register_refuses_duplicate_id_period():
    reg = Register([Figure("a", "A", "2023-24", 1, "count")])
    reg.add(Figure("a", "A", "2022-23", 2, "count"))  # another period is fine
    with pytest.raises(ValueError, match="defined twice"):
        reg.add(Figure("a", "A", "2023-24", 3, "count"))


def test_csv_round_trip_keeps_missing_empty_and_values_unrounded(tmp_path):
    reg = Register([ratio("training.attendance_rate", "Share", "2023-24", 1333, 1617, "data/w/training.csv"),
                    Figure("referrals.x", "X", "2023-24-Q2", None, "count", source="data/w/referrals.csv")])
    path = write_csv(reg, tmp_path / "figures.csv")
    rows = list(csv.reader(path.open()))
    assert rows[0] == COLUMNS
    assert rows[1][3] == repr(1333 / 1617) and rows[1][5:7] == ["1333", "1617"]
    assert rows[2][3] == ""  # missing is empty, never 0
    back = read_csv(path)
    assert back.value("training.attendance_rate", "2023-24") == 1333 / 1617
    assert back.value("referrals.x", "2023-24-Q2") is None


def test_slug():
    assert slug("Requires Improvement") == "requires_improvement"
    assert slug("Professional Services (Chair costs, consultancy etc.)") == "professional_services"
    assert slug("Agency & Consultants") == "agency_consultants"


def test_walsall_register_unique_and_periods(register):
    keys = [(f.id, f.period) for f in register]
    assert len(keys) == len(set(keys))
    assert {f.period for f in register} >= {"2023-24", "2022-23", "2023-24-Q1", "2019-20"}
    assert all(f.source.startswith("data/walsall/") for f in register)
