"""Referral volumes: serious-incident referrals to the partnership, the share meeting rapid-review
criteria, and other referral routes (e.g. a self-neglect panel) by quarter."""
from __future__ import annotations

import pandas as pd

from wsp_analysis.data import periods
from wsp_analysis.calc.register import Figure, ratio

SERIOUS = "serious_incident"  # Working Together: referrals considered for notification and rapid review
TYPE_NAMES = {
    SERIOUS: "serious-incident referrals",
    "self_neglect_panel": "referrals to the self-neglect panel",
    "practice_review": "practice reviews",
}
MEASURE_NAMES = {
    "received": "received",
    "met_rapid_review_criteria": "that met rapid-review criteria",
    "progressed_to_statutory_review": "that progressed to a statutory review",
    "completed_awaiting_publication": "completed and awaiting publication",
}


def label(referral_type: str, measure: str) -> str:
    """Plain words for a type and measure: "Referrals to the self-neglect panel received"."""
    t = TYPE_NAMES.get(referral_type, referral_type.replace("_", " "))
    m = MEASURE_NAMES.get(measure, measure.replace("_", " "))
    return f"{t[0].upper()}{t[1:]} {m}"


def year_volumes(referrals: pd.DataFrame, year: str) -> pd.DataFrame:
    """One row per referral_type and measure with the year's count.

    The count is the whole-year row, or the sum of the four quarters when all four are
    present; otherwise missing. `quarter_rows` counts the quarter rows given and
    `quarters_known` how many of them had a count.
    """
    rows = referrals[referrals["year"] == year]
    out = []
    for (rtype, measure), grp in rows.groupby(["referral_type", "measure"], sort=False):
        whole = grp[grp["quarter"].isna()]
        quarters = grp[grp["quarter"].notna()]
        if len(whole):
            count = whole["count"].iloc[0]
        elif set(quarters["quarter"]) == set(periods.QUARTERS) and quarters["count"].notna().all():
            count = quarters["count"].sum()
        else:
            count = pd.NA
        out.append({"referral_type": rtype, "measure": measure, "count": count,
                    "quarter_rows": len(quarters), "quarters_known": int(quarters["count"].notna().sum())})
    frame = pd.DataFrame(out, columns=["referral_type", "measure", "count", "quarter_rows", "quarters_known"])
    frame["count"] = frame["count"].astype("Int64")
    return frame


def quarter_volumes(referrals: pd.DataFrame, year: str, referral_type: str, measure: str = "received") -> pd.DataFrame:
    """Count per quarter (Q1-Q4 always listed; missing where not published)."""
    rows = referrals[(referrals["year"] == year) & (referrals["referral_type"] == referral_type)
                     & (referrals["measure"] == measure) & referrals["quarter"].notna()]
    counts = rows.set_index("quarter")["count"].reindex(list(periods.QUARTERS))
    return pd.DataFrame({"quarter": list(periods.QUARTERS), "count": counts.to_numpy()}).astype({"count": "Int64"})


def quarters_volume(referrals: pd.DataFrame, year: str, quarters, referral_type: str, measure: str):
    """Sum of the given quarters' counts; missing unless every quarter has a count."""
    rows = referrals[(referrals["year"] == year) & referrals["quarter"].isin(list(quarters))
                     & (referrals["referral_type"] == referral_type) & (referrals["measure"] == measure)]
    if set(rows["quarter"]) != set(quarters) or rows["count"].isna().any():
        return pd.NA
    return rows["count"].sum()


def volume(referrals: pd.DataFrame, year: str, referral_type: str, measure: str):
    v = year_volumes(referrals, year)
    hit = v[(v["referral_type"] == referral_type) & (v["measure"] == measure)]
    return hit["count"].iloc[0] if len(hit) else pd.NA


def figures(ds, year: str) -> list[Figure]:
    src = ds.source("referrals")
    prev = periods.previous_year(year)
    r = ds.referrals
    received, received_prev = volume(r, year, SERIOUS, "received"), volume(r, prev, SERIOUS, "received")
    rapid = volume(r, year, SERIOUS, "met_rapid_review_criteria")
    figs = [
        Figure("referrals.received", "Serious-incident referrals to the partnership", year, received, "count", source=src),
        Figure("referrals.received", "Serious-incident referrals to the partnership", prev, received_prev, "count",
               source=src),
        Figure("referrals.received_change", f"Change in serious-incident referrals since {prev}", year,
               None if pd.isna(received) or pd.isna(received_prev) else received - received_prev, "count",
               received, received_prev, src),
        Figure("referrals.rapid_reviews", "Referrals that met the criteria for a rapid review", year, rapid, "count",
               source=src),
        ratio("referrals.rapid_review_rate", "Share of serious-incident referrals that met rapid-review criteria", year,
              rapid, received, src),
    ]
    known = {"received", "met_rapid_review_criteria"}
    for _, v in year_volumes(r, year).iterrows():
        if v["referral_type"] == SERIOUS and v["measure"] in known:
            continue
        name = label(v["referral_type"], v["measure"])
        figs.append(Figure(f"referrals.{v['referral_type']}.{v['measure']}", name, year, v["count"], "count",
                           source=src))
        if v["quarter_rows"]:
            for _, q in quarter_volumes(r, year, v["referral_type"], v["measure"]).iterrows():
                figs.append(Figure(f"referrals.{v['referral_type']}.{v['measure']}", name,
                                   periods.period_label(year, q["quarter"]), q["count"], "count", source=src))
    return figs
