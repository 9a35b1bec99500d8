"""Actions arising from audits and reviews: Walsall's 2023-24 counts (seed 002_3cfe3ce716ad6625.txt),
the overdue rule around the reference date, and the figures and messages built on them."""
from __future__ import annotations

import csv
from datetime import date, timedelta
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from conftest import REPO

import wsp_analysis as wsp
from builders import build
from wsp_analysis.calc import actions
from wsp_analysis.data import load as dataset
from wsp_analysis.report import messages as narrative

Y = "2023-24"
END = date(2024, 3, 31)


def v(reg, id_, period=Y):
    return reg.value(id_, period)


# --- Walsall 2023-24 ------------------------------------------------------------------------------

def test_walsall_counts(register):
    # Q1 CSA audit: 4 actions, 2 completed + 2 ongoing; Q2 transitions: 3, all completed; Q3 early help: 3, no
    # status given. SCR W6: "all actions completed", number not given: one review-level row, not counted.
    assert v(register, "actions.raised") == 4 + 3 + 3 == 10
    assert v(register, "actions.completed") == 2 + 3 == 5
    assert v(register, "actions.ongoing") == 2
    assert v(register, "actions.not_stated") == 3
    share = register.get("actions.completed_share", Y)
    assert (share.numerator, share.denominator) == (5, 7)  # of those with a stated status
    assert share.value == pytest.approx(5 / 7)
    # Wilson 95%: centre (5 + z^2/2) / (7 + z^2), half-width z / (7 + z^2) * sqrt(5 * 2 / 7 + z^2 / 4)
    z = 1.959963984540054
    centre, half = (5 + z * z / 2) / (7 + z * z), z / (7 + z * z) * (5 * 2 / 7 + z * z / 4) ** 0.5
    assert share.interval == pytest.approx((centre - half, centre + half))
    assert share.interval == pytest.approx((0.3589, 0.9178), abs=5e-5)
    for id_ in ("actions.raised", "actions.completed", "actions.ongoing", "actions.not_stated"):
        assert register.get(id_, Y).unit == "count"
    assert share.unit == "proportion"


def test_walsall_has_no_due_dates_so_overdue_is_not_available(register):
    assert v(register, "actions.with_due_date") == 0
    assert v(register, "actions.overdue") is None  # not available, never 0
    assert "31 March 2024" in register.get("actions.overdue", Y).label  # the reference date is in the label


def test_walsall_by_source_and_scr_w6_as_a_review_level_row(register):
    q1 = "actions.by_source.q1_audit_child_sexual_abuse"
    assert [v(register, f"{q1}.{k}") for k in ("raised", "completed", "ongoing", "not_stated")] == [4, 2, 2, 0]
    q2 = "actions.by_source.q2_audit_transitions"
    assert [v(register, f"{q2}.{k}") for k in ("raised", "completed", "ongoing", "not_stated")] == [3, 3, 0, 0]
    q3 = "actions.by_source.q3_audit_adolescents_and_early_help"
    assert [v(register, f"{q3}.{k}") for k in ("raised", "completed", "ongoing", "not_stated")] == [3, 0, 0, 3]
    assert v(register, f"{q3}.completed_share") is None  # none has a stated status
    w6 = "actions.by_source.scr_w6"
    assert [v(register, f"{w6}.{k}") for k in ("raised", "completed", "ongoing", "not_stated")] == [None] * 4
    assert v(register, f"{w6}.completed_share") == 1.0  # "all actions have been completed"
    assert register.get(f"{w6}.completed_share", Y).interval is None  # no n, so no interval
    assert v(register, "actions.review_level") == 1 and v(register, "actions.review_level_completed") == 1


def test_walsall_by_agency(register):
    assert v(register, "actions.by_agency.csa_sub_group.raised") == 4
    assert v(register, "actions.by_agency.camhs.not_stated") == 1
    assert v(register, "actions.by_agency.not_stated.raised") == 3  # the Q2 actions; SCR W6 is not itemised


