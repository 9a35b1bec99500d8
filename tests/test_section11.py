"""Section 11 self-assessments: grades that stand after moderation, the agencies moderated lower than
their own grade, the change since the previous round; Walsall publishes only who attended."""
from __future__ import annotations

import csv
from datetime import date
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from conftest import REPO

import wsp_analysis as wsp
from builders import build
from wsp_analysis.calc import section11
from wsp_analysis.data import load as dataset
from wsp_analysis.report import messages as narrative

Y, PREV = "2023-24", "2021-22"
F, P, N = "Fully met", "Partially met", "Not met"


def _ds(rows, attended=()):
    """A partnership folder holding these Section 11 rows and attendance, loaded."""
    s11 = [dict(zip(("year", "agency", "standard", "self_grade", "moderated_grade"), r)) for r in rows]
    att = [{"year": y, "organisation": o, "event_date": d} for y, o, d in attended]
    return wsp.load(build(Path(tempfile.mkdtemp()), {"section11": s11, "section11_attendance": att}))


def _frame(rows):
    return pd.DataFrame([dict(zip(("year", "agency", "standard", "self_grade", "moderated_grade"), r)) for r in rows],
                        columns=["year", "agency", "standard", "self_grade", "moderated_grade"], dtype=object)


ROWS = [
    # previous round: one of each grade
    (PREV, "Agency A", "S1", F, None), (PREV, "Agency A", "S2", P, None), (PREV, "Agency B", "S1", N, None),
    # this round
    (Y, "Agency A", "S1", F, P),  # moderated lower
    (Y, "Agency A", "S2", P, P),  # moderated, agreed
    (Y, "Agency B", "S1", P, F),  # moderated higher: not lower
    (Y, "Agency B", "S2", N, None),  # not moderated
    (Y, "Agency C", "S1", F, None),
    (Y, "Agency C", "S2", None, None),  # not returned
]


@pytest.mark.parametrize("own, moderated, lower", [(F, P, True), (P, N, True), (F, N, True), (P, P, False),
                                                   (P, F, False), (F, None, None), (None, P, None)])
def test_moderated_lower(own, moderated, lower):
    assert section11.moderated_lower(own, moderated) is lower


def test_standing_grade_is_the_moderated_one_where_given():
    assert section11.standing_grade(F, P) == P
    assert section11.standing_grade(F, None) == F
    assert section11.standing_grade(None, None) is None


def test_the_moderated_lower_finding():
    low = section11.lowered(_frame(ROWS), Y)
    assert low.values.tolist() == [["Agency A", "S1", F, P]]
    ds = _ds(ROWS)
    reg = wsp.figures(ds, Y)
    assert reg.detail("section11.lowered")[["agency", "standard"]].values.tolist() == [["Agency A", "S1"]]
    v = lambda id_, p=Y: reg.value(id_, p)  # noqa: E731
    assert v("section11.agencies") == 3
    assert v("section11.assessments") == 5  # Agency C's S2 was not returned
    assert v("section11.moderated") == 3  # A S1, A S2, B S1
    assert v("section11.moderated_lower") == 1
    share = reg.get("section11.moderated_lower_share", Y)
    assert (share.numerator, share.denominator) == (1, 3)
    assert v("section11.agencies_moderated_lower") == 1
    assert v("section11.agency.agency_a.moderated_lower") == 1
    assert v("section11.agency.agency_b.moderated_lower") == 0  # moderated, but higher
    assert reg.value("section11.agency.agency_c.moderated", Y) == 0  # never moderated
    assert reg.value("section11.agency.agency_c.standards", Y) == 2
    msgs = narrative.section11(reg, Y)
    assert ("It moderated one grade lower than the agency's own (33%; 1 of 3): Agency A (one).") in msgs


