"""The one lock and the one atomic swap (publish/files.py): links never followed, a reader always finds a
complete report, and the next run recovers or removes what a killed run left."""
from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import filelock
import pytest
from conftest import REPO, WALSALL, YEAR, run_cli

from wsp_analysis.errors import UsageError
from wsp_analysis.publish import files, render

LINUX = sys.platform.startswith("linux")


def report(folder: Path, text: str) -> Path:
    """A stand-in report folder: three files, each holding `text`."""
    folder.mkdir(parents=True)
    for name in ("report.html", "figures.csv", "manifest.json"):
        (folder / name).write_text(text)
    return folder


def contents(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted(folder.iterdir())}


def in_subprocess(code: str) -> subprocess.CompletedProcess:
    """Run `code` in a fresh Python with this worktree first on the path."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=300)


def kill_at(step: str) -> str:
    """Python source that makes files.checkpoint end the process, as a kill -9 would, at `step`."""
    return ("import os\nfrom wsp_analysis.publish import files\n"
            f"files.checkpoint = lambda step: os._exit(9) if step == {step!r} else None\n")


# --- the lock ----------------------------------------------------------------------------------------------

def test_a_linked_lock_file_is_refused_and_its_target_untouched(tmp_path):
    target = tmp_path / "precious.txt"
    target.write_text("do not truncate me\n")
    out = tmp_path / "out"
    (out / "walsall").mkdir(parents=True)
    (out / "walsall" / f".{YEAR}.lock").symlink_to(target)
    result = run_cli("report", "--partnership", "walsall", "--year", YEAR, "--output-dir", str(out))
    assert result.returncode == 2, result.stderr
    assert "lock file is a symbolic link; it is never followed" in result.stderr
    assert target.read_text() == "do not truncate me\n"
    assert (out / "walsall" / f".{YEAR}.lock").is_symlink()
    assert sorted(p.name for p in (out / "walsall").iterdir()) == [f".{YEAR}.lock"]  # nothing else written


def test_a_dangling_link_is_refused_without_creating_its_target(tmp_path):
    link = tmp_path / ".2023-24.lock"
    link.symlink_to(tmp_path / "elsewhere" / "made.lock")
    with pytest.raises(UsageError, match="symbolic link"):
        with files.lock(link):
            pass
    assert not (tmp_path / "elsewhere").exists()


def test_a_second_holder_waits_and_says_so(tmp_path, caplog):
    path, order = tmp_path / ".2023-24.lock", []
    held = threading.Event()

    def first():
        with files.lock(path):
            order.append("first in")
            held.set()
            time.sleep(0.5)
            order.append("first out")

    t = threading.Thread(target=first)
    t.start()
    held.wait(5)
    with caplog.at_level(logging.INFO, logger="wsp_analysis"):
        with files.lock(path):
            order.append("second in")
    t.join()
    assert order == ["first in", "first out", "second in"]
    assert f"waiting: another run holds {path}" in caplog.text


def test_a_killed_holder_leaves_the_lock_free(tmp_path):
    path = tmp_path / ".2023-24.lock"
    result = in_subprocess("import os\nfrom pathlib import Path\nfrom wsp_analysis.publish import files\n"
                           f"with files.lock(Path({str(path)!r})):\n    os._exit(9)\n")
    assert result.returncode == 9
    lock = filelock.FileLock(str(path))
    lock.acquire(timeout=0)  # raises Timeout if the dead process still held it
    lock.release()


# --- the swap ----------------------------------------------------------------------------------------------

def test_folders_are_exchanged_in_one_call_on_linux(tmp_path):
    a, b = report(tmp_path / "a", "A"), report(tmp_path / "b", "B")
    assert files.exchange(a, b) is LINUX
    if LINUX:
        assert contents(a)["report.html"] == "B" and contents(b)["report.html"] == "A"


@pytest.mark.skipif(not LINUX, reason="folders are exchanged in one call only on Linux; elsewhere the next run "
                                       "restores the old report (test_a_kill_at_each_step_of_the_swap_is_recovered)")
def test_a_reader_always_finds_a_complete_report(tmp_path):
    """Another process reads the report's path throughout 200 swaps: it never finds it missing."""
    final, stop = report(tmp_path / YEAR, "0"), tmp_path / "stop"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(final / "manifest.json"), str(stop)],
                              stdout=subprocess.PIPE, text=True)
    while not (tmp_path / "reading").exists():
        time.sleep(0.01)
    for n in range(1, 201):
        files.swap_in(report(tmp_path / f"staging-{n}", str(n)), final)
    stop.touch()
    found, missing = map(int, reader.communicate(timeout=60)[0].split())
    assert contents(final) == {"figures.csv": "200", "manifest.json": "200", "report.html": "200"}
    assert missing == 0 and found > 200
    assert sorted(p.name for p in tmp_path.iterdir()) == [YEAR, "reading", "stop"]  # each old report removed


READER = """
import os, sys
path, stop = sys.argv[1], sys.argv[2]
open(os.path.join(os.path.dirname(stop), "reading"), "w").close()
found = missing = 0
while not os.path.exists(stop):
    try:
        with open(path) as f:
            f.read()
        found += 1
    except FileNotFoundError:
        missing += 1
print(found, missing)
"""


