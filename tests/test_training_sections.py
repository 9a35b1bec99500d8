"""The training sections (annual and quarterly) and the impact section for training as partnerships publish
it: what the words say, which tables are shown, and the rules every section keeps (test_missing_data.check:
no all-[x] table, no chart of nothing, no sentence saying an area is not available above a table showing it)."""
from __future__ import annotations

import pytest
from builders import build
from test_missing_data import check

import wsp_analysis as wsp
from wsp_analysis.report import annual, messages, quarterly

Y = "2023-24"
QUARTER = {"year": Y, "quarter": "Q1", "registrations": 318, "cancellations": 29, "no_shows": 20, "walk_ins": 35,
           "attended": 304, "places_offered": 400, "sessions_cancelled": 2, "trainer_days": 14}


def folder(tmp_path, rows):
    return wsp.load(build(tmp_path, rows))


def test_the_real_quarter_with_walk_ins(tmp_path):
    ds = folder(tmp_path, {"training": [QUARTER]})
    reg = wsp.figures(ds, Y, "Q1")
    s = quarterly.training(reg, Y, "Q1")
    check("quarterly training", s, reg, "training", f"{Y}:Q1")
    said = tuple(messages.quarterly.training(reg, Y, "Q1"))
    assert s.sentences == said[1:]  # the first is a key message, said once on the page, above the sections
    assert said == (
        "93% of training bookings in Q1 were attended (269 of 289).",  # (304 - 35) / (318 - 29)
        "In all, 304 people attended, including 35 walk-ins who had not booked; walk-ins are not counted as attended "
        "bookings.",
        "Registrations: 318 places were booked, 29 of them later cancelled, leaving 289 bookings.",
        "Year to date, 93% of 289 bookings were attended.",
        "Two training sessions were cancelled; trainers gave 14 days to delivering training.",
    )
    rows = {r[0]: r[1:] for r in s.data[0].display_rows()}
    assert rows["People who attended training, including walk-ins"] == ["304", "304", "[x]"]
    assert rows["Training bookings attended (walk-ins not counted)"] == ["269", "269", "[x]"]
    assert rows["Share of bookings attended (walk-ins not counted)"] == ["93.1%", "93.1%", "[x]"]
    assert rows["Share of places offered that were used (walk-ins included)"] == ["76.0%", "76.0%", "[x]"]  # 304/400
    assert s.chart is not None


def test_a_year_with_walk_ins_in_every_quarter(tmp_path):
    rows = [{**QUARTER, "quarter": q} for q in ("Q1", "Q2", "Q3", "Q4")]
    reg = wsp.figures(folder(tmp_path, {"training": rows}), Y)
    s = annual.training(reg, Y)
    check("annual training", s, reg, "training", Y)
    said = tuple(messages.training(reg, Y))
    assert s.sentences[:2] == said[1:3]  # the first is a key message, said once on the page
    assert said[:3] == (
        "93% of training bookings were attended (1,076 of 1,156), and 76% of the 1,600 places offered were used.",
        "The attendance rate for 2022-23 is not available [x], so no change can be tested.",
        "In all, 1,216 people attended, including 140 walk-ins who had not booked; walk-ins are not counted as "
        "attended bookings.",  # 4 x 304, 4 x 35
    )
    assert reg.get("training.attended", Y).label == "People who attended training, including 140 walk-ins"
    assert messages.key_messages(reg, Y)[0] == said[0]


def test_a_partnership_that_publishes_percentages_only(tmp_path):
    shares = [{"year": Y, "measure": "attendance", "percent": 83}, {"year": Y, "measure": "take-up", "percent": 91},
              {"year": "2022-23", "measure": "attendance", "percent": 80}]
    reg = wsp.figures(folder(tmp_path, {"training_shares": shares}), Y)
    s = annual.training(reg, Y)
    check("annual training", s, reg, "training", Y)
    said = tuple(messages.training(reg, Y))
    assert s.sentences == said[1:]
    assert said == (
        "83% of training bookings were attended (a published percentage; the counts are not published).",
        "The attendance rate was up three percentage points from 80% in 2022-23; both years' are published "
        "percentages without their counts, so whether the change is larger than chance alone could produce cannot "
        "be tested.",
        "The published figure for take-up is 91% (the counts are not published).",
    )
    assert [r for r in s.data[0].display_rows() if "%" in r[1]] == [
        ["Share of bookings attended (published percentage; counts not published)", "83.0%", "80.0%"],
        ["take-up (published percentage; counts not published)", "91.0%", "[x]"]]
    assert s.chart is None  # no counts: nothing to draw
    counted = wsp.figures(folder(tmp_path / "counted", {"training_shares": shares[2:], "training": [
        {"year": Y, "bookings": 200, "attended": 150, "no_shows": 50}]}), Y)
    assert messages.training(counted, Y)[1] == (
        "The attendance rate was down five percentage points from 80% in 2022-23; 2022-23's is a published "
        "percentage without its counts, so whether the change is larger than chance alone could produce cannot be "
        "tested.")  # 150 / 200 = 75%


