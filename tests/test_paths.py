"""A partnership is a plain folder name everywhere (issue 15, item 1): anything else is refused with exit 2
before anything is read or written, every write stays inside the output folder, and a report replaces
only an earlier report."""
from __future__ import annotations

import re

import shutil
from pathlib import Path

import pytest
from conftest import WALSALL, YEAR, run_cli

from wsp_analysis import cli
from wsp_analysis.data import paths
from wsp_analysis.errors import UsageError
from wsp_analysis.publish import params

UNSAFE = ["../escape/walsall", "..", ".", "", " ", ".hidden", "_reserved", "a/b", "a\\b", "c:", "wal\nsall",
          " walsall", "walsall "]


def tree(root: Path) -> dict[str, bytes | None]:
    """Every file and folder under root, hidden ones included, with each file's bytes."""
    return {str(p.relative_to(root)): (p.read_bytes() if p.is_file() else None) for p in sorted(root.rglob("*"))}


@pytest.fixture
def escape(tmp_path) -> dict[str, Path]:
    """An empty data folder D and output folder O/inner, and a partnership folder outside both (escape/walsall)
    holding a file of its own where a report folder would go."""
    (tmp_path / "D").mkdir()
    (tmp_path / "O" / "inner").mkdir(parents=True)
    outside = tmp_path / "escape" / "walsall"
    shutil.copytree(WALSALL, outside)
    (outside / YEAR).write_text("not the package's\n")
    return {"root": tmp_path, "data": tmp_path / "D", "out": tmp_path / "O" / "inner", "outside": outside}


