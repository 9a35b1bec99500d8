"""Multi-agency audit grades: distribution by year, quarter and theme, and change between years.

Counts come from audits.csv; years whose counts were never published come from
audit_shares.csv as published percentages (no counts are invented for them).
"""
from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from wsp_analysis.data import periods
from wsp_analysis.calc import stats
from wsp_analysis.calc.register import Figure, ratio, slug

COUNTS, PUBLISHED = "counts", "published percentages"


def grade_distribution(audits: pd.DataFrame, grade_scale: Sequence[str], by: Sequence[str] = ("year",)) -> pd.DataFrame:
    """Count, total and share of each grade per group.

    Every grade of the scale appears for every group. A grade with no row, or a
    blank count, is missing (not 0), and then the group's total and shares are
    missing too, because they cannot be known.
    Returns columns: *by, grade, count, total, share.
    """
    by = list(by)
    cols = [*by, "grade", "count", "total", "share"]
    if audits.empty:
        return pd.DataFrame(columns=cols)
    groups = audits[by].drop_duplicates().sort_values(by).reset_index(drop=True)
    full = groups.merge(pd.DataFrame({"grade": list(grade_scale)}), how="cross")
    counts = audits.groupby([*by, "grade"], dropna=False)["count"].sum(min_count=1).reset_index()
    out = full.merge(counts, on=[*by, "grade"], how="left")
    out["count"] = out["count"].astype("Int64")
    complete = out.groupby(by)["count"].transform(lambda s: s.notna().all())
    total = out.groupby(by)["count"].transform("sum")
    out["total"] = total.where(complete).astype("Int64")
    share = out["count"].astype("Float64") / out["total"].astype("Float64")
    out["share"] = share.where(out["total"] > 0)
    out["grade"] = pd.Categorical(out["grade"], categories=list(grade_scale), ordered=True)
    return out.sort_values([*by, "grade"]).reset_index(drop=True)[cols]


def year_shares(audits: pd.DataFrame, audit_shares: pd.DataFrame, grade_scale: Sequence[str]) -> pd.DataFrame:
    """Share of each grade for every year known, from counts where published, else published percentages.

    Returns columns: year, grade, count, total, share, percent (0-100), basis ("counts" or
    "published percentages").
    """
    counted = grade_distribution(audits, grade_scale, by=["year"])
    # percent computed from the counts directly, so that 4 of 20 is exactly 20.0, not 0.2 x 100
    counted["percent"] = (counted["count"].astype("Float64") * 100 / counted["total"].astype("Float64")).where(
        counted["total"] > 0)
    counted["basis"] = COUNTS
    pub = audit_shares[~audit_shares["year"].isin(set(counted["year"]))]
    pub = pd.DataFrame({
        "year": pub["year"].astype(object),
        "grade": pub["grade"],
        "count": pd.array([pd.NA] * len(pub), dtype="Int64"),
        "total": pd.array([pd.NA] * len(pub), dtype="Int64"),
        "share": pub["percent"].astype("Float64") / 100,
        "percent": pub["percent"].astype("Float64"),
        "basis": PUBLISHED,
    })
    both = pd.concat([counted.astype({"grade": object}), pub], ignore_index=True)
    both["grade"] = pd.Categorical(both["grade"], categories=list(grade_scale), ordered=True)
    return both.sort_values(["year", "grade"]).reset_index(drop=True)


def year_shares_with_intervals(audits: pd.DataFrame, audit_shares: pd.DataFrame,
                               grade_scale: Sequence[str]) -> pd.DataFrame:
    """year_shares() with each share's Wilson 95% interval (ci_low, ci_high, 0-1), for error bars.
    Published percentages have no counts, so no interval (<NA>): the chart should say why."""
    out = year_shares(audits, audit_shares, grade_scale)
    cis = [stats.wilson_interval(int(k), int(n)) if not pd.isna(k) and not pd.isna(n) else None
           for k, n in zip(out["count"], out["total"])]
    out["ci_low"] = pd.array([c[0] if c else None for c in cis], dtype="Float64")
    out["ci_high"] = pd.array([c[1] if c else None for c in cis], dtype="Float64")
    return out


