"""The dashboard's register (calc.dashboard, calc.indicators): the issue's reference series through the
whole path (a folder built here, loaded, validated, its dashboard register computed), the built-in series
worked by hand, and which points a period takes."""
from __future__ import annotations

import pytest
from builders import audits, build

import wsp_analysis as wsp
from wsp_analysis.calc import kinds

A = [30, 34, 29, 31, 36, 33, 28, 32, 35, 30, 31, 29, 33, 52, 34, 31]
B = [0.80, 0.82, 0.79, 0.81, 0.80, 0.83, 0.78, 0.81, 0.86, 0.87, 0.86, 0.88, 0.87, 0.86, 0.89, 0.88]
YEARS = ("2020-21", "2021-22", "2022-23", "2023-24")
QUARTERS = [(y, q) for y in YEARS for q in ("Q1", "Q2", "Q3", "Q4")]  # 16 quarters, 2020-21 Q1 to 2023-24 Q4

DEFINITIONS = [
    {"indicator": "series_a", "label": "Series A", "unit": "count", "polarity": "neither", "priority": "Neglect",
     "source_agency": "Testshire Council", "definition": "the issue's series A"},
    {"indicator": "series_b", "label": "Series B", "unit": "proportion", "polarity": "higher_is_better",
     "priority": "Exploitation", "target": 0.75, "source_agency": "Testshire Police",
     "definition": "the issue's series B, as counts of 100"},
]


def reference_folder(tmp_path):
    rows = [{"indicator": "series_a", "year": y, "quarter": q, "value": v} for (y, q), v in zip(QUARTERS, A)]
    rows += [{"indicator": "series_b", "year": y, "quarter": q, "value": v, "numerator": round(v * 100),
              "denominator": 100} for (y, q), v in zip(QUARTERS, B)]
    return build(tmp_path, {"indicators": rows, "indicator_definitions": DEFINITIONS})


@pytest.fixture
def reference(tmp_path):
    return wsp.figures(wsp.load(reference_folder(tmp_path)), "2023-24", "Q4", kind="dashboard")


def v(reg, indicator, what, period="2023-24-Q4"):
    return reg.value(f"dashboard.{indicator}.{what}", period)


def test_series_a_through_the_whole_path(reference):
    # mean 528 / 16 = 33; moving ranges 4 5 2 5 3 5 4 3 5 1 2 4 19 18 3 add to 83: 83 / 15 = 5.5333;
    # limits 33 +/- 2.66 x 5.5333 = 47.7187 and 18.2813; the 14th point (52) lies above: one special point
    assert v(reference, "series_a", "mean") == pytest.approx(33)
    assert v(reference, "series_a", "upper_limit") == pytest.approx(33 + 2.66 * 83 / 15) == pytest.approx(47.7187,
                                                                                                        abs=1e-4)
    assert v(reference, "series_a", "lower_limit") == pytest.approx(18.2813, abs=1e-4)
    assert v(reference, "series_a", "special_points") == 1
    assert v(reference, "series_a", "variation") == 0
    assert v(reference, "series_a", "assurance") is None  # no target (and no better direction)
    assert v(reference, "series_a", "points") == 16
    f = reference.get("dashboard.series_a.mean", "2023-24-Q4")
    assert f.unit == "count" and f.source.endswith("/testshire/indicators.csv")
    assert reference.get("dashboard.series_a.variation", "2023-24-Q4").unit == "code"
    assert v(reference, "series_a", "value", "2023-24-Q2") == 52
    points = reference.detail("dashboard.points")
    a = points[points["indicator"] == "series_a"]
    assert list(a["direction"]) == [0] * 13 + [1, 0, 0] and a["rule"].iloc[13] == "outside the process limits"


