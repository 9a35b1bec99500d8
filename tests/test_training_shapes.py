"""Training as partnerships publish it (issue 14): registrations and walk-ins, per-course rows, attendance by
agency, percentages published without counts, evaluation published as shares, and training volume. Each
figure on a folder built in the test, the arithmetic beside it; each shape optional, so a folder written
before these tables existed validates unchanged."""
from __future__ import annotations

import math
import shutil

import pytest
from builders import build, register
from conftest import REPO

import wsp_analysis as wsp
from wsp_analysis.calc.training_courses import unique_slugs
from wsp_analysis.data.schema import tables as table_specs
from wsp_analysis.errors import DataValidationError

Y = "2023-24"
Z = 1.959963984540054  # the normal quantile of a 95% interval


def wilson(p: float, n: float) -> tuple[float, float]:
    """The Wilson score interval worked out from its formula (not from calc.stats)."""
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z / (1 + Z * Z / n) * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    return centre - half, centre + half


def problems(tmp_path, rows) -> list[str]:
    with pytest.raises(DataValidationError) as e:
        wsp.load(build(tmp_path, rows))
    return [str(p) for p in e.value.problems]


# The real quarter issue 14 quotes: 318 registrations, 29 cancelled, 20 no-shows, 35 walk-ins, 304 attended.
QUARTER = {"year": Y, "quarter": "Q1", "registrations": 318, "cancellations": 29, "no_shows": 20, "walk_ins": 35,
           "attended": 304}


# --- 1. registrations and walk-ins ----------------------------------------------------------------------------

def test_registrations_and_walk_ins_are_counted_and_walk_ins_are_never_attended_bookings(tmp_path):
    reg = register(tmp_path, {"training": [QUARTER]}, Y, "Q1")
    p = f"{Y}-Q1"
    assert reg.value("training.registrations", p) == 318
    assert reg.value("training.walk_ins", p) == 35
    assert reg.value("training.bookings", p) == 318 - 29 == 289  # places booked and not cancelled
    assert reg.value("training.attended", p) == 304 == 318 - 29 - 20 + 35
    assert reg.get("training.attended", p).label == "People who attended training, including 35 walk-ins"
    assert reg.value("training.bookings_attended", p) == 304 - 35 == 269
    att = reg.get("training.attendance_rate", p)
    assert (att.numerator, att.denominator) == (269, 289)  # (304 - 35) / (318 - 29), never 304 / 289
    assert att.value == pytest.approx(269 / 289)  # 0.9308
    assert att.label == "Share of bookings attended (walk-ins not counted)"
    assert reg.value("training.no_show_rate", p) == pytest.approx(20 / 289)


def test_the_row_refused_before_is_refused_as_before_without_walk_ins(tmp_path):
    """Typed as training.csv counted it before: 318 in bookings and no walk-ins column value."""
    found = problems(tmp_path, {"training": [{"year": Y, "quarter": "Q1", "bookings": 318, "cancellations": 29,
                                              "no_shows": 20, "attended": 304}]})
    assert len(found) == 1 and found[0].endswith(
        "training.csv, row 2, column bookings: 318 bookings is not attended + no-shows (304 + 20 = 324)")


@pytest.mark.parametrize("change, message", [
    ({"attended": 300}, "column attended: 300 attended is not bookings - no-shows + walk-ins (289 - 20 + 35 = 304; "
                        "bookings = registrations - cancellations = 318 - 29 = 289)"),
    ({"bookings": 290}, "column bookings: 290 bookings is not registrations - cancellations (318 - 29 = 289)"),
    ({"walk_ins": None}, "column attended: 304 attended + 20 no-shows = 324 is not the 289 bookings (bookings = "
                         "registrations - cancellations = 318 - 29 = 289); if some attended without booking, give "
                         "them as walk_ins"),
    ({"cancellations": 400, "no_shows": None}, "column cancellations: 400 cancellations is more than the 318 "
                                               "registrations"),
    ({"walk_ins": 400, "no_shows": None}, "column walk_ins: 400 walk-ins is more than the 304 who attended"),
])
def test_walk_in_rules_name_the_cell_and_the_arithmetic(tmp_path, change, message):
    found = problems(tmp_path, {"training": [{**QUARTER, **change}]})
    assert any(p.endswith(message) for p in found), found


