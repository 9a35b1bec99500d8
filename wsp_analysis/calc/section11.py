"""Agencies' Section 11 (Children Act 2004) and Section 43 (Care Act 2014) self-assessments
(section11.csv), and who attended the round's assurance event (section11_attendance.csv).

Each agency grades itself against each standard (Fully met, Partially met, Not met); the partnership
may moderate a grade after checking the evidence. The grade that stands is the moderated grade where
there is one, else the agency's own. "Moderated lower" means the partnership's grade is worse than
the agency's own. A round is a financial year with rows; the change since the previous round
compares the grades that stand, in percentage points, with Fisher's exact test of the grade mix.

A partnership that publishes no grades (Walsall) has no rows in section11.csv: every grade figure is
then not available, never 0, and the report lists who attended the assurance event instead.

Figures: an annual report's round (period: its year), with the previous round's for comparison; a
quarterly report's the year's round as recorded (ids end .ytd: a round is yearly), attendance counted up
to the quarter's last day. Computed per report. Source: section11.csv, section11_attendance.csv. Details:
"section11.agencies" (each agency of the round, with its figure ids), "section11.lowered" (the
self-grades moderated lower) and "section11.attendance" (who attended, and when).
"""
from __future__ import annotations

import dataclasses
from datetime import date

import pandas as pd

from wsp_analysis.calc import stats
from wsp_analysis.calc.register import Figure, is_missing, slug
from wsp_analysis.calc.rows import Block, from_figures
from wsp_analysis.calc.rows import one as ratio
from wsp_analysis.data import periods
from wsp_analysis.data.schema import SECTION11_GRADES as GRADES

TABLES = ("section11", "section11_attendance")


def _grade(v) -> str | None:
    return None if is_missing(v) else str(v)


def standing_grade(self_grade, moderated_grade) -> str | None:
    """The grade that stands: the moderated grade where given, else the agency's own (None: neither)."""
    return _grade(moderated_grade) or _grade(self_grade)


def moderated_lower(self_grade, moderated_grade) -> bool | None:
    """True when the partnership's grade is worse than the agency's own; None when either is missing."""
    s, m = _grade(self_grade), _grade(moderated_grade)
    if s is None or m is None:
        return None
    return GRADES.index(m) > GRADES.index(s)


def rounds(section11: pd.DataFrame) -> list[str]:
    """The years with a self-assessment round (rows), oldest first."""
    return sorted(section11["year"].dropna().unique())


def previous_round(section11: pd.DataFrame, year: str) -> str | None:
    """The latest round before `year`, or None."""
    before = [y for y in rounds(section11) if y < year]
    return before[-1] if before else None


def assessed(section11: pd.DataFrame) -> pd.DataFrame:
    """section11.csv's rows with `standing` (the grade that stands) and `lower` (moderated lower: True,
    False, or None when not moderated or not self-graded), worked out once for every round."""
    r = section11.copy()
    r["standing"] = [standing_grade(s, m) for s, m in zip(r["self_grade"], r["moderated_grade"])]
    r["lower"] = pd.Series([moderated_lower(s, m) for s, m in zip(r["self_grade"], r["moderated_grade"])],
                           index=r.index, dtype=object)
    return r


def assessments(section11: pd.DataFrame, year: str) -> pd.DataFrame:
    """The round's rows with `standing` and `lower` (see assessed; taken as they are when the frame has them)."""
    r = section11[section11["year"] == year]
    return (r if "standing" in r.columns else assessed(r)).reset_index(drop=True)


def distribution(grades) -> dict[str, int]:
    """Count of each grade (every grade of the scale, 0 where none), blanks left out."""
    known = [g for g in grades if not is_missing(g)]
    return {g: sum(1 for k in known if k == g) for g in GRADES}


def agency_table(section11: pd.DataFrame, year: str) -> pd.DataFrame:
    """Per agency, in order of first appearance: standards (rows), self_graded, moderated, moderated_lower,
    and the count of each standing grade (columns named as the grades)."""
    r = assessments(section11, year)
    columns = ["agency", "standards", "self_graded", "moderated", "moderated_lower", *GRADES]
    if r.empty:
        return pd.DataFrame(columns=columns)
    counted = pd.DataFrame({"agency": r["agency"], "standards": 1, "self_graded": r["self_grade"].notna().astype(int),
                            "moderated": r["lower"].map(lambda x: x is not None).astype(int),
                            "moderated_lower": r["lower"].map(lambda x: x is True).astype(int),
                            **{g: (r["standing"] == g).astype(int) for g in GRADES}})
    return counted.groupby("agency", sort=False).sum().reset_index()[columns]


def lowered(section11: pd.DataFrame, year: str) -> pd.DataFrame:
    """The standards the partnership moderated lower than the agency's own grade: agency, standard,
    self_grade, moderated_grade."""
    r = assessments(section11, year)
    return r[r["lower"].map(lambda x: x is True).astype(bool)][["agency", "standard", "self_grade", "moderated_grade"]] \
        .reset_index(drop=True)


