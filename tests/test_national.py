"""Every partnership at once: national.figures (grouped operations over all partnerships and years) equals the
figures computed one partnership and one year at a time with annual.figures; `wsp-analysis figures --all`
writes them as one CSV; the vectorised tests equal stats' one at a time."""
from __future__ import annotations

import csv
import io
import math
import shutil

import numpy as np
import pandas as pd
import pytest
from conftest import REPO, run_cli

from wsp_analysis.calc import annual
from wsp_analysis import cli
from wsp_analysis.data import load as dataset
from wsp_analysis.calc import national
from wsp_analysis.calc import stats
import synthetic
from wsp_analysis.calc.register import COLUMNS

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
    return national.load(data_dir)


@pytest.fixture(scope="module")
def frame(nation):
    return national.figures(nation)


@pytest.fixture(scope="module")
def reference(nation):
    return national.one_at_a_time(nation)


def same_number(a, b) -> bool:
    """figures.csv's values: the same type (int, float or None), floats equal to 1e-9 relative (the tolerance
    verify uses: last-digit noise from a sum taken in another order)."""
    if a is None or b is None:
        return a is None and b is None
    if type(a) is not type(b):
        return False
    return a == b if isinstance(a, int) else math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-15)


def test_all_partnerships_at_once_equal_one_partnership_and_year_at_a_time(frame, reference):
    assert list(frame.columns) == ["partnership", *COLUMNS]
    assert list(reference.columns) == list(frame.columns)
    assert len(frame) == len(reference) > 5000
    key = ["partnership", "id", "period"]
    assert not frame.duplicated(key).any()
    assert frame[key].values.tolist() == reference[key].values.tolist()  # the same figures, in the same order
    for c in frame.columns:
        if c in NUMBERS:
            bad = [(k, a, b) for k, a, b in zip(frame[key].values.tolist(), frame[c], reference[c])
                   if not same_number(a, b)]
        else:
            bad = [(k, a, b) for k, a, b in zip(frame[key].values.tolist(), frame[c], reference[c]) if a != b]
        assert not bad, (c, len(bad), bad[:5])
    # every family of figures is there, for every partnership
    families = frame.assign(family=frame["id"].str.split(".").str[0]).groupby("partnership")["family"].agg(set)
    for p, fams in families.items():
        assert {"audit", "training", "impact", "referrals", "budget"} <= fams, p
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
    reg = annual.figures(nation.datasets["triton"], "2022-23")
    for f in reg:
        if f.period == "2022-23":
            row = fig.loc[("triton", f.id, f.period)]
            assert row["label"] == f.label and same_number(row["value"], f.value), f.id


def test_report_years_are_the_years_the_tables_hold(nation):
    assert national.report_years(nation.datasets["walsall"]) == ["2022-23", "2023-24"]
    assert national.report_years(nation.datasets["synthetic_001"]) == list(synthetic.YEARS)
    years = nation.years()
    assert set(years["partnership"]) == set(nation.datasets)
    assert (years["prev"] == [f"{int(y[:4]) - 1}-{y[2:4]}" for y in years["report"]]).all()


def test_cli_writes_every_partnership_as_one_csv(data_dir, frame):
    result = run_cli("figures", "--all", "--data-dir", str(data_dir))
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["partnership", *COLUMNS]
    assert len(rows) == len(frame) + 1
    expected = io.StringIO()
    national.write_csv(frame, expected)
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
    national.write_csv(frame[frame["partnership"] == "triton"].reset_index(drop=True), expected)
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


# --- the vectorised statistics equal stats' one at a time -----------------------------------------------

def test_wilson_intervals_equal_stats():
    k, n = np.meshgrid(np.arange(0, 41), np.arange(1, 41))
    keep = k <= n
    lo, hi = national.wilson(k[keep], n[keep])
    for kk, nn, a, b in zip(k[keep], n[keep], lo, hi):
        assert (a, b) == stats.wilson_interval(int(kk), int(nn))


def test_two_proportion_tests_equal_stats():
    rng = np.random.default_rng(1)
    n1, n2 = rng.integers(0, 60, 400), rng.integers(0, 60, 400)
    k1, k2 = rng.integers(0, 61, 400) % (n1 + 1), rng.integers(0, 61, 400) % (n2 + 1)
    k1[:5], n1[:5], k2[5:10] = 0, 0, n2[5:10]  # zero denominators; shares at a boundary
    got = national.two_proportions(k1, n1, k2, n2)
    for i in range(400):
        want = stats.two_proportions(int(k1[i]), int(n1[i]), int(k2[i]), int(n2[i])).pvalue
        assert (want is None and np.isnan(got[i])) or math.isclose(got[i], want, rel_tol=1e-12), i
    assert np.isnan(national.two_proportions([1], [np.nan], [1], [2])[0])


def test_signed_rank_tests_equal_stats():
    rng = np.random.default_rng(2)
    sizes = [1, 2, 3, 5, 8, 13, 30, 80, 4]
    group = np.repeat(np.arange(len(sizes)), sizes)
    before = rng.integers(1, 6, len(group)).astype(float)
    after = np.clip(before + rng.integers(-2, 3, len(group)), 1, 5)
    after[group == 8] = before[group == 8]  # no pair changed
    got = national.signed_ranks(group, before, after)
    for g in range(len(sizes)):
        want = stats.signed_rank(before[group == g].tolist(), after[group == g].tolist())
        p, e = got.loc[g, "pvalue"], got.loc[g, "effect_size"]
        if want.pvalue is None:
            assert np.isnan(p) and np.isnan(e)
        else:
            assert math.isclose(p, want.pvalue, rel_tol=1e-12) and math.isclose(e, want.effect_size, rel_tol=1e-12)


def test_fisher_exact_tests_equal_stats():
    rng = np.random.default_rng(3)
    tables = [rng.integers(0, 9, size=(2, k)) for k in (2, 3, 4, 4, 4, 5, 3, 4) for _ in range(6)]
    tables += [np.array([[0, 0, 0], [1, 2, 3]]), np.array([[3, 0, 0], [4, 0, 0]]), np.array([[5, 0, 1], [0, 0, 7]]),
               np.array([[40, 60, 80, 30], [50, 70, 90, 20]])]  # an empty group; one category; too many to enumerate
    for t, res in zip(tables, national.fisher_2xk(tables)):
        want = stats.exact_independence(t)
        if want.pvalue is None:
            assert res.pvalue is None
        else:
            assert math.isclose(res.pvalue, want.pvalue, rel_tol=1e-9), t


def test_linear_trend_tests_equal_stats():
    rng = np.random.default_rng(4)
    cells, want = [], {}
    for g in range(30):
        t = rng.integers(0, 7, size=(int(rng.integers(2, 6)), int(rng.integers(2, 5))))
        if g % 7 == 0:
            t[1:] = 0  # one row with cases: not computable
        rs = np.cumsum(rng.integers(1, 3, t.shape[0])) - 1
        want[g] = stats.linear_trend(t, row_scores=rs).pvalue
        for i in range(t.shape[0]):
            for j in range(t.shape[1]):
                cells.append((g, rs[i], j, i, j, t[i, j]))
    got = national.linear_trends(pd.DataFrame(cells, columns=["group", "u", "v", "row", "col", "count"]))
    for g, p in want.items():
        assert (p is None and np.isnan(got[g])) or math.isclose(got[g], p, rel_tol=1e-9), g
