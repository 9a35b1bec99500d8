"""The report's building blocks (DataTable, tables, charts), our nbconvert template and the reference tables."""
from __future__ import annotations

import re
import zipfile

import nbformat
import openpyxl
import pandas as pd
import pytest
from conftest import YEAR

from wsp_analysis.report import blocks
from wsp_analysis.report import charts
from wsp_analysis.report import tables as datatables
from wsp_analysis.publish import html as export
from wsp_analysis.publish import spreadsheets as reference_tables
from wsp_analysis.report import annual as sections
from wsp_analysis.report.tables import DataTable

SHEETS = ["Cover", "Contents", "Notes", *[f"Table_{n}" for n in range(1, 14)]]  # 6 in the sections, 7 in the appendix


def demo_table() -> DataTable:
    return datatables.build("Demo measures, 2023-24", [["Attended", 1333, 0.8243661], ["No-shows", 284, None],
                                                       ["Net", 116671.4, "[z]"]],
                            ["Measure", "Number", "Share"], {"Number": "count", "Share": "proportion"},
                            notes=("A note under the table.",))


# DataTable ---------------------------------------------------------------------------------------------------

def test_datatable_displays_in_table_style():
    assert demo_table().display_rows() == [["Attended", "1,333", "82.4%"], ["No-shows", "284", "[x]"],
                                           ["Net", "116,671", "[z]"]]
    assert demo_table().symbols() == ["[x]", "[z]"]


def test_datatable_sheet_frame_has_units_in_headers_and_no_blank_cells():
    frame = demo_table().sheet_frame()
    assert list(frame.columns) == ["Measure", "Number", "Share (%)"]
    assert frame.values.tolist() == [["Attended", 1333, 82.4], ["No-shows", 284, "[x]"], ["Net", 116671, "[z]"]]


def test_mixed_units_get_a_unit_column():
    t = datatables.build("Training", [["Bookings", 1617], ["Share attended", 0.82436]], ["Measure", "2023-24"],
                         row_kinds=("count", "proportion"))
    assert t.display_rows() == [["Bookings", "1,617"], ["Share attended", "82.4%"]]
    assert t.sheet_frame().values.tolist() == [["Bookings", "number", 1617], ["Share attended", "percent", 82.4]]


def test_datatable_survives_the_notebook_round_trip():
    t = demo_table()
    back = DataTable.from_json(t.to_json())
    assert back.display_rows() == t.display_rows()
    assert back.value("Attended", "Share") == pytest.approx(0.8243661)
    assert back.notes == t.notes and back.kinds == t.kinds


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown kinds"):
        datatables.build("x", [["a", 1]], ["A", "B"], {"B": "percentage"})


# blocks.table ----------------------------------------------------------------------------------------------------

def test_table_html_is_accessible():
    body = blocks.table(demo_table(), number=3).body
    assert "<caption" in body and ">Table 3: Demo measures, 2023-24</caption>" in body
    assert '<th scope="col">Measure</th><th scope="col" class="num">Number</th>' in body
    assert '<th scope="row">Attended</th><td class="num">1,333</td><td class="num">82.4%</td>' in body
    assert '<p class="table-note">A note under the table.</p>' in body
    assert "[x] not available (not published or not collected; it is not zero)" in body
    assert "[z] not applicable" in body and "[c]" not in body  # only the symbols used are explained
    assert 'role="region"' in body and 'tabindex="0"' in body


def test_table_carries_its_data_into_the_notebook():
    bundle = blocks.table(demo_table())._repr_mimebundle_()
    assert bundle[datatables.MIME]["rows"][0] == ["Attended", 1333, 0.8243661]
    assert "text/html" in bundle


def test_old_style_table_still_works():
    t = blocks.table([["2023-24", "1,617"], ["2022-23", "[x]"]], ["Year", "Bookings"], "Bookings by year")
    assert '<th scope="row">2023-24</th><td class="num">1,617</td>' in t.body  # a year is a label, not a number
    assert t.data.display_rows() == [["2023-24", "1,617"], ["2022-23", "[x]"]]


# charts ------------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def walsall_sections(register):
    return [f(register, YEAR) for f in (sections.audits, sections.training, sections.referrals, sections.budget)]


