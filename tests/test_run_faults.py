"""A run that fails says why in one timestamped line, exits 1, frees its lock, keeps the previous report and
keeps what it executed under failed/: a dying kernel, a deadline, a full disk, a read-only folder. And the
log a scheduler reads: timestamps, no third-party noise, one duration per run."""
from __future__ import annotations

import errno
import os
import re
import shutil
from pathlib import Path

import filelock
import nbformat
import pytest
from conftest import YEAR, run_cli

from wsp_analysis import cli
from wsp_analysis.errors import UsageError
from wsp_analysis.publish import batch, render

STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d wsp-analysis: ")
NOISE = ("IPKernelApp", "zmq", "Passed unknown parameter", "Unable to parse", "Traceback", "\r", "papermill")


def notebook(path: Path, code: str) -> Path:
    """A notebook whose parameters cell sets the four parameters of an annual run, then `code`."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("partnership = year = data_dir = output_dir = None",
                                          metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell(code)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(path))
    return path


def log_lines(stderr: str) -> list[str]:
    """Standard error as a scheduler's log: every line stamped, none of the libraries' chatter."""
    lines = stderr.splitlines()
    for line in lines:
        assert STAMP.match(line), line
        assert not any(n in line for n in NOISE), line
    assert "\r" not in stderr
    return lines


def the_failure(stderr: str) -> str:
    (line,) = [line for line in log_lines(stderr) if " failed " in line]
    return line


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def lock_is_free(path: Path) -> bool:
    lock = filelock.FileLock(str(path))
    try:
        lock.acquire(timeout=0)
    except filelock.Timeout:
        return False
    lock.release()
    return True


@pytest.fixture
def previous(tmp_path, rendered):
    """An output folder whose walsall/<folder> holds an earlier report; returns (output folder, its bytes)."""
    def make(folder: str) -> tuple[Path, dict[str, bytes]]:
        out = tmp_path / "out"
        shutil.copytree(rendered, out / "walsall" / folder)
        return out, files_of(out / "walsall" / folder)
    return make


def test_a_dying_kernel_is_one_line_and_keeps_what_ran(tmp_path, previous):
    out, before = previous(f"{YEAR}-kill")
    nb = notebook(tmp_path / "kill.ipynb", "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)")
    result = run_cli("report", "--partnership", "walsall", "--year", YEAR, "--notebook", str(nb),
                     "--output-dir", str(out))
    assert result.returncode == 1, result.stderr
    line = the_failure(result.stderr)
    assert f"failed walsall {YEAR}-kill: kill.ipynb: its kernel died in cell 3 (killed by signal 9, as when the " \
           "machine runs out of memory); the previous report is unchanged; what it executed is kept in " in line
    assert files_of(out / "walsall" / f"{YEAR}-kill") == before
    (kept,) = (out / "walsall" / "failed").iterdir()
    assert kept.name.startswith(f"{YEAR}-kill-") and line.endswith(str(kept))
    assert sorted(p.name for p in kept.iterdir()) == ["kernel.log", "report.ipynb"]
    assert "os.kill(os.getpid()" in (kept / "report.ipynb").read_text()
    assert lock_is_free(out / "walsall" / f".{YEAR}-kill.lock")
    assert not [p for p in (out / "walsall").iterdir() if ".staging-" in p.name]


def test_a_run_past_its_timeout_is_stopped(tmp_path, previous):
    out, before = previous(f"{YEAR}-sleep")
    nb = notebook(tmp_path / "sleep.ipynb", "import time\ntime.sleep(600)")
    result = run_cli("report", "--partnership", "walsall", "--year", YEAR, "--notebook", str(nb),
                     "--output-dir", str(out), "--timeout", "4")
    assert result.returncode == 1, result.stderr
    assert f"failed walsall {YEAR}-sleep: sleep.ipynb timed out after 4 s in cell 3; its kernel was stopped; the " \
           "previous report is unchanged" in the_failure(result.stderr)
    assert files_of(out / "walsall" / f"{YEAR}-sleep") == before
    (kept,) = (out / "walsall" / "failed").iterdir()
    assert "time.sleep(600)" in (kept / "report.ipynb").read_text()
    assert lock_is_free(out / "walsall" / f".{YEAR}-sleep.lock")


def test_a_full_disk_is_one_line(previous, monkeypatch, capsys):
    out, before = previous(YEAR)
    real_write = Path.write_text

    def full(self, *args, **kwargs):
        if self.name == "report.html":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
        return real_write(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", full)
    code = cli.main(["report", "--partnership", "walsall", "--year", YEAR, "--output-dir", str(out)])
    err = capsys.readouterr().err
    assert code == 1, err
    line = the_failure(err)
    assert re.search(rf"failed walsall {YEAR}: the disk is full \(no space left on device\) writing \S+/"
                     rf"\.{YEAR}\.staging-\w+/report\.html; the previous report is unchanged; what it executed is "
                     "kept in ", line), line
    assert files_of(out / "walsall" / YEAR) == before
    (kept,) = (out / "walsall" / "failed").iterdir()
    assert sorted(p.name for p in kept.iterdir()) == ["error.txt", "report.ipynb"]  # the traceback, for diagnosis
    assert "OSError" in (kept / "error.txt").read_text()
    assert lock_is_free(out / "walsall" / f".{YEAR}.lock")
    assert sorted(p.name for p in (out / "walsall").iterdir()) == [f".{YEAR}.lock", YEAR, "failed"]


def test_a_read_only_output_folder_is_one_line(previous, monkeypatch, capsys):
    out, before = previous(YEAR)
    real_open, real_mkdir = os.open, os.mkdir
    inside = str(out) + os.sep

    def refuse(path):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))

    def open_(path, flags, *args, **kwargs):  # as a folder without write permission answers
        if str(path).startswith(inside) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            refuse(path)
        return real_open(path, flags, *args, **kwargs)

    def mkdir(path, *args, **kwargs):
        if str(path).startswith(inside) and not os.path.exists(path):
            refuse(path)
        return real_mkdir(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", open_)
    monkeypatch.setattr(os, "mkdir", mkdir)
    code = cli.main(["report", "--partnership", "walsall", "--year", YEAR, "--output-dir", str(out)])
    err = capsys.readouterr().err
    assert code == 1, err
    assert the_failure(err).endswith(f"failed walsall {YEAR}: cannot write {out}/walsall/.{YEAR}.lock: Permission "
                                     "denied (is the output folder read-only?); nothing was run")
    monkeypatch.undo()
    assert files_of(out / "walsall" / YEAR) == before
    assert sorted(p.name for p in (out / "walsall").iterdir()) == [YEAR]


def test_a_parameter_the_notebook_does_not_declare_is_refused(tmp_path, capsys):
    # a notebook of the user's own that takes no quarter (the scrutiny notebook used to be one: asked for a
    # quarter, it warned "Passed unknown parameter" and wrote the year's content into <year>-Q1-scrutiny)
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell('partnership = "walsall"\nyear = "2023-24"\ndata_dir = None\n'
                                          "output_dir = None", metadata={"tags": ["parameters"]})]
    nbformat.write(nb, str(tmp_path / "board_summary.ipynb"))
    out = tmp_path / "out"
    code = cli.main(["report", "--partnership", "walsall", "--year", YEAR, "--quarter", "Q1", "--notebook",
                     str(tmp_path / "board_summary.ipynb"), "--output-dir", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    (line,) = log_lines(err)
    assert line.endswith('board_summary.ipynb does not take the parameter "quarter" (its parameters cell sets '
                         "data_dir, output_dir, partnership, year)")
    assert not out.exists() or list(out.iterdir()) == []


def test_declared_parameters_reads_every_form_of_assignment(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 1"),
                nbformat.v4.new_code_cell("a = b = None\nc: int = 3\nd, e = 1, 2\nimport os\nf = os.sep  # f",
                                          metadata={"tags": ["parameters"]})]
    nbformat.write(nb, str(tmp_path / "n.ipynb"))
    assert render.declared_parameters(tmp_path / "n.ipynb") == {"a", "b", "c", "d", "e", "f"}
    nb.cells[1].metadata["tags"] = []
    nbformat.write(nb, str(tmp_path / "n.ipynb"))
    assert render.declared_parameters(tmp_path / "n.ipynb") is None
    with pytest.raises(UsageError, match='has no cell tagged "parameters"'):
        render.check_parameters(tmp_path / "n.ipynb", ["year"])


def test_only_matches_a_file_name_as_well_as_a_path(tmp_path):
    for name in ("walsall/2023-24.yaml", "walsall/2023-24-Q3.yaml", "demoshire/2023-24.yaml"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("partnership: walsall\n")
    names = lambda only: [str(p.relative_to(tmp_path)) for p in batch.discover(tmp_path, only)]  # noqa: E731
    assert names("2023-24.yaml") == ["demoshire/2023-24.yaml", "walsall/2023-24.yaml"]
    assert names("*-Q3.yaml") == ["walsall/2023-24-Q3.yaml"]
    assert names("walsall/*") == ["walsall/2023-24-Q3.yaml", "walsall/2023-24.yaml"]
    assert names(str(tmp_path / "demoshire" / "*")) == ["demoshire/2023-24.yaml"]


def test_run_all_survives_a_dying_kernel_and_a_deadline(tmp_path):
    """One worker: its kernel is killed, then stopped at the deadline, and the next report still renders in a
    new one; run-all ends (it used to hang holding the lock), its --output-dir wins over the files'."""
    out, params = tmp_path / "reports", tmp_path / "params"
    params.mkdir()
    kill = notebook(tmp_path / "kill.ipynb", "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)")
    sleep = notebook(tmp_path / "sleep.ipynb", "import time\ntime.sleep(600)")
    elsewhere = tmp_path / "not-here"
    for name, extra in (("a-kill", f"notebook: '{kill}'\n"), ("b-sleep", f"notebook: '{sleep}'\n"), ("c-good", "")):
        (params / f"{name}.yaml").write_text(f"partnership: demoshire\nyear: '2022-23'\noutput_dir: '{elsewhere}'\n"
                                             + extra)
    result = run_cli("run-all", str(params), "--workers", "1", "--timeout", "30", "--output-dir", str(out))
    assert result.returncode == 1, result.stderr
    rows = {line.split()[0]: line.split() for line in result.stdout.splitlines()[1:-1]}
    assert [rows[str(params / f"{n}.yaml")][1] for n in ("a-kill", "b-sleep", "c-good")] == ["failed", "failed", "ok"]
    assert "its kernel died in cell 3" in result.stdout and "timed out after 30 s in cell 3" in result.stdout
    assert result.stdout.splitlines()[-1] == "1 of 3 runs succeeded; 2 failed"
    assert (out / "demoshire" / "2022-23" / "report.html").is_file() and not elsewhere.exists()
    assert sorted(p.name for p in (out / "demoshire" / "failed").iterdir())[0].startswith("2022-23-kill-")
    for name in ("2022-23", "2022-23-kill", "2022-23-sleep"):
        assert lock_is_free(out / "demoshire" / f".{name}.lock")
    # one duration per run: the one the log line gives is the one in the summary
    lines = log_lines(result.stderr)
    for run, row in rows.items():
        (logged,) = [line for line in lines if f" {run} in " in line]
        assert re.search(rf" {re.escape(run)} in {re.escape(row[2])} s: ", logged), logged
    assert len([line for line in lines if re.search(r"\d s\b", line)]) == 3


def test_a_run_that_fails_at_once_leaves_no_thread_behind(tmp_path, monkeypatch):
    """Bad data stops a report before its notebook runs, just after the kernel started: nothing the kernel's
    client started may still be running, or raise in a thread, once the command has returned."""
    import threading
    import time

    data = tmp_path / "data"
    shutil.copytree(Path(__file__).resolve().parents[1] / "data" / "walsall", data / "walsall")
    config = data / "walsall" / "partnership.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("  - Good\n", "  - Good\n  - good\n", 1),
                      encoding="utf-8")
    raised = []
    monkeypatch.setattr(threading, "excepthook", lambda args: raised.append(args.exc_value))
    before = threading.active_count()
    for _ in range(3):
        assert cli.main(["report", "--partnership", "walsall", "--year", YEAR, "--data-dir", str(data),
                         "--output-dir", str(tmp_path / "out")]) == 2
    time.sleep(0.5)  # a thread left starting would raise by now
    assert raised == [] and threading.active_count() == before
