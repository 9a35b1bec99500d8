import pandas as pd

from wsp_analysis.calc import referrals


def frame(rows):
    df = pd.DataFrame(rows, columns=["year", "quarter", "referral_type", "measure", "count"])
    df["count"] = df["count"].astype("Int64")
    return df


def test_whole_year_and_complete_quarters_give_a_total():
    r = frame([("2023-24", None, "serious_incident", "received", 5)]
              + [("2023-24", f"Q{i}", "panel", "received", n) for i, n in zip(range(1, 5), (3, 1, 9, 2))])
    v = referrals.year_volumes(r, "2023-24").set_index("referral_type")
    assert v.loc["serious_incident", "count"] == 5
    assert v.loc["panel", "count"] == 3 + 1 + 9 + 2 == 15


def test_unpublished_quarters_leave_the_year_missing():
    r = frame([("2023-24", "Q1", "panel", "received", 3), ("2023-24", "Q2", "panel", "received", None),
               ("2023-24", "Q3", "panel", "received", 9)])
    v = referrals.year_volumes(r, "2023-24").iloc[0]
    assert pd.isna(v["count"]) and v["quarters_known"] == 2 and v["quarter_rows"] == 3
    q = referrals.quarter_volumes(r, "2023-24", "panel")
    assert list(q["quarter"]) == ["Q1", "Q2", "Q3", "Q4"]
    assert q["count"].tolist()[0] == 3 and q["count"].isna().tolist() == [False, True, False, True]


def test_volume_lookup_missing_type():
    assert pd.isna(referrals.volume(frame([]), "2023-24", "serious_incident", "received"))


def test_labels_in_plain_words():
    assert referrals.label("self_neglect_panel", "received") == "Referrals to the self-neglect panel received"
    assert referrals.label("new_route", "closed") == "New route closed"
