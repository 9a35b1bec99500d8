"""Agency returns: the Excel template, the validated all-or-nothing import, and new partnership folders.

Every test works on temporary copies: the committed data/ is never written."""
from __future__ import annotations

import csv
import re
import shutil
import time
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from conftest import REPO, run_cli

from wsp_analysis import cli
from wsp_analysis.data import load as dataset
from wsp_analysis.returns import importer, reader
from wsp_analysis.data import schema as schemas
import synthetic
from wsp_analysis.returns import template as workbook
from wsp_analysis.errors import DataValidationError

GRADES = ("Effective", "Partly Effective", "Not Effective")
NEW = "2024-25"  # a year Triton has no data for


# --- helpers ------------------------------------------------------------------------------------------

def wsp(capsys, *args: str) -> tuple[int, str, str]:
    """The command line, in this process (the contract's exit codes; faster than a subprocess)."""
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under the folder, hidden ones included, with its bytes; folders as None."""
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else None) for p in sorted(folder.rglob("*"))}


def fill(wb, sheet: str, rows: list[dict]) -> None:
    """Append rows to a sheet by column name, as an agency would type them."""
    ws = wb[sheet]
    header = [c.value for c in ws[1]]
    for rec in rows:
        r = ws.max_row + 1
        for name, value in rec.items():
            ws.cell(row=r, column=header.index(name) + 1, value=value)


@pytest.fixture
def blank(tmp_path) -> Path:
    """Triton's template, written from the committed folder (only read)."""
    return workbook.write_template("triton", tmp_path / "blank.xlsx", REPO / "data")


AUDIT_Q1 = [{"year": NEW, "quarter": "Q1", "theme": "Online Harm", "grade": g, "count": n, "source": "Q1 audit pack"}
            for g, n in zip(GRADES, (2, 3, 1))]


def returns(blank: Path, tmp_path: Path, name: str = "returns.xlsx", **sheets) -> Path:
    """The template filled with `sheets` (sheet name -> rows), saved as a new file."""
    wb = openpyxl.load_workbook(blank)
    for sheet, rows in sheets.items():
        fill(wb, sheet, rows)
    out = tmp_path / name
    wb.save(out)
    return out


# --- the template ---------------------------------------------------------------------------------------

def test_template_has_a_sheet_per_table_notes_and_dropdowns(blank):
    wb = openpyxl.load_workbook(blank)
    specs = schemas.tables(GRADES)
    assert wb.sheetnames == ["Notes", *[workbook.sheet_name(t) for t in specs], "Lists"]
    assert wb["Lists"].sheet_state == "hidden"
    for name, spec in specs.items():
        ws = wb[workbook.sheet_name(name)]
        assert [c.value for c in ws[1]] == spec.column_names
        assert ws.max_row == 1 and ws.freeze_panes == "A2"
    # Notes: every column of every sheet with its meaning from the schemas
    notes = [[c.value for c in row] for row in wb["Notes"].iter_rows()]
    assert ["Grade scale, best first", "Effective, Partly Effective, Not Effective", None, None, None] in notes
    audits = specs["audits"]
    for col in audits.columns:
        row = next(r for r in notes if r[:2] == ["Audits", col.name])
        assert row[2] == ("yes" if col.required else "no") and row[4].startswith(col.doc)
    assert ["Training", "(rule)", None, None, "bookings = attended + no_shows (cancellations are not bookings); "
            "where walk_ins is given, attended counts them too: attended = bookings - no_shows + walk_ins. Bookings "
            "left blank are registrations - cancellations."] in notes
    # the optional training sheets say they may stay empty, and which figures they give
    assert ["Training_shares", "(optional)", None, None, "Leave this sheet empty if the partnership does not count "
            "training this way."] in notes
    figures = next(r for r in notes if r[:2] == ["Training_events", "(figures)"])
    assert figures[4].startswith("Figures: for the report's year or quarter, training.event.<course>.sessions")
    assert ".fill_rate = attended / places (proportion, with its 95% interval)" in figures[4]
    # drop-downs: each list column of the Lists sheet, and where it applies
    lists = {ws_col[0].value: [c.value for c in ws_col[1:] if c.value is not None] for ws_col in wb["Lists"].columns}
    assert lists["Grades (best first)"] == list(GRADES)
    assert lists["Quarters"] == ["Q1", "Q2", "Q3", "Q4"]
    assert lists["Audit themes"][:6] == list(synthetic.TRITON_THEMES)
    assert lists["Financial years"][0] == "2019-20" and NEW in lists["Financial years"]  # indicators.csv from 2019-20
    dv = {str(v.sqref): v for v in wb["Audits"].data_validations.dataValidation}
    assert dv["D2:D5001"].type == "list" and dv["D2:D5001"].formula1 == "Lists!$A$2:$A$4"  # grade
    assert dv["D2:D5001"].errorStyle == "stop"
    assert dv["B2:B5001"].formula1 == "Lists!$B$2:$B$5"  # quarter
    assert dv["A2:A5001"].formula1.startswith("Lists!$C$2:")  # year
    assert dv["C2:C5001"].formula1.startswith("Lists!$D$2:") and dv["C2:C5001"].errorStyle == "warning"  # theme
    assert dv["E2:E5001"].type == "whole" and dv["E2:E5001"].formula1 == "0"  # count, 0 or more
    bookings = {str(v.sqref): v for v in wb["Bookings"].data_validations.dataValidation}
    assert bookings["B2:B5001"].type == "date"


def test_template_never_replaces_a_file(tmp_path, capsys):
    """A filled-in return called returns.xlsx must survive `template ... returns.xlsx` run again."""
    out = tmp_path / "returns.xlsx"
    out.write_bytes(b"an agency's filled-in return")
    code, stdout, err = wsp(capsys, "template", "--partnership", "triton", "--data-dir", str(REPO / "data"), str(out))
    assert code == 2 and stdout == ""
    assert "returns.xlsx already exists; the template never replaces a file" in err
    assert out.read_bytes() == b"an agency's filled-in return"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["returns.xlsx"]  # no temporary file left either


