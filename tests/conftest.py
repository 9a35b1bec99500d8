"""Shared fixtures. The Walsall report is rendered once per test run (a kernel start costs seconds)."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import wsp_analysis as wsp
from wsp_analysis.data import load as dataset

REPO = Path(__file__).resolve().parents[1]
WALSALL = REPO / "data" / "walsall"
YEAR = "2023-24"
CLI = [sys.executable, "-m", "wsp_analysis.cli"]


def run_cli(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *args], cwd=cwd, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="session")
def walsall():
    return dataset.load(WALSALL)


@pytest.fixture(scope="session")
def register(walsall):
    return wsp.figures(walsall, YEAR)


def render_once(tmp_path_factory, partnership: str, folder: str, *options: str) -> Path:
    """Render one report through the CLI, as a scheduler would, into a fresh temporary folder."""
    out = tmp_path_factory.mktemp(folder)
    result = run_cli("report", "--partnership", partnership, "--year", YEAR, *options, "--output-dir", str(out))
    assert result.returncode == 0, result.stderr
    return out / partnership / folder


@pytest.fixture(scope="session")
def rendered(tmp_path_factory):
    """Walsall 2023-24 rendered through the CLI, as a scheduler would run it."""
    return render_once(tmp_path_factory, "walsall", YEAR)


def copy_partnership(source: Path, tmp_path: Path) -> Path:
    """A writable copy of a committed partnership folder (tests never modify data/)."""
    dest = tmp_path / "data" / source.name
    shutil.copytree(source, dest)
    return dest


def assert_generator_output(committed: Path, write, tmp_path: Path) -> None:
    """The committed folder holds exactly what `write(folder)` generates, byte for byte."""
    write(tmp_path)
    names = sorted(p.name for p in committed.iterdir())
    assert names == sorted(p.name for p in tmp_path.iterdir())
    for name in names:
        assert (tmp_path / name).read_bytes() == (committed / name).read_bytes(), name


@pytest.fixture
def walsall_copy(tmp_path):
    """A writable copy of the Walsall folder, for tests that break the data."""
    return copy_partnership(WALSALL, tmp_path)


@pytest.fixture(scope="session")
def batch(tmp_path_factory):
    """Walsall Q3, Demoshire Q3 and Demoshire's annual report, rendered once through run-all."""
    root = tmp_path_factory.mktemp("batch")
    out, params = root / "reports", root / "params"
    params.mkdir()
    for name, body in (("walsall-Q3", "partnership: walsall\nyear: '2023-24'\nquarter: Q3\n"),
                       ("demoshire-Q3", "partnership: demoshire\nyear: '2023-24'\nquarter: Q3\n"),
                       ("demoshire", "partnership: demoshire\nyear: '2023-24'\n")):
        (params / f"{name}.yaml").write_text(body + f"output_dir: '{out}'\n")
    result = run_cli("run-all", str(params), "--workers", "2", "--no-progress")
    assert result.returncode == 0, result.stdout + result.stderr
    return out


@pytest.fixture(scope="session")
def scrutiny_rendered(tmp_path_factory):
    """Walsall 2023-24's scrutiny report (notebooks/scrutiny.ipynb) rendered once through the CLI."""
    return render_once(tmp_path_factory, "walsall", f"{YEAR}-scrutiny", "--notebook", "scrutiny")


def failing_notebook(path: Path, message: str) -> Path:
    """A notebook with the usual parameters cell whose next cell raises RuntimeError(message)."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("partnership = year = data_dir = output_dir = None",
                                          metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell(f"raise RuntimeError({message!r})")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(path))
    return path


TRITON = REPO / "data" / "triton"


@pytest.fixture(scope="session")
def triton_rendered(tmp_path_factory):
    """Triton (synthetic, three-point grade scale) 2023-24 annual report, rendered once through the CLI."""
    return render_once(tmp_path_factory, "triton", YEAR)


@pytest.fixture
def triton_copy(tmp_path):
    """A writable copy of the Triton folder (data/triton is never modified by tests)."""
    return copy_partnership(TRITON, tmp_path)


@pytest.fixture(scope="session")
def publication_rendered(tmp_path_factory):
    """Walsall 2023-24's publication version (small counts of cases suppressed), rendered once."""
    return render_once(tmp_path_factory, "walsall", f"{YEAR}-publication", "--publication")


@pytest.fixture(scope="session")
def dashboard_rendered(tmp_path_factory):
    """Demoshire's dashboard at 2023-24 Q4, rendered once from its params file through the CLI."""
    out = tmp_path_factory.mktemp("dashboard")
    result = run_cli("report", "params/demoshire/2023-24-Q4-dashboard.yaml", "--output-dir", str(out))
    assert result.returncode == 0, result.stderr
    return out / "demoshire" / f"{YEAR}-Q4-dashboard"


@pytest.fixture(scope="session")
def benchmark_rendered(tmp_path_factory):
    """A benchmark at 2023-24 Q4 over Demoshire, Triton and a synthetic region of four, rendered once."""
    import synthetic

    root = tmp_path_factory.mktemp("benchmark")
    data = root / "data"
    synthetic.region(data, 4, bookings=(100, 150))
    for source in (REPO / "data" / "demoshire", TRITON):
        shutil.copytree(source, data / source.name)
    result = run_cli("benchmark", "--year", YEAR, "--quarter", "Q4", "--data-dir", str(data), "--output-dir",
                     str(root / "reports"))
    assert result.returncode == 0, result.stderr
    return root / "reports" / "_benchmark" / f"{YEAR}-Q4"
