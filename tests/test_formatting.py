from wsp_analysis import format as fmt


def test_counts_and_missing():
    assert fmt.count(1617) == "1,617"
    assert fmt.count(None) == "[x]"
    assert fmt.count(float("nan")) == "[x]"


def test_percent_styles():
    assert fmt.pct(1333 / 1617) == "82%"  # prose: whole percents
    assert fmt.pct(1333 / 1617, 1) == "82.4%"  # tables: one decimal
    assert fmt.pct(0.125) == "13%"  # half up, not half even
    assert fmt.percent(176.923) == "177%"
    assert fmt.pct(None) == "[x]"


def test_points_are_not_percent():
    assert fmt.points(-15) == "15 percentage points"
    assert fmt.points(1) == "1 percentage point"


def test_money():
    assert fmt.gbp(116671) == "£116,671"
    assert fmt.gbp(-2109) == "-£2,109"
    assert fmt.gbp(0.4) == "£0"


def test_table_cells_use_one_decimal_and_keep_symbols():
    assert fmt.cell(1333 / 1617, "proportion") == "82.4%"
    assert fmt.cell(176.923, "percent") == "176.9%"
    assert fmt.cell(116671.4, "gbp") == "£116,671"
    assert fmt.cell(1617, "count") == "1,617"
    assert fmt.cell(None, "count") == "[x]"
    assert fmt.cell("[z]", "gbp") == "[z]"  # a symbol the table chose stays as it is
    assert fmt.cell("2023-24") == "2023-24"


def test_sheet_values_are_rounded_as_the_table_shows_them():
    assert fmt.sheet_value(1333 / 1617, "proportion") == 82.4
    assert fmt.sheet_value(0.125, "proportion") == 12.5
    assert fmt.sheet_value(0.0005, "proportion") == 0.1  # half up, as in the table
    assert fmt.sheet_value(116671.5, "gbp") == 116672 and isinstance(fmt.sheet_value(1.0, "count"), int)
    assert fmt.sheet_value(float("nan"), "count") == "[x]"  # never a blank cell


def test_symbols_used_in_order():
    assert fmt.symbols_used(["1,617", "[z]", "[x]"]) == ["[x]", "[z]"]
    assert fmt.symbols_used(["82.4%"]) == []