def test_series_b_through_the_whole_path(reference):
    # mean 13.41 / 16 = 0.838125; the first 8 points lie below it and the last 8 above: two runs of 7 or more
    assert v(reference, "series_b", "mean") == pytest.approx(0.838125)
    assert v(reference, "series_b", "upper_limit") == pytest.approx(0.898418, abs=1e-6)
    assert v(reference, "series_b", "lower_limit") == pytest.approx(0.777832, abs=1e-6)
    assert v(reference, "series_b", "special_points") == 16
    assert v(reference, "series_b", "variation") == 1  # high, and higher is better: improvement
    assert v(reference, "series_b", "assurance") == 1  # the lower limit 0.7778 is above the target 0.75
    assert v(reference, "series_b", "target") == 0.75
    point = reference.get("dashboard.series_b.value", "2020-21-Q1")  # 80 of 100
    assert (point.value, point.numerator, point.denominator) == (0.8, 80, 100)
    assert point.ci_low == pytest.approx(0.7112, abs=1e-4) and point.ci_high == pytest.approx(0.8666, abs=1e-4)
    words = reference.detail("dashboard.indicators").set_index("indicator")
    assert words.loc["series_b", "variation_words"] == "special cause improvement"
    assert words.loc["series_b", "assurance_words"] == "consistently passes the target"
    assert words.loc["series_a", "variation_words"] == "common cause"
    assert words.loc["series_b", "priority"] == "Exploitation" and words.loc["series_b", "chart"] == "xmr"


def test_the_dashboard_kind_is_registered_and_recomputes_the_same(tmp_path):
    assert kinds.KINDS["dashboard"].figures is not None and kinds.kind_for("dashboard", "Q4").name == "dashboard"
    ds = wsp.load(reference_folder(tmp_path))
    one = [(f.id, f.period, f.value) for f in wsp.figures(ds, "2023-24", "Q4", kind="dashboard")]
    two = [(f.id, f.period, f.value) for f in kinds.KINDS["dashboard"].figures(ds, "2023-24", "Q4")]
    assert one == two


def test_fewer_than_twelve_points_is_a_run_chart_that_says_why(tmp_path):
    rows = [{"indicator": "series_a", "year": y, "quarter": q, "value": v} for (y, q), v in zip(QUARTERS[-3:], A)]
    rows.append({"indicator": "series_a", "year": "2022-23", "quarter": "Q4", "source": "not published"})
    reg = wsp.figures(wsp.load(build(tmp_path, {"indicators": rows, "indicator_definitions": DEFINITIONS})),
                      "2023-24", "Q4", kind="dashboard")
    # 30, 34, 29 in 2023-24 Q2-Q4; 2022-23 Q4 is a point not available ([x]), not 0, and not charted
    assert v(reg, "series_a", "points") == 3
    assert v(reg, "series_a", "mean") == pytest.approx((30 + 34 + 29) / 3)
    for what in ("upper_limit", "lower_limit", "special_points", "variation", "assurance"):
        assert v(reg, "series_a", what) is None, what
    assert v(reg, "series_a", "value", "2022-23-Q4") is None
    words = reg.detail("dashboard.indicators").set_index("indicator")
    assert words.loc["series_a", "chart"] == "run"
    assert words.loc["series_a", "why"].startswith("3 points: fewer than the 12 an XmR chart needs")
    # series_b is defined but has no value at all: every figure blank, and a sentence
    assert v(reg, "series_b", "mean") is None and v(reg, "series_b", "points") == 0
    assert words.loc["series_b", "why"] == "No value up to 2023-24 Q4, so there is nothing to chart."


def test_a_period_takes_the_quarters_to_its_end_and_only_the_years_that_have_ended(tmp_path):
    rows = [{"indicator": "series_a", "year": y, "quarter": q, "value": v} for (y, q), v in zip(QUARTERS, A)]
    yearly = {"indicator": "ehe", "label": "Children electively home educated", "unit": "count",
              "polarity": "neither", "priority": "Education", "definition": "at 31 March"}
    rows += [{"indicator": "ehe", "year": "2022-23", "value": 491}, {"indicator": "ehe", "year": "2023-24", "value": 629}]
    ds = wsp.load(build(tmp_path, {"indicators": rows, "indicator_definitions": [DEFINITIONS[0], yearly]}))
    q3 = wsp.figures(ds, "2023-24", "Q3", kind="dashboard")
    assert v(q3, "series_a", "points", "2023-24-Q3") == 15  # the 16th quarter is after Q3
    assert v(q3, "ehe", "points", "2023-24-Q3") == 1  # 2023-24's count at 31 March 2024 is after Q3
    assert v(q3, "ehe", "mean", "2023-24-Q3") == 491
    year = wsp.figures(ds, "2023-24", kind="dashboard")  # a year's dashboard ends with its Q4
    assert v(year, "series_a", "points", "2023-24") == 16 and v(year, "ehe", "points", "2023-24") == 2
    assert v(year, "ehe", "mean", "2023-24") == (491 + 629) / 2
    assert [f.period for f in year.find("dashboard.ehe.value")] == ["2022-23", "2023-24"]