def test_walsall_rows_transcribe_the_seed(walsall):
    a = walsall.actions
    assert len(a) == 11
    assert a["source"].str.startswith("002_3cfe3ce716ad6625.txt section").all()
    assert a[["date_raised", "due_date", "date_completed"]].isna().all().all()  # no dates are published
    w6 = a[a["raised_by"] == "SCR W6"].iloc[0]
    assert (w6["level"], w6["status"]) == ("review", "completed") and pd.isna(w6["quarter"])


def test_walsall_quarters_and_year_to_date(walsall):
    # SCR W6 has no quarter; no action is recorded for Q4, so Q4's count is blank, never 0
    expected = {"Q1": (4, 4), "Q2": (3, 7), "Q3": (3, 10), "Q4": (None, 10)}
    for q, (quarter, ytd) in expected.items():
        reg = wsp.figures(walsall, Y, q)
        assert v(reg, "actions.raised", f"{Y}-{q}") == quarter, q
        assert v(reg, "actions.raised.ytd", f"{Y}-{q}") == ytd, q
    reg = wsp.figures(walsall, Y, "Q3")
    assert reg.get("actions.completed_share.ytd", f"{Y}-Q3").numerator == 5
    assert reg.get("actions.completed_share", f"{Y}-Q3").value is None  # Q3's three have no status
    assert "31 December 2023" in reg.get("actions.overdue", f"{Y}-Q3").label


def test_walsall_messages(register):
    assert narrative.actions(register, Y) == [
        "Audits and reviews raised 10 actions in 2023-24: five completed, two ongoing and three whose status is not "
        "stated.",
        "71% of the seven with a stated status are completed (5 of 7); with so few actions the share is uncertain: "
        "its 95% interval runs from 36% to 92%.",
        "No action has a due date recorded, so whether any was overdue at 31 March 2024 is not available [x].",
        "SCR W6: all its actions are reported completed; their number is not given, so they are not counted above.",
        "By source: Q1 audit: Child Sexual Abuse (four actions: two completed and two ongoing); Q2 audit: "
        "Transitions (three actions: all three completed); Q3 audit: Adolescents and Early Help (three actions: no "
        "status stated for any of them).",
    ]


# --- overdue around the reference date ------------------------------------------------------------

@pytest.mark.parametrize("due, status, completed, expected", [
    (END, "ongoing", None, actions.NOT_OVERDUE),  # due today: not yet overdue
    (END - timedelta(days=1), "ongoing", None, actions.OVERDUE),  # due yesterday, still open
    (None, "ongoing", None, actions.NO_DUE_DATE),  # no due date: never overdue
    (END + timedelta(days=1), "ongoing", None, actions.NOT_OVERDUE),
    (END - timedelta(days=1), "completed", END, actions.NOT_OVERDUE),  # done by the reference date
    (END - timedelta(days=1), "completed", END - timedelta(days=5), actions.NOT_OVERDUE),
    (END - timedelta(days=1), "completed", END + timedelta(days=1), actions.OVERDUE),  # done only after it
    (END - timedelta(days=1), "completed", None, actions.NOT_KNOWN),  # when it was done is not given
    (END - timedelta(days=1), "not_stated", None, actions.NOT_KNOWN),
    (END, "not_stated", None, actions.NOT_OVERDUE),  # not due yet, whatever its status
])
def test_overdue_state(due, status, completed, expected):
    assert actions.overdue_state(due, status, completed, END) == expected


def _ds(rows: list[dict]):
    """A partnership folder holding these actions (year 2023-24, itemised unless said), loaded."""
    rows = [{"year": Y, "level": "action", **r} for r in rows]
    return wsp.load(build(Path(tempfile.mkdtemp()), {"actions": rows}))


def _row(name, q, due=None, status="ongoing", completed=None, agency=None, by="Q3 audit: X"):
    return {"action": name, "quarter": q, "raised_by": by, "due_date": due, "status": status,
            "date_completed": completed, "agency": agency}


