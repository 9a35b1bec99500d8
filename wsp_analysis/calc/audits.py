"""Multi-agency audit grades: distribution by year, quarter and theme, change between years, and tests.

Counts come from audits.csv; years whose counts were never published come from audit_shares.csv as
published percentages (no counts are invented for them).

Figures (calc.spans for the periods). An annual report states its year's audits graded and each grade's
share (Wilson interval), the change in each share since the year before in percentage points, every
earlier year's shares (counts where published, else the published percentage), each quarter's themed
round, Fisher's exact test of the grade mix against the year before and the linear-by-linear trend test
across every year with counts (three or more). A quarterly report states its quarter's round and the
year to date (ids end .ytd); rounds on different themes are not compared.

A grade with no row, or a blank count, is missing (not 0), and then the group's total and shares are
missing too, because they cannot be known. Every grade of the partnership's scale appears for every group.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from wsp_analysis.calc import stats
from wsp_analysis.calc.rows import NAN, Block, annual_and_quarterly, num, objects, ratio, rows, slugs
from wsp_analysis.calc.rows import PUBLISHED as PUBLISHED_LABEL
from wsp_analysis.calc.spans import THIS, YTD, span_key, spans
from wsp_analysis.data import periods

TABLES = ("audits", "audit_shares")
COUNTS, PUBLISHED = "counts", "published percentages"


def scale_rows(tables, partnerships=None) -> pd.DataFrame:
    """Every partnership's grades as rows: partnership, grade, grade_index (0 = best)."""
    ps = tables.partnerships if partnerships is None else partnerships
    return pd.DataFrame([(p, g, i) for p in ps for i, g in enumerate(tables.config(p).grade_scale)],
                        columns=["partnership", "grade", "grade_index"])


