"""The bad-input catalogue: each case is one fixture (an edit to a copy of Walsall's data, or a bad
parameter), run through `wsp-analysis validate` and `wsp-analysis report`.

A refused case must name file, row, column, value and rule, exit 2, write no report folder and
leave an earlier report for the period byte-identical. An accepted case must give the normalised
value and a one-line warning naming what was changed (where anything was changed).
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest
from conftest import WALSALL, YEAR

from wsp_analysis import cli
from wsp_analysis.data import load as dataset

W = "data/walsall"


def replace(file: str, old: str, new: str) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        path = folder / file
        text = path.read_text(encoding="utf-8")
        assert old in text, (file, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return edit


def append(file: str, line: str) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        with (folder / file).open("a", encoding="utf-8") as f:
            f.write(line + "\n")
    return edit


def write(file: str, text: str | bytes) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        data = text if isinstance(text, bytes) else text.encode("utf-8")
        (folder / file).write_bytes(data)
    return edit


def delete(file: str) -> Callable[[Path], None]:
    return lambda folder: (folder / file).unlink()


def add_column(file: str, name: str, value: str) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        lines = (folder / file).read_text(encoding="utf-8").splitlines()
        lines = [f"{lines[0]},{name}"] + [f"{line},{value}" for line in lines[1:]]
        (folder / file).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return edit


def reencode(file: str, encoding: str, bom: bool = False) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        text = (folder / file).read_text(encoding="utf-8")
        (folder / file).write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding))
    return edit


def semicolons(file: str) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        import csv
        import io

        rows = list(csv.reader(io.StringIO((folder / file).read_text(encoding="utf-8"))))
        out = io.StringIO()
        csv.writer(out, delimiter=";", lineterminator="\n").writerows(rows)
        (folder / file).write_text(out.getvalue(), encoding="utf-8")
    return edit


def resave(file: str, encoding: str, delimiter: str = ",", end: str = "\n", edit: Callable[[str], str] = str
           ) -> Callable[[Path], None]:
    """The file saved again as Excel's other formats save it: another encoding, delimiter and line end."""
    def write_again(folder: Path) -> None:
        import csv
        import io

        rows = list(csv.reader(io.StringIO(edit((folder / file).read_text(encoding="utf-8")))))
        out = io.StringIO()
        csv.writer(out, delimiter=delimiter, lineterminator=end).writerows(rows)
        (folder / file).write_bytes(out.getvalue().encode(encoding))
    return write_again


def link_outside(file: str, secret: str) -> Callable[[Path], None]:
    """`file` replaced by a link to a file outside the partnership folder, whose first line is `secret`."""
    def edit(folder: Path) -> None:
        target = folder.parent.parent / "outside.txt"
        target.write_text(secret + "\nmore\n")
        (folder / file).unlink()
        (folder / file).symlink_to(target)
    return edit


def edits(*steps: Callable[[Path], None]) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        for step in steps:
            step(folder)
    return edit


@dataclass(frozen=True)
class Refused:
    name: str
    edit: Callable[[Path], None]
    expected: str  # the whole problem line, or its distinctive part


@dataclass(frozen=True)
class Accepted:
    name: str
    edit: Callable[[Path], None]
    check: Callable[[dataset.Dataset], bool]  # the normalised value
    warning: str | None  # the one-line warning naming the change (None: nothing was changed)