def test_chart_is_inline_svg_with_text_title_and_alt(walsall_sections):
    chart = walsall_sections[1].chart
    html = chart._repr_html_()
    assert html.startswith('<figure class="chart"><svg role="img" aria-labelledby="')
    title_id, desc_id = re.search(r'aria-labelledby="([^" ]+) ([^"]+)"', html).groups()
    assert f'<title id="{title_id}">82% of training bookings were attended in 2023-24</title>' in html
    assert f'<desc id="{desc_id}">Bar chart of training places and bookings in 2023-24. Training places offered: ' \
           "2,412; Training bookings (attended + no-shows): 1,617; Training bookings attended: 1,333;" in html
    assert "<?xml" not in html and "<metadata" not in html
    assert ">82% of training bookings were attended in 2023-24</text>" in html  # text kept as text
    assert "#12436d" in html  # Analysis Function dark blue, not seaborn's desaturated version


def test_charts_use_the_exact_palette_and_hatching(walsall_sections):
    svg = walsall_sections[0].chart.image
    for colour in ("#12436d", "#28a197", "#801650", "#f46a25"):
        assert colour in svg.lower()
    assert svg.count("<pattern") >= 3  # hatched: colour is never the only difference
    legend = svg[svg.index("legend_1"):]
    assert legend.count("url(#") >= 3  # and so are the legend's keys


def test_each_chart_is_drawn_for_a_phone_too(walsall_sections):
    """A 4-inch drawing (288 points) with no text under 9 points: shown 366 pixels wide on a 390-pixel phone,
    9 x 366 / 288 = 11.4 pixels. The laptop's drawing comes first; each has its own ids and the same alt text."""
    for s in walsall_sections:
        chart = s.chart
        html = chart._repr_html_()
        assert html.index('class="chart-image chart-wide"') < html.index('class="chart-image chart-narrow"')
        assert re.search(r'viewBox="0 0 288 [\d.]+"', chart.narrow)
        sizes = {float(v) for v in re.findall(r"font-size: ([\d.]+)px", chart.narrow)}
        assert sizes and min(sizes) >= 9, sizes
        assert chart.narrow.count("<desc id=") == 1 and chart.alt.replace("&", "&amp;")[:60] in chart.narrow
        wide_ids = set(re.findall(r'\bid="([^"]+)"', chart.image))
        assert not wide_ids & set(re.findall(r'\bid="([^"]+)"', chart.narrow))
    assert "<!--" not in walsall_sections[0].chart.image  # matplotlib's comments cost bytes and say nothing


def test_chart_ids_are_unique_across_the_page(walsall_sections):
    ids = [i for s in walsall_sections for i in re.findall(r'\bid="([^"]+)"', s.chart.image)]
    assert len(ids) == len(set(ids))
    for s in walsall_sections:  # every reference points inside its own chart
        own = set(re.findall(r'\bid="([^"]+)"', s.chart.image))
        assert set(re.findall(r"url\(#([^)]+)\)", s.chart.image)) <= own


def test_chart_points_come_from_its_table(walsall_sections):
    audits = walsall_sections[0]
    assert audits.chart.table == audits.data[0].title
    assert ("2023-24", "Good", 0.2) in audits.chart.points
    assert "Good: 2019-20 23%, 2020-21 61%, 2021-22 60%, 2022-23 35%, 2023-24 20%." in audits.chart.alt
    referrals = walsall_sections[2].chart
    assert "Serious-incident referrals to the partnership: 2022-23 7, 2023-24 5" in referrals.alt
    assert "Referrals that met the criteria for a rapid review: 2022-23 [x], 2023-24 4" in referrals.alt  # [x], not 0


def test_png_fallback_keeps_alt_text(monkeypatch):
    monkeypatch.setattr(charts, "IMAGE_FORMAT", "png")
    data = datatables.build("Things", [["A", 3], ["B", None]], ["Thing", "Number"], {"Number": "count"})
    chart = charts.table_bars(data, ["A", "B"], "Number", "Three of A", "Things (number)", "Bar chart of things.")
    assert chart.format == "png"
    assert 'alt="Bar chart of things. A: 3; B: [x]."' in chart._repr_html_()


# export: our template ----------------------------------------------------------------------------------------

