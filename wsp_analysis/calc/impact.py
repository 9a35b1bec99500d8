"""Training impact: change in delegates' self-rated knowledge, from evaluation forms.

Each row of evaluations.csv is a delegate who attended an evaluated course, with up to three
self-ratings of knowledge on a 1 (none) to 5 (expert) scale: before the course (on the day),
at its end, and in the impact evaluation sent eight weeks later. A blank is a form not returned.

Per course and year (the financial year of the session's date):
- paired: delegates with both a pre-course and a post-course rating;
- change: mean of (post - pre) over the paired delegates, in rating points;
- improved: share of paired delegates whose rating rose (Wilson 95% interval);
- the paired Wilcoxon signed-rank test of post against pre, and its effect size, the matched-pairs
  rank-biserial correlation (T+ - T-) / (T+ + T-) (-1 all fell, 0 no shift, 1 all rose);
- follow-up response rate: follow-up forms returned / delegates evaluated, and the same change,
  test and effect size for the follow-up rating against the pre-course one (does it last?).

A year with no evaluation rows has every figure missing (not available), never 0. Source: evaluations.csv.
Details: "impact.courses", the courses evaluated in the year (names beside their figures).

Evaluation published as shares of delegates (evaluation_shares.csv: more knowledge, a change in practice,
at the end of the course or weeks on) gives impact.published.<measure>[.<when>] for the year and for each
quarter of it with rows (calc.published_shares); details "impact.published" names them.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from wsp_analysis.calc import published_shares, stats
from wsp_analysis.calc.rows import NAN, Block, num, objects, ratio, rows, slugs
from wsp_analysis.calc.spans import THIS, spans
from wsp_analysis.data import periods

TABLES = ("evaluations", "evaluation_shares")
ALL = "All courses"


KEYS = ["partnership", "report", "period", "span"]


def _evaluated(tables, req: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(rows, reports): evaluations.csv's rows of each annual request's year, `_report` numbering the row
    of `reports` (partnership, report, period, span) each belongs to, and with those columns too."""
    this = spans(req, (THIS,), quarterly=False)[["partnership", "report", "year", "period", "span"]]
    this = this.reset_index(drop=True).assign(_report=lambda f: np.arange(len(f)))
    e = tables["evaluations"].assign(year=lambda f: periods.of_dates(f["date"])[0])
    return e.merge(this, on=["partnership", "year"]), this[KEYS]


def _order(courses: pd.DataFrame, whole: pd.DataFrame) -> pd.DataFrame:
    """Each report's courses (alphabetical), then its "All courses" row."""
    return pd.concat([courses, whole.assign(course=ALL)], ignore_index=True).sort_values(
        KEYS, kind="stable").reset_index(drop=True)