REFUSED = [
    Refused("missing table file", delete("reserves.csv"), f"{W}/reserves.csv: file is missing"),
    Refused("empty file", write("reserves.csv", ""), f"{W}/reserves.csv: file is empty"),
    Refused("missing column", replace("contributions.csv", "year,organisation,amount,source", "year,organisation,source"),
            f"{W}/contributions.csv, row 1, column amount: required column is missing from the header"),
    Refused("unknown column", replace("reserves.csv", "year,brought_forward,source", "year,brought_forwrd,source"),
            f'{W}/reserves.csv, row 1, column brought_forwrd: "brought_forwrd" is not a column of reserves.csv '
            "(expected: year, brought_forward, source)"),
    Refused("personal data: name", add_column("contributions.csv", "Name", "A Person"),
            f'{W}/contributions.csv, row 1, column Name: "Name" looks like a name: personal data must not be in'),
    Refused("personal data: date of birth", add_column("contributions.csv", "Date of birth", "2010-01-01"),
            'column Date of birth: "Date of birth" looks like a date of birth'),
    Refused("personal data: NHS number", add_column("contributions.csv", "NHS number", "9434765919"),
            'column NHS number: "NHS number" looks like an NHS number'),
    Refused("personal data: address", add_column("contributions.csv", "address", "1 High Street"),
            'column address: "address" looks like an address'),
    Refused("personal data: postcode", add_column("contributions.csv", "Post code", "WS1 1AA"),
            'column Post code: "Post code" looks like a postcode'),
    Refused("grade abbreviation", replace("audits.csv", "Q2,Transitions,Requires Improvement", "Q2,Transitions,RI"),
            f'{W}/audits.csv, row 8, column grade: "RI" is not a grade on this partnership\'s scale '
            "(Outstanding, Good, Requires Improvement, Inadequate)"),
    Refused("grade outside the scale", replace("audits.csv", "Q2,Transitions,Good", "Q2,Transitions,Excellent"),
            f'{W}/audits.csv, row 7, column grade: "Excellent" is not a grade'),
    Refused("quarter Q5", replace("audits.csv", "2023-24,Q4,", "2023-24,Q5,"),
            f'{W}/audits.csv, row 14, column quarter: "Q5" is not a quarter (Q1, Q2, Q3 or Q4)'),
    Refused("year 2023-25", replace("reserves.csv", "2023-24,299260", "2023-25,299260"),
            f'{W}/reserves.csv, row 2, column year: "2023-25" is not a financial year'),
    Refused("a quarter typed in the year column", replace("training.csv", "2022-23,,52,", "Q1,,52,"),
            f'{W}/training.csv, row 3, column year: "Q1" is not a financial year written like 2023-24'),
    Refused("year 23-24", replace("reserves.csv", "2023-24,299260", "23-24,299260"),
            f'{W}/reserves.csv, row 2, column year: "23-24" is not a financial year written like 2023-24'),
    Refused("negative count", replace("audits.csv", "Requires Improvement,4,", "Requires Improvement,-4,"),
            f'{W}/audits.csv, row 4, column count: "-4" is negative; a count cannot be'),
    Refused("non-integer count", replace("audits.csv", "Requires Improvement,4,", "Requires Improvement,4.5,"),
            f'{W}/audits.csv, row 4, column count: "4.5" is not a whole number'),
    Refused("attended more than bookings", replace("training.csv", "1617,352,1333,284", "1617,352,1733,-116"),
            f'{W}/training.csv, row 2, column no_shows: "-116" is negative'),
    Refused("attended more than bookings (sums agree)",
            replace("training.csv", "2412,1617,352,1333,284", "2412,1617,352,1733,284"),
            f"{W}/training.csv, row 2, column attended: 1,733 attended is more than the 1,617 bookings"),
    Refused("places offered fewer than attended", replace("training.csv", "162,2412,", "162,1000,"),
            f"{W}/training.csv, row 2, column places_offered: 1,000 places offered is fewer than the 1,333 who attended"),
    Refused("parts not summing to the stated total", replace("training.csv", "1617,352,1333,284", "1600,352,1333,284"),
            f"{W}/training.csv, row 2, column bookings: 1,600 bookings is not attended + no-shows "
            "(1,333 + 284 = 1,617)"),
    Refused("course parts above signed up", replace("elearning_courses.csv", "239,179,42", "239,179,80"),
            f"{W}/elearning_courses.csv, row 2, column in_progress: completed + in progress (179 + 80 = 259) is more "
            "than the 239 signed up"),
    Refused("duplicate rows for the same key", append("reserves.csv", '2023-24,1,"typed twice"'),
            f"{W}/reserves.csv, row 3: repeats row 2 (year 2023-24); each row must be unique on year"),
    Refused("money 1.5k", replace("contributions.csv", "ICB,97500", "ICB,97.5k"),
            f'{W}/contributions.csv, row 3, column amount: "97.5k" is not an amount of money in pounds'),
    Refused("#N/A in a count", replace("audits.csv", "Requires Improvement,4,", "Requires Improvement,#N/A,"),
            f'{W}/audits.csv, row 4, column count: "#N/A" is a spreadsheet error, not a number'),
    Refused("#DIV/0! in money", replace("contributions.csv", "ICB,97500", "ICB,#DIV/0!"),
            f'{W}/contributions.csv, row 3, column amount: "#DIV/0!" is a spreadsheet error, not a number'),
    Refused("blank key cell", replace("contributions.csv", "2023-24,ICB,97500", "2023-24,,97500"),
            f"{W}/contributions.csv, row 3, column organisation: is blank; this column must be filled in"),
    Refused("row with too few cells", append("reserves.csv", "2022-23,5"),
            f"{W}/reserves.csv, row 3: has 2 cells but the header has 3 columns"),
    Refused("percent above 100", replace("audit_shares.csv", "2022-23,Good,35", "2022-23,Good,135"),
            f'{W}/audit_shares.csv, row 3, column percent: "135" is not between 0 and 100'),
    Refused("a second audit theme in a quarter",
            edits(*[append("audits.csv", f"2023-24,Q1,Neglect,{g},1,added") for g in ("Outstanding", "Good",
                                                                                       "Requires Improvement",
                                                                                       "Inadequate")]),
            f'{W}/audits.csv, row 18, column theme: "Neglect" is a second theme for 2023-24 Q1 (rows 18-21; row 2 '
            'has "Child Sexual Abuse"): a quarter\'s audit round has one theme, as the figures and reports are '
            "built; record one theme per quarter"),
    Refused("money with a full stop between thousands", replace("reserves.csv", "2023-24,299260", "2023-24,£299.260"),
            f'{W}/reserves.csv, row 2, column brought_forward: "£299.260" could be 299,260 (a full stop between '
            "thousands) or 299.26 (pounds and pence): write 299260 or 299.26"),
    Refused("money negative twice", replace("budget.csv", "Development activities,15000,20721",
                                            "Development activities,15000,(-5)"),
            f'{W}/budget.csv, row 6, column actual: "(-5)" is negative twice (a minus sign inside brackets): write -5 '
            "or (5) for a negative amount, 5 for a positive one"),
    Refused("negative spending budget", replace("budget.csv", "consultancy etc.)\",60000,", "consultancy etc.)\",-60000,"),
            f'{W}/budget.csv, row 4, column budget: -£60,000 is a negative budget for the expenditure line '
            '"Professional Services (Chair costs, consultancy etc.)"; a budget is 0 or more. If this line really is '
            "budgeted below 0, list it under negative_budget_lines in partnership.yaml"),
    Refused("misspelt key in partnership.yaml", append("partnership.yaml", "suppresion_threshold: 10"),
            f'{W}/partnership.yaml: "suppresion_threshold" is not a key of partnership.yaml (did you mean '
            '"suppression_threshold"?); a key it does not know would be ignored, so it is refused'),
    Refused("a grade twice on the scale", replace("partnership.yaml", "  - Good\n", "  - Good\n  - \"good \"\n"),
            f'{W}/partnership.yaml: grade_scale lists "Good" and "good ", the same grade (grades are compared '
            "ignoring capitals and spaces): list each grade once"),
    Refused("UTF-16 without its byte-order mark", resave("reserves.csv", "utf-16-le", "\t", "\r\n"),
            f'{W}/reserves.csv: is mostly NUL bytes, as UTF-16 (Excel\'s "Unicode Text") is without its byte-order '
            'mark; save it from Excel as "CSV UTF-8 (Comma delimited)" instead'),
    Refused("a table linked to a file outside the folder", link_outside("audits.csv", "root:x:0:0:secret"),
            f"{W}/audits.csv: is a link to a file outside its folder, so it is not read: put the file itself in the "
            "folder"),
    Refused("partnership.yaml linked to a file outside the folder",
            link_outside("partnership.yaml", "name: secret"),
            f"{W}/partnership.yaml: is a link to a file outside the partnership folder, so it is not read: put the "
            "file itself in the folder"),
    Refused("a control character in a header", add_column("contributions.csv", "not\x1b[2Jes", "x"),
            f'{W}/contributions.csv, row 1, column not\\x1b[2Jes: "not\\x1b[2Jes" is not a column of contributions.csv'),
]