def attendance(att: pd.DataFrame, year: str, as_of: date | None = None) -> pd.DataFrame:
    """Organisations at the year's assurance event(s) (rows of section11_attendance.csv), on or before
    `as_of` when given (an event with no date is kept: it belongs to the year)."""
    a = att[att["year"] == year]
    if as_of is not None:
        # a boolean Series, not a list: an empty list would select no columns instead of no rows
        a = a[pd.Series([is_missing(d) or d <= as_of for d in a["event_date"]], index=a.index, dtype=bool)]
    return a.reset_index(drop=True)


def event_dates(att: pd.DataFrame) -> list[date]:
    """The distinct dates of the assurance events in attendance rows, oldest first (undated rows left out)."""
    return sorted({d for d in att["event_date"] if not is_missing(d)})


def _round_figures(r: pd.DataFrame, period: str, suffix: str, when: str, src: str, label_round: str) -> list[Figure]:
    has = len(r) > 0
    value = (lambda v: v if has else None)  # noqa: E731  no rows: a round not recorded or grades not published
    selfd, standd = distribution(r["self_grade"]), distribution(r["standing"])
    n_self, n_stand = sum(selfd.values()), sum(standd.values())
    moderated = sum(x is not None for x in r["lower"])
    lower = sum(x is True for x in r["lower"])
    figs = [
        Figure(f"section11.agencies{suffix}", f"Agencies with a Section 11 self-assessment {label_round}{when}",
               period, value(r["agency"].nunique()), "count", source=src),
        Figure(f"section11.assessments{suffix}", f"Standards self-graded by agencies {label_round}{when}",
               period, value(n_self), "count", source=src),
    ]
    for g in GRADES:
        figs.append(ratio(f"section11.self.{slug(g)}{suffix}", f"Share of agencies' own grades that are {g}, "
                                                              f"{label_round}{when}", period,
                          value(selfd[g]), value(n_self), src))
    for g in GRADES:
        figs.append(ratio(f"section11.grade.{slug(g)}{suffix}", f"Share of standards graded {g} after moderation "
                                                               f"(the moderated grade where given, else the agency's "
                                                               f"own), {label_round}{when}", period,
                          value(standd[g]), value(n_stand), src))
    figs += [
        Figure(f"section11.moderated{suffix}", f"Self-grades the partnership moderated, {label_round}{when}", period,
               value(moderated), "count", source=src),
        Figure(f"section11.moderated_lower{suffix}", f"Self-grades moderated lower than the agency's own grade "
                                                    f"(not available when none was moderated), {label_round}{when}",
               period, lower if moderated else None, "count", source=src),
        ratio(f"section11.moderated_lower_share{suffix}", f"Share of moderated self-grades moderated lower, "
                                                          f"{label_round}{when}", period, value(lower),
              value(moderated), src),
    ]
    return figs


def period_figures(s11: pd.DataFrame, att_rows: pd.DataFrame, src: str, src_att: str, year: str, period: str,
                   suffix: str = "", when: str = "", as_of: date | None = None, earlier: bool = True) -> list[Figure]:
    """Section 11 figures of one partnership for the round of `year` under `period`: attendance at the
    assurance event (by `as_of`), the distribution of own and standing grades, moderation, each agency's
    counts (section11.agency.<agency>.*), and the change in standing grades since the previous round, with
    Fisher's exact test. With `earlier`, the previous round's distribution is added under its own year."""
    att = attendance(att_rows, year, as_of)
    r = assessments(s11, year)
    label_round = f"in the {year} round"
    figs = [Figure(f"section11.attended{suffix}", f"Organisations that attended the Section 11 assurance event, "
                                                  f"{year}{when}", period, len(att) if len(att) else None, "count",
                   source=src_att)]
    figs += _round_figures(r, period, suffix, when, src, label_round)
    agencies = agency_table(s11, year)
    lowered_agencies = agencies[agencies["moderated_lower"] > 0]
    figs.append(Figure(f"section11.agencies_moderated_lower{suffix}",
                       f"Agencies with at least one self-grade moderated lower, {label_round}{when}", period,
                       len(lowered_agencies) if agencies["moderated"].sum() else None, "count", source=src))
    for _, a in agencies.iterrows():
        base = f"section11.agency.{slug(a['agency'])}"
        figs += [
            Figure(f"{base}.standards{suffix}", f"{a['agency']}: standards assessed, {label_round}{when}", period,
                   a["standards"], "count", source=src),
            Figure(f"{base}.self_graded{suffix}", f"{a['agency']}: standards self-graded, {label_round}{when}",
                   period, a["self_graded"], "count", source=src),
            Figure(f"{base}.moderated{suffix}", f"{a['agency']}: self-grades moderated, {label_round}{when}", period,
                   a["moderated"], "count", source=src),
            Figure(f"{base}.moderated_lower{suffix}",
                   f"{a['agency']}: self-grades moderated lower than its own, {label_round}{when}", period,
                   a["moderated_lower"], "count", source=src),
            *[Figure(f"{base}.grade.{slug(g)}{suffix}", f"{a['agency']}: standards graded {g} after moderation, "
                     f"{label_round}{when}", period, a[g], "count", source=src) for g in GRADES],
        ]
    prev = previous_round(s11, year)
    now = distribution(r["standing"])
    before = distribution(assessments(s11, prev)["standing"]) if prev else None
    n_now, n_before = sum(now.values()), sum(before.values()) if before else 0
    for g in GRADES:
        change = None
        if len(r) and before and n_now and n_before:
            change = now[g] * 100 / n_now - before[g] * 100 / n_before
        figs.append(Figure(f"section11.change_pp.{slug(g)}{suffix}",
                           f"Change in the share of standards graded {g} after moderation since the "
                           f"{prev or 'previous'} round{'' if prev else ' (none recorded)'}{when}", period, change,
                           "percentage_points", source=src))
    pvalue = None
    if len(r) and before and n_now and n_before:
        pvalue = stats.exact_independence([[before[g] for g in GRADES], [now[g] for g in GRADES]]).pvalue
    figs.append(Figure(f"section11.test.grade_mix{suffix}",
                       f"Fisher's exact test of independence: Section 11 grades after moderation, {year} against "
                       f"the {prev or 'previous'} round (p-value{'' if prev else '; no previous round'}){when}",
                       period, pvalue, "p_value", source=src))
    if earlier and prev:
        figs += _round_figures(assessments(s11, prev), prev, "", "", src, f"in the {prev} round")
    return figs