def test_distribution_and_change_since_the_previous_round():
    reg = wsp.figures(_ds(ROWS), Y)
    # own grades: F (A S1, C S1), P (A S2, B S1), N (B S2) = 2/2/1 of 5
    own = reg.get("section11.self.fully_met", Y)
    assert (own.numerator, own.denominator) == (2, 5) and own.interval is not None
    # standing: A S1 P, A S2 P, B S1 F, B S2 N, C S1 F = 2/2/1 of 5; previous round 1/1/1 of 3
    assert reg.get("section11.grade.fully_met", Y).numerator == 2
    assert reg.value("section11.change_pp.fully_met", Y) == pytest.approx(2 / 5 * 100 - 1 / 3 * 100)  # +6.7
    assert reg.value("section11.change_pp.not_met", Y) == pytest.approx(1 / 5 * 100 - 1 / 3 * 100)  # -13.3
    assert reg.get("section11.change_pp.fully_met", Y).unit == "percentage_points"
    assert PREV in reg.get("section11.change_pp.fully_met", Y).label
    assert reg.value("section11.test.grade_mix", Y) is not None
    assert reg.value("section11.grade.fully_met", PREV) == pytest.approx(1 / 3)  # the round compared with


def test_first_round_has_no_change_and_says_so():
    ds = _ds([r for r in ROWS if r[0] == Y])
    reg = wsp.figures(ds, Y)
    assert reg.value("section11.change_pp.fully_met", Y) is None
    assert reg.value("section11.test.grade_mix", Y) is None
    assert narrative.section11(reg, Y)[-1] == ("This is the first round recorded, so there is no change since a "
                                                   "previous round to report.")


def test_attendance_counts_events_up_to_the_quarter_end():
    ds = _ds([], [(Y, "Org 1", date(2023, 8, 9)), (Y, "Org 2", date(2023, 8, 9)), (Y, "Org 3", None)])
    assert wsp.figures(ds, Y).value("section11.attended", Y) == 3
    q1 = wsp.figures(ds, Y, "Q1")  # the event was in Q2; an undated one counts
    assert q1.value("section11.attended.ytd", f"{Y}-Q1") == 1
    q2 = wsp.figures(ds, Y, "Q2")
    assert q2.value("section11.attended.ytd", f"{Y}-Q2") == 3


# --- Walsall: only who attended; Demoshire: synthetic grades ------------------------------------------

def test_walsall_lists_who_attended_and_grades_are_not_available(register, walsall):
    assert register.value("section11.attended", Y) == 17  # the assurance event of 9 August 2023
    for id_ in ("section11.agencies", "section11.self.fully_met", "section11.moderated_lower",
                "section11.agencies_moderated_lower", "section11.change_pp.fully_met"):
        assert register.value(id_, Y) is None, id_  # not published: not available, never 0
    att = walsall.section11_attendance
    assert len(att) == 17 and {"Street Teams", "West Midlands Police", "Black Country ICB"} <= set(att["organisation"])
    assert set(att["event_date"]) == {date(2023, 8, 9)}
    assert walsall.section11.empty
    assert narrative.section11(register, Y) == [
        "The Section 11 assurance event on 9 August 2023 was attended by 17 organisations, listed below.",
        "Their self-assessment grades are not published, so the grades, their moderation and the change since the "
        "last round are not available [x].",
    ]
    q1 = wsp.figures(walsall, Y, "Q1")
    assert q1.value("section11.attended.ytd", f"{Y}-Q1") is None  # the event was in Q2


def test_demoshire_moderated_lower_equals_an_independent_count():
    scale = [F, P, N]
    with (REPO / "data" / "demoshire" / "section11.csv").open() as f:
        rows = [r for r in csv.DictReader(f) if r["year"] == Y]
    lower = [r for r in rows if r["self_grade"] and r["moderated_grade"]
             and scale.index(r["moderated_grade"]) > scale.index(r["self_grade"])]
    ds = dataset.load(REPO / "data" / "demoshire")
    assert ds.partnership.synthetic is True
    reg = wsp.figures(ds, Y)
    assert reg.value("section11.moderated_lower", Y) == len(lower) == 8
    assert reg.value("section11.agencies_moderated_lower", Y) == len({r["agency"] for r in lower}) == 4
    assert reg.value("section11.moderated", Y) == sum(bool(r["moderated_grade"]) for r in rows)
    assert reg.value("section11.change_pp.fully_met", Y) is not None  # against the 2021-22 round