def _notebook():
    nb = nbformat.v4.new_notebook()
    code = nbformat.v4.new_code_cell
    nb.cells = [
        code("partnership = 'x'", metadata={"tags": ["parameters"]}),
        code("display(title)", outputs=[nbformat.v4.new_output("display_data", data={
            "text/html": "<h1>Old title</h1>", blocks.REPORT_MIME: {
                "partnership": "Demo Partnership", "period_description": "2023-24 (1 April 2023 to 31 March 2024)",
                "status": "draft", "statutory_partners": ["Council", "Police"]}})]),
        nbformat.v4.new_markdown_cell("# Key messages\n\nFirst."),
        code("x", outputs=[nbformat.v4.new_output("stream", name="stderr", text="a warning"),
                           nbformat.v4.new_output("display_data", data=blocks.table(demo_table())._repr_mimebundle_())]),
        nbformat.v4.new_markdown_cell("## Money\n\n### Detail\n\n```\n## not a heading\n```"),
        code("y", outputs=[nbformat.v4.new_output("display_data", data={"text/html": "<h1>Stray</h1><p>kept</p>"}),
                           nbformat.v4.new_output("display_data", data=blocks.table(demo_table())._repr_mimebundle_())]),
    ]
    return nb


def test_template_page(tmp_path):
    path = tmp_path / "executed.ipynb"
    nbformat.write(_notebook(), str(path))
    html = export.to_html(path, "Demo Partnership: annual report 2023-24")
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="en-GB">' in html
    assert "<title>Demo Partnership: annual report 2023-24</title>" in html
    assert re.findall(r"<h(\d)", html) == ["1", "2", "2", "3", "2"]  # one h1: title; two sections, an h3; glossary
    assert '<h2 id="key-messages">Key messages</h2>' in html and '<h3 id="detail">Detail</h3>' in html
    assert '<a href="#key-messages">Key messages</a>' in html and '<a href="#money">Money</a>' in html
    assert len(re.findall(r"<section [^>]*class=\"report-section\"", html)) == 2 and html.count("</section>") == 3
    assert ">Table 1: Demo measures, 2023-24<" in html and ">Table 2: Demo measures, 2023-24<" in html
    assert "Old title" not in html and "Stray" not in html and "<p>kept</p>" in html
    assert "a warning" not in html and "partnership = " not in html
    assert "<span>2023-24 (1 April 2023 to 31 March 2024)</span>" in html and ">Draft<" in html
    # the glossary explains the [x] and [z] the tables use, each linked from its first use
    assert '<a href="#glossary">Glossary</a>' in html and '<dt id="term-x">[x]</dt>' in html
    assert html.count('href="#term-x"') == 1 and html.count('href="#term-z"') == 1
    # the files beside the page, linked relatively; the running header and page numbers for print
    for name in ("figures.csv", "tables.xlsx", "tables.ods", "report.ipynb"):
        assert f'<a href="{name}">{name}</a>' in html
    assert '@top-left { content: "Demo Partnership: annual report 2023-24";' in html and '@top-right { content: "DRAFT";' in html
    assert 'content: "Page " counter(page) " of " counter(pages)' in html
    assert "## not a heading" in html
    for banned in ("<script", "http://", "https://", "@import", "<link"):
        assert banned not in html, banned


def test_status_can_be_final(tmp_path):
    path = tmp_path / "executed.ipynb"
    nbformat.write(_notebook(), str(path))
    html = export.to_html(path, "Demo", status="final")
    assert 'class="status-tag status-final">Final<' in html


def test_tables_are_read_in_reading_order_without_hidden_cells():
    nb = _notebook()
    nb.cells[3].metadata["tags"] = ["remove_cell"]
    assert [t.title for t in export.tables(nb)] == ["Demo measures, 2023-24"]


# reference tables ----------------------------------------------------------------------------------------------

def _blocks(frames: dict[str, pd.DataFrame], sheet: str) -> list[list]:
    """A table sheet from its header row down, numbers as floats (xlsx keeps ints, ods floats)."""
    rows = frames[sheet].values.tolist()
    start = next(i for i, r in enumerate(rows) if r[0] in ("Year", "Quarter", "Measure", "Course", "Line",
                                                             "Organisation", "Grade", "Raised by",
                                                             "Agency responsible"))
    return [[float(c) if isinstance(c, (int, float)) and not pd.isna(c) else c for c in r if not pd.isna(c)]
            for r in rows[start:]]