def test_walk_ins_in_some_quarters_only(tmp_path):
    rows = [QUARTER] + [{"year": Y, "quarter": q, "bookings": 100, "cancellations": 5, "no_shows": 10,
                         "attended": 90} for q in ("Q2", "Q3", "Q4")]
    reg = register(tmp_path, {"training": rows})
    assert reg.value("training.attended", Y) == 304 + 3 * 90 == 574
    assert reg.get("training.attended", Y).label == "People who attended training, including walk-ins where recorded"
    assert reg.value("training.walk_ins", Y) is None  # not recorded in Q2-Q4: the year's number is not known
    att = reg.get("training.attendance_rate", Y)
    assert (att.numerator, att.denominator) == (269 + 3 * 90, 289 + 3 * 100)  # 539 of 589
    q2 = register(tmp_path / "q2", {"training": rows}, Y, "Q2")
    assert q2.get("training.attended", f"{Y}-Q2").label == "Training bookings attended"  # no walk-ins that quarter


def test_volume_columns_and_a_partnership_without_them(tmp_path):
    rows = [{**QUARTER, "sessions_cancelled": 3, "trainer_days": 14}]
    reg = register(tmp_path, {"training": rows}, Y, "Q1")
    assert reg.value("training.sessions_cancelled", f"{Y}-Q1") == 3
    assert reg.value("training.trainer_days", f"{Y}-Q1") == 14
    assert reg.get("training.trainer_days", f"{Y}-Q1").unit == "count"
    walsall = wsp.figures(wsp.load(REPO / "data" / "walsall"), Y)  # records none of them: no such figures
    assert not [f.id for f in walsall.find("training.") if f.id.split(".")[1] in
                ("registrations", "walk_ins", "bookings_attended", "sessions_cancelled", "trainer_days")]


def test_a_folder_written_before_these_shapes_validates_unchanged(tmp_path):
    folder = build(tmp_path, {"training": [{"year": Y, "events": 1, "occurrences": 2, "places_offered": 40,
                                            "bookings": 30, "cancellations": 2, "attended": 25, "no_shows": 5,
                                            "elearning_taken": 7}]})
    for name in ("training_events", "training_by_agency", "training_shares", "evaluation_shares"):
        (folder / f"{name}.csv").unlink()
    training = folder / "training.csv"  # the header as it was: no registrations, walk-ins or volume columns
    header, *body = training.read_text(encoding="utf-8").splitlines()
    old = header.split(",")
    keep = [i for i, c in enumerate(old) if c not in ("registrations", "walk_ins", "sessions_cancelled",
                                                       "trainer_days")]
    training.write_text("\n".join(",".join(line.split(",")[i] for i in keep) for line in [header, *body]) + "\n")
    ds = wsp.load(folder)
    assert ds.training_events.empty and list(ds.training_events.columns) == ["row", *table_specs(())[
        "training_events"].column_names]
    reg = wsp.figures(ds, Y)
    assert reg.value("training.attendance_rate", Y) == pytest.approx(25 / 30)
    assert reg.get("training.attended", Y).label == "Training bookings attended"


# --- 2. per-course rows -------------------------------------------------------------------------------------------

EVENTS = [
    {"year": Y, "quarter": "Q1", "course": "Neglect Level 1", "sessions": 2, "capacity": 40, "attended": 31,
     "agency": "Walsall Council"},
    {"year": Y, "quarter": "Q1", "course": "Neglect Level 1", "date": "2023-05-10", "sessions": 1, "capacity": 20,
     "attended": 12, "agency": "West Midlands Police"},
    {"year": Y, "quarter": "Q1", "course": "Exploitation", "sessions": 1, "capacity": 25, "attended": 25},
]