def distribution(tables, counts: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Count of each grade of the partnership's scale per group of `by` (after partnership), its total and
    share (0-1) and percent (0-100). A grade with no row or a blank count is missing, and then so are the
    group's total and shares; shares are missing where the total is 0. Columns: partnership, *by, grade,
    grade_index, count, total, share, percent (float, NaN for missing); sorted by group then grade."""
    key = ["partnership", *by]
    cols = [*key, "grade", "grade_index", "count", "total", "share", "percent"]
    if counts.empty:
        return pd.DataFrame(columns=cols)
    g = counts.groupby([*key, "grade"], dropna=False)["count"]
    # a blank count in any row of a group leaves the group's count missing: a partial sum is never a count
    summed = g.sum(min_count=1).where(g.count() == g.size()).reset_index()
    groups = counts[key].drop_duplicates()
    full = groups.merge(scale_rows(tables, list(pd.unique(groups["partnership"]))), on="partnership")
    out = full.merge(summed, on=[*key, "grade"], how="left")
    out["count"] = num(out["count"])
    keys = [out[k] for k in key]
    complete = pd.Series(~np.isnan(out["count"]), index=out.index).groupby(keys, dropna=False).transform("all")
    out["total"] = out["count"].groupby(keys, dropna=False).transform("sum").where(complete.astype(bool))
    with np.errstate(divide="ignore", invalid="ignore"):
        out["share"] = (out["count"] / out["total"]).where(out["total"] > 0)
        out["percent"] = (out["count"] * 100 / out["total"]).where(out["total"] > 0)
    return out.sort_values([*key, "grade_index"], kind="stable").reset_index(drop=True)[cols]


def year_shares(tables) -> pd.DataFrame:
    """Each grade's share of every year known: from counts where published, else the published percentage.
    Columns: partnership, year, grade, grade_index, count, total, share, percent, basis (COUNTS or
    PUBLISHED), slug."""
    a, s = tables["audits"], tables["audit_shares"]
    counted = distribution(tables, a, ["year"]).assign(basis=COUNTS)
    pub = s[~s.set_index(["partnership", "year"]).index.isin(a.set_index(["partnership", "year"]).index)]
    pub = pub.merge(scale_rows(tables), on=["partnership", "grade"], how="left")
    pub = pd.DataFrame({"partnership": pub["partnership"], "year": pub["year"], "grade": pub["grade"],
                        "grade_index": pub["grade_index"], "count": NAN, "total": NAN,
                        "share": num(pub["percent"]) / 100, "percent": num(pub["percent"]), "basis": PUBLISHED})
    parts = [p for p in (counted, pub) if len(p)]
    if not parts:
        return pd.DataFrame(columns=[*counted.columns, "slug"])
    shares = pd.concat(parts, ignore_index=True).sort_values(["partnership", "year", "grade_index"], kind="stable")
    shares["slug"] = slugs(shares["grade"])
    return shares.reset_index(drop=True)


def _published(f: pd.DataFrame, src) -> Block:
    """Shares published as percentages without counts (no count is invented, so no interval)."""
    return rows(f, "audit.share." + f["slug"], "Share of audits graded " + f["grade"] + f" ({PUBLISHED_LABEL})",
                f["period"], f["share"], "proportion", source=src)


def _annual(tables, req: pd.DataFrame) -> list[Block]:
    this = spans(req, (THIS,), quarterly=False).assign(prev=lambda f: f["year"].map(periods.previous_year))
    shares = year_shares(tables)
    src = lambda f, t="audits": tables.source(f["partnership"], t)  # noqa: E731
    out = []
    # the year's audits graded and each grade's share
    cur = this.merge(shares, on=["partnership", "year"], how="left")
    first = cur.drop_duplicates(["partnership", "report"], keep="first")
    out.append(rows(first, "audit.graded", "Multi-agency audits graded", first["period"], first["total"], "count",
                    source=src(first)))
    cur = cur[cur["grade"].notna()]
    counted, published = cur[cur["basis"] == COUNTS], cur[cur["basis"] == PUBLISHED]
    out.append(ratio(counted, "audit.share." + counted["slug"], "Share of audits graded " + counted["grade"],
                     counted["period"], counted["count"], counted["total"], src(counted)))
    out.append(_published(published, src(published, "audit_shares")))
    # change since the year before, in percentage points
    before = this[["partnership", "report", "prev"]].merge(shares, left_on=["partnership", "prev"],
                                                             right_on=["partnership", "year"])
    ch = cur.merge(before[["partnership", "report", "grade", "percent", "basis"]], on=["partnership", "report", "grade"],
                   how="left", suffixes=("", "_prev"))
    counts_src, pub_src = src(ch), src(ch, "audit_shares")
    own = np.where(ch["basis"] == COUNTS, counts_src, pub_src)
    other = np.where(ch["basis_prev"] == COUNTS, counts_src, np.where(ch["basis_prev"] == PUBLISHED, pub_src, None))
    both = [o if b is None or b == o else f"{o}; {b}" for o, b in zip(own, other)]
    out.append(rows(ch, "audit.change_pp." + ch["slug"], "Change in share of audits graded " + ch["grade"] + " since "
                    + ch["prev"], ch["period"], num(ch["percent"]) - num(ch["percent_prev"]), "percentage_points",
                    source=np.array(both, dtype=object)))
    # earlier years, for the trend the report shows
    early = this[["partnership", "report"]].merge(shares, on="partnership")
    early = early[early["year"] < early["report"]].assign(span=lambda f: f["year"])
    ec = early[early["basis"] == COUNTS]
    ec_first = ec.drop_duplicates(["partnership", "report", "year"], keep="first")
    out.append(rows(ec_first, "audit.graded", "Multi-agency audits graded", ec_first["year"], ec_first["total"],
                    "count", source=src(ec_first)))
    out.append(ratio(ec, "audit.share." + ec["slug"], "Share of audits graded " + ec["grade"], ec["year"], ec["count"],
                     ec["total"], src(ec)))
    ep = early[early["basis"] == PUBLISHED]
    out.append(_published(ep.assign(period=ep["year"]), src(ep, "audit_shares")))
    # each quarter's themed round
    a = tables["audits"]
    if len(a):
        byq = distribution(tables, a, ["year", "quarter", "theme"])
        byq = this[["partnership", "report", "year"]].merge(byq, on=["partnership", "year"])
        byq = byq.sort_values(["partnership", "report", "quarter", "theme", "grade_index"], kind="stable")
        byq["period"] = byq["report"] + "-" + byq["quarter"]
        byq["span"] = [span_key(y, (q,)) for y, q in zip(byq["year"], byq["quarter"])]
        q_first = byq.drop_duplicates(["partnership", "report", "quarter", "theme"], keep="first")
        out.append(rows(q_first, "audit.graded", "Multi-agency audits graded (" + q_first["theme"] + ")",
                        q_first["period"], q_first["total"], "count", source=src(q_first)))
        out.append(ratio(byq, "audit.share." + pd.Series(slugs(byq["grade"]), index=byq.index),
                         "Share of audits graded " + byq["grade"] + " (" + byq["theme"] + ")", byq["period"],
                         byq["count"], byq["total"], src(byq)))
    return out + _tests(tables, this, shares)


def _tests(tables, this: pd.DataFrame, shares: pd.DataFrame) -> list[Block]:
    """Fisher's exact test of the grade mix against the year before, and the trend test across every
    year with counts up to the year (three or more)."""
    src = lambda f, t="audits": tables.source(f["partnership"], t)  # noqa: E731
    complete = shares[(shares["basis"] == COUNTS) & shares["total"].notna()]
    counted = complete[["partnership", "year"]].drop_duplicates()
    known = shares[["partnership", "year"]].drop_duplicates()
    known_set = set(map(tuple, known.to_numpy()))
    counted_set = set(map(tuple, counted.to_numpy()))
    out = []
    mix = this[np.array([(p, y) in known_set and (p, q) in known_set
                         for p, y, q in zip(this["partnership"], this["year"], this["prev"])], dtype=bool)]
    vectors = {k: g["count"].to_numpy(dtype=float).astype(np.int64)
               for k, g in complete.groupby(["partnership", "year"], sort=False)}
    pvalues, notes, tables_, which = np.full(len(mix), NAN), [""] * len(mix), [], []
    for i, (p, y, q) in enumerate(zip(mix["partnership"], mix["year"], mix["prev"])):
        missing = [x for x in (q, y) if (p, x) not in counted_set]
        if missing:
            notes[i] = f"; not computable: needs counts for {' and '.join(missing)}"
        else:
            tables_.append(np.array([vectors[(p, q)], vectors[(p, y)]]))
            which.append(i)
    for i, res in zip(which, stats.fisher_2xk(tables_)):
        if res.pvalue is None:
            notes[i] = f"; not computable: {res.method}"
        else:
            pvalues[i] = res.pvalue
    both = src(mix) + "; " + src(mix, "audit_shares")
    out.append(rows(mix, "audit.test.grade_mix", "Fisher's exact test of independence: audit grade mix, "
                    + mix["year"] + " against " + mix["prev"] + " (p-value" + objects(notes, index=mix.index) + ")",
                    mix["period"], pvalues, "p_value", source=np.where(np.isnan(pvalues), both, src(mix))))
    # the trend test across every year with counts up to the year (three or more)
    span_ = this[["partnership", "report", "year"]].merge(counted.rename(columns={"year": "counted"}), on="partnership")
    span_ = span_[span_["counted"] <= span_["year"]]
    n_counted = span_.groupby(["partnership", "report"]).agg(n=("counted", "size"), first=("counted", "min"),
                                                             last=("counted", "max")).reset_index()
    kn = this[["partnership", "report", "year"]].merge(known.rename(columns={"year": "known"}), on="partnership")
    kn = kn[kn["known"] <= kn["year"]].groupby(["partnership", "report"]).agg(
        k=("known", "size"), kfirst=("known", "min"), klast=("known", "max")).reset_index()
    t = this.merge(n_counted, on=["partnership", "report"], how="left").merge(kn, on=["partnership", "report"],
                                                                              how="left")
    t["n"], t["k"] = t["n"].fillna(0).astype(int), t["k"].fillna(0).astype(int)
    run = t[t["n"] >= 3]
    if len(run):
        cells = run[["partnership", "report", "year"]].merge(complete.rename(columns={"year": "counted"}),
                                                             on="partnership")
        cells = cells[cells["counted"] <= cells["year"]]
        first_year = cells.groupby(["partnership", "report"])["counted"].transform("min")
        cells = cells.assign(group=list(zip(cells["partnership"], cells["report"])),
                             u=[periods.start_year(y) - periods.start_year(f) for y, f in zip(cells["counted"],
                                                                                               first_year)],
                             v=cells["grade_index"], row=cells["counted"], col=cells["grade_index"])
        p = stats.linear_trends(cells[["group", "u", "v", "row", "col", "count"]])["pvalue"]
        pv = np.array([p.get((a, b), NAN) for a, b in zip(run["partnership"], run["report"])], dtype=float)
        out.append(rows(run, "audit.test.grade_trend", "Linear-by-linear trend test: audit grade mix across "
                        + run["n"].astype(str) + " years with counts, " + run["first"] + " to " + run["last"]
                        + " (p-value)", run["period"], pv, "p_value", source=src(run)))
    none = t[(t["n"] < 3) & (t["k"] >= 3)]
    if len(none):
        out.append(rows(none, "audit.test.grade_trend", "Linear-by-linear trend test: audit grade mix, "
                        + none["kfirst"] + " to " + none["klast"] + " (p-value; not computable: needs counts for at "
                        "least three years; counts are published for " + none["n"].astype(str) + " of the "
                        + none["k"].astype(str) + ")", none["period"], NAN, "p_value",
                        source=src(none) + "; " + src(none, "audit_shares")))
    return out


def _quarterly(tables, req: pd.DataFrame) -> list[Block]:
    """A quarterly report's round and year to date, all grades pooled over the span's quarters."""
    sp = spans(req, (THIS, YTD), quarterly=True).reset_index(drop=True)
    sp["scope"] = np.arange(len(sp))
    a = tables["audits"]
    need = sp[["scope", "partnership", "year", "quarters"]].explode("quarters").rename(columns={"quarters": "quarter"})
    got = need.merge(a, on=["partnership", "year", "quarter"])
    d = distribution(tables, got, ["scope"]) if len(got) else pd.DataFrame(columns=["scope", "grade", "count",
                                                                                     "total"])
    themes = {s: ", ".join(dict.fromkeys(g.sort_values("quarter", kind="stable")["theme"]))
              for s, g in got.groupby("scope", sort=False)}
    what = pd.Series([themes.get(s) or "no audit recorded" for s in sp["scope"]], index=sp.index, dtype=object)
    what = np.where(sp["which"] == YTD, "year to date (" + what + ")", "(" + what + ")")
    sp["what"] = what
    total = d.drop_duplicates("scope").set_index("scope")["total"] if len(d) else pd.Series(dtype=float)
    src = tables.source(sp["partnership"], "audits")
    out = [rows(sp, "audit.graded" + sp["suffix"], "Multi-agency audits graded " + sp["what"], sp["period"],
                num(total.reindex(sp["scope"]).reset_index(drop=True)), "count", source=src)]
    g = sp.merge(scale_rows(tables), on="partnership").merge(d[["scope", "grade", "count", "total"]] if len(d) else
                                                              pd.DataFrame(columns=["scope", "grade", "count", "total"]),
                                                              on=["scope", "grade"], how="left")
    g = g.sort_values(["scope", "grade_index"], kind="stable")
    out.append(ratio(g, "audit.share." + pd.Series(slugs(g["grade"]), index=g.index) + g["suffix"],
                     "Share of audits graded " + g["grade"] + " " + g["what"], g["period"], num(g["count"]),
                     num(g["total"]), tables.source(g["partnership"], "audits")))
    return out


def figures(tables, req: pd.DataFrame) -> list[Block]:
    """Every audit figure of every request (see the module's docstring)."""
    return annual_and_quarterly(tables, req, _annual, _quarterly)


def details(tables, req: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """"audits.rounds": each quarter's audit round of each request's year: partnership, report, year,
    quarter, theme (what the sections name beside the round's figures)."""
    a = tables["audits"][["partnership", "year", "quarter", "theme"]].drop_duplicates()
    r = req[["partnership", "report", "year"]].merge(a, on=["partnership", "year"])
    return {"audits.rounds": r.sort_values(["partnership", "report", "quarter", "theme"]).reset_index(drop=True)}