def _scopes(req) -> list[tuple]:
    """(partnership, report, year, period, suffix, when, as_of, earlier) of every request."""
    out = []
    for p, report, year, quarter in zip(req["partnership"], req["report"], req["year"], req["quarter"]):
        if quarter is None or pd.isna(quarter):
            out.append((p, report, year, year, "", "", None, True))
        else:
            out.append((p, report, year, report, ".ytd", ", year to date", periods.quarter_dates(year, quarter)[1],
                        False))
    return out


def _mine(tables, name: str) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    t = tables[name]
    if name == "section11":
        t = assessed(t)  # each row's standing grade and moderation, once for every report
    return {p: g for p, g in t.groupby("partnership", sort=False)}, t.iloc[0:0]


def figures(tables, req: pd.DataFrame) -> list[Block]:
    """Every Section 11 figure of every request, one report at a time (the round is the year's: every
    figure's span is the year)."""
    (s11, none), (att, no_att) = _mine(tables, "section11"), _mine(tables, "section11_attendance")
    out, blank = [], {}
    for p, report, year, period, suffix, when, as_of, earlier in _scopes(req):
        srcs = {"s11": f"{tables.label(p)}/section11.csv", "att": f"{tables.label(p)}/section11_attendance.csv"}
        if p in s11 or p in att:
            figs = period_figures(s11.get(p, none), att.get(p, no_att), srcs["s11"], srcs["att"], year, period,
                                  suffix, when, as_of, earlier)
        else:  # no rows in either table: empty tables' figures, worked out once per period (a region has many)
            key = (year, period, suffix, when, as_of, earlier)
            if key not in blank:
                blank[key] = period_figures(none, no_att, "s11", "att", year, period, suffix, when, as_of, earlier)
            figs = [dataclasses.replace(f, source=srcs[f.source]) for f in blank[key]]
        # the previous round's figures are of its own year
        out.append(from_figures([f for f in figs if f.period == period], p, report, year))
        prev = [f for f in figs if f.period != period]
        if prev:
            out.append(from_figures(prev, p, report, prev[0].period))
    return out


def details(tables, req: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """"section11.agencies": partnership, report, agency, base (its figure ids begin with it), in order of
    first appearance; "section11.lowered": partnership, report, agency, standard, self_grade,
    moderated_grade; "section11.attendance": partnership, report, organisation, event_date (by the
    quarter's end for a quarterly report)."""
    (s11, none), (att, no_att) = _mine(tables, "section11"), _mine(tables, "section11_attendance")
    agencies, low, came = [], [], []
    for p, report, year, _, _, _, as_of, _ in _scopes(req):
        a = agency_table(s11.get(p, none), year)
        agencies.append(pd.DataFrame({"partnership": p, "report": report, "agency": a["agency"],
                                      "base": ["section11.agency." + slug(x) for x in a["agency"]]}))
        low.append(lowered(s11.get(p, none), year).assign(partnership=p, report=report))
        came.append(attendance(att.get(p, no_att), year, as_of)[["organisation", "event_date"]]
                    .assign(partnership=p, report=report))
    first = ["partnership", "report"]
    join = lambda parts, cols: (pd.concat(parts, ignore_index=True)[first + cols] if parts  # noqa: E731
                                else pd.DataFrame(columns=first + cols))
    return {"section11.agencies": join(agencies, ["agency", "base"]),
            "section11.lowered": join(low, ["agency", "standard", "self_grade", "moderated_grade"]),
            "section11.attendance": join(came, ["organisation", "event_date"])}
