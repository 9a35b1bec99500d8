"""End to end: the CLI renders the report folder; failures leave the previous report untouched."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from conftest import REPO, WALSALL, YEAR, failing_notebook, run_cli

from wsp_analysis.data import paths
from wsp_analysis.publish import files, render
from wsp_analysis.errors import NotebookFailed
from wsp_analysis.calc.register import read_csv


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_report_folder_contents(rendered):
    assert sorted(p.name for p in rendered.iterdir()) == ["figures.csv", "manifest.json", "report.html", "report.ipynb",
                                                          "tables.ods", "tables.xlsx"]
    leftovers = [p.name for p in rendered.parent.iterdir() if p.name.startswith(".") and not p.name.endswith(".lock")]
    assert leftovers == []  # no staging folder left behind


def test_html_has_four_sections_and_no_code(rendered):
    html = (rendered / "report.html").read_text(encoding="utf-8")
    headings = re.findall(r"<h2[^>]*>(.*?)<", html)
    for section in ("At a glance", "Audits", "Training", "Referrals", "Budget", "Appendix: detailed tables",
                    "Glossary"):
        assert section in headings
    assert "<h3>Key messages</h3>" in html
    assert "Walsall Safeguarding Partnership: annual report 2023-24" in html
    assert "82% of training bookings were attended (1,333 of 1,617)" in html
    body = html[html.index("<body"):]
    for code in ("import ", "wsp_analysis", "display(", "partnership = ", "Traceback"):
        assert code not in body, code
    assert not re.search(r'class="[^"]*(jp-CodeMirrorEditor|jp-InputPrompt|highlight)', body)  # no code cell input
    assert '<desc id="c' in html and ">Bar chart of the share of multi-agency audits" in html  # alt text as <desc>
    assert "<svg " in html  # charts inline, as SVG


def test_figures_csv_matches_library(rendered, register):
    written = read_csv(rendered / "figures.csv").frame()
    expected = register.frame()
    pd.testing.assert_frame_equal(written, expected)
    text = (rendered / "figures.csv").read_text()
    assert text.splitlines()[0] == "id,label,period,value,unit,numerator,denominator,source,ci_low,ci_high,symbol"
    assert "training.attendance_rate,Share of bookings attended,2023-24,0.8243661100803958,proportion,1333,1617," \
           "data/walsall/training.csv" in text


def test_executed_notebook_keeps_code_for_the_scrutineer(rendered):
    nb = nbformat.read(str(rendered / "report.ipynb"), as_version=4)
    sources = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert 'reg = wsp.figures(ds, year, kind="annual")' in sources
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and 'year = "2023-24"' in injected[0].source


def test_report_from_params_file(tmp_path):
    result = run_cli("report", "params/walsall/2023-24.yaml", "--output-dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "walsall" / "2023-24" / "report.html").is_file()
    # progress for a scheduled run's log: timestamped lines, the package's own only, one duration
    stamp = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d wsp-analysis: "
    lines = result.stderr.splitlines()
    assert re.fullmatch(stamp + "rendering walsall 2023-24 with annual_report.ipynb", lines[0]), lines
    assert re.fullmatch(stamp + f"wrote {re.escape(str(tmp_path))}/walsall/2023-24 in \\d+\\.\\d s", lines[-1]), lines
    assert all(re.match(stamp, line) for line in lines), lines
    assert not any(n in result.stderr for n in ("IPKernelApp", "zmq", "papermill", "\r")), result.stderr


def test_invalid_data_exits_2_and_keeps_previous_report(tmp_path, rendered, walsall_copy):
    out = tmp_path / "out"
    shutil.copytree(rendered, out / "walsall" / YEAR)
    before = snapshot(out / "walsall" / YEAR)
    text = (walsall_copy / "audits.csv").read_text().replace("Good,1,", "Excelent,1,", 1)
    (walsall_copy / "audits.csv").write_text(text)
    result = run_cli("report", "--partnership", "walsall", "--year", YEAR, "--data-dir", str(walsall_copy.parent),
                     "--output-dir", str(out))
    assert result.returncode == 2
    assert 'column grade: "Excelent" is not a grade' in result.stderr
    assert "nothing was loaded" in result.stderr
    assert snapshot(out / "walsall" / YEAR) == before
    assert [p.name for p in (out / "walsall").iterdir()] == [YEAR]


@pytest.mark.parametrize("args, message", [
    (["--partnership", "walsall", "--year", "2023-25"], '"2023-25" is not a financial year'),
    (["--partnership", "nowhere", "--year", YEAR], 'unknown partnership "nowhere"'),
    (["--partnership", "walsall"], "year is required"),
    (["--partnership", "walsall", "--year", "2030-31"], "has no data for 2030-31"),
])
def test_bad_arguments_exit_2(tmp_path, args, message):
    result = run_cli("report", *args, "--output-dir", str(tmp_path))
    assert result.returncode == 2
    assert message in result.stderr
    assert not any(tmp_path.iterdir())


def test_failing_notebook_raises_and_keeps_previous_report(tmp_path, rendered, monkeypatch):
    bad = failing_notebook(tmp_path / "broken.ipynb", "deliberate failure")
    out = tmp_path / "out"
    shutil.copytree(rendered, out / "walsall" / YEAR)
    before = snapshot(out / "walsall" / YEAR)
    monkeypatch.setattr(paths, "notebook", lambda name: bad)
    with pytest.raises(NotebookFailed, match="RuntimeError: deliberate failure") as e:
        render.render("walsall", YEAR, data_dir=WALSALL.parent, output_dir=out)
    assert snapshot(out / "walsall" / YEAR) == before
    assert sorted(p.name for p in (out / "walsall").iterdir()) == [f".{YEAR}.lock", YEAR, "failed"]
    # the executed notebook, error cell included, is kept for diagnosis; no HTML is published for it
    (kept,) = (out / "walsall" / "failed").iterdir()
    assert kept.name.startswith(f"{YEAR}-") and str(kept) in str(e.value)
    assert [p.name for p in kept.iterdir()] == ["report.ipynb"]
    assert "deliberate failure" in (kept / "report.ipynb").read_text()


def test_publish_restores_old_report_when_the_swap_fails(tmp_path, monkeypatch):
    """Where the folders cannot be exchanged in one call, the old report is renamed aside and back again if
    the new one cannot be moved in."""
    final, staging = tmp_path / "2023-24", tmp_path / "staging"
    final.mkdir(), staging.mkdir()
    (final / "report.html").write_text("old")
    real_rename = files.os.rename

    def failing_rename(src, dst):
        if Path(src) == staging:
            raise OSError("disk full")
        return real_rename(src, dst)

    monkeypatch.setattr(files, "exchange", lambda a, b: False)
    monkeypatch.setattr(files.os, "rename", failing_rename)
    with pytest.raises(OSError):
        render.publish(staging, final)
    assert (final / "report.html").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2023-24", "staging"]


def test_plain_papermill_writes_only_its_output(tmp_path):
    out = tmp_path / "out.ipynb"
    before = set(REPO.iterdir())
    result = subprocess.run([sys.executable, "-m", "papermill", "notebooks/annual_report.ipynb", str(out),
                             "-p", "year", YEAR], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["out.ipynb"]
    assert set(REPO.iterdir()) == before
    nb = json.loads(out.read_text())
    html_out = "".join("".join(o.get("data", {}).get("text/html", "")) for c in nb["cells"] for o in c.get("outputs", []))
    assert "82% of training bookings were attended" in html_out


def test_validate_command():
    ok = run_cli("validate", "data/walsall")
    assert ok.returncode == 0 and "data/walsall: valid" in ok.stdout


def test_validate_command_reports_every_problem(walsall_copy):
    (walsall_copy / "reserves.csv").unlink()
    (walsall_copy / "audits.csv").write_text((walsall_copy / "audits.csv").read_text().replace(",4,", ",-4,", 1))
    result = run_cli("validate", str(walsall_copy))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines[-1] == "2 problems in 2 files; nothing was loaded."
    assert 'data/walsall/audits.csv, row 4, column count: "-4" is negative; a count cannot be' in lines


def test_committed_notebooks_have_no_outputs():
    for path in (REPO / "notebooks").glob("*.ipynb"):
        nb = nbformat.read(str(path), as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert not cell.outputs and cell.execution_count is None, path.name