def test_built_in_series_worked_by_hand(tmp_path):
    rows = {
        # Q1: 1 outstanding + 2 good of 5 graded: 3 / 5 good or better; Q2: 0 + 1 of 4: 1 / 4
        "audits": audits("2023-24", "Q1", "Neglect", (1, 2, 1, 1)) + audits("2023-24", "Q2", "Exploitation",
                                                                            (0, 1, 2, 1)),
        # attended / (attended + no-shows): 80 / 100, then 45 / 50
        "training": [{"year": "2023-24", "quarter": "Q1", "events": 5, "occurrences": 6, "places_offered": 120,
                      "bookings": 100, "cancellations": 7, "attended": 80, "no_shows": 20, "elearning_taken": 3},
                     {"year": "2023-24", "quarter": "Q2", "events": 4, "occurrences": 4, "places_offered": 60,
                      "bookings": 50, "cancellations": 2, "attended": 45, "no_shows": 5, "elearning_taken": 1}],
        "referrals": [{"year": "2023-24", "quarter": q, "referral_type": t, "measure": "received", "count": c}
                      for q, t, c in (("Q1", "serious_incident", 2), ("Q2", "serious_incident", 0),
                                      ("Q1", "self_neglect_panel", 4), ("Q2", "self_neglect_panel", None))],
        # spending to date against the budget profiled to date: Q1 11,000 / 10,000 = 110%;
        # Q2 (11,000 + 8,000) / (10,000 + 10,000) = 95%
        "budget": [{"year": "2023-24", "quarter": q, "section": "expenditure", "category": "staffing",
                    "line": "Employees", "budget": 10000, "actual": a} for q, a in (("Q1", 11000), ("Q2", 8000))],
    }
    reg = wsp.figures(wsp.load(build(tmp_path, rows)), "2023-24", "Q2", kind="dashboard")
    good = reg.get("dashboard.audit.good_or_better.value", "2023-24-Q1")
    assert (good.value, good.numerator, good.denominator) == (3 / 5, 3, 5)
    assert reg.value("dashboard.audit.good_or_better.value", "2023-24-Q2") == 1 / 4
    assert reg.get("dashboard.audit.good_or_better.mean", "2023-24-Q2").label.startswith(
        "Share of audits graded Good or better: mean (2 quarters, 2023-24 Q1 to 2023-24 Q2)")
    assert reg.value("dashboard.training.attendance_rate.value", "2023-24-Q2") == 45 / 50
    assert reg.value("dashboard.training.attendance_rate.mean", "2023-24-Q2") == pytest.approx((0.8 + 0.9) / 2)
    assert reg.value("dashboard.referrals.received.value", "2023-24-Q2") == 0  # a count of none is 0
    assert reg.value("dashboard.referrals.self_neglect_panel.received.value", "2023-24-Q2") is None  # blank: [x]
    assert reg.value("dashboard.referrals.self_neglect_panel.received.points", "2023-24-Q2") == 1
    spend = reg.get("dashboard.budget.expenditure.spend_to_profile.value", "2023-24-Q2")
    assert (spend.value, spend.numerator, spend.denominator, spend.unit) == (95, 19000, 20000, "percent")
    assert reg.value("dashboard.budget.expenditure.spend_to_profile.value", "2023-24-Q1") == pytest.approx(110)
    assert reg.value("dashboard.budget.expenditure.spend_to_profile.target", "2023-24-Q2") == 100
    assert reg.get("dashboard.budget.expenditure.spend_to_profile.mean", "2023-24-Q2").source.endswith(
        "/testshire/budget.csv")