ACCEPTED = [
    Accepted("header only: no records", write("elearning_courses.csv",
                                              "year,course,signed_up,completed,in_progress,source\n"),
             lambda ds: len(ds.elearning_courses) == 0, None),
    Accepted("header only: no budget, contributions or reserves for the year",
             lambda f: [write(n, (WALSALL / n).read_text().splitlines()[0] + "\n")(f)
                        for n in ("budget.csv", "contributions.csv", "reserves.csv")],
             lambda ds: ds.budget.empty and ds.contributions.empty and ds.reserves.empty, None),
    Accepted("grade with other capitals and outer spaces",
             replace("audits.csv", "Q2,Transitions,Requires Improvement,", 'Q2,Transitions,"requires improvement ",'),
             lambda ds: ds.audits.loc[ds.audits["row"] == 8, "grade"].item() == "Requires Improvement",
             f'{W}/audits.csv, row 8, column grade: "requires improvement " read as "Requires Improvement": '
             "grades are written as the partnership's scale writes them"),
    Accepted("year 2023/24", replace("reserves.csv", "2023-24,299260", "2023/24,299260"),
             lambda ds: ds.reserves["year"].tolist() == ["2023-24"],
             f'{W}/reserves.csv, row 2, column year: "2023/24" read as "2023-24": financial years are written like '
             "2023-24"),
    Accepted("year 2023-2024", replace("reserves.csv", "2023-24,299260", "2023-2024,299260"),
             lambda ds: ds.reserves["year"].tolist() == ["2023-24"],
             f'{W}/reserves.csv, row 2, column year: "2023-2024" read as "2023-24"'),
    Accepted("money with £ and separators", replace("contributions.csv", "WM Police,33988", 'WM Police,"£33,988"'),
             lambda ds: ds.contributions["amount"].iloc[0] == 33988, None),
    Accepted("money with pence", replace("contributions.csv", "WM Police,33988", 'WM Police,"33,988.00"'),
             lambda ds: ds.contributions["amount"].iloc[0] == 33988, None),
    Accepted("money in brackets is negative", replace("budget.csv", "Development activities,15000,20721",
                                                      'Development activities,15000,"(1,500)"'),
             lambda ds: ds.budget.loc[ds.budget["line"] == "Development activities", "actual"].item() == -1500, None),
    Accepted("Windows-1252 file with £", lambda f: (replace("reserves.csv", "printed as £299.260",
                                                            "printed as £299.260 – with an en dash")(f),
                                                    reencode("reserves.csv", "cp1252")(f)),
             lambda ds: "£299.260 – with" in ds.reserves["source"].item(),
             f"{W}/reserves.csv: is not UTF-8; read as Windows-1252"),
    Accepted("UTF-8 with a byte-order mark", reencode("reserves.csv", "utf-8", bom=True),
             lambda ds: ds.reserves["brought_forward"].item() == 299260, None),
    Accepted("semicolon-separated file", semicolons("contributions.csv"),
             lambda ds: ds.contributions["amount"].sum() == 387650,
             f"{W}/contributions.csv: is semicolon-separated; read with ; as the delimiter"),
    Accepted("a theme with a non-breaking space", replace("audits.csv", "Q1,Child Sexual Abuse,Outstanding",
                                                          "Q1,Child\u00a0Sexual Abuse,Outstanding"),
             lambda ds: set(ds.audits.loc[ds.audits["quarter"] == "Q1", "theme"]) == {"Child Sexual Abuse"},
             f'{W}/audits.csv, row 2, column theme: "Child\\xa0Sexual Abuse" read as "Child Sexual Abuse": unusual or '
             "repeated spaces and line breaks (and look-alike characters) are read as plain ones, so that it groups "
             "with the same name typed plainly"),
    Accepted("a theme in other capitals", replace("audits.csv", "Q2,Transitions,Good", "Q2,TRANSITIONS,Good"),
             lambda ds: set(ds.audits.loc[ds.audits["quarter"] == "Q2", "theme"]) == {"Transitions"},
             f'{W}/audits.csv, row 7, column theme: "TRANSITIONS" read as "Transitions": the same name in other '
             "capitals (or spacing); written as row 6 writes it"),
    Accepted('Excel\'s "Unicode Text" (UTF-16, tabs)', resave("reserves.csv", "utf-16", "\t", "\r\n"),
             lambda ds: ds.reserves["brought_forward"].item() == 299260 and "£299.260" in ds.reserves["source"].item(),
             f'{W}/reserves.csv: is UTF-16 (Excel\'s "Unicode Text"); read as such; has tabs between cells; read '
             'with a tab as the delimiter; save as "CSV UTF-8" to silence this'),
    Accepted('Excel\'s "CSV (Macintosh)" (Mac Roman, CR line ends)',
             resave("reserves.csv", "mac_roman", end="\r", edit=lambda t: t.replace("printed as", "café: printed as")),
             lambda ds: "café: printed as £299.260" in ds.reserves["source"].item(),
             f'{W}/reserves.csv: is not UTF-8 and its lines end in a carriage return alone, as Excel\'s "CSV '
             '(Macintosh)" saves it; read as Mac Roman, so £ and accented letters are kept; save as "CSV UTF-8" to '
             "silence this"),
    Accepted("Excel's empty trailing columns and rows",
             resave("contributions.csv", "utf-8", end="\r\n",
                    edit=lambda t: "".join(line + ",,\n" for line in t.splitlines()) + ",,,,,\n,,,,,\n"),
             lambda ds: ds.contributions["amount"].sum() == 387650 and len(ds.contributions) == 5, None),
    Accepted("a negative budget on a line declared in partnership.yaml",
             edits(replace("budget.csv", "Development activities,15000,", "Development activities,(15000),"),
                   append("partnership.yaml", "negative_budget_lines:\n  - development  activities")),
             lambda ds: ds.budget.loc[ds.budget["line"] == "Development activities", "budget"].item() == -15000, None),
]