@pytest.mark.parametrize("how, step, right_after, after_recovery", [
    ("exchange", "exchanged", "new", "new"),  # killed before the old report (now at the staging path) is removed
    ("two renames", "moved-aside", None, "old"),  # the path is empty until the next run puts the old one back
    ("two renames", "moved-in", "new", "new"),  # killed before the old report, renamed aside, is removed
    ("first report", "moved-in", "new", "new"),
])
def test_a_kill_at_each_step_of_the_swap_is_recovered(tmp_path, how, step, right_after, after_recovery):
    final = tmp_path / YEAR
    if how != "first report":
        report(final, "old")
    staging = report(tmp_path / f".{YEAR}.staging-abcd1234", "new")
    # what the package did not make, named like what it makes: never touched
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "keep.txt").write_text("keep")
    (tmp_path / f".{YEAR}.staging-linked00").symlink_to(tmp_path / "elsewhere")
    (tmp_path / f".{YEAR}.old-12").write_text("a file, not a folder")
    (tmp_path / f".{YEAR}.old-mine").mkdir()
    decoys = {p.name for p in tmp_path.iterdir()} - {YEAR, staging.name}
    result = in_subprocess(kill_at(step) + ("files.exchange = lambda a, b: False\n" if how == "two renames" else "")
                           + f"from pathlib import Path\nfiles.swap_in(Path({str(staging)!r}), Path({str(final)!r}))\n")
    assert result.returncode == 9, result.stderr  # killed at that step
    if right_after is None:
        assert not final.exists()
    else:
        assert contents(final) == dict.fromkeys(["figures.csv", "manifest.json", "report.html"], right_after)
    files.recover(final)
    assert contents(final) == dict.fromkeys(["figures.csv", "manifest.json", "report.html"], after_recovery)
    assert {p.name for p in tmp_path.iterdir()} == decoys | {YEAR}  # every leftover of ours gone, nothing else
    assert (tmp_path / "elsewhere" / "keep.txt").read_text() == "keep"


def test_recover_restores_the_old_report_when_the_path_is_empty(tmp_path):
    old = report(tmp_path / f".{YEAR}.old-4242", "old")
    partial = report(tmp_path / f".{YEAR}.staging-zz99yy88", "half")
    done = files.recover(tmp_path / YEAR)
    assert contents(tmp_path / YEAR) == {"figures.csv": "old", "manifest.json": "old", "report.html": "old"}
    assert not old.exists() and not partial.exists()
    assert done == [f"restored {tmp_path / YEAR} from .{YEAR}.old-4242, left by a run that stopped mid-swap",
                    f"removed {partial}, left by a run that stopped"]


def test_a_report_path_that_is_a_link_is_never_replaced(tmp_path):
    real = report(tmp_path / "real", "theirs")
    (tmp_path / YEAR).symlink_to(real)
    with pytest.raises(UsageError, match="symbolic link"):
        files.swap_in(report(tmp_path / "staging", "new"), tmp_path / YEAR)
    assert contents(real)["report.html"] == "theirs"


# --- a killed render ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("step", ["staged", "written"])
def test_a_render_killed_mid_run_leaves_the_old_report_and_the_next_run_cleans_up(tmp_path, rendered, step):
    import shutil

    out = tmp_path / "out"
    shutil.copytree(rendered, out / "walsall" / YEAR)
    before = {p.name: p.read_bytes() for p in (out / "walsall" / YEAR).iterdir()}
    result = in_subprocess(kill_at(step) + "from wsp_analysis.publish import render\n"
                           f"render.render('walsall', {YEAR!r}, data_dir={str(WALSALL.parent)!r}, "
                           f"output_dir={str(out)!r})\n")
    assert result.returncode == 9, result.stderr
    assert {p.name: p.read_bytes() for p in (out / "walsall" / YEAR).iterdir()} == before
    (left,) = [p for p in (out / "walsall").iterdir() if ".staging-" in p.name]
    assert (left / "report.html").is_file() == (step == "written")

    final = render.render("walsall", YEAR, data_dir=WALSALL.parent, output_dir=out)
    assert sorted(p.name for p in (out / "walsall").iterdir()) == [f".{YEAR}.lock", YEAR]
    assert sorted(p.name for p in final.iterdir()) == sorted(before)
    assert (final / "manifest.json").read_bytes() != before["manifest.json"]  # the new report, not the old


# --- the same lock and file swap for imports ---------------------------------------------------------------

def test_import_takes_the_same_lock_beside_the_folder_and_never_follows_a_link(tmp_path, triton_copy, capsys):
    import openpyxl

    from wsp_analysis import cli
    from wsp_analysis.returns import importer
    from wsp_analysis.returns import template as workbook

    book = workbook.write_template("triton", tmp_path / "returns.xlsx", REPO / "data")
    wb = openpyxl.load_workbook(book)
    for grade, n in zip(("Effective", "Partly Effective", "Not Effective"), (2, 3, 1)):
        wb["Audits"].append(["2024-25", "Q1", "Online Harm", grade, n, "Q1 audit pack"])
    wb.save(book)
    lock = importer.import_lock(triton_copy)
    assert lock == triton_copy.parent / ".triton.import.lock"  # beside the folder: the folder holds only data
    target = tmp_path / "precious.txt"
    target.write_text("keep\n")
    lock.symlink_to(target)
    before = (triton_copy / "audits.csv").read_bytes()
    args = ["import", str(book), "--partnership", "triton", "--data-dir", str(triton_copy.parent)]
    assert cli.main(args) == 2
    assert "lock file is a symbolic link; it is never followed" in capsys.readouterr().err
    assert target.read_text() == "keep\n" and (triton_copy / "audits.csv").read_bytes() == before

    lock.unlink()
    assert cli.main(args) == 0, capsys.readouterr().err
    assert (triton_copy / "audits.csv").read_text().count("2024-25,Q1,Online Harm") == 3
    assert lock.is_file() and not lock.is_symlink()
    assert not [p for p in triton_copy.iterdir() if p.name.endswith(".tmp")]  # no temporary file left