def test_xlsx_follows_the_spreadsheet_guidance(rendered):
    book = openpyxl.load_workbook(rendered / "tables.xlsx")
    assert book.sheetnames == SHEETS
    cover = [c.value for c in book["Cover"]["A"] if c.value]
    assert cover[0] == f"Walsall Safeguarding Partnership: annual report {YEAR}: reference tables"
    assert "Period: 2023-24 (1 April 2023 to 31 March 2024)." in cover
    # the release facts as the page gives them
    assert "Status: Draft: figures may change before the partnership approves it." in cover
    assert any(re.fullmatch(r"Published: \d{1,2} [A-Z][a-z]+ \d{4}\.", line) for line in cover)
    assert "Contact: Walsall Safeguarding Partnership, https://www.walsallsp.co.uk." in cover
    contents = [[str(c.value).strip() for c in r] for r in book["Contents"].iter_rows() if r[0].value]
    assert ["Table_2", "Table 2: Multi-agency training, 2023-24 and 2022-23"] in contents
    title = book["Table_2"]["A1"].value
    assert title == "Table 2: Multi-agency training, 2023-24 and 2022-23 [note 1][note 2]"
    notes = [[c.value for c in r] for r in book["Notes"].iter_rows() if r[0].value]
    assert notes[2] == ["Note number", "Note text"] and notes[3][0] == 1 and "rounded" in notes[3][1]


def test_xlsx_tables_hold_numbers(rendered):
    frames = pd.read_excel(rendered / "tables.xlsx", sheet_name=None, header=None)
    training = _blocks(frames, "Table_2")
    assert training[0] == ["Measure", "Unit", "2023-24", "2022-23"]
    assert ["Training bookings attended", "number", 1333.0, "[x]"] in training
    assert ["Share of bookings attended", "percent", 82.4, "[x]"] in training
    budget = _blocks(frames, "Table_5")
    # each unit once: "Variance (% of budget)" already says its unit
    assert budget[0][2:6] == ["Budget (£)", "Actual (£)", "Variance (actual - budget) (£)", "Variance (% of budget)"]
    assert ["Agency & Consultants", "Expenditure", 0.0, 301521.0, 301521.0, "[z]", "adverse", "red",
            "unbudgeted spend"] in budget  # no percent of a zero budget
    assert ["Net position (spending - income)", "[z]", 0.0, 116671.0, "[z]", "[z]", "deficit", "[z]", "[z]"] in budget


def test_xlsx_and_ods_numbers_have_separators_and_their_decimals(rendered):
    """Counts and pounds whole with thousands separators, percentages to one decimal, in both workbooks."""
    ws = openpyxl.load_workbook(rendered / "tables.xlsx")["Table_5"]
    row = [c for c in next(r for r in ws.iter_rows() if r[0].value == "Employees (permanent)")]
    assert [(c.value, c.number_format) for c in row[2:6]] == [(258091, "#,##0"), (146769, "#,##0"),
                                                              (-111322, "#,##0"), (-43.1, "#,##0.0")]
    training = openpyxl.load_workbook(rendered / "tables.xlsx")["Table_2"]
    shares = {r[0].value: (r[2].value, r[2].number_format) for r in training.iter_rows() if r[1].value == "percent"}
    assert shares["Share of bookings attended"] == (82.4, "#,##0.0")
    with zipfile.ZipFile(rendered / "tables.ods") as z:
        content = z.read("content.xml").decode("utf-8")
    assert ('<number:number-style style:name="n_gbp" style:display-name="n_gbp"><number:number '
            'number:decimal-places="0" number:min-integer-digits="1" number:grouping="true"/>') in content
    assert 'office:value="258091" table:style-name="c_gbp"' in content
    assert 'office:value="-43.1" table:style-name="c_percent"' in content
    # the contents link each sheet name to its sheet, as the xlsx does; no other cell is a link
    links = re.findall(r'<text:a xlink:href="([^"]+)"[^>]*>([^<]*)</text:a>', content)
    assert links == [(f"#Table_{n}.A1", f"Table_{n}") for n in range(1, 14)]


def test_ods_has_the_same_sheets_and_tables(rendered):
    xlsx = pd.read_excel(rendered / "tables.xlsx", sheet_name=None, header=None)
    ods = pd.read_excel(rendered / "tables.ods", sheet_name=None, header=None, engine="odf")
    assert list(ods) == SHEETS
    for sheet in SHEETS[3:]:
        assert _blocks(ods, sheet) == _blocks(xlsx, sheet), sheet
    assert ods["Cover"].iloc[0, 0] == xlsx["Cover"].iloc[0, 0]
    assert ods["Table_7"].iloc[0, 0] == xlsx["Table_7"].iloc[0, 0]  # same title, same note references


