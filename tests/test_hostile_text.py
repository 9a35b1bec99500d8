"""Hostile text in the data renders as plain text: escaped in the HTML, never a formula in spreadsheets,
never mathtext in charts."""
from __future__ import annotations

import shutil
import zipfile

import openpyxl
import pytest
from conftest import WALSALL, YEAR, run_cli

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(2)>"
FORMULA = '=HYPERLINK("http://evil.example","click")'
DDE = "+cmd|' /C calc'!A0"


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
