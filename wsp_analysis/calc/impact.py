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

A year with no evaluation rows has every figure missing (not available), never 0.
"""
from __future__ import annotations

import pandas as pd

from wsp_analysis.data import periods
from wsp_analysis.calc import stats
from wsp_analysis.calc.register import Figure, ratio, slug

ALL = "All courses"
COLUMNS = ["course", "delegates", "paired", "pre_mean", "post_mean", "change_mean", "improved", "improved_share",
           "pvalue", "effect_size", "follow_up_returned", "follow_up_rate", "follow_up_paired",
           "follow_up_change_mean", "follow_up_pvalue", "follow_up_effect_size"]


def of_year(evaluations: pd.DataFrame, year: str) -> pd.DataFrame:
    """The evaluation rows whose session falls in the financial year."""
    if evaluations.empty:
        return evaluations
    first, last = periods.year_dates(year)
    return evaluations[[first <= d <= last for d in evaluations["date"]]]


def _summary(course: str, rows: pd.DataFrame, test: bool = True) -> dict:
    pre, post, fu = (rows[c].astype("Float64") for c in ("pre_rating", "post_rating", "follow_up_rating"))
    paired = pre.notna() & post.notna()
    fpaired = pre.notna() & fu.notna()
    d = (post - pre)[paired]
    fd = (fu - pre)[fpaired]
    sr = stats.signed_rank(pre[paired].tolist(), post[paired].tolist()) if test and paired.any() else None
    fsr = stats.signed_rank(pre[fpaired].tolist(), fu[fpaired].tolist()) if test and fpaired.any() else None
    n, np_, nf = len(rows), int(paired.sum()), int(fu.notna().sum())
    mean = lambda s: float(s.mean()) if len(s) else None  # noqa: E731
    improved = int((d > 0).sum())
    return {
        "course": course, "delegates": n, "paired": np_,
        "pre_mean": mean(pre[paired]), "post_mean": mean(post[paired]), "change_mean": mean(d),
        "improved": improved, "improved_share": improved / np_ if np_ else None,
        "pvalue": sr.pvalue if sr else None, "effect_size": sr.effect_size if sr else None,
        "follow_up_returned": nf, "follow_up_rate": nf / n if n else None,
        "follow_up_paired": int(fpaired.sum()), "follow_up_change_mean": mean(fd),
        "follow_up_pvalue": fsr.pvalue if fsr else None, "follow_up_effect_size": fsr.effect_size if fsr else None,
    }


def course_table(evaluations: pd.DataFrame, year: str) -> pd.DataFrame:
    """One row per course evaluated in the year (alphabetical), then "All courses" (pooled counts,
    means and rates; no test, because a delegate may attend several courses). Empty when the year
    has no evaluation rows. Columns: COLUMNS (p-values and effect sizes None where not computable)."""
    rows = of_year(evaluations, year)
    if rows.empty:
        return pd.DataFrame(columns=COLUMNS)
    out = [_summary(course, grp) for course, grp in rows.groupby("course", sort=True)]
    out.append(_summary(ALL, rows, test=False))
    return pd.DataFrame(out, columns=COLUMNS)


def figures(ds, year: str) -> list[Figure]:
    src = ds.source("evaluations")
    table = course_table(ds.evaluations, year)
    figs: list[Figure] = []
    if table.empty:
        return [Figure("impact.delegates", "Delegates with a training evaluation record (not available: no "
                       "evaluation forms in the data for the year)", year, None, "count", source=src)]
    for _, r in table.iterrows():
        whole = r["course"] == ALL
        base = "impact" if whole else f"impact.course.{slug(r['course'])}"
        of = "all courses" if whole else r["course"]
        figs += [
            Figure(f"{base}.delegates", f"Delegates with a training evaluation record, {of}", year, r["delegates"],
                   "count", source=src),
            Figure(f"{base}.paired", f"Delegates who rated their knowledge before and after the course, {of}", year,
                   r["paired"], "count", source=src),
            Figure(f"{base}.pre_mean", f"Mean self-rated knowledge before the course (1-5), {of}", year,
                   r["pre_mean"], "rating", denominator=r["paired"], source=src),
            Figure(f"{base}.post_mean", f"Mean self-rated knowledge at the end of the course (1-5), {of}", year,
                   r["post_mean"], "rating", denominator=r["paired"], source=src),
            Figure(f"{base}.change_mean", f"Mean change in self-rated knowledge, end of course - before, {of}",
                   year, r["change_mean"], "rating", denominator=r["paired"], source=src),
            ratio(f"{base}.improved", f"Share of delegates whose self-rated knowledge rose by the end of the course, "
                                      f"{of}", year, r["improved"], r["paired"], src),
            ratio(f"{base}.follow_up_rate", f"Share of delegates who returned the eight-week follow-up evaluation, "
                                            f"{of}", year, r["follow_up_returned"], r["delegates"], src),
            Figure(f"{base}.follow_up_change_mean", f"Mean change in self-rated knowledge, eight weeks after - "
                   f"before, {of}", year, r["follow_up_change_mean"], "rating", denominator=r["follow_up_paired"],
                   source=src),
        ]
        if whole:
            continue
        figs += [
            Figure(f"{base}.test", f"Wilcoxon signed-rank test: self-rated knowledge at the end of the course against "
                   f"before, {of} (p-value)", year, r["pvalue"], "p_value", source=src),
            Figure(f"{base}.effect_size", f"Effect size (matched-pairs rank-biserial correlation): end of course "
                   f"against before, {of}", year, r["effect_size"], "effect_size", source=src),
            Figure(f"{base}.follow_up_test", f"Wilcoxon signed-rank test: self-rated knowledge eight weeks after the "
                   f"course against before, {of} (p-value)", year, r["follow_up_pvalue"], "p_value", source=src),
            Figure(f"{base}.follow_up_effect_size", f"Effect size (matched-pairs rank-biserial correlation): eight "
                   f"weeks after against before, {of}", year, r["follow_up_effect_size"], "effect_size", source=src),
        ]
    return figs