def test_reference_tables_match_the_library(rendered, walsall_sections, register):
    frames = pd.read_excel(rendered / "tables.xlsx", sheet_name=None, header=None)
    assurance = [sections.actions(register, YEAR), sections.section11(register, YEAR)]
    appendix = [*sections.audit_details(register, YEAR), *sections.referral_details(register, YEAR),
                *sections.budget_details(register, YEAR), *sections.action_details(register, YEAR),
                *sections.section11_details(register, YEAR)]
    library = [d for s in [*walsall_sections, *assurance] for d in s.data] + appendix
    assert len(library) == 13
    for n, table in enumerate(library, start=1):
        expected = table.sheet_frame()
        got = _blocks(frames, f"Table_{n}")
        assert got[0] == list(expected.columns)
        assert got[1:] == [[float(c) if isinstance(c, (int, float)) else c for c in r]
                           for r in expected.values.tolist()], table.title


def test_no_tables_means_no_spreadsheets(tmp_path):
    nb = nbformat.v4.new_notebook()
    nbformat.write(nb, str(tmp_path / "report.ipynb"))
    assert reference_tables.write(tmp_path, tmp_path / "report.ipynb", "Empty") == []


MARKUP = ("Child Neglect Awareness [Level 1](refresher)", "[a](b) and [c](d)", "**bold**", "<b>bold</b>", "=SUM(A1)",
          "https://x", "$$rounding$$", "—", "  two  spaces\tand a tab\nand a line  ")


def test_spreadsheets_write_text_exactly_as_typed(tmp_path):
    """Issue 16, item 5: text from the data is never a link, a note marker, markup or a formula, and a cell of
    symbols only is written too (gptables refused it). Read back: each cell's text is exact, no link made."""
    from odf import teletype
    from odf.opendocument import load
    from odf.table import Table, TableCell

    from wsp_analysis.report.tables import build

    table = build("Courses [Level 1](refresher) **2023-24**", [[t, n] for n, t in enumerate(MARKUP)],
                  ["Course [x](y)", "Places"], {"Places": "count"}, notes=("See [the guide](guide.html).",))
    sheets, notes = reference_tables._notes([table])
    title = "Demo <b>Partnership</b> [home](https://x)"
    xlsx = reference_tables.write_xlsx(tmp_path / "t.xlsx", sheets, notes, title, {})
    ods = reference_tables.write_ods(tmp_path / "t.ods", sheets, notes, title, {})

    book = openpyxl.load_workbook(xlsx)
    ws = book["Table_1"]
    assert ws["A1"].value == "Table 1: Courses [Level 1](refresher) **2023-24** [note 1][note 2][note 3]"
    assert ws["A3"].value == f"Source: {title}, figures.csv"
    assert [ws.cell(row=4, column=c).value for c in (1, 2)] == ["Course [x](y)", "Places"]
    assert [ws.cell(row=r, column=1).value for r in range(5, 5 + len(MARKUP))] == list(MARKUP)
    assert [ws.cell(row=r, column=2).value for r in range(5, 5 + len(MARKUP))] == list(range(len(MARKUP)))
    assert book["Cover"]["A1"].value == f"{title}: reference tables"
    assert "See [the guide](guide.html)." in [c.value for c in book["Notes"]["B"]]
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert [(c.parent.title, c.value, c.hyperlink.location) for c in cells if c.hyperlink] == \
        [("Contents", "Table_1", "'Table_1'!A1")]  # the contents' own link to its sheet, nothing else
    assert list(ws.tables) == ["table_1"] and ws.tables["table_1"].ref == f"A4:B{4 + len(MARKUP)}"

    doc = load(str(ods))
    sheet = next(t for t in doc.spreadsheet.getElementsByType(Table) if t.getAttribute("name") == "Table_1")
    texts = [teletype.extractText(c) for c in sheet.getElementsByType(TableCell)]
    assert texts[0] == "Table 1: Courses [Level 1](refresher) **2023-24** [note 1][note 2][note 3]"
    assert texts[5::2][: len(MARKUP)] == list(MARKUP)
    with zipfile.ZipFile(ods) as z:
        content = z.read("content.xml").decode("utf-8")
    assert "table:formula" not in content
    # the only link is the contents' own, to its sheet: no text from the data became one
    assert re.findall(r"<text:a [^>]*>[^<]*</text:a>", content) == [
        '<text:a xlink:href="#Table_1.A1" xlink:type="simple">Table_1</text:a>']
