"""run-all: parallel scheduled runs; a broken params file or a failing notebook fails only its own run."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import REPO, YEAR, failing_notebook, run_cli

from wsp_analysis.publish import batch as runner


def write_params(folder: Path, name: str, **values) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f'{k}: "{v}"\n' for k, v in values.items()))
    return path


@pytest.fixture(scope="module")
def broken_notebook(tmp_path_factory) -> Path:
    return failing_notebook(tmp_path_factory.mktemp("nb") / "raises.ipynb", "this run fails on purpose")


def test_a_failing_run_fails_only_itself(tmp_path, rendered, broken_notebook):
    out = tmp_path / "reports"
    previous = out / "walsall" / YEAR
    shutil.copytree(rendered, previous)  # the period's earlier report, which must survive
    before = {p.name: p.read_bytes() for p in previous.iterdir()}
    params = tmp_path / "params"
    write_params(params, "demoshire/2022-23.yaml", partnership="demoshire", year="2022-23", output_dir=out)
    write_params(params, "walsall/2023-24.yaml", partnership="walsall", year=YEAR, output_dir=out,
                 notebook=broken_notebook)
    write_params(params, "walsall/bad.yaml", partnership="walsall", year="2023-25", output_dir=out)
    result = run_cli("run-all", str(params), "--workers", "2", "--no-progress")
    assert result.returncode == 1, result.stderr
    table = result.stdout
    assert "demoshire/2022-23.yaml  ok" in table
    assert "walsall/2023-24.yaml    failed" in table and "this run fails on purpose" in table
    assert "walsall/bad.yaml        invalid" in table and '"2023-25" is not a financial year' in table
    assert table.strip().endswith("1 of 3 runs succeeded; 2 failed")
    assert (out / "demoshire" / "2022-23" / "report.html").is_file()
    assert {p.name: p.read_bytes() for p in previous.iterdir()} == before  # byte-identical
    (failed,) = (out / "walsall" / "failed").iterdir()
    assert [p.name for p in failed.iterdir()] == ["report.ipynb"]  # the executed notebook, with its error cell
    assert "this run fails on purpose" in (failed / "report.ipynb").read_text()


def test_all_succeeding_exits_0_and_only_filters(tmp_path):
    params = tmp_path / "params"
    write_params(params, "demoshire/2021-22.yaml", partnership="demoshire", year="2021-22", output_dir=tmp_path / "r")
    write_params(params, "demoshire/2020-21.yaml", partnership="demoshire", year="2020-21", output_dir=tmp_path / "r")
    result = run_cli("run-all", str(params), "--only", "*2021-22*", "--no-progress")
    assert result.returncode == 0, result.stderr
    assert "1 of 1 runs succeeded" in result.stdout
    assert [p.name for p in (tmp_path / "r" / "demoshire").iterdir() if not p.name.startswith(".")] == ["2021-22"]


@pytest.mark.parametrize("args, message", [
    (["nowhere"], "no such folder"),
    (["params", "--only", "*nothing-matches*"], "no parameter files in params match"),
    (["params", "--workers", "0"], "--workers must be 1 or more"),
])
def test_invalid_arguments_exit_2(args, message):
    result = run_cli("run-all", *args, "--no-progress")
    assert result.returncode == 2
    assert message in result.stderr


def test_discover_finds_every_scheduled_run():
    files = [str(p.relative_to(REPO)) for p in runner.discover(REPO / "params")]
    assert "params/walsall/2023-24.yaml" in files
    assert {f"params/walsall/2023-24-Q{q}.yaml" for q in range(1, 5)} <= set(files)
    assert len([f for f in files if f.startswith("params/demoshire/")]) == 5 * 5 + 1  # 5 years + 20 quarters
    assert {"params/demoshire/2023-24-Q4-dashboard.yaml", "params/walsall/2023-24-dashboard.yaml"} <= set(files)


def test_dask_cluster_takes_the_same_code_path(tmp_path):
    from distributed import LocalCluster

    params = tmp_path / "params"
    a = write_params(params, "demoshire/2019-20.yaml", partnership="demoshire", year="2019-20",
                     output_dir=tmp_path / "r")
    b = write_params(params, "bad.yaml", partnership="nowhere", year="2019-20", output_dir=tmp_path / "r")
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        results = runner.run_all([a, b], scheduler=cluster.scheduler_address, progress=False)
    assert [r.status for r in results] == [runner.OK, runner.INVALID]
    assert (tmp_path / "r" / "demoshire" / "2019-20" / "report.html").is_file()
    assert 'unknown partnership "nowhere"' in results[1].output