def test_overdue_figures_at_the_year_end_and_a_quarter_end():
    ds = _ds([
        _row("due today", "Q4", END),
        _row("due yesterday", "Q4", END - timedelta(days=1), agency="Police"),
        _row("no due date", "Q4"),
        _row("due in Q3, done in Q4", "Q3", date(2023, 12, 1), "completed", date(2024, 1, 10), agency="Police"),
        _row("past due, no status", "Q3", date(2023, 11, 1), "not_stated"),
    ])
    reg = wsp.figures(ds, Y)
    assert v(reg, "actions.raised") == 5
    assert v(reg, "actions.with_due_date") == 4
    assert v(reg, "actions.overdue") == 1  # only "due yesterday"; due today is not overdue
    assert v(reg, "actions.overdue_not_known") == 1  # past due with no status: not guessed
    assert v(reg, "actions.by_agency.police.overdue") == 1
    q3 = wsp.figures(ds, Y, "Q3")  # at 31 December 2023
    assert v(q3, "actions.overdue", f"{Y}-Q3") == 1  # due 1 December, completed only on 10 January
    assert v(q3, "actions.overdue.ytd", f"{Y}-Q3") == 1
    assert v(q3, "actions.raised", f"{Y}-Q3") == 2


def test_no_due_date_anywhere_means_overdue_is_missing_not_zero():
    reg = wsp.figures(_ds([_row("a", "Q1"), _row("b", "Q2", status="completed")]), Y)
    assert v(reg, "actions.overdue") is None
    assert v(reg, "actions.completed_share") == 0.5


def test_a_source_with_a_review_level_row_has_counts_not_available():
    ds = _ds([_row("one", "Q1", status="completed", by="SCR X"),
              {**_row("all of them", None, status="completed", by="SCR X"), "level": "review"}])
    reg = wsp.figures(ds, Y)
    assert v(reg, "actions.raised") == 1  # the itemised action only
    assert v(reg, "actions.by_source.scr_x.raised") is None  # one plus an unknown number
    assert v(reg, "actions.by_source.scr_x.completed_share") == 1.0  # every row is completed


# --- validation and Demoshire ---------------------------------------------------------------------------

def test_completion_date_with_an_open_status_and_dates_out_of_order_are_refused(walsall_copy):
    path = walsall_copy / "actions.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace(",,,ongoing,,", ",2023-06-01,2023-05-01,ongoing,2023-07-01,")  # Develop a CSA pathway
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = [str(p) for p in dataset.validate(walsall_copy)]
    assert any("actions.csv, row 3, column date_completed: a completion date is given but the status is ongoing" in p
               for p in problems), problems
    assert any("actions.csv, row 3, column due_date: 2023-05-01 (due) is before the action was raised on 2023-06-01"
               in p for p in problems), problems


def test_demoshire_figures_equal_independent_counts_of_the_rows():
    with (REPO / "data" / "demoshire" / "actions.csv").open() as f:
        rows = [r for r in csv.DictReader(f) if r["year"] == Y]
    d = lambda s: date.fromisoformat(s) if s else None  # noqa: E731
    overdue = sum(1 for r in rows if r["due_date"] and d(r["due_date"]) < END and (
        r["status"] == "ongoing" or (r["status"] == "completed" and r["date_completed"]
                                     and d(r["date_completed"]) > END)))
    # at 31 March 2024: an action completed after it was still ongoing then
    done = sum(r["status"] == "completed" and not (r["date_completed"] and d(r["date_completed"]) > END)
               for r in rows)
    reg = wsp.figures(dataset.load(REPO / "data" / "demoshire"), Y)
    assert v(reg, "actions.raised") == len(rows)
    assert v(reg, "actions.completed") == done
    assert v(reg, "actions.ongoing") == sum(r["status"] != "not_stated" for r in rows) - done
    assert v(reg, "actions.overdue") == overdue == 2


@pytest.mark.parametrize("status, completed, expected", [
    ("completed", END, "completed"),  # completed on the day: completed at it
    ("completed", END + timedelta(days=1), "ongoing"),  # completed the day after: still ongoing at the date
    ("completed", None, "completed"),  # no completion date: taken as recorded
    ("ongoing", None, "ongoing"),
    ("not_stated", None, "not_stated"),
])
def test_status_at_the_reference_date(status, completed, expected):
    assert actions.status_at(status, completed, END) == expected