@pytest.fixture
def case_folder(tmp_path):
    folder = tmp_path / "data" / "walsall"
    shutil.copytree(WALSALL, folder)
    return folder


@pytest.fixture
def earlier_report(tmp_path, rendered):
    """An earlier report for the period, which no refused run may touch."""
    out = tmp_path / "reports"
    shutil.copytree(rendered, out / "walsall" / YEAR)
    return out, {p.name: p.read_bytes() for p in (out / "walsall" / YEAR).iterdir()}


def report(folder: Path, out: Path, *extra: str) -> int:
    return cli.main(["report", "--partnership", "walsall", "--year", YEAR, "--data-dir", str(folder.parent),
                     "--output-dir", str(out), *extra])


def test_catalogue_has_at_least_30_cases():
    assert len(REFUSED) + len(ACCEPTED) + len(PARAMS) >= 30


@pytest.mark.parametrize("case", REFUSED, ids=lambda c: c.name)
def test_refused(case, case_folder, earlier_report, capsys):
    case.edit(case_folder)
    assert cli.main(["validate", str(case_folder)]) == 2
    err = capsys.readouterr().err
    assert case.expected in err, err
    assert err.strip().splitlines()[-1].endswith("nothing was loaded.")
    out, before = earlier_report
    assert report(case_folder, out) == 2
    assert case.expected in capsys.readouterr().err
    assert sorted(p.name for p in (out / "walsall").iterdir()) == [YEAR]  # no report folder written
    assert {p.name: p.read_bytes() for p in (out / "walsall" / YEAR).iterdir()} == before