def change_pp(shares: pd.DataFrame, year: str, previous: str | None = None) -> pd.DataFrame:
    """Change in each grade's share between two years, in percentage points (-15 = 15 points down).

    `shares` is year_shares() output; `previous` defaults to the financial year before.
    Returns columns: grade, share, previous_share, change_pp, basis, previous_basis.
    """
    previous = previous or periods.previous_year(year)
    cur = shares[shares["year"] == year].set_index("grade")
    prev = shares[shares["year"] == previous].set_index("grade")
    out = pd.DataFrame(index=cur.index)
    out["share"] = cur["share"]
    out["previous_share"] = prev["share"].reindex(cur.index)
    out["change_pp"] = cur["percent"] - prev["percent"].reindex(cur.index)
    out["basis"] = cur["basis"]
    out["previous_basis"] = prev["basis"].reindex(cur.index)
    return out.reset_index()


def year_counts(audits: pd.DataFrame, grade_scale: Sequence[str]) -> pd.DataFrame:
    """Counts of each grade per year (rows: years with complete counts, oldest first; columns: grades,
    best first). A year with a blank count is left out: its mix is not known."""
    d = grade_distribution(audits, grade_scale, by=["year"])
    if d.empty:
        return pd.DataFrame(columns=list(grade_scale), dtype="int64")
    d = d[d["total"].notna()]
    out = d.pivot_table(index="year", columns="grade", values="count", aggfunc="sum", observed=False)
    return out.reindex(columns=list(grade_scale)).fillna(0).astype("int64").sort_index()


def mix_test(audits: pd.DataFrame, grade_scale: Sequence[str], year: str, previous: str) -> stats.TestResult:
    """Fisher's exact test that the grade mix of `year` and `previous` is the same (all-zero grades dropped).
    p is None when either year's counts are not known."""
    counts = year_counts(audits, grade_scale)
    if year not in counts.index or previous not in counts.index:
        missing = [y for y in (previous, year) if y not in counts.index]
        return stats.TestResult(None, f"needs counts for {' and '.join(missing)}")
    return stats.exact_independence(counts.loc[[previous, year]].to_numpy())


def trend_test(audits: pd.DataFrame, grade_scale: Sequence[str], years: Sequence[str]) -> stats.TestResult:
    """Linear-by-linear trend test of the grade mix across `years` (three or more, oldest first).
    Year scores are years since the first, grade scores positions on the scale (0 = best), so a
    positive statistic means grades worsening over time. p is None when a year's counts are not known."""
    counts = year_counts(audits, grade_scale)
    missing = [y for y in years if y not in counts.index]
    if len(years) < 3:
        return stats.TestResult(None, "needs counts for at least three years")
    if missing:
        return stats.TestResult(None, f"needs counts for {', '.join(missing)}")
    first = periods.start_year(years[0])
    return stats.linear_trend(counts.loc[list(years)].to_numpy(),
                              row_scores=[periods.start_year(y) - first for y in years],
                              col_scores=list(range(len(grade_scale))))


