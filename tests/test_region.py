"""synthetic.region: N partnerships x Y years in the normal formats, the same bytes for the same seed, with
the number of booking requests a year inside the range asked for."""
from __future__ import annotations

import pytest

from wsp_analysis.data import load as dataset
import synthetic
from wsp_analysis.data.periods import of_dates

RANGE = (200, 400)


def files(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def region(tmp_path_factory):
    root = tmp_path_factory.mktemp("region")
    synthetic.region(root, 6, bookings=RANGE)
    return root


def test_same_seed_same_bytes_other_seed_other_data(region, tmp_path):
    synthetic.region(tmp_path / "again", 6, bookings=RANGE)
    assert files(tmp_path / "again") == files(region)
    synthetic.region(tmp_path / "other", 6, bookings=RANGE, seed=7)
    other = files(tmp_path / "other")
    assert other.keys() == files(region).keys()
    assert other["synthetic_001/bookings.csv"] != files(region)["synthetic_001/bookings.csv"]


def test_the_first_partnerships_do_not_depend_on_how_many(region, tmp_path):
    synthetic.region(tmp_path / "two", 2, bookings=RANGE)
    two, six = files(tmp_path / "two"), files(region)
    assert sorted({k.split("/")[0] for k in two}) == ["synthetic_001", "synthetic_002"]
    assert all(six[k] == v for k, v in two.items())


def test_every_partnership_validates_with_bookings_in_the_range(region):
    folders = sorted(p for p in region.iterdir() if p.is_dir())
    assert [p.name for p in folders] == [synthetic.region_slug(i) for i in range(6)]
    scales = set()
    for folder in folders:
        ds = dataset.load(folder)  # every table, every rule, and training.csv's counts equal the bookings' sums
        assert ds.partnership.synthetic
        scales.add(ds.partnership.grade_scale)
        years, _ = of_dates(ds.bookings["date"])
        per_year = {y: int((years == y).sum()) for y in synthetic.YEARS}
        assert all(RANGE[0] <= n <= RANGE[1] for n in per_year.values()), (folder.name, per_year)
        assert ds.bookings["booking_id"].is_unique
        assert set(ds.training["year"]) == set(synthetic.YEARS)
        assert len(ds.evaluations) > 0 and ds.evaluations["date"].min().isoformat() >= "2022-04-01"
    assert scales == {synthetic.GRADES, synthetic.TRITON_GRADES}  # every third on a three-point scale


def test_the_variations_real_partnerships_have_are_present(region):
    two = dataset.load(region / "synthetic_002")  # its first year published as percentages only
    assert set(two.audit_shares["year"]) == {"2019-20"} and "2019-20" not in set(two.audits["year"])
    four = dataset.load(region / "synthetic_004")  # training for whole years
    assert four.training["quarter"].isna().all() and len(four.training) == 5
    five = dataset.load(region / "synthetic_005")  # some referral counts not published: blank, not 0
    assert five.referrals["count"].isna().sum() == 5