@pytest.mark.parametrize("case", ACCEPTED, ids=lambda c: c.name)
def test_accepted(case, case_folder, tmp_path, capsys):
    case.edit(case_folder)
    assert cli.main(["validate", str(case_folder)]) == 0
    err = capsys.readouterr().err
    ds = dataset.load(case_folder)
    assert case.check(ds)
    if case.warning:
        assert [line for line in err.splitlines() if case.warning in line], err
        assert len(ds.warnings) == 1  # one line, naming the one change
    else:
        assert ds.warnings == ()
    assert report(case_folder, tmp_path / "reports") == 0
    assert (tmp_path / "reports" / "walsall" / YEAR / "report.html").is_file()


PARAMS = [
    ("unknown partnership", "partnership: nowhere\nyear: '2023-24'\n", 'unknown partnership "nowhere"'),
    ("period with no data", "partnership: walsall\nyear: '2030-31'\n", "has no data for 2030-31"),
    ("wrong-typed parameter", "partnership: walsall\nyear: 2023\n", "year must be text, not int (2023)"),
    ("unknown parameter", "partnership: walsall\nyear: '2023-24'\nquater: Q1\n", '"quater" is not a parameter'),
]


@pytest.mark.parametrize("name, text, expected", PARAMS, ids=[p[0] for p in PARAMS])
def test_bad_parameters(name, text, expected, tmp_path, capsys):
    params = tmp_path / "run.yaml"
    params.write_text(text + f"output_dir: '{tmp_path / 'out'}'\n")
    assert cli.main(["report", str(params)]) == 2
    assert expected in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