def test_figures(ds, year: str) -> list[Figure]:
    """p-values for change in the grade mix: against the year before (Fisher's exact test) and across
    every earlier year with counts (linear-by-linear trend test, three or more years)."""
    scale = ds.partnership.grade_scale
    src = "; ".join((ds.source("audits"), ds.source("audit_shares")))
    prev = periods.previous_year(year)
    counts = year_counts(ds.audits, scale)
    known = set(counts.index) | set(ds.audit_shares["year"])
    figs: list[Figure] = []
    if year in known and prev in known:
        res = mix_test(ds.audits, scale, year, prev)
        note = "" if res.pvalue is not None else f"; not computable: {res.method}"
        figs.append(Figure("audit.test.grade_mix",
                           f"Fisher's exact test of independence: audit grade mix, {year} against {prev} "
                           f"(p-value{note})", year, res.pvalue, "p_value",
                           source=ds.source("audits") if res.pvalue is not None else src))
    counted = [y for y in counts.index if y <= year]
    if len(counted) >= 3:
        res = trend_test(ds.audits, scale, counted)
        figs.append(Figure("audit.test.grade_trend",
                           f"Linear-by-linear trend test: audit grade mix across {len(counted)} years with counts, "
                           f"{counted[0]} to {counted[-1]} (p-value)", year, res.pvalue, "p_value",
                           source=ds.source("audits")))
    elif len([y for y in known if y <= year]) >= 3:
        shown = sorted(y for y in known if y <= year)
        figs.append(Figure("audit.test.grade_trend",
                           f"Linear-by-linear trend test: audit grade mix, {shown[0]} to {shown[-1]} (p-value; not "
                           f"computable: needs counts for at least three years; counts are published for "
                           f"{len(counted)} of the {len(shown)})", year, None, "p_value", source=src))
    return figs


def figures(ds, year: str) -> list[Figure]:
    """Audit figures for the year, its quarters, and earlier years' shares for comparison."""
    scale = ds.partnership.grade_scale
    src_counts, src_pub = ds.source("audits"), ds.source("audit_shares")
    shares = year_shares(ds.audits, ds.audit_shares, scale)
    figs: list[Figure] = []
    this = shares[shares["year"] == year]
    total = this["total"].iloc[0] if len(this) else None
    figs.append(Figure("audit.graded", "Multi-agency audits graded", year, total, "count", source=src_counts))
    for _, r in this.iterrows():
        figs.append(ratio(f"audit.share.{slug(r['grade'])}", f"Share of audits graded {r['grade']}", year,
                          r["count"], r["total"], src_counts))
    prev = periods.previous_year(year)
    for _, r in change_pp(shares, year, prev).iterrows():
        srcs = {COUNTS: src_counts, PUBLISHED: src_pub}
        src = "; ".join(dict.fromkeys(s for s in (srcs[r["basis"]], srcs.get(r["previous_basis"])) if s))
        figs.append(Figure(f"audit.change_pp.{slug(r['grade'])}",
                           f"Change in share of audits graded {r['grade']} since {prev}", year,
                           r["change_pp"], "percentage_points", source=src))
    # Earlier years, for the trend the report shows.
    for y, grp in shares[shares["year"] < year].groupby("year"):
        basis = grp["basis"].iloc[0]
        if basis == COUNTS:
            figs.append(Figure("audit.graded", "Multi-agency audits graded", y, grp["total"].iloc[0], "count",
                               source=src_counts))
        for _, r in grp.iterrows():
            label = f"Share of audits graded {r['grade']}"
            if basis == COUNTS:
                figs.append(ratio(f"audit.share.{slug(r['grade'])}", label, y, r["count"], r["total"], src_counts))
            else:
                figs.append(Figure(f"audit.share.{slug(r['grade'])}", f"{label} (published percentage; counts not published)",
                                   y, r["share"], "proportion", source=src_pub))
    # Each quarter's themed round.
    by_q = grade_distribution(ds.audits[ds.audits["year"] == year], scale, by=["year", "quarter", "theme"])
    for (q, theme), grp in by_q.groupby(["quarter", "theme"], sort=True):
        period = periods.period_label(year, q)
        figs.append(Figure("audit.graded", f"Multi-agency audits graded ({theme})", period, grp["total"].iloc[0],
                           "count", source=src_counts))
        for _, r in grp.iterrows():
            figs.append(ratio(f"audit.share.{slug(r['grade'])}", f"Share of audits graded {r['grade']} ({theme})",
                              period, r["count"], r["total"], src_counts))
    figs.extend(test_figures(ds, year))
    return figs
