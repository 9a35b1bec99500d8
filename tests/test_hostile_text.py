"""Hostile text in the data renders as plain text: escaped in the HTML, never a formula in spreadsheets,
never mathtext in charts, never a link or markup anywhere (issue 16, item 5)."""
from __future__ import annotations

import re
import shutil
import zipfile

import openpyxl
import pytest
from conftest import WALSALL, YEAR, run_cli

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(2)>"
FORMULA = '=HYPERLINK("http://evil.example","click")'
DDE = "+cmd|' /C calc'!A0"
# Course names that look like markup: a Markdown link (gptables made it a link and failed), emphasis, HTML,
# a formula and a bare address. Each must reach every output exactly as typed.
LINK_COURSE = "Child Neglect Awareness [Level 1](refresher)"
MARKUP_COURSES = (LINK_COURSE, "**bold** course", "<b>Bold</b> course", "=SUM(A1)", "https://x")
# The same in the optional training tables: a course run, its delivering agency, a published measure.
EVENT_COURSE, EVENT_AGENCY, MEASURE = "[Level 2](x) <i>workshop</i>", "@agency", "=take-up"


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    folder = root / "data" / "walsall"
    shutil.copytree(WALSALL, folder)
    text = (folder / "audits.csv").read_text()
    text = text.replace(",Transitions,", f',"{SCRIPT} {IMG}",')
    text = text.replace(",First 1001 Days,", ',"' + FORMULA.replace('"', '""') + '",')
    text = text.replace(",Adolescents and Early Help,", f',"{DDE} costs $5 and $6",')
    (folder / "audits.csv").write_text(text)
    contrib = (folder / "contributions.csv").read_text().replace(",Probation,", ",@SUM(A1:A2),")
    (folder / "contributions.csv").write_text(contrib)
    courses = (folder / "elearning_courses.csv").read_text()
    assert ",Child Neglect Awareness Level 1," in courses
    courses = courses.replace(",Child Neglect Awareness Level 1,", f",{LINK_COURSE},")
    courses += "".join(f'2023-24,"{c}",10,5,2,test\n' for c in MARKUP_COURSES[1:])
    (folder / "elearning_courses.csv").write_text(courses)
    (folder / "training_events.csv").write_text("year,quarter,course,sessions,capacity,attended,agency,source\n"
                                                f'2023-24,,"{EVENT_COURSE}",2,40,30,{EVENT_AGENCY},test\n')
    (folder / "training_shares.csv").write_text(f"year,quarter,measure,percent,source\n2023-24,,{MEASURE},91,test\n")
    result = run_cli("report", "--partnership", "walsall", "--year", YEAR, "--data-dir", str(root / "data"),
                     "--output-dir", str(root / "out"))
    assert result.returncode == 0, result.stderr
    return root / "out" / "walsall" / YEAR


def test_html_escapes_markup(hostile_report):
    page = (hostile_report / "report.html").read_text(encoding="utf-8")
    assert "<script" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(2)&gt;" in page
    assert "+cmd|&#x27; /C calc&#x27;!A0 costs $5 and $6" in page or "+cmd|' /C calc'!A0 costs $5 and $6" in page


def test_spreadsheets_hold_text_never_formulas(hostile_report):
    book = openpyxl.load_workbook(hostile_report / "tables.xlsx")
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    values = {c.value for c in cells if isinstance(c.value, str)}
    assert FORMULA in values and "@SUM(A1:A2)" in values and any(v.startswith(DDE) for v in values)
    with zipfile.ZipFile(hostile_report / "tables.ods") as z:
        content = z.read("content.xml").decode("utf-8")
    assert "table:formula" not in content
    assert "=HYPERLINK(" in content  # kept, as a string


def test_figures_csv_keeps_the_text_as_data(hostile_report):
    text = (hostile_report / "figures.csv").read_text(encoding="utf-8")
    assert SCRIPT in text  # figures.csv is data for analysts, not a page: the label holds the theme as written


def test_text_that_looks_like_markup_reaches_every_output_as_typed(hostile_report):
    """A Markdown link, emphasis, HTML, a formula and an address in course names: the report renders (the
    link no longer stops the spreadsheet writer), and each name is in every output exactly as typed."""
    import html as html_lib

    from odf import teletype
    from odf.opendocument import load
    from odf.table import TableCell

    page = (hostile_report / "report.html").read_text(encoding="utf-8")
    for course in MARKUP_COURSES:
        assert html_lib.escape(course, quote=False) in page, course
    assert 'href="refresher"' not in page and "<strong>bold</strong>" not in page and "<b>Bold</b>" not in page
    assert 'href="https://x"' not in page

    book = openpyxl.load_workbook(hostile_report / "tables.xlsx")
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row]
    texts = [c.value for c in cells if isinstance(c.value, str)]
    for course in MARKUP_COURSES:
        assert course in texts, course
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    # the only links are the contents sheet's, each to a sheet of the workbook
    links = [(ws.title, c.hyperlink) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.hyperlink]
    assert links and all(sheet == "Contents" and not link.target and link.location.startswith("'Table_")
                         for sheet, link in links)

    ods = [teletype.extractText(c) for c in load(str(hostile_report / "tables.ods")).getElementsByType(TableCell)]
    for course in MARKUP_COURSES:
        assert course in ods, course
    with zipfile.ZipFile(hostile_report / "tables.ods") as z:
        content = z.read("content.xml").decode("utf-8")
    assert "table:formula" not in content
    # the only links are the contents sheet's, each to a sheet of the workbook, as in the xlsx
    assert all(re.fullmatch(r'<text:a xlink:href="#Table_\d+\.A1" xlink:type="simple">Table_\d+</text:a>', a)
               for a in re.findall(r"<text:a .*?</text:a>", content))


def test_text_in_the_optional_training_tables_reaches_every_output_as_typed(hostile_report):
    """A course, its delivering agency and a published measure from the optional training tables."""
    import html as html_lib

    page = (hostile_report / "report.html").read_text(encoding="utf-8")
    for text in (EVENT_COURSE, EVENT_AGENCY, MEASURE):
        assert html_lib.escape(text, quote=False) in page, text
    assert "<i>workshop</i>" not in page and 'href="x"' not in page
    book = openpyxl.load_workbook(hostile_report / "tables.xlsx")
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row]
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert EVENT_COURSE in texts and EVENT_AGENCY in texts
    assert f"{MEASURE} (published percentage; counts not published)" in texts
    assert not [c.coordinate for c in cells if c.data_type == "f"]