def wsp(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("name", ["walsall", "triton-2", "demo_shire", "Wälsall", "North Yorkshire"])
def test_plain_folder_names_are_accepted(name):
    assert paths.check_partnership(name) == name


@pytest.mark.parametrize("name", UNSAFE)
def test_anything_else_is_refused_saying_why(name):
    with pytest.raises(UsageError, match="is not a safe folder name for a partnership") as e:
        paths.check_partnership(name)
    assert "\n" not in str(e.value)  # a control character is shown escaped, never printed


@pytest.mark.parametrize("partnership", ["../escape/walsall", "ABSOLUTE"])
def test_report_refuses_a_path_and_touches_nothing(escape, capsys, partnership):
    """--partnership ../escape/walsall read outside D and wrote outside O; an absolute folder ignored
    --output-dir, wrote into that folder and replaced the file there."""
    partnership = str(escape["outside"]) if partnership == "ABSOLUTE" else partnership
    before = tree(escape["root"])
    code, out, err = wsp(capsys, "report", "--partnership", partnership, "--year", YEAR,
                         "--data-dir", str(escape["data"]), "--output-dir", str(escape["out"]))
    assert code == 2 and out == ""
    # one log line: an ISO 8601 timestamp, then the message
    assert re.match(rf'\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\d wsp-analysis: --partnership "{re.escape(partnership)}" is not a '
                    'safe folder name for a partnership', err), err
    assert tree(escape["root"]) == before
    assert (escape["outside"] / YEAR).read_text() == "not the package's\n"


@pytest.mark.parametrize("command", [
    ["reconcile", "--partnership", "{p}", "--year", YEAR, "--data-dir", "{data}"],
    ["template", "--partnership", "{p}", "--data-dir", "{data}", "{out}/t.xlsx"],
    ["import", "{out}/t.xlsx", "--partnership", "{p}", "--data-dir", "{data}"],
    ["figures", "--partnership", "{p}", "--data-dir", "{data}"],
    ["new-partnership", "--data-dir", "{data}", "--", "{p}"],
])
@pytest.mark.parametrize("partnership", ["../escape/walsall", "ABSOLUTE", "..", "_reserved"])
def test_every_command_refuses_a_path_before_reading_or_writing(escape, capsys, command, partnership):
    partnership = str(escape["outside"]) if partnership == "ABSOLUTE" else partnership
    (escape["out"] / "t.xlsx").write_bytes(b"a workbook, as far as this test goes")
    before = tree(escape["root"])
    args = [a.format(p=partnership, data=escape["data"], out=escape["out"]) for a in command]
    code, out, err = wsp(capsys, *args)
    assert code == 2 and out == ""
    assert "is not a safe folder name for a partnership" in err
    assert tree(escape["root"]) == before


def test_a_params_file_is_checked_the_same_way(escape, capsys):
    path = escape["root"] / "escape.yaml"
    path.write_text(f"partnership: ../escape/walsall\nyear: '{YEAR}'\ndata_dir: {escape['data']}\n"
                    f"output_dir: {escape['out']}\n")
    before = tree(escape["root"])
    code, out, err = wsp(capsys, "report", str(path))
    assert code == 2 and out == ""
    assert re.match(rf'\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\d wsp-analysis: {re.escape(str(path))}: partnership '
                    '"../escape/walsall" is not a safe folder name', err), err
    assert tree(escape["root"]) == before
    with pytest.raises(UsageError, match='partnership "/srv/x" is not a safe folder name'):
        params.check({"partnership": "/srv/x", "year": YEAR})
    with pytest.raises(UsageError, match="partnership is required"):
        params.check({"partnership": "", "year": YEAR})


def test_run_all_marks_such_a_params_file_invalid_and_writes_nothing(escape):
    """run-all said "ok" and wrote outside its output folder; now the run is invalid (run-all exits 1, as
    for any run that fails) and nothing is written."""
    folder = escape["root"] / "params"
    folder.mkdir()
    (folder / "escape.yaml").write_text(f"partnership: ../escape/walsall\nyear: '{YEAR}'\n"
                                        f"data_dir: {escape['data']}\noutput_dir: {escape['out']}\n")
    before = tree(escape["root"])
    result = run_cli("run-all", str(folder), "--workers", "1", "--no-progress")
    assert result.returncode == 1, result.stdout + result.stderr
    row = next(line for line in result.stdout.splitlines() if "escape.yaml" in line)
    assert row.split()[1] == "invalid" and "is not a safe folder name" in row
    assert result.stdout.splitlines()[-1] == "0 of 1 runs succeeded; 1 failed"
    assert tree(escape["root"]) == before


def test_report_dir_stays_inside_the_output_folder_and_replaces_only_a_report(tmp_path):
    out = tmp_path / "reports"
    assert paths.report_dir(out, "walsall", YEAR) == out.resolve() / "walsall" / YEAR
    with pytest.raises(UsageError, match="is not a safe folder name"):
        paths.report_dir(out, "/etc", YEAR)
    with pytest.raises(UsageError, match="is not a financial year"):
        paths.report_dir(out, "walsall", "../2023-24")
    target = out / "walsall" / YEAR
    target.parent.mkdir(parents=True)
    target.write_text("someone's file")  # a file where the report would go: publishing would replace it
    with pytest.raises(UsageError, match="already exists and is not a report folder"):
        paths.report_dir(out, "walsall", YEAR)
    target.unlink()
    target.mkdir()
    (target / "notes.txt").write_text("someone's folder")
    with pytest.raises(UsageError, match=r"is not a report folder \(it has no manifest.json\)"):
        paths.report_dir(out, "walsall", YEAR)
    (target / "manifest.json").write_text("{}")  # an earlier report: replacing it is what a run does
    assert paths.report_dir(out, "walsall", YEAR) == target.resolve()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (out / "triton").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(UsageError, match="leads outside"):
        paths.report_dir(out, "triton", YEAR)


def test_report_refuses_to_replace_what_it_did_not_write(tmp_path, capsys):
    target = tmp_path / "out" / "walsall" / YEAR
    target.mkdir(parents=True)
    (target / "budget-notes.docx").write_bytes(b"the finance team's notes")
    before = tree(tmp_path)
    code, out, err = wsp(capsys, "report", "--partnership", "walsall", "--year", YEAR,
                         "--output-dir", str(tmp_path / "out"))
    assert code == 2 and out == ""
    assert "already exists and is not a report folder (it has no manifest.json)" in err
    assert tree(tmp_path) == before