EVENTS = [{"year": Y, "quarter": "Q1", "course": "Neglect Level 1", "sessions": 3, "capacity": 60, "attended": 43,
           "agency": "Walsall Council"},
          {"year": Y, "quarter": "Q1", "course": "Exploitation", "sessions": 1, "capacity": 25, "attended": 25}]


def test_training_given_by_course_only(tmp_path):
    ds = folder(tmp_path, {"training_events": EVENTS, "training_by_agency": [
        {"year": Y, "quarter": "Q1", "agency": "Police", "attended": 30},
        {"year": Y, "quarter": "Q1", "agency": "Children's Social Care", "attended": 38}]})
    reg = wsp.figures(ds, Y, "Q1")
    s = quarterly.training(reg, Y, "Q1")
    check("quarterly training", s, reg, "training", f"{Y}:Q1")
    said = tuple(messages.quarterly.training(reg, Y, "Q1"))
    assert s.sentences == said[1:]
    assert said == (
        "In Q1, 68 people attended training, using 80% of the 85 places offered; the share of bookings attended is "
        "not available [x]: bookings are not counted.",  # 43 + 25 of 60 + 25
        "By course, the share of places filled ranged from 72% (Neglect Level 1, 43 of 60) to 100% (Exploitation, 25 "
        "of 25) across the two courses with places and attendance given.",
        "Of the 68 attendances recorded by agency, the most were from Children's Social Care: 38 (56%).",
    )
    titles = [t.title for t in s.data]
    assert titles == ["Multi-agency training, Q1 2023-24", "Training by course, Q1 2023-24",
                      "Training attendance by agency, Q1 2023-24"]
    assert s.data[1].display_rows()[1] == ["Neglect Level 1", "Walsall Council", "3", "60", "43", "71.7%", "59.2%",
                                           "81.5%"]
    # the year: the courses' rows cover Q1 only, so every figure by course is [x] and the table is left out
    year = annual.training(wsp.figures(ds, Y), Y)
    check("annual training", year)
    assert "Figures by course for 2023-24 are not available [x]: the courses' rows do not cover every quarter of " \
           "the period, or leave a count blank." in year.sentences
    assert "Training by course, 2023-24" not in [t.title for t in year.data]


def test_evaluation_published_as_shares(tmp_path):
    rows = [{"year": Y, "measure": "more knowledge", "when": "eight weeks on", "percent": 88, "respondents": 120},
            {"year": Y, "quarter": "Q2", "measure": "a change in practice", "percent": 70}]
    reg = wsp.figures(folder(tmp_path, {"evaluation_shares": rows}), Y)
    s = annual.impact(reg, Y)
    check("annual impact", s, reg, "impact", Y)
    assert s.sentences == (
        "88% of delegates reported more knowledge, eight weeks on: 120 responded, and with that many the true share "
        "could plausibly lie from 81% to 93% (a published percentage; the counts are not published).",
        "70% of delegates reported a change in practice, in Q2 (a published percentage; neither the counts nor the "
        "number who responded are published, so its uncertainty cannot be given).",
        "The data holds no evaluation forms (self-rated knowledge before, at the end of and eight weeks after a "
        "course), so the change in self-rated knowledge cannot be reported.",
    )
    assert [t.display_rows() for t in s.data] == [[
        ["more knowledge", "eight weeks on", "2023-24", "88.0%", "120", "81.0%", "92.7%"],
        ["a change in practice", "[x]", "2023-24-Q2", "70.0%", "[x]", "[x]", "[x]"]]]
    assert s.chart is None
    assert "training impact" not in messages.key_messages(reg, Y)[-1]  # the area has data: not listed as missing


@pytest.mark.parametrize("quarter", ["Q2", "Q3"])
def test_a_quarter_without_its_own_rows_says_so_once(tmp_path, quarter):
    ds = folder(tmp_path, {"training": [QUARTER], "training_events": EVENTS})
    reg = wsp.figures(ds, Y, quarter)
    s = quarterly.training(reg, Y, quarter)
    check("quarterly training", s, reg, "training", f"{Y}:Q1-{quarter}")
    assert s.sentences[0] == (f"Training counts for {quarter} are not available [x]: the data holds none for "
                              f"{quarter} 2023-24, only for the year as a whole or for other quarters.")
    assert not any("course" in m or "walk-in" in m for m in s.sentences)  # about the quarter's own rows only


def test_triton_publishes_attendance_by_agency_and_evaluation_as_shares():
    from conftest import TRITON

    reg = wsp.figures(wsp.load(TRITON), Y)
    by_agency = [f for f in reg.find("training.agency.", Y) if f.id.endswith(".attended")]
    assert sum(f.value for f in by_agency) == reg.value("training.attended", Y) == 741  # 238+106+161+160+76
    s = annual.impact(reg, Y)
    check("annual impact", s, reg, "impact", Y)
    assert s.sentences[0] == (
        "92% of delegates reported more knowledge, end of course: 329 responded, and with that many the true share "
        "could plausibly lie from 89% to 94% (a published percentage; the counts are not published).")
    t = annual.training(reg, Y)
    check("annual training", t, reg, "training", Y)
    assert t.sentences[-1] == ("Of the 741 attendances recorded by agency, the most were from Children's Social "
                               "Care: 238 (32%).")  # 238 / 741 = 0.321