def summary(tables, req: pd.DataFrame) -> pd.DataFrame:
    """One row per course evaluated in each annual request's year (alphabetical), then "All courses"
    (pooled counts, means and rates; no test, because a delegate may attend several courses): partnership,
    report, period, span, course, delegates, paired, pre_mean, post_mean, change_mean (rating points),
    improved, follow_up_returned, follow_up_paired, follow_up_change_mean, and for courses pvalue,
    effect_size, follow_up_pvalue, follow_up_effect_size (NaN where not computable)."""
    e, reports = _evaluated(tables, req)
    if e.empty:
        return pd.DataFrame(columns=[*KEYS, "course"])
    pre, post, fu = (num(e[c]) for c in ("pre_rating", "post_rating", "follow_up_rating"))
    paired, fpaired = ~np.isnan(pre) & ~np.isnan(post), ~np.isnan(pre) & ~np.isnan(fu)
    d, fd = np.where(paired, post - pre, 0.0), np.where(fpaired, fu - pre, 0.0)

    report = e["_report"].to_numpy(dtype=np.int64)
    course, names = pd.factorize(e["course"], sort=True)  # alphabetical

    def summarise(by_course: bool) -> pd.DataFrame:
        # groups numbered on whole numbers (report, then course): hashing the text keys of every row, as a
        # groupby on them does, takes most of the time at a million rows
        width = len(names) if by_course else 1
        groups, ids = np.unique(report * width + (course if by_course else 0), return_inverse=True)
        k = len(groups)
        count = lambda w=None: np.bincount(ids, weights=w, minlength=k)  # noqa: E731
        n_paired, n_fpaired = count(paired), count(fpaired)
        with np.errstate(divide="ignore", invalid="ignore"):
            mean = lambda w, n: np.where(n > 0, count(w) / n, NAN)  # noqa: E731
            out = pd.DataFrame({
                "delegates": count(), "paired": n_paired, "pre_mean": mean(np.where(paired, pre, 0.0), n_paired),
                "post_mean": mean(np.where(paired, post, 0.0), n_paired), "change_mean": mean(d, n_paired),
                "improved": count(paired & (d > 0)), "follow_up_returned": count(~np.isnan(fu)),
                "follow_up_paired": n_fpaired, "follow_up_change_mean": mean(fd, n_fpaired)})
        keys_frame = reports.iloc[groups // width].reset_index(drop=True).astype(object)
        if by_course:
            keys_frame["course"] = np.asarray(names, dtype=object)[groups % width]
        out = pd.concat([keys_frame, out], axis=1)
        if by_course:  # the Wilcoxon signed-rank tests, every course of every report at once
            for prefix, after, mask in (("", post, paired), ("follow_up_", fu, fpaired)):
                res = stats.signed_ranks(ids[mask], pre[mask], after[mask]).reindex(range(k))
                out[f"{prefix}pvalue"] = res["pvalue"].to_numpy(dtype=float)
                out[f"{prefix}effect_size"] = res["effect_size"].to_numpy(dtype=float)
        return out

    return _order(summarise(True), summarise(False))


def figures(tables, req: pd.DataFrame) -> list[Block]:
    """Every training impact figure of every annual request (see the module's docstring)."""
    this = spans(req, (THIS,), quarterly=False)
    both = summary(tables, req)
    has = set(zip(both["partnership"], both["report"]))
    none = this[np.array([(p, r) not in has for p, r in zip(this["partnership"], this["report"])], dtype=bool)]
    out = published_shares.evaluation_figures(tables, req)
    out += [rows(none, "impact.delegates", "Delegates with a training evaluation record (not available: no "
                "evaluation forms in the data for the year)", none["period"], NAN, "count",
                source=tables.source(none["partnership"], "evaluations"))]
    if both.empty:
        return out
    allc = both["course"] == ALL
    base = objects(np.where(allc, "impact", "impact.course." + pd.Series(slugs(both["course"]), index=both.index)),
                   both.index)
    of = objects(np.where(allc, "all courses", both["course"]), both.index)
    src = tables.source(both["partnership"], "evaluations")
    y = both["period"]
    out += [
        rows(both, base + ".delegates", "Delegates with a training evaluation record, " + of, y, both["delegates"],
             "count", source=src),
        rows(both, base + ".paired", "Delegates who rated their knowledge before and after the course, " + of, y,
             both["paired"], "count", source=src),
        rows(both, base + ".pre_mean", "Mean self-rated knowledge before the course (1-5), " + of, y,
             both["pre_mean"], "rating", denominator=both["paired"], source=src),
        rows(both, base + ".post_mean", "Mean self-rated knowledge at the end of the course (1-5), " + of, y,
             both["post_mean"], "rating", denominator=both["paired"], source=src),
        rows(both, base + ".change_mean", "Mean change in self-rated knowledge, end of course - before, " + of, y,
             both["change_mean"], "rating", denominator=both["paired"], source=src),
        ratio(both, base + ".improved", "Share of delegates whose self-rated knowledge rose by the end of the "
              "course, " + of, y, both["improved"], both["paired"], src),
        ratio(both, base + ".follow_up_rate", "Share of delegates who returned the eight-week follow-up evaluation, "
              + of, y, both["follow_up_returned"], both["delegates"], src),
        rows(both, base + ".follow_up_change_mean", "Mean change in self-rated knowledge, eight weeks after - "
             "before, " + of, y, both["follow_up_change_mean"], "rating", denominator=both["follow_up_paired"],
             source=src),
    ]
    c = both[~allc]
    b, o, s, yy = base[c.index], of[c.index], src[c.index], c["period"]
    out += [
        rows(c, b + ".test", "Wilcoxon signed-rank test: self-rated knowledge at the end of the course against "
             "before, " + o + " (p-value)", yy, c["pvalue"], "p_value", source=s),
        rows(c, b + ".effect_size", "Effect size (matched-pairs rank-biserial correlation): end of course against "
             "before, " + o, yy, c["effect_size"], "effect_size", source=s),
        rows(c, b + ".follow_up_test", "Wilcoxon signed-rank test: self-rated knowledge eight weeks after the "
             "course against before, " + o + " (p-value)", yy, c["follow_up_pvalue"], "p_value", source=s),
        rows(c, b + ".follow_up_effect_size", "Effect size (matched-pairs rank-biserial correlation): eight weeks "
             "after against before, " + o, yy, c["follow_up_effect_size"], "effect_size", source=s),
    ]
    return out


def details(tables, req: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """"impact.courses": partnership, report, course, base (the course's figure ids begin with it), one row
    per course evaluated in an annual report's year, then "All courses" (base "impact"); "impact.published"
    (calc.published_shares.evaluation_details)."""
    e, _ = _evaluated(tables, req)  # the courses alone: summary's tests are not needed to name them
    s = _order(e[[*KEYS, "course"]].drop_duplicates().sort_values([*KEYS, "course"]), e[KEYS].drop_duplicates())
    published = {"impact.published": published_shares.evaluation_details(tables, req)}
    if s.empty:
        return {"impact.courses": pd.DataFrame(columns=["partnership", "report", "course", "base"]), **published}
    base = np.where(s["course"] == ALL, "impact", "impact.course." + pd.Series(slugs(s["course"]), index=s.index))
    return {"impact.courses": s[["partnership", "report", "course"]].assign(base=base), **published}