def test_template_writes_hostile_text_as_text_never_a_formula(tmp_path, capsys):
    data = tmp_path / "data"
    data.mkdir()
    hostile = ['=HYPERLINK("http://evil.example","click")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)", "#N/A"]
    code, _, err = wsp(capsys, "new-partnership", "hostile", "--data-dir", str(data), "--grade", "=1+1",
                       "--grade", "@Weak", "--name", "=Evil Partnership")
    assert code == 0, err
    yaml = data / "hostile" / "partnership.yaml"
    replace_placeholders(yaml, "Hostile Council")
    yaml.write_text(yaml.read_text().replace("audit_themes: []", "audit_themes:\n"
                                             + "".join(f"  - '{t.replace(chr(39), chr(39) * 2)}'\n" for t in hostile)))
    assert dataset.load(data / "hostile").partnership.audit_themes == tuple(hostile)
    out = tmp_path / "t.xlsx"
    code, _, err = wsp(capsys, "template", "--partnership", "hostile", "--data-dir", str(data), str(out))
    assert code == 0, err
    with zipfile.ZipFile(out) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert "<f>" not in z.read(name).decode() and "<f " not in z.read(name).decode(), name
    wb = openpyxl.load_workbook(out)
    texts = {c.value: c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None}
    for t in [*hostile, "=1+1", "@Weak"]:
        assert t in texts, t
        assert texts[t].data_type == "s", t
        assert texts[t].quotePrefix, t
    assert "=Evil Partnership: agency return" in texts


# --- import: refused, located by sheet and cell, nothing changed --------------------------------------------

def _same_wording_as_validate(triton_copy, value: str) -> str:
    """What validate says of a grade cell holding `value` in audits.csv (the message after the location)."""
    lines = (triton_copy / "audits.csv").read_text().splitlines()
    lines[1] = lines[1].replace(",Effective,", f",{value},", 1)
    probe = triton_copy.parent.parent / "probe" / "data" / "triton"
    shutil.copytree(triton_copy, probe)
    (probe / "audits.csv").write_text("\n".join(lines) + "\n")
    (p,) = dataset.validate(probe)
    return p.message


def test_wrong_sheet_name_is_refused_naming_the_sheet(blank, tmp_path, triton_copy, capsys):
    path = returns(blank, tmp_path, Audits=AUDIT_Q1)
    wb = openpyxl.load_workbook(path)
    wb["Audits"].title = "Audit"
    wb.save(path)
    before = snapshot(triton_copy)
    code, out, err = wsp(capsys, "import", str(path), "--partnership", "triton", "--data-dir", str(triton_copy.parent))
    assert code == 2 and out == ""
    assert f'{path}, Audit!A1:F1: "Audit" is not a sheet of the template, so its rows would be lost: its row 1 ' \
           'holds the columns of "Audits": rename the sheet "Audits"' in err
    assert err.rstrip().endswith(f"1 problem in 1 sheet of {path}; nothing was imported from {path}.")
    assert snapshot(triton_copy) == before


def test_merged_cell_is_refused_naming_its_cells(blank, tmp_path, triton_copy, capsys):
    path = returns(blank, tmp_path, Audits=AUDIT_Q1)
    wb = openpyxl.load_workbook(path)
    wb["Audits"].merge_cells("C2:C4")  # the theme typed once for three rows
    wb.save(path)
    before = snapshot(triton_copy)
    code, _, err = wsp(capsys, "import", str(path), "--partnership", "triton", "--data-dir", str(triton_copy.parent))
    assert code == 2
    lines = err.strip().splitlines()
    assert lines[0] == (f"{path}, Audits!C2:C4: merged cells: unmerge them and type the value in each cell (a "
                        "merged cell hides which row and column its value belongs to)")
    assert len(lines) == 2  # the merged cells' blanks are not reported again as blank themes
    assert snapshot(triton_copy) == before


def test_formula_cell_is_refused_naming_the_cell(blank, tmp_path, triton_copy, capsys):
    rows = [dict(r) for r in AUDIT_Q1]
    rows[2]["count"] = "=E2+E3"
    path = returns(blank, tmp_path, Audits=rows)
    before = snapshot(triton_copy)
    code, _, err = wsp(capsys, "import", str(path), "--partnership", "triton", "--data-dir", str(triton_copy.parent))
    assert code == 2
    assert f"{path}, Audits!E4, column count: is a formula (=E2+E3); type the value itself: formulas are not " \
           "imported" in err.splitlines()
    assert snapshot(triton_copy) == before


def test_date_typed_as_text_is_refused_naming_the_cell(blank, tmp_path, triton_copy, capsys):
    booking = {"booking_id": "TB0001", "date": "01/05/2024", "course": "Online Harm Awareness",
               "occurrence": "2024-25-Q1-S01", "agency": "Police", "status": "attended", "source": "booking system"}
    typed = dict(booking, booking_id="TB0002", date=date(2024, 5, 1))  # a real date is fine
    path = returns(blank, tmp_path, Bookings=[booking, typed])
    before = snapshot(triton_copy)
    code, _, err = wsp(capsys, "import", str(path), "--partnership", "triton", "--data-dir", str(triton_copy.parent))
    assert code == 2
    assert err.splitlines() == [
        f'{path}, Bookings!B2, column date: "01/05/2024" is typed as text, not as a date; type it as a date (e.g. '
        "2023-04-30) so the spreadsheet stores a date, not words that look like one",
        f"1 problem in 1 sheet of {path}; nothing was imported from {path}."]
    assert snapshot(triton_copy) == before


def test_grade_not_on_the_scale_is_refused_with_validates_wording(blank, tmp_path, triton_copy, capsys):
    rows = [dict(r) for r in AUDIT_Q1]
    rows[1]["grade"] = "Good"  # Walsall's word; not on Triton's scale
    path = returns(blank, tmp_path, Audits=rows)
    before = snapshot(triton_copy)
    code, _, err = wsp(capsys, "import", str(path), "--partnership", "triton", "--data-dir", str(triton_copy.parent))
    assert code == 2
    message = "\"Good\" is not a grade on this partnership's scale (Effective, Partly Effective, Not Effective)"
    assert f"{path}, Audits!D3, column grade: {message}" in err.splitlines()
    assert _same_wording_as_validate(triton_copy, "Good") == message
    assert snapshot(triton_copy) == before


def test_every_problem_at_once_each_at_its_cell(blank, tmp_path, triton_copy, capsys):
    audits = [dict(r) for r in AUDIT_Q1]
    audits[0]["year"] = "2024-26"
    audits[2]["count"] = -1
    training = [{"year": NEW, "quarter": "Q1", "events": 5, "occurrences": 6, "places_offered": 90, "bookings": 70,
                 "cancellations": 9, "attended": 60, "no_shows": 9, "elearning_taken": 200, "source": "LMS"}]
    path = returns(blank, tmp_path, Audits=audits, Training=training)
    before = snapshot(triton_copy)
    code, _, err = wsp(capsys, "import", str(path), "--partnership", "triton", "--data-dir", str(triton_copy.parent))
    assert code == 2
    lines = err.strip().splitlines()
    assert lines == [
        f'{path}, Audits!A2, column year: "2024-26" is not a financial year: 2024-25 would follow 2024',
        f'{path}, Audits!E4, column count: "-1" is negative; a count cannot be',
        f"{path}, Training!F2, column bookings: 70 bookings is not attended + no-shows (60 + 9 = 69)",
        f"3 problems in 2 sheets of {path}; nothing was imported from {path}.",
    ]
    assert snapshot(triton_copy) == before


def test_cross_table_problem_in_the_merged_folder_is_refused_at_the_cell(blank, tmp_path, triton_copy, capsys):
    """Training for a quarter must equal its bookings' sums: only the folder as a whole can say so."""
    bookings = [{"booking_id": f"TB{i}", "date": date(2024, 5, 2), "course": "Online Harm Awareness",
                 "occurrence": "S1", "agency": "Police", "status": "attended", "source": "LMS"} for i in range(3)]
    training = [{"year": NEW, "quarter": "Q1", "events": 1, "occurrences": 1, "places_offered": 20, "bookings": 4,
                 "cancellations": 0, "attended": 4, "no_shows": 0, "elearning_taken": 10, "source": "LMS"}]
    path = returns(blank, tmp_path, Training=training, Bookings=bookings)
    before = snapshot(triton_copy)
    code, _, err = wsp(capsys, "import", str(path), "--partnership", "triton", "--data-dir", str(triton_copy.parent))
    assert code == 2
    assert f"{path}, Training!F2, column bookings: 4 bookings in {NEW} Q1 but bookings.csv has 3" in err.splitlines()
    assert f"{path}, Training!H2, column attended: 4 attended in {NEW} Q1 but bookings.csv has 3" in err.splitlines()
    assert snapshot(triton_copy) == before


def test_a_formatted_empty_cell_far_down_the_sheet_does_not_slow_the_import(blank, tmp_path, triton_copy, capsys):
    """Issue 16, item 6: one bold, empty cell at row 1,048,576 made import walk a million rows (42 s and
    2.3 GB measured here); the last column too on a wider sheet. Only the rows that hold values are read."""
    from openpyxl.styles import Font

    wb = openpyxl.load_workbook(blank)
    fill(wb, "Audits", AUDIT_Q1)
    wb["Audits"].cell(row=1_048_576, column=1).font = Font(bold=True)
    wb["Training"].cell(row=1_048_576, column=16_384).font = Font(bold=True)
    wb.create_sheet("Scratch").cell(row=1_048_576, column=3).font = Font(bold=True)  # formatted only: no content
    path = tmp_path / "formatted.xlsx"
    wb.save(path)
    assert openpyxl.load_workbook(path)["Audits"].max_row == 1_048_576  # the sheet's own size: a million rows
    extents = reader.value_extents(path)
    assert extents["Audits"] == (4, 6) and extents["Scratch"] == (0, 0)
    assert extents["Training"] == (1, len(schemas.tables(GRADES)["training"].column_names))

    started = time.perf_counter()
    code, out, err = wsp(capsys, "import", str(path), "--partnership", "triton", "--data-dir", str(triton_copy.parent))
    seconds = time.perf_counter() - started
    assert code == 0, err
    assert "audits.csv: 3 rows added (2024-25 Q1)" in out
    assert seconds < 10, f"import took {seconds:.1f} s"  # about 1 s here; a minute before


def fail_after_swap(monkeypatch, partnership: Path, check) -> None:
    """The import's load of `partnership` after the swap fails (the folder's first load checks it before; its
    second runs after the swap), once `check(folder)` has looked at what the swap wrote."""
    real_load, calls = dataset.load, []

    def load_failing_after_swap(folder):
        if Path(folder).resolve() == partnership.resolve():
            calls.append(folder)
        if len(calls) == 2:
            check(Path(folder))
            raise DataValidationError([])
        return real_load(folder)

    monkeypatch.setattr(importer.dataset, "load", load_failing_after_swap)


def test_a_failure_after_the_swap_puts_every_file_back(blank, tmp_path, triton_copy, monkeypatch):
    path = returns(blank, tmp_path, Audits=AUDIT_Q1)
    before = snapshot(triton_copy)

    def swapped(folder):
        assert (folder / "audits.csv").read_text().count(NEW) == 3  # the new rows were in place

    fail_after_swap(monkeypatch, triton_copy, swapped)
    with pytest.raises(importer.ImportRefused) as e:
        importer.import_workbook(path, "triton", triton_copy.parent)
    assert "every file was put back as it was" in e.value.report()
    assert snapshot(triton_copy) == before  # audits.csv as it was, and no .history/ left behind


EVENTS = [{"year": NEW, "quarter": "Q1", "course": "Online Harm Awareness", "sessions": 2, "capacity": 40,
           "attended": 33, "agency": "Triton Constabulary", "source": "Q1 course list"}]


def test_an_optional_table_the_folder_lacks_is_created_by_the_import(blank, tmp_path, triton_copy, capsys):
    assert not (triton_copy / "training_events.csv").exists()
    path = returns(blank, tmp_path, Training_events=EVENTS)
    code, out, err = wsp(capsys, "import", str(path), "--partnership", "triton", "--data-dir", str(triton_copy.parent))
    assert code == 0, err
    assert (triton_copy / "training_events.csv").read_text().splitlines() == [  # the optional columns given, last
        "year,quarter,course,sessions,capacity,attended,source,agency",
        f"{NEW},Q1,Online Harm Awareness,2,40,33,Q1 course list,Triton Constabulary"]
    assert len(dataset.load(triton_copy).training_events) == 1


def test_a_failure_after_the_swap_removes_an_optional_table_it_created(blank, tmp_path, triton_copy, monkeypatch):
    path = returns(blank, tmp_path, Training_events=EVENTS)
    before = snapshot(triton_copy)

    def swapped(folder):
        assert (folder / "training_events.csv").is_file()  # written by the swap

    fail_after_swap(monkeypatch, triton_copy, swapped)
    with pytest.raises(importer.ImportRefused):
        importer.import_workbook(path, "triton", triton_copy.parent)
    assert snapshot(triton_copy) == before  # no training_events.csv left behind


def test_unreadable_file_and_unknown_partnership(tmp_path, triton_copy, capsys):
    bad = tmp_path / "notes.xlsx"
    bad.write_text("not a workbook")
    code, _, err = wsp(capsys, "import", str(bad), "--partnership", "triton", "--data-dir", str(triton_copy.parent))
    assert code == 2 and f"{bad}: is not an Excel workbook (.xlsx) that can be read" in err
    code, _, err = wsp(capsys, "import", str(tmp_path / "missing.xlsx"), "--partnership", "triton")
    assert code == 2 and "missing.xlsx: no such file" in err
    code, _, err = wsp(capsys, "template", "--partnership", "nowhere", str(tmp_path / "t.xlsx"))
    assert code == 2 and 'unknown partnership "nowhere"' in err
    code, _, err = wsp(capsys, "template", "--partnership", "triton", str(tmp_path / "t.csv"))
    assert code == 2 and "give a file name ending .xlsx" in err


# --- import: periods, --replace, duplicates ---------------------------------------------------------------

def test_period_with_data_is_refused_unless_replace(blank, tmp_path, triton_copy, capsys):
    q1 = [{"year": "2023-24", "quarter": "Q1", "theme": "Missing from Home", "grade": g, "count": n,
           "source": "revised Q1 audit"} for g, n in zip(GRADES, (4, 2, 0))]
    path = returns(blank, tmp_path, Audits=q1)
    before = snapshot(triton_copy)
    code, _, err = wsp(capsys, "import", str(path), "--partnership", "triton", "--data-dir", str(triton_copy.parent))
    assert code == 2
    assert err.splitlines()[0] == (
        f"{path}, Audits!A2, column year: 2023-24 Q1 already has data in data/triton/audits.csv (rows 26-28); a "
        "period is imported once, so these rows would count it twice. To replace that period with this workbook's "
        "rows, import with --replace (the file as it is now is kept in data/triton/.history/)")
    assert snapshot(triton_copy) == before

    code, out, err = wsp(capsys, "import", str(path), "--partnership", "triton", "--data-dir",
                         str(triton_copy.parent), "--replace")
    assert code == 0, err
    (kept,) = (triton_copy / ".history").glob("2*/audits.csv")
    assert kept.read_bytes() == before["audits.csv"]  # the file as it was, timestamped
    assert re.fullmatch(r"\d{8}T\d{6}", kept.parent.name)
    assert f"the files as they were before are kept in data/triton/.history/{kept.parent.name}/" in out
    assert "replaced 2023-24 Q1: 3 earlier rows removed" in out
    old, new = before["audits.csv"].decode().splitlines(), (triton_copy / "audits.csv").read_text().splitlines()
    assert new == [line for i, line in enumerate(old, 1) if i not in (26, 27, 28)] + [
        "2023-24,Q1,Missing from Home,Effective,4,revised Q1 audit",
        "2023-24,Q1,Missing from Home,Partly Effective,2,revised Q1 audit",
        "2023-24,Q1,Missing from Home,Not Effective,0,revised Q1 audit"]
    assert set(snapshot(triton_copy)) - set(before) == {".history", f".history/{kept.parent.name}",
                                                        f".history/{kept.parent.name}/audits.csv",
                                                        ".history/imports.csv"}
    ds = dataset.load(triton_copy)
    q = ds.audits[(ds.audits["year"] == "2023-24") & (ds.audits["quarter"] == "Q1")]
    assert list(q["count"]) == [4, 2, 0]


def test_same_file_twice_is_refused_as_a_duplicate(blank, tmp_path, triton_copy, capsys):
    path = returns(blank, tmp_path, Audits=AUDIT_Q1)
    args = ["import", str(path), "--partnership", "triton", "--data-dir", str(triton_copy.parent)]
    code, out, err = wsp(capsys, *args)
    assert code == 0, err
    assert out.splitlines()[:2] == [f"imported {path} into data/triton:", f"  audits.csv: 3 rows added ({NEW} Q1)"]
    after = snapshot(triton_copy)
    assert after["audits.csv"].decode().count(f"{NEW},Q1") == 3
    for extra in ([], ["--replace"]):
        code, out, err = wsp(capsys, *args, *extra)
        assert code == 2 and out == ""
        assert f"{path}: this data was already imported into data/triton on " in err
        assert "importing it again would count it twice, so nothing was changed" in err
        assert snapshot(triton_copy) == after  # not doubled
    # the same data saved again under another name (Excel rewrites the file) is the same data
    copy = tmp_path / "returns (1).xlsx"
    wb = openpyxl.load_workbook(path)
    wb.properties.modified = datetime(2030, 1, 1)
    wb.save(copy)
    code, _, err = wsp(capsys, "import", str(copy), "--partnership", "triton", "--data-dir", str(triton_copy.parent))
    assert code == 2 and "already imported" in err
    assert snapshot(triton_copy) == after
    with (triton_copy / ".history" / "imports.csv").open() as f:
        (entry,) = list(csv.DictReader(f))
    assert entry["workbook"] == "returns.xlsx" and entry["rows"] == "3" and entry["periods"] == f"audits {NEW} Q1"


def test_import_keeps_existing_lines_byte_for_byte_and_fills_a_blank_source(blank, tmp_path, triton_copy, capsys):
    rows = [dict(r, source=None) for r in AUDIT_Q1]
    path = returns(blank, tmp_path, Audits=rows)
    before = (triton_copy / "audits.csv").read_bytes()
    code, _, err = wsp(capsys, "import", str(path), "--partnership", "triton", "--data-dir", str(triton_copy.parent))
    assert code == 0, err
    after = (triton_copy / "audits.csv").read_bytes()
    assert after.startswith(before)
    assert after[len(before):].decode().splitlines() == [
        f'{NEW},Q1,Online Harm,{g},{n},"returns.xlsx (sheet Audits, row {r})"'
        for r, (g, n) in enumerate(zip(GRADES, (2, 3, 1)), start=2)]


def test_accepted_with_a_warning_at_the_cell_and_written_normalised(blank, tmp_path, triton_copy, capsys):
    rows = [dict(r) for r in AUDIT_Q1]
    rows[0]["grade"] = "effective"
    rows[1]["year"] = "2024/25"
    path = returns(blank, tmp_path, Audits=rows)
    code, _, err = wsp(capsys, "import", str(path), "--partnership", "triton", "--data-dir", str(triton_copy.parent))
    assert code == 0, err
    assert f'warning: {path}, Audits!D2, column grade: "effective" read as "Effective": grades are written as the ' \
           "partnership's scale writes them" in err.splitlines()
    assert f'warning: {path}, Audits!A3, column year: "2024/25" read as "{NEW}": financial years are written like ' \
           "2023-24" in err.splitlines()
    assert (triton_copy / "audits.csv").read_text().splitlines()[-3:-1] == [
        f"{NEW},Q1,Online Harm,Effective,2,Q1 audit pack", f"{NEW},Q1,Online Harm,Partly Effective,3,Q1 audit pack"]
    assert dataset.load(triton_copy).warnings == ()  # the data folder holds the normalised values


# --- new-partnership ---------------------------------------------------------------------------------------

def replace_placeholders(yaml_path: Path, council: str, name: str | None = None) -> None:
    """Put a partnership's own values in place of new-partnership's <...> placeholders, as the analyst does."""
    text = re.sub(r'"<the local authority, e\.g\. [^"]*>"', council, yaml_path.read_text())
    text = text.replace('"<the police force>"', "West Mercia Police")
    text = text.replace('"<the integrated care board>"', "Herefordshire and Worcestershire ICB")
    if name:
        text = re.sub(r'^name: "<[^"]*>"$', f"name: {name}", text, flags=re.M)
    assert '"<' not in text
    yaml_path.write_text(text)


def test_new_partnership_scaffolds_every_table_and_placeholders_refused_until_replaced(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    result = run_cli("new-partnership", "worcestershire", "--data-dir", str(data))
    assert result.returncode == 0, result.stderr
    folder = data / "worcestershire"
    assert result.stdout.strip() == str(folder)
    specs = schemas.tables(("a", "b"))
    assert sorted(p.name for p in folder.iterdir()) == sorted(["partnership.yaml", *[s.file for s in specs.values()]])
    for spec in specs.values():
        assert (folder / spec.file).read_text() == ",".join(spec.column_names) + "\n"
    # unedited, the placeholders do not validate: one line names the keys still to edit
    r = run_cli("validate", str(folder))
    assert r.returncode == 2
    assert r.stderr.splitlines()[0] == ("data/worcestershire/partnership.yaml: name, statutory_partners still hold "
                                        "placeholders written by new-partnership: replace each <...> with the "
                                        "partnership's own")
    replace_placeholders(folder / "partnership.yaml", "Worcestershire County Council",
                         name="Worcestershire Safeguarding Children Partnership")
    ds = dataset.load(folder)
    p = ds.partnership
    assert p.name == "Worcestershire Safeguarding Children Partnership"
    assert p.statutory_partners == ("Worcestershire County Council", "West Mercia Police",
                                    "Herefordshire and Worcestershire ICB")
    assert p.suppression_threshold == 5 and p.audit_themes == () and p.negative_budget_lines == ()
    assert (p.budget_thresholds.green, p.budget_thresholds.amber) == (2, 5)
    # no grade scale is invented: none is needed while audits.csv and audit_shares.csv hold only their headers
    assert p.grade_scale == () and p.lead_grade() == ""
    assert run_cli("validate", str(folder)).returncode == 0
    # once audits are recorded, the scale is needed: one line, at partnership.yaml
    with (folder / "audits.csv").open("a") as f:
        f.write("2024-25,Q1,Neglect,Good,3,pack\n2024-25,Q1,Neglect,Poor,1,pack\n")
    r = run_cli("validate", str(folder))
    assert r.returncode == 2
    assert r.stderr.splitlines() == [
        "data/worcestershire/partnership.yaml: grade_scale is missing, and audits.csv (2 rows) record grades: list "
        "the partnership's audit grades, best first",
        "1 problem in 1 file; nothing was loaded."]


def test_new_partnership_with_name_and_grades_holds_no_placeholder_for_them(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    r = run_cli("new-partnership", "riverside", "--data-dir", str(data), "--grade", "Effective", "--grade",
                "Not Effective", "--name", "Riverside Partnership")
    assert r.returncode == 0, r.stderr
    r = run_cli("validate", str(data / "riverside"))
    assert r.returncode == 2 and "partnership.yaml: statutory_partners still holds placeholders" in r.stderr
    replace_placeholders(data / "riverside" / "partnership.yaml", "Riverside Council")
    ds = dataset.load(data / "riverside")
    assert ds.partnership.grade_scale == ("Effective", "Not Effective")
    assert ds.partnership.name == "Riverside Partnership"


def test_new_partnership_refuses_a_grade_given_twice_in_other_capitals(tmp_path, capsys):
    data = tmp_path / "data"
    data.mkdir()
    code, out, err = wsp(capsys, "new-partnership", "riverside", "--data-dir", str(data), "--grade", "Good",
                         "--grade", "good ")
    assert code == 2 and "a grade scale needs two or more different, non-blank grades" in err
    assert not (data / "riverside").exists()


@pytest.mark.parametrize("name", ["walsall-copy", "../escape", "Upper", "two words", ".hidden", "-dash", "a/b", ""])
def test_new_partnership_refuses_existing_and_unsafe_names(tmp_path, capsys, name):
    data = tmp_path / "data"
    (data / "walsall-copy").mkdir(parents=True)
    before = sorted(str(p) for p in tmp_path.rglob("*"))
    code, out, err = wsp(capsys, "new-partnership", "--data-dir", str(data), "--", name)
    assert code == 2 and out == ""
    assert ("already exists" in err) if name == "walsall-copy" else ("is not a safe folder name" in err)
    assert sorted(str(p) for p in tmp_path.rglob("*")) == before


# --- the round trip: new partnership -> template -> filled -> import -> report ------------------------------

THEMES = ("Neglect", "Online Harm", "Missing from Home", "Contextual Safeguarding")
AUDITS = {"Q1": (2, 3, 1), "Q2": (1, 4, 1), "Q3": (3, 2, 1), "Q4": (2, 2, 2)}  # per grade, best first
TRAINING = {"Q1": (10, 12, 240, 180, 30, 160, 20, 300), "Q2": (8, 9, 200, 150, 25, 120, 30, 280),
            "Q3": (12, 15, 310, 260, 40, 230, 30, 410), "Q4": (9, 11, 230, 170, 20, 150, 20, 350)}
TRAINING_COLUMNS = ("events", "occurrences", "places_offered", "bookings", "cancellations", "attended", "no_shows",
                    "elearning_taken")
BUDGET = [("expenditure", "staffing", "Business unit", 150000, 162500.5),
          ("expenditure", "non_staffing", "Reviews", 40000, 31000),
          ("income", "income", "Riverside Council", 120000, 120000),
          ("income", "income", "Riverside Police", 70000, 70000)]


def test_round_trip_template_fill_import_report(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    r = run_cli("new-partnership", "riverside", "--data-dir", str(data), "--grade", "Effective",
                "--grade", "Partly Effective", "--grade", "Not Effective", "--name", "Riverside Partnership")
    assert r.returncode == 0, r.stderr
    yaml = data / "riverside" / "partnership.yaml"
    replace_placeholders(yaml, "Riverside Council")
    yaml.write_text(yaml.read_text().replace("audit_themes: []", "audit_themes:\n"
                                             + "".join(f"  - {t}\n" for t in THEMES)))
    blank = tmp_path / "riverside.xlsx"
    r = run_cli("template", "--partnership", "riverside", "--data-dir", str(data), str(blank))
    assert r.returncode == 0, r.stderr

    wb = openpyxl.load_workbook(blank)
    assert [c.value for c in wb["Lists"]["D"]][1:5] == list(THEMES)  # the partnership's own themes
    fill(wb, "Audits", [{"year": NEW, "quarter": q, "theme": THEMES[i], "grade": g, "count": n}
                        for i, (q, counts) in enumerate(AUDITS.items()) for g, n in zip(GRADES, counts)])
    fill(wb, "Training", [{"year": NEW, "quarter": q, **dict(zip(TRAINING_COLUMNS, v)), "source": "LMS export"}
                          for q, v in TRAINING.items()])
    fill(wb, "Elearning_courses", [{"year": NEW, "course": "Neglect Level 1", "signed_up": 120, "completed": 80,
                                    "in_progress": 25}])
    fill(wb, "Referrals", [{"year": NEW, "quarter": q, "referral_type": "serious_incident", "measure": m, "count": n}
                           for q, received, met in (("Q1", 2, 1), ("Q2", 0, 0), ("Q3", 3, 2), ("Q4", 1, 1))
                           for m, n in (("received", received), ("met_rapid_review_criteria", met))])
    fill(wb, "Budget", [{"year": NEW, "section": s, "category": c, "line": line, "budget": b, "actual": a}
                        for s, c, line, b, a in BUDGET])
    fill(wb, "Contributions", [{"year": NEW, "organisation": "Riverside Council", "amount": 120000},
                               {"year": NEW, "organisation": "Riverside Police", "amount": 70000}])
    fill(wb, "Reserves", [{"year": NEW, "brought_forward": 45000}])
    filled = tmp_path / "riverside-2024-25.xlsx"
    wb.save(filled)

    r = run_cli("import", str(filled), "--partnership", "riverside", "--data-dir", str(data))
    assert r.returncode == 0, r.stderr
    assert f"  audits.csv: 12 rows added ({NEW} Q1, {NEW} Q2, {NEW} Q3, {NEW} Q4)" in r.stdout.splitlines()
    assert run_cli("validate", str(data / "riverside")).returncode == 0

    out = tmp_path / "reports"
    r = run_cli("report", "--partnership", "riverside", "--year", NEW, "--data-dir", str(data), "--output-dir", str(out))
    assert r.returncode == 0, r.stderr
    with (out / "riverside" / NEW / "figures.csv").open() as f:
        figs = {(row["id"], row["period"]): row for row in csv.DictReader(f)}

    def value(id_, period=NEW):
        return float(figs[(id_, period)]["value"])

    n = sum(sum(c) for c in AUDITS.values())
    assert value("audit.graded") == n == 24
    for i, grade in enumerate(GRADES):
        k = sum(c[i] for c in AUDITS.values())
        row = figs[(f"audit.share.{grade.lower().replace(' ', '_')}", NEW)]
        assert (int(row["numerator"]), int(row["denominator"])) == (k, n)
        assert float(row["value"]) == pytest.approx(k / n)
    assert value("audit.graded", f"{NEW}-Q2") == 6
    totals = {c: sum(v[i] for v in TRAINING.values()) for i, c in enumerate(TRAINING_COLUMNS)}
    for c in TRAINING_COLUMNS:
        assert value(f"training.{c}") == totals[c], c
    assert value("training.attendance_rate") == pytest.approx(totals["attended"] / totals["bookings"])
    assert value("training.course.neglect_level_1.completed") == 80
    assert value("referrals.received") == 6 and value("referrals.rapid_reviews") == 4
    assert value("budget.expenditure.budget") == 190000
    assert value("budget.expenditure.actual") == pytest.approx(193500.5)
    assert value("budget.income.actual") == 190000
    assert value("budget.reserve.brought_forward") == 45000
    assert value("budget.contributions.riverside_police") == 70000
    html = (out / "riverside" / NEW / "report.html").read_text(encoding="utf-8")
    assert "Riverside Partnership" in html and "Partly Effective" in html and "Outstanding" not in html
    # each row's source names where it came from: the agency's own, or the workbook, sheet and row
    rows = list(csv.DictReader((data / "riverside" / "audits.csv").open()))
    assert rows[0]["source"] == "riverside-2024-25.xlsx (sheet Audits, row 2)"
    assert {r["source"] for r in csv.DictReader((data / "riverside" / "training.csv").open())} == {"LMS export"}


# --- workbook cells and CSV files, read and written carefully ------------------------------------------------

def test_a_column_the_file_lacked_is_added_and_percent_cells_read_as_percent(blank, tmp_path, triton_copy, capsys):
    training = [{"year": NEW, "events": 50, "occurrences": 60, "places_offered": 900, "bookings": 700,
                 "cancellations": 90, "attended": 600, "no_shows": 100, "elearning_taken": 800, "trainers": 7,
                 "source": "LMS"}]
    shares = [{"year": "2019-20", "grade": g, "percent": v, "source": "2019-20 annual report"}
              for g, v in zip(GRADES, (0.25, 0.5, 0.25))]
    path = returns(blank, tmp_path, Training=training, Audit_shares=shares)
    wb = openpyxl.load_workbook(path)
    for row in wb["Audit_shares"].iter_rows(min_row=2, min_col=3, max_col=3):
        row[0].number_format = "0%"  # typed as 25% in Excel: the cell holds 0.25
    wb.save(path)
    before = (triton_copy / "training.csv").read_text().splitlines()
    code, _, err = wsp(capsys, "import", str(path), "--partnership", "triton", "--data-dir", str(triton_copy.parent))
    assert code == 0, err
    after = (triton_copy / "training.csv").read_text().splitlines()
    assert after[0] == before[0] + ",trainers"
    assert after[1:-1] == [line + "," for line in before[1:]]  # blank: not available, never 0
    assert after[-1] == f"{NEW},,50,60,900,700,90,600,100,800,LMS,7"
    ds = dataset.load(triton_copy)
    assert list(ds.training["trainers"].isna()) == [True, True, True, False]
    assert list(ds.audit_shares[ds.audit_shares["year"] == "2019-20"]["percent"]) == [25, 50, 25]


def test_walsalls_hand_quoted_lines_are_kept_byte_for_byte(tmp_path, walsall_copy, capsys):
    blank = workbook.write_template("walsall", tmp_path / "w.xlsx", REPO / "data")
    rows = [{"year": NEW, "quarter": "Q1", "theme": "Neglect", "grade": g, "count": n, "source": "Q1 audit"}
            for g, n in zip(("Outstanding", "Good", "Requires Improvement", "Inadequate"), (0, 2, 3, 0))]
    path = returns(blank, tmp_path, Audits=rows)
    before = (walsall_copy / "audits.csv").read_bytes()
    code, _, err = wsp(capsys, "import", str(path), "--partnership", "walsall", "--data-dir", str(walsall_copy.parent))
    assert code == 0, err
    after = (walsall_copy / "audits.csv").read_bytes()
    assert after.startswith(before) and after.count(b"\n") == before.count(b"\n") + 4


def test_values_under_a_column_without_a_name_and_a_misspelt_column(blank, tmp_path, triton_copy, capsys):
    path = returns(blank, tmp_path, Audits=AUDIT_Q1)
    wb = openpyxl.load_workbook(path)
    ws = wb["Audits"]
    ws["H3"] = "checked by JB"
    ws["E1"] = "cases"
    wb.save(path)
    before = snapshot(triton_copy)
    code, _, err = wsp(capsys, "import", str(path), "--partnership", "triton", "--data-dir", str(triton_copy.parent))
    assert code == 2
    lines = err.splitlines()
    assert lines[0].startswith(f"{path}, Audits!H1: has values but no column name in row 1")
    assert f'{path}, Audits!E1, column cases: "cases" is not a column of audits.csv (expected: year, quarter, ' \
           "theme, grade, count, source)" in lines
    assert f"{path}, Audits!A1:F1, column count: required column is missing from the header" in lines
    assert snapshot(triton_copy) == before


def test_replace_brings_back_a_workbook_imported_before_once_its_data_was_replaced(blank, tmp_path, triton_copy,
                                                                                   capsys):
    first = returns(blank, tmp_path, "first.xlsx", Audits=AUDIT_Q1)
    corrected = returns(blank, tmp_path, "corrected.xlsx", Audits=[dict(r, count=2) for r in AUDIT_Q1])
    where = ["--partnership", "triton", "--data-dir", str(triton_copy.parent)]
    assert wsp(capsys, "import", str(first), *where)[0] == 0
    assert wsp(capsys, "import", str(corrected), *where, "--replace")[0] == 0
    code, _, err = wsp(capsys, "import", str(first), *where)
    assert code == 2 and "already imported" in err  # without --replace: the log says it came in before
    code, out, err = wsp(capsys, "import", str(first), *where, "--replace")  # the first was right after all
    assert code == 0, err
    ds = dataset.load(triton_copy)
    assert list(ds.audits[ds.audits["year"] == NEW]["count"]) == [2, 3, 1]
    assert len(list((triton_copy / ".history").glob("2*/audits.csv"))) == 2


def test_blank_rows_between_records_keep_every_cell_reference_right(blank, tmp_path, triton_copy, capsys):
    path = returns(blank, tmp_path, Audits=AUDIT_Q1)
    wb = openpyxl.load_workbook(path)
    ws = wb["Audits"]
    ws.insert_rows(3, amount=2)  # records now in rows 2, 5 and 6
    ws["D6"] = "Excellent"
    ws["C5"] = "Online harm\nand gaming"  # a line break inside a cell (Alt+Enter)
    wb.save(path)
    code, _, err = wsp(capsys, "import", str(path), "--partnership", "triton", "--data-dir", str(triton_copy.parent))
    assert code == 2
    assert err.splitlines()[0] == (f'{path}, Audits!D6, column grade: "Excellent" is not a grade on this '
                                   "partnership's scale (Effective, Partly Effective, Not Effective)")


# --- the optional indicator tables ------------------------------------------------------------------

def test_indicator_sheets_have_unit_and_polarity_dropdowns_and_import_into_a_folder_without_them(
        blank, tmp_path, triton_copy, capsys):
    wb = openpyxl.load_workbook(blank)
    assert [c.value for c in wb["Indicators"][1]] == ["indicator", "year", "quarter", "value", "numerator",
                                                      "denominator", "source"]
    lists = {ws_col[0].value: [c.value for c in ws_col[1:] if c.value is not None] for ws_col in wb["Lists"].columns}
    assert lists["indicator_definitions.unit"][-1] == "code" and "proportion" in lists["indicator_definitions.unit"]
    assert lists["indicator_definitions.polarity"] == ["higher_is_better", "lower_is_better", "neither"]
    dv = {str(v.sqref): v for v in wb["Indicator_definitions"].data_validations.dataValidation}
    assert dv["C2:C5001"].type == "list" and dv["C2:C5001"].errorStyle == "stop"  # unit
    assert dv["D2:D5001"].type == "list"  # polarity
    assert dv["F2:F5001"].type == "decimal"  # target: a number
    # a folder that left both optional files out gets them made by the import, with these rows only
    for name in ("indicators.csv", "indicator_definitions.csv"):
        (triton_copy / name).unlink(missing_ok=True)
    assert dataset.validate(triton_copy) == []
    book = returns(blank, tmp_path, Indicator_definitions=[
        {"indicator": "rhi_72h", "label": "Return home interviews within 72 hours", "unit": "proportion",
         "polarity": "higher_is_better", "priority": "Missing", "target": 0.8, "source_agency": "Triton Borough Council",
         "definition": "Interviews held within 72 hours of a child's return, of returns"}],
        Indicators=[{"indicator": "rhi_72h", "year": NEW, "quarter": "Q1", "value": 0.75, "numerator": 30,
                     "denominator": 40, "source": "Q1 return"}])
    code, _, err = wsp(capsys, "import", str(book), "--partnership", "triton", "--data-dir", str(triton_copy.parent))
    assert code == 0, err
    ds = dataset.load(triton_copy)
    assert ds.indicators[["indicator", "year", "quarter", "numerator", "denominator"]].values.tolist() == [
        ["rhi_72h", NEW, "Q1", 30, 40]]
    assert ds.indicators["value"].iloc[0] == 0.75 and ds.indicator_definitions["target"].iloc[0] == 0.8
    # a value that is not its numerator / denominator is refused at its cell, as validate words it
    book = returns(blank, tmp_path, "bad.xlsx", Indicators=[
        {"indicator": "rhi_72h", "year": NEW, "quarter": "Q2", "value": 0.5, "numerator": 30, "denominator": 40,
         "source": "Q2 return"}])
    code, _, err = wsp(capsys, "import", str(book), "--partnership", "triton", "--data-dir", str(triton_copy.parent))
    assert code == 2
    assert "Indicators!D2, column value: 0.5 is not numerator / denominator (30 / 40 = 0.75) in the unit proportion" \
        in err, err
