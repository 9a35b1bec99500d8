from datetime import date

import pytest

from wsp_analysis.data import periods


def test_parse_year_accepts_financial_years():
    assert periods.parse_year("2023-24") == "2023-24"
    assert periods.parse_year(" 1999-00 ") == "1999-00"  # the century turns: 1999 + 1 = 2000 -> "00"


@pytest.mark.parametrize("bad", ["2023-25", "23-24", "2023/24x", "2023", "", "Q1"])
def test_parse_year_refuses_others(bad):
    with pytest.raises(ValueError, match="financial year"):
        periods.parse_year(bad)


def test_quarters_run_april_to_march():
    assert periods.quarter_dates("2023-24", "Q1") == (date(2023, 4, 1), date(2023, 6, 30))
    assert periods.quarter_dates("2023-24", "Q4") == (date(2024, 1, 1), date(2024, 3, 31))
    assert periods.year_dates("2023-24") == (date(2023, 4, 1), date(2024, 3, 31))


def test_quarter_parsing():
    assert periods.parse_quarter("q3") == "Q3"
    with pytest.raises(ValueError, match="not a quarter"):
        periods.parse_quarter("Q5")


def test_previous_year_and_labels():
    assert periods.previous_year("2023-24") == "2022-23"
    assert periods.previous_year("2000-01") == "1999-00"
    assert periods.period_label("2023-24") == "2023-24"
    assert periods.period_label("2023-24", "Q3") == "2023-24-Q3"
    assert periods.describe("2023-24") == "2023-24 (1 April 2023 to 31 March 2024)"


def test_of_dates_gives_each_dates_financial_year_and_quarter_and_none_where_blank():
    from datetime import date

    from wsp_analysis.data.periods import of_dates

    # 31 March 2024 is the last day of 2023-24 (Q4); 1 April 2024 the first of 2024-25 (Q1)
    years, quarters = of_dates([date(2024, 3, 31), date(2024, 4, 1), None, date(2024, 3, 31)])
    assert list(years) == ["2023-24", "2024-25", None, "2023-24"]
    assert list(quarters) == ["Q4", "Q1", None, "Q4"]
