from wsp_analysis import formatting as fmt


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