def test_each_course_is_summed_over_its_rows_with_a_fill_rate_and_interval(tmp_path):
    reg = register(tmp_path, {"training_events": EVENTS}, Y, "Q1")
    p = f"{Y}-Q1"
    base = "training.event.neglect_level_1"
    assert reg.value(f"{base}.sessions", p) == 2 + 1
    assert reg.value(f"{base}.places", p) == 40 + 20
    assert reg.value(f"{base}.attended", p) == 31 + 12
    fill = reg.get(f"{base}.fill_rate", p)
    assert fill.value == pytest.approx(43 / 60)  # 0.717
    assert fill.interval == pytest.approx(wilson(43 / 60, 60))
    names = reg.detail("training.events")
    assert names.to_dict("records") == [
        {"course": "Exploitation", "base": "training.event.exploitation", "agency": ""},
        {"course": "Neglect Level 1", "base": base, "agency": "Walsall Council, West Midlands Police"}]


def test_the_courses_give_the_totals_where_training_csv_has_none(tmp_path):
    reg = register(tmp_path, {"training_events": EVENTS}, Y, "Q1")
    p = f"{Y}-Q1"
    assert reg.value("training.events", p) == 2  # two courses ran
    assert reg.value("training.occurrences", p) == 3 + 1
    assert reg.value("training.places_offered", p) == 60 + 25
    assert reg.value("training.attended", p) == 43 + 25
    assert reg.get("training.attended", p).label == "People who attended training"
    assert reg.get("training.attended", p).source.endswith("training_events.csv")
    assert reg.value("training.utilisation_rate", p) == pytest.approx(68 / 85)
    assert reg.value("training.bookings", p) is None and reg.value("training.attendance_rate", p) is None
    # the year needs every quarter: Q1 alone is not the year, for the totals or for a course
    year = register(tmp_path / "year", {"training_events": EVENTS})
    assert year.value("training.attended", Y) is None
    assert year.value("training.event.neglect_level_1.attended", Y) is None
    # training.csv's own row wins where it has one
    counted = register(tmp_path / "both", {"training_events": EVENTS, "training": [
        {"year": Y, "quarter": "Q1", "bookings": 80, "attended": 70, "no_shows": 10}]}, Y, "Q1")
    assert counted.value("training.attended", p) == 70 and counted.value("training.events", p) is None


def test_a_course_in_some_quarters_counts_in_the_year_when_every_quarter_has_rows(tmp_path):
    rows = [{**EVENTS[0], "quarter": q} for q in ("Q1", "Q2", "Q3", "Q4")] + [EVENTS[2]]
    reg = register(tmp_path, {"training_events": rows})
    assert reg.value("training.event.neglect_level_1.attended", Y) == 4 * 31
    assert reg.value("training.event.exploitation.attended", Y) == 25  # ran in Q1 only
    assert reg.value("training.attended", Y) == 4 * 31 + 25


@pytest.mark.parametrize("row, message", [
    ({**EVENTS[0], "attended": 41}, "column capacity: 40 places is fewer than the 41 who attended"),
    ({**EVENTS[1], "date": "2023-07-10"}, "column date: 2023-07-10 is in Q2 2023-24, not in 2023-24 Q1 as the row says"),
])
def test_course_rows_are_checked(tmp_path, row, message):
    assert any(p.endswith(message) for p in problems(tmp_path, {"training_events": [row]}))


def test_a_year_is_given_whole_or_by_quarter_not_both(tmp_path):
    found = problems(tmp_path, {"training_events": [EVENTS[0], {**EVENTS[2], "quarter": None}]})
    assert found[0].endswith("row 3, column quarter: a whole-year row for 2023-24, but row 2 gives 2023-24 by "
                             "quarter: give a year's rows either all for the whole year or all by quarter")


def test_names_that_share_a_slug_get_different_ids():
    assert unique_slugs(["Level 1 (online)", "Level 1 (classroom)", "Neglect"]) == {
        "Level 1 (classroom)": "level_1", "Level 1 (online)": "level_1_2", "Neglect": "neglect"}


# --- 5. attendance by agency --------------------------------------------------------------------------------------

