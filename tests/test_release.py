"""How a report is released: status, publication date and next update per run (a params file or options), the
partnership's contact, and where the page, its printed pages and the spreadsheets' cover say them."""
from __future__ import annotations

import json
import re
from datetime import date

import openpyxl
import pytest
from conftest import YEAR, run_cli

from wsp_analysis.errors import UsageError
from wsp_analysis.publish import html as export
from wsp_analysis.publish import params
from wsp_analysis.report.sections import release


def test_params_take_status_publication_date_and_next_update():
    got = params.check({"partnership": "walsall", "year": YEAR, "status": "Final", "published": date(2024, 11, 30),
                        "next_update": "March 2025"})
    assert got == {"partnership": "walsall", "year": YEAR, "status": "final", "published": "2024-11-30",
                   "next_update": "March 2025"}
    assert params.check({"partnership": "walsall", "year": YEAR, "next_update": date(2025, 11, 30)})["next_update"] \
        == "2025-11-30"  # YAML reads an unquoted date as a date


def test_bad_release_parameters_are_refused_together():
    with pytest.raises(UsageError) as e:
        params.check({"partnership": "walsall", "year": YEAR, "status": "published", "published": "30/11/2024"})
    assert str(e.value).splitlines() == [
        'parameters: status must be draft or final, not "published"',
        'parameters: published must be a date written YYYY-MM-DD (2024-11-30), not "30/11/2024"']


def test_release_defaults_to_a_draft_published_today_with_no_next_update():
    r = release()
    assert (r["status"], r["published"], r["next_update_words"]) == ("draft", date.today().isoformat(), None)
    r = release("FINAL", "2024-11-30", "2025-11-30")
    assert (r["status"], r["published_words"], r["next_update_words"]) == ("final", "30 November 2024",
                                                                           "30 November 2025")
    assert release(next_update="To be confirmed")["next_update_words"] == "To be confirmed"  # words, as typed


def test_the_running_header_is_a_css_string_no_data_can_break_out_of():
    assert export.css_string('Say "hi" \\ </style><script>') == '"Say \\"hi\\" \\\\ \\3c /style>\\3c script>"'
    assert export.css_string("two\nlines") == '"two lines"'


@pytest.fixture(scope="module")
def final(tmp_path_factory):
    out = tmp_path_factory.mktemp("final")
    result = run_cli("report", "--partnership", "walsall", "--year", YEAR, "--status", "final", "--published",
                     "2024-11-30", "--next-update", "November 2025", "--output-dir", str(out))
    assert result.returncode == 0, result.stderr
    return out / "walsall" / YEAR


def test_a_final_report_says_so_on_the_page_on_paper_and_in_the_spreadsheets(final):
    page = (final / "report.html").read_text(encoding="utf-8")
    header = re.sub(r"<[^>]+>", " ", page[page.index('<header class="report-header">'):page.index("</header>")])
    header = " ".join(header.split())
    assert "annual report 2023-24 Final 2023-24 (1 April 2023 to 31 March 2024) Final: approved by the partnership" \
        in header
    assert "Published 30 November 2024 Next update: November 2025" in header  # separated by CSS dots
    assert "Contact: Walsall Safeguarding Partnership, https://www.walsallsp.co.uk" in header
    assert '@top-right { content: "FINAL";' in page and "Draft" not in header
    assert '@bottom-left { content: "Published 30 November 2024";' in page
    cover = [c.value for c in openpyxl.load_workbook(final / "tables.xlsx")["Cover"]["A"] if c.value]
    assert {"Status: Final: approved by the partnership.", "Published: 30 November 2024.",
            "Next update: November 2025.", "Contact: Walsall Safeguarding Partnership, https://www.walsallsp.co.uk."} \
        <= set(cover)
    manifest = json.loads((final / "manifest.json").read_text())
    assert manifest["parameters"]["status"] == "final"
    assert manifest["command"].endswith("--status final --published 2024-11-30 --next-update 'November 2025'")


def test_a_notebook_that_does_not_take_a_release_parameter_is_refused(tmp_path):
    from conftest import failing_notebook

    nb = failing_notebook(tmp_path / "own.ipynb", "never runs")
    result = run_cli("report", "--partnership", "walsall", "--year", YEAR, "--notebook", str(nb), "--status", "final",
                     "--output-dir", str(tmp_path / "out"))
    assert result.returncode == 2
    assert 'own.ipynb does not take the parameter "status"' in result.stderr