def test_a_folder_without_indicator_files_validates_and_has_only_the_built_in_series(tmp_path):
    folder = build(tmp_path, {"audits": audits("2023-24", "Q1", "Neglect", (0, 1, 1, 0))})
    (folder / "indicators.csv").unlink()
    (folder / "indicator_definitions.csv").unlink()
    ds = wsp.load(folder)
    assert ds.indicators.empty and list(ds.indicators.columns)[:3] == ["row", "indicator", "year"]
    reg = wsp.figures(ds, "2023-24", "Q1", kind="dashboard")
    names = list(reg.detail("dashboard.indicators")["indicator"])
    assert names == ["audit.good_or_better", "training.attendance_rate", "referrals.received",
                     "referrals.self_neglect_panel.received", "budget.expenditure.spend_to_profile"]
    assert reg.value("dashboard.audit.good_or_better.value", "2023-24-Q1") == 1 / 2
    assert reg.value("dashboard.training.attendance_rate.mean", "2023-24-Q1") is None  # no training: blank, not 0


def test_indicator_tables_are_validated_every_problem_at_once(tmp_path):
    definitions = [{**DEFINITIONS[1], "target": 75},  # a proportion's target written as a percent
                   {"indicator": "Repeat Plans", "label": "x", "unit": "furlongs", "polarity": "upward",
                    "priority": "P", "definition": "d"}]
    rows = [{"indicator": "series_b", "year": "2023-24", "quarter": "Q1", "value": 0.5, "numerator": 3,
             "denominator": 4},  # 3 / 4 is 0.75
            {"indicator": "series_b", "year": "2023-24", "quarter": "Q2", "value": 83},  # 83%, not 0.83
            {"indicator": "series_b", "year": "2023-24", "value": 0.8},  # a whole year beside its quarters
            {"indicator": "series_b", "year": "2022-23", "quarter": "Q4", "value": 0.8, "numerator": 4},
            {"indicator": "ghost", "year": "2022-23", "quarter": "Q4", "value": 1}]
    folder = build(tmp_path, {"indicators": rows, "indicator_definitions": definitions})
    problems = [str(p) for p in wsp.validate(folder)]
    where = f"{folder.parent.name}/testshire"
    assert problems == [
        f"{where}/indicators.csv, row 5, column denominator: a numerator is given without a denominator; give both "
        "(the value is numerator / denominator) or neither",
        f"{where}/indicators.csv, row 4, column quarter: series_b is given by quarter (row 2) and for a whole year "
        "(row 4); give an indicator's values either by quarter or by year, not both: its chart is of one or the other",
        f"{where}/indicator_definitions.csv, row 2, column target: 75 is not a proportion from 0 to 1 (for 75%, write "
        "0.75, or make the unit percent)",
        f'{where}/indicator_definitions.csv, row 3, column indicator: "Repeat Plans" is not a name for figure ids: use '
        "lowercase letters, digits and _, beginning with a letter, at most 60 characters (e.g. repeat_plans)",
        f'{where}/indicator_definitions.csv, row 3, column unit: "furlongs" is not a unit of figures.csv (count, '
        "proportion, percent, percentage_points, gbp, ratio, p_value, rating, effect_size, code)",
        f'{where}/indicator_definitions.csv, row 3, column polarity: "upward" is not a polarity (higher_is_better, '
        "lower_is_better, neither)",
        f"{where}/indicators.csv, row 2, column value: 0.5 is not numerator / denominator (3 / 4 = 0.75) in the unit "
        "proportion",
        f"{where}/indicators.csv, row 3, column value: 83 is not a proportion from 0 to 1 (for 83%, write 0.83, or "
        "make the unit percent)",
        f'{where}/indicators.csv, row 6, column indicator: "ghost" is not defined in indicator_definitions.csv '
        "(series_b); add a row there saying what it is",
    ]
