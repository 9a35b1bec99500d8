"""Loading and validation: every problem reported at once, located as a spreadsheet user counts rows."""
from __future__ import annotations

import pandas as pd
import pytest

from wsp_analysis.data import load as dataset
from wsp_analysis.errors import DataValidationError


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems(folder):
    with pytest.raises(DataValidationError) as e:
        dataset.load(folder)
    return [str(p) for p in e.value.problems], str(e.value)


def test_walsall_loads_typed(walsall):
    assert walsall.partnership.name == "Walsall Safeguarding Partnership"
    assert walsall.partnership.grade_scale == ("Outstanding", "Good", "Requires Improvement", "Inadequate")
    assert set(walsall.tables) == {"audits", "audit_shares", "training", "elearning_courses", "referrals", "budget",
                                   "bookings", "evaluations", "contributions", "reserves", "actions", "section11",
                                   "section11_attendance"}
    assert str(walsall.training["bookings"].dtype) == "Int64"
    assert walsall.source("audits") == "data/walsall/audits.csv"
    # a blank count is missing, not zero
    sn = walsall.referrals[walsall.referrals["referral_type"] == "self_neglect_panel"]
    assert sn["count"].isna().sum() == 2


def test_every_problem_at_once_with_row_column_value_rule(walsall_copy):
    # audits.csv: header row 1, Q1 rows 2-5, Q2 Outstanding 6, Good 7, Requires Improvement 8
    edit(walsall_copy / "audits.csv", "2023-24,Q2,Transitions,Requires Improvement,5",
         "2023-24,Q2,Transitions,Excelent,5")
    edit(walsall_copy / "training.csv", "2023-24,,144,162,2412,1617,352,1333", "2023-24,,144,162,2412,1617,352,1733")
    found, text = problems(walsall_copy)
    assert ('data/walsall/audits.csv, row 8, column grade: "Excelent" is not a grade on this partnership\'s scale '
            "(Outstanding, Good, Requires Improvement, Inadequate)") in found
    assert "data/walsall/training.csv, row 2, column attended: 1,733 attended is more than the 1,617 bookings" in found
    # 1,733 + 284 = 2,017, not 1,617: the bookings rule fires too
    assert ("data/walsall/training.csv, row 2, column bookings: 1,617 bookings is not attended + no-shows "
            "(1,733 + 284 = 2,017)") in found
    assert text.endswith("3 problems in 2 files; nothing was loaded.")


def test_missing_file_and_missing_column(walsall_copy):
    (walsall_copy / "reserves.csv").unlink()
    edit(walsall_copy / "contributions.csv", "year,organisation,amount,source", "year,organisation,source")
    found, _ = problems(walsall_copy)
    assert any(p.startswith("data/walsall/reserves.csv: file is missing") for p in found)
    assert "data/walsall/contributions.csv, row 1, column amount: required column is missing from the header" in found


def test_unknown_column_named_with_expected(walsall_copy):
    edit(walsall_copy / "reserves.csv", "year,brought_forward,source", "year,brought_forwrd,source")
    found, _ = problems(walsall_copy)
    assert any('"brought_forwrd" is not a column of reserves.csv (expected: year, brought_forward, source)' in p
               for p in found)


def test_header_only_table_is_accepted_as_no_records(walsall_copy):
    (walsall_copy / "elearning_courses.csv").write_text("year,course,signed_up,completed,in_progress,source\n")
    ds = dataset.load(walsall_copy)
    assert len(ds.elearning_courses) == 0


def test_empty_file_is_refused(walsall_copy):
    (walsall_copy / "reserves.csv").write_text("")
    found, _ = problems(walsall_copy)
    assert found == ["data/walsall/reserves.csv: file is empty; it needs at least the header row: "
                     "year, brought_forward, source"]


def test_duplicate_key_rows(walsall_copy):
    with (walsall_copy / "reserves.csv").open("a") as f:
        f.write('2023-24,1,"typed twice"\n')
    found, _ = problems(walsall_copy)
    assert found == ["data/walsall/reserves.csv, row 3: repeats row 2 (year 2023-24); each row must be unique on year"]


def test_blank_key_refused_blank_number_missing(walsall_copy):
    edit(walsall_copy / "contributions.csv", "2023-24,ICB,97500", "2023-24,,97500")
    found, _ = problems(walsall_copy)
    assert found == ["data/walsall/contributions.csv, row 3, column organisation: is blank; this column must be "
                     "filled in"]


def test_year_given_whole_and_by_quarter_is_refused(walsall_copy):
    with (walsall_copy / "training.csv").open("a") as f:
        f.write('2023-24,Q1,10,10,100,50,5,40,10,100,,,,"double"\n')
    found, _ = problems(walsall_copy)
    assert any("row 4, column quarter: Q1 repeats a period already given as a whole year in row 2" in p for p in found)


def test_bad_partnership_yaml(walsall_copy):
    (walsall_copy / "partnership.yaml").write_text("name: X\ngrade_scale: [Good]\nstatutory_partners: [A]\n")
    found, _ = problems(walsall_copy)
    assert found == ["data/walsall/partnership.yaml: grade_scale must be a list of at least 2 non-blank names"]


def test_validate_returns_empty_list_when_valid():
    from conftest import WALSALL

    assert dataset.validate(WALSALL) == []


def test_loaded_tables_keep_spreadsheet_row_numbers(walsall):
    assert list(walsall.reserves["row"]) == [2]
    assert isinstance(walsall.audits, pd.DataFrame)


def test_docs_are_generated_from_the_schemas():
    from conftest import REPO

    from wsp_analysis.data.docs import data_reference

    # regenerate with: python -m wsp_analysis.docs > docs/data.md
    assert (REPO / "docs" / "data.md").read_text() == data_reference()