def test_attendance_by_agency_and_its_share(tmp_path):
    rows = [{"year": Y, "quarter": "Q1", "agency": "Police", "attended": 100},
            {"year": Y, "quarter": "Q1", "agency": "Health", "attended": 204}]
    reg = register(tmp_path, {"training_by_agency": rows}, Y, "Q1")
    p = f"{Y}-Q1"
    assert reg.value("training.agency.police.attended", p) == 100
    share = reg.get("training.agency.health.share", p)
    assert (share.value, share.numerator, share.denominator) == (pytest.approx(204 / 304), 204, 100 + 204)
    assert share.interval is None  # everyone is counted: a composition, not a sample
    # an agency left out of a quarter: its year and every share of the year are not available, never a part-sum
    year = [{**r, "quarter": q} for r in rows for q in ("Q1", "Q2", "Q3", "Q4")][:-1]
    reg = register(tmp_path / "year", {"training_by_agency": year})
    assert reg.value("training.agency.police.attended", Y) == 400
    assert reg.value("training.agency.health.attended", Y) is None  # Q4 missing
    assert reg.value("training.agency.police.share", Y) is None


# --- 3. percentages published without counts ----------------------------------------------------------------------

def test_published_percentages_stand_where_counts_give_none_and_counts_win(tmp_path):
    shares = [{"year": Y, "measure": "attendance", "percent": 83}, {"year": Y, "measure": "Take-up", "percent": 91},
              {"year": "2022-23", "measure": "Attendance", "percent": 80}]
    reg = register(tmp_path, {"training_shares": shares})
    att = reg.get("training.attendance_rate", Y)
    assert (att.value, att.numerator, att.denominator, att.interval) == (pytest.approx(0.83), None, None, None)
    assert att.label == "Share of bookings attended (published percentage; counts not published)"
    assert att.source.endswith("training_shares.csv")
    take = reg.get("training.published.take_up", Y)
    assert (take.value, take.unit, take.label) == (pytest.approx(0.91), "proportion",
                                                   "Take-up (published percentage; counts not published)")
    assert reg.value("training.change_pp.attendance_rate", Y) == pytest.approx(83 - 80)  # points, no counts
    assert reg.value("training.test.attendance_rate", Y) is None  # nothing to test without counts
    counted = register(tmp_path / "counted", {"training_shares": shares, "training": [
        {"year": Y, "bookings": 200, "attended": 150, "no_shows": 50}]})
    assert counted.value("training.attendance_rate", Y) == pytest.approx(150 / 200)  # the counts win
    assert counted.value("training.change_pp.attendance_rate", Y) == pytest.approx(75 - 80)


# --- 4. evaluation published as shares -----------------------------------------------------------------------------

def test_evaluation_shares_with_and_without_respondents(tmp_path):
    rows = [{"year": Y, "measure": "more knowledge", "when": "eight weeks on", "percent": 88, "respondents": 120},
            {"year": Y, "quarter": "Q2", "measure": "a change in practice", "percent": 70}]
    reg = register(tmp_path, {"evaluation_shares": rows})
    more = reg.get("impact.published.more_knowledge.eight_weeks_on", Y)
    assert (more.value, more.numerator, more.denominator) == (pytest.approx(0.88), None, 120)
    assert more.interval == pytest.approx(wilson(0.88, 120))  # about 81% to 93%
    assert more.label == ("Share of delegates reporting: more knowledge, eight weeks on (published percentage of "
                          "120 respondents; counts not published)")
    change = reg.get("impact.published.a_change_in_practice", f"{Y}-Q2")
    assert (change.value, change.interval) == (pytest.approx(0.70), None)
    assert reg.has_data("impact", Y)
    assert reg.detail("impact.published")[["measure", "when"]].values.tolist() == [
        ["more knowledge", "eight weeks on"], ["a change in practice", ""]]


def test_the_shipped_partnerships_figures_are_unchanged_by_the_new_shapes(tmp_path):
    """Walsall's folder copied with every new table present but header-only gives the same register."""
    shutil.copytree(REPO / "data" / "walsall", tmp_path / "walsall")
    for name in ("training_events", "training_by_agency", "training_shares", "evaluation_shares"):
        spec = table_specs(())[name]
        (tmp_path / "walsall" / spec.file).write_text(",".join(spec.column_names) + "\n")
    a = wsp.figures(wsp.load(REPO / "data" / "walsall"), Y)
    b = wsp.figures(wsp.load(tmp_path / "walsall"), Y)
    assert [(f.id, f.period, f.value, f.label) for f in a] == [(f.id, f.period, f.value, f.label) for f in b]
