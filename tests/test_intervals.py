"""Intervals for charts: each audit share with its Wilson 95% interval, none for published percentages."""
import pandas as pd
import pytest

from wsp_analysis.calc import audits

Z2 = 1.959963984540054 ** 2


def test_walsall_shares_with_intervals(walsall):
    t = audits.year_shares_with_intervals(walsall.audits, walsall.audit_shares, walsall.partnership.grade_scale)
    good = t[(t["year"] == "2023-24") & (t["grade"] == "Good")].iloc[0]
    assert (good["count"], good["total"]) == (4, 20)
    assert (good["ci_low"], good["ci_high"]) == (pytest.approx(0.0807, abs=5e-5), pytest.approx(0.4160, abs=5e-5))
    out = t[(t["year"] == "2023-24") & (t["grade"] == "Outstanding")].iloc[0]  # 0 of 20: 0 to z^2/(20 + z^2)
    assert (out["ci_low"], out["ci_high"]) == (0, pytest.approx(Z2 / (20 + Z2)))
    published = t[t["year"] == "2022-23"]
    assert published["ci_low"].isna().all() and published["ci_high"].isna().all()  # no n, no interval
    assert list(t.columns[-2:]) == ["ci_low", "ci_high"]
