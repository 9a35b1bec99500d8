"""Referral volumes: serious-incident referrals to the partnership, the share meeting rapid-review
criteria, and other referral routes (e.g. a self-neglect panel) by quarter.

Figures (calc.spans for the periods): for every report, serious-incident referrals received, those
that met rapid-review criteria and the share, over its span, and the same for the year before (an
annual report) or the year to date and the same quarter a year earlier (a quarterly report); every other
referral route and measure the data holds, likewise; an annual report adds the change in referrals
received since the year before and, for a route given by quarter, each quarter's count.
Source: referrals.csv (a whole-year row, or one row per quarter; a quarter's blank count is missing).
"""
from __future__ import annotations

import pandas as pd

from wsp_analysis.calc.rows import Block, annual_and_quarterly, num, ratio, rows
from wsp_analysis.calc.spans import PREV, THIS, YTD, span_key, spans, sum_over_spans
from wsp_analysis.data import periods

TABLES = ("referrals",)
SERIOUS = "serious_incident"  # Working Together: referrals considered for notification and rapid review
HEADLINE = ("received", "met_rapid_review_criteria")  # the serious-incident measures with their own ids
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
KEYS = ["referral_type", "measure"]


def label(referral_type: str, measure: str) -> str:
    """Plain words for a type and measure: "Referrals to the self-neglect panel received"."""
    t = TYPE_NAMES.get(referral_type, referral_type.replace("_", " "))
    m = MEASURE_NAMES.get(measure, measure.replace("_", " "))
    return f"{t[0].upper()}{t[1:]} {m}"


def _volumes(r: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    return sum_over_spans(r, KEYS, ["count"], targets)


def _serious(tables, sp: pd.DataFrame) -> list[Block]:
    """received, rapid_reviews and rapid_review_rate for every span (always stated, blank without data)."""
    r = tables["referrals"]
    got = {m: _volumes(r, sp.assign(referral_type=SERIOUS, measure=m))["count"].to_numpy() for m in HEADLINE}
    src = tables.source(sp["partnership"], "referrals")
    received, rapid = got["received"], got["met_rapid_review_criteria"]
    return [
        rows(sp, "referrals.received" + sp["suffix"], "Serious-incident referrals to the partnership" + sp["when"],
             sp["period"], received, "count", source=src),
        rows(sp, "referrals.rapid_reviews" + sp["suffix"], "Referrals that met the criteria for a rapid review"
             + sp["when"], sp["period"], rapid, "count", source=src),
        ratio(sp, "referrals.rapid_review_rate" + sp["suffix"], "Share of serious-incident referrals that met "
              "rapid-review criteria" + sp["when"], sp["period"], rapid, received, src),
    ]


def _routes(tables, sp: pd.DataFrame, pairs: pd.DataFrame) -> list[Block]:
    """Every other route and measure over every span: `pairs` holds partnership (and year, to keep a
    year's own routes), referral_type and measure."""
    t = sp.merge(pairs, on=[c for c in ("partnership", "year") if c in pairs], how="inner")
    t = t[~((t["referral_type"] == SERIOUS) & t["measure"].isin(HEADLINE))]
    if t.empty:
        return []
    v = _volumes(tables["referrals"], t)
    names = pd.Series([label(a, b) for a, b in zip(v["referral_type"], v["measure"])], index=v.index, dtype=object)
    return [rows(v, "referrals." + v["referral_type"] + "." + v["measure"] + v["suffix"], names + v["when"],
                 v["period"], v["count"], "count", source=tables.source(v["partnership"], "referrals"))]


def _annual(tables, req: pd.DataFrame) -> list[Block]:
    r = tables["referrals"]
    this = spans(req, (THIS,), quarterly=False)
    prev = spans(req, (PREV,), quarterly=False)
    out = _serious(tables, this)
    before = _serious(tables, prev)[0]  # received in the year before, stated for the comparison
    out.append(before)
    received, received_before = out[0]["value"], before["value"]
    out.append(rows(this, "referrals.received_change", "Change in serious-incident referrals since " + this["year"]
                    .map(periods.previous_year), this["period"], received - received_before, "count", received,
                    received_before, tables.source(this["partnership"], "referrals")))
    # other routes of the year, and each quarter's count of a route given by quarter
    pairs = this[["partnership", "year"]].merge(r, on=["partnership", "year"])[["partnership", "year", *KEYS]]
    out += _routes(tables, this, pairs.drop_duplicates())
    by_q = this.merge(r[r["quarter"].notna()], on=["partnership", "year"])
    by_q = by_q[~((by_q["referral_type"] == SERIOUS) & by_q["measure"].isin(HEADLINE))]
    if len(by_q):
        quarters = by_q[["partnership", "report", "year", *KEYS]].drop_duplicates()
        q = quarters.merge(pd.DataFrame({"quarter": periods.QUARTERS}), how="cross")
        q = q.merge(by_q[["partnership", "year", "quarter", *KEYS, "count"]], on=["partnership", "year", "quarter",
                                                                                 *KEYS], how="left")
        q["span"] = [span_key(y, (qq,)) for y, qq in zip(q["year"], q["quarter"])]
        names = pd.Series([label(a, b) for a, b in zip(q["referral_type"], q["measure"])], index=q.index)
        out.append(rows(q, "referrals." + q["referral_type"] + "." + q["measure"], names, q["year"] + "-" + q["quarter"],
                        num(q["count"]), "count", source=tables.source(q["partnership"], "referrals")))
    return out


def _quarterly(tables, req: pd.DataFrame) -> list[Block]:
    r = tables["referrals"]
    sp = spans(req, (THIS, YTD, PREV), quarterly=True)
    # the same quarter a year earlier only when the data has rows for it
    held = r[["partnership", "year", "quarter"]].drop_duplicates()
    prev = sp[sp["which"] == PREV].assign(quarter=[q[0] for q in sp[sp["which"] == PREV]["quarters"]])
    keep = prev.merge(held, on=["partnership", "year", "quarter"], how="left", indicator=True)["_merge"] == "both"
    sp = pd.concat([sp[sp["which"] != PREV], prev[keep.to_numpy()].drop(columns="quarter")], ignore_index=True)
    # routes reported by quarter in any year (anything given only for whole years would be all [x] here)
    pairs = r[r["quarter"].notna()][["partnership", *KEYS]].drop_duplicates()
    return _serious(tables, sp) + _routes(tables, sp, pairs)


def figures(tables, req: pd.DataFrame) -> list[Block]:
    """Every referral figure of every request (see the module's docstring)."""
    return annual_and_quarterly(tables, req, _annual, _quarterly)

