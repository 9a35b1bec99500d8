import csv

import pytest

import pandas as pd

from wsp_analysis.calc import rows
from wsp_analysis.calc.register import COLUMNS, Figure, Register, read_csv, slug, write_csv
from wsp_analysis.calc.rows import one as ratio


def pct_change(id_, label, period, current, previous, source) -> Figure:
    """rows.pct_change for one figure."""
    b = rows.pct_change(pd.DataFrame({"partnership": [""], "report": [""], "span": [""]}), id_, label, period,
                        current, previous, source)
    return Figure(id_, label, period, b["value"][0], "percent", b["numerator"][0], b["denominator"][0], source)


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


def test_columns_are_appended_never_renamed():
    assert COLUMNS == ["id", "label", "period", "value", "unit", "numerator", "denominator", "source", "ci_low",
                       "ci_high", "symbol"]


def test_a_proportion_of_counts_carries_its_wilson_interval():
    f = ratio("audit.share.good", "Good", "2023-24", 4, 20, "s")
    assert f.interval == pytest.approx((0.0807, 0.4160), abs=5e-5)  # Wilson 95% for 4 of 20
    z2 = 1.959963984540054 ** 2
    assert ratio("x", "X", "2023-24", 0, 20, "s").interval == pytest.approx((0, z2 / (20 + z2)))  # 0 to 0.1611
    assert ratio("x", "X", "2023-24", 20, 20, "s").interval == pytest.approx((20 / (20 + z2), 1))  # 0.8389 to 1


def test_no_interval_without_n_for_money_or_when_missing():
    published = Figure("audit.share.good", "Good (published percentage)", "2022-23", 0.35, "proportion")
    assert published.interval is None and published.ci_low is None
    money = ratio("budget.contributions.share_of_income", "Share", "2023-24", 387650, 451050, "s", interval=False)
    assert money.value == pytest.approx(387650 / 451050) and money.interval is None
    assert ratio("x", "X", "2023-24", None, 20, "s").interval is None
    assert ratio("x", "X", "2023-24", 0, 0, "s").interval is None


def test_new_units_and_interval_needs_both_ends():
    for unit in ("p_value", "rating", "effect_size"):
        assert Figure("x", "X", "2023-24", 0.5, unit).unit == unit
    with pytest.raises(ValueError, match="both ci_low and ci_high"):
        Figure("x", "X", "2023-24", 0.5, "proportion", ci_low=0.1)


def test_csv_round_trip_keeps_intervals_and_reads_files_without_them(tmp_path):
    reg = Register([ratio("audit.share.good", "Good", "2023-24", 4, 20, "s"),
                    Figure("audit.test.grade_mix", "Fisher's exact test (p-value)", "2023-24", None, "p_value")])
    path = write_csv(reg, tmp_path / "figures.csv")
    rows = list(csv.reader(path.open()))
    assert rows[1][8:10] == [repr(reg.get("audit.share.good", "2023-24").ci_low),
                           repr(reg.get("audit.share.good", "2023-24").ci_high)]
    assert rows[2][3] == "" and rows[2][8:10] == ["", ""]  # a test that cannot be computed is empty, never 0
    assert read_csv(path).get("audit.share.good", "2023-24") == reg.get("audit.share.good", "2023-24")
    old = tmp_path / "old.csv"
    old.write_text("id,label,period,value,unit,numerator,denominator,source\nx,X,2023-24,0.2,proportion,4,20,s\n")
    assert read_csv(old).get("x", "2023-24").interval is None


def test_walsall_good_share_has_its_interval_and_published_years_none(register):
    good = register.get("audit.share.good", "2023-24")
    assert (good.numerator, good.denominator) == (4, 20)
    assert good.interval == pytest.approx((0.0807, 0.4160), abs=5e-5)
    assert register.get("audit.share.good", "2022-23").interval is None  # published 35%, no n
    for f in register:
        if f.unit == "proportion" and f.denominator and not f.id.startswith("budget."):
            assert f.interval is not None, f.id


def test_symbol_column_marks_a_suppressed_figure(tmp_path):
    reg = Register([Figure("referrals.received", "R", "2023-24", None, "count", symbol="[c]"),
                    Figure("referrals.received", "R", "2022-23", 7, "count")])
    path = write_csv(reg, tmp_path / "figures.csv")
    rows = list(csv.reader(path.open()))
    assert rows[1][3] == "" and rows[1][10] == "[c]" and rows[2][10] == ""
    assert read_csv(path).get("referrals.received", "2023-24").symbol == "[c]"
