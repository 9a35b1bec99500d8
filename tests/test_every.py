"""Every partnership at once: every() (each family's grouped functions over all partnerships and years) gives
the same figures as each partnership's annual register, which is a slice of the same calculation; and
`wsp-analysis figures --all` writes them as one CSV."""
from __future__ import annotations

import csv
import io
import math
import shutil

import pytest
from conftest import REPO, run_cli

import synthetic
import wsp_analysis as wsp
from wsp_analysis import cli
from wsp_analysis.calc.register import COLUMNS, write_frame
from wsp_analysis.data import load as dataset
from wsp_analysis.data.partnerships import report_years

NUMBERS = ("value", "numerator", "denominator", "ci_low", "ci_high")


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    """Walsall, Demoshire and Triton as committed, and five synthetic partnerships (every variation the
    generator makes: a three-point scale, a year published as percentages, whole-year training, blanks)."""
    root = tmp_path_factory.mktemp("nation") / "data"
    for name in ("walsall", "demoshire", "triton"):
        shutil.copytree(REPO / "data" / name, root / name)
    synthetic.region(root, 6, bookings=(200, 400))
    return root


@pytest.fixture(scope="module")
def nation(data_dir):
    return wsp.load_all(data_dir)


@pytest.fixture(scope="module")
def frame(nation):
    return wsp.every(nation)


def same_number(a, b) -> bool:
    """figures.csv's values: the same type (int, float or None), floats equal to 1e-9 relative (the tolerance
    verify uses: last-digit noise from a sum taken in another order)."""
    if a is None or b is None:
        return a is None and b is None
    if type(a) is not type(b):
        return False
    return a == b if isinstance(a, int) else math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-15)


def test_each_annual_register_is_a_slice_of_every_partnerships_figures(frame, nation):
    assert list(frame.columns) == ["partnership", *COLUMNS]
    key = ["partnership", "id", "period"]
    assert not frame.duplicated(key).any() and len(frame) > 5000
    rows = frame.set_index(key)
    checked = 0
    for p, ds in nation.datasets.items():
        for year in report_years(ds):
            for f in wsp.figures(ds, year):
                if f.period != year:
                    continue  # earlier years' rows are stated as the latest report states them
                row = rows.loc[(p, f.id, f.period)]
                assert row["label"] == f.label and row["source"] == f.source and row["unit"] == f.unit, f.id
                for c in NUMBERS:
                    assert same_number(row[c], getattr(f, c)), (p, year, f.id, c)
                checked += 1
    assert checked > 3000
    # every family of figures is there, for every partnership
    families = frame.assign(family=frame["id"].str.split(".").str[0]).groupby("partnership")["family"].agg(set)
    for p, fams in families.items():
        assert {"audit", "training", "impact", "referrals", "budget", "actions", "section11"} <= fams, p
    assert set(frame[frame["id"].str.startswith("consistency.")]["partnership"]) == {
        "walsall", "triton", "synthetic_002", "synthetic_006"}


def test_values_one_can_check_by_hand(frame, nation):
    fig = frame.set_index(["partnership", "id", "period"])
    assert fig.at[("walsall", "training.attendance_rate", "2023-24"), "value"] == 1333 / 1617
    assert fig.at[("walsall", "training.bookings", "2023-24"), "value"] == 1617
    # Walsall's 2022-23 grades were published as percentages only: the later report states the share
    assert fig.at[("walsall", "audit.share.good", "2022-23"), "value"] == 0.35
    assert fig.at[("walsall", "audit.share.good", "2022-23"), "label"].endswith("(published percentage; counts not "
                                                                               "published)")
    # Demoshire's training counts for a year are the sums of its booking rows
    demo = nation.datasets["demoshire"]
    b = demo.bookings[[d.isoformat() >= "2023-04-01" for d in demo.bookings["date"]]]
    assert fig.at[("demoshire", "training.attended", "2023-24"), "value"] == int((b["status"] == "attended").sum())
    # a synthetic partnership on a three-point scale: its own grades, and none of the four-point ones
    s3 = frame[(frame["partnership"] == "synthetic_003") & frame["id"].str.startswith("audit.share.")]
    assert set(s3["id"]) == {"audit.share.effective", "audit.share.partly_effective", "audit.share.not_effective"}
    # the year's figures of one partnership equal its annual register
    reg = wsp.figures(nation.datasets["triton"], "2022-23")
    for f in reg:
        if f.period == "2022-23":
            row = fig.loc[("triton", f.id, f.period)]
            assert row["label"] == f.label and same_number(row["value"], f.value), f.id


def test_report_years_are_the_years_the_tables_hold(nation):
    assert report_years(nation.datasets["walsall"]) == ["2022-23", "2023-24"]
    assert report_years(nation.datasets["synthetic_001"]) == list(synthetic.YEARS)
    assert nation.years("triton") == ["2021-22", "2022-23", "2023-24"]


def test_cli_writes_every_partnership_as_one_csv(data_dir, frame):
    result = run_cli("figures", "--all", "--data-dir", str(data_dir))
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["partnership", *COLUMNS]
    assert len(rows) == len(frame) + 1
    expected = io.StringIO()
    write_frame(frame, expected)
    assert result.stdout == expected.getvalue()
    assert sorted({r[0] for r in rows[1:]}) == sorted(["walsall", "demoshire", "triton"] +
                                                      [synthetic.region_slug(i) for i in range(6)])
    # the cells as figures.csv writes them: unrounded, whole numbers without a decimal point, blank for missing
    line = next(r for r in rows if r[:4] == ["walsall", "training.attendance_rate",
                                               "Share of bookings attended", "2023-24"])
    assert line[4:8] == [repr(1333 / 1617), "proportion", "1333", "1617"]
    blank = next(r for r in rows if r[0] == "walsall" and r[1] == "training.bookings" and r[3] == "2022-23")
    assert blank[4] == ""  # not published: missing, never 0


def test_cli_one_partnership_gives_its_rows(data_dir, frame, capsys):
    assert cli.main(["figures", "--partnership", "triton", "--data-dir", str(data_dir)]) == 0
    out = capsys.readouterr().out
    expected = io.StringIO()
    write_frame(frame[frame["partnership"] == "triton"].reset_index(drop=True), expected)
    assert out == expected.getvalue()
    assert cli.main(["figures", "--partnership", "nowhere", "--data-dir", str(data_dir)]) == 2
    assert 'unknown partnership "nowhere"' in capsys.readouterr().err


def test_cli_refuses_invalid_data_listing_every_problem_of_every_partnership(tmp_path, capsys):
    root = tmp_path / "data"
    synthetic.region(root, 2, bookings=(100, 150))
    for name in ("synthetic_001", "synthetic_002"):
        path = root / name / "reserves.csv"
        path.write_text(path.read_text().replace("2019-20,", "2019-25,", 1))
    assert cli.main(["figures", "--all", "--data-dir", str(root)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert lines[0].startswith('data/synthetic_001/reserves.csv, row 2, column year: "2019-25" is not a financial year')
    assert lines[1].startswith('data/synthetic_002/reserves.csv, row 2, column year: "2019-25" is not a financial year')
    assert lines[-1] == "2 problems in 2 files; nothing was loaded."
    assert [str(p) for p in dataset.validate(root / "synthetic_001")] == lines[:1]
