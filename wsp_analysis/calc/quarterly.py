"""The quarterly report's figures: the quarter, the year to date, and (for training and referrals)
the same quarter of the previous year.

Ids follow the annual ones with period "2023-24-Q3"; year-to-date figures add ".ytd" to the id.
Each quarter audits a different theme, so audit changes between quarters are not applicable
([z] in the report) and no change figure is made for them.
"""
from __future__ import annotations

from wsp_analysis.calc import audits as audit_calc
from wsp_analysis.calc import budget as budget_calc
from wsp_analysis.data import periods
from wsp_analysis.calc import referrals as referral_calc
from wsp_analysis.calc import actions as actions_calc
from wsp_analysis.calc import section11 as section11_calc
from wsp_analysis.calc import training as training_calc
from wsp_analysis.calc.register import Figure, Register, is_missing, ratio, slug


def _audit_figures(ds, year: str, quarter: str) -> list[Figure]:
    src, scale = ds.source("audits"), ds.partnership.grade_scale
    period = periods.period_label(year, quarter)
    a = ds.audits[ds.audits["year"] == year]
    figs = []
    for suffix, quarters in (("", (quarter,)), (".ytd", periods.quarters_to(quarter))):
        rows = a[a["quarter"].isin(list(quarters))]
        d = audit_calc.grade_distribution(rows.assign(scope="x"), scale, by=["scope"])
        themes = ", ".join(dict.fromkeys(rows.sort_values("quarter")["theme"])) or "no audit recorded"
        what = f"({themes})" if not suffix else f"year to date ({themes})"
        total = d["total"].iloc[0] if len(d) else None
        figs.append(Figure(f"audit.graded{suffix}", f"Multi-agency audits graded {what}", period, total, "count",
                           source=src))
        for grade in scale:
            r = d[d["grade"] == grade]
            count = r["count"].iloc[0] if len(r) else None
            figs.append(ratio(f"audit.share.{slug(grade)}{suffix}", f"Share of audits graded {grade} {what}", period,
                              count, total, src))
    return figs


def _training_figures(ds, year: str, quarter: str) -> list[Figure]:
    src, t = ds.source("training"), ds.training
    prev = periods.previous_year(year)
    figs = []
    for period_year, suffix, quarters, label in (
        (year, "", (quarter,), ""),
        (year, ".ytd", periods.quarters_to(quarter), ", year to date"),
        (prev, "", (quarter,), ""),
    ):
        totals = training_calc.quarter_totals(t, period_year, quarters)
        if period_year == prev and totals.isna().all():
            continue  # nothing for the same quarter last year
        period = periods.period_label(period_year, quarter)
        for c in training_calc.COUNTS:
            figs.append(Figure(f"training.{c}{suffix}", training_calc.LABELS[c] + label, period, totals[c], "count",
                               source=src))
        for key, (num, den, name) in training_calc.RATES.items():
            figs.append(ratio(f"training.{key}{suffix}", name + label, period, totals[num], totals[den], src))
    return figs


def _referral_figures(ds, year: str, quarter: str) -> list[Figure]:
    src, r = ds.source("referrals"), ds.referrals
    prev = periods.previous_year(year)
    # routes reported by quarter in the data (anything given only for whole years would be all [x] here)
    by_quarter = r[r["quarter"].notna()]
    pairs = list(dict.fromkeys(zip(by_quarter["referral_type"], by_quarter["measure"])))
    figs = []
    for period_year, suffix, quarters in ((year, "", (quarter,)), (year, ".ytd", periods.quarters_to(quarter)),
                                          (prev, "", (quarter,))):
        period = periods.period_label(period_year, quarter)
        label = ", year to date" if suffix else ""
        if period_year == prev and not ((r["year"] == prev) & (r["quarter"] == quarter)).any():
            continue
        received = referral_calc.quarters_volume(r, period_year, quarters, referral_calc.SERIOUS, "received")
        rapid = referral_calc.quarters_volume(r, period_year, quarters, referral_calc.SERIOUS,
                                              "met_rapid_review_criteria")
        figs += [
            Figure(f"referrals.received{suffix}", "Serious-incident referrals to the partnership" + label, period,
                   received, "count", source=src),
            Figure(f"referrals.rapid_reviews{suffix}", "Referrals that met the criteria for a rapid review" + label,
                   period, rapid, "count", source=src),
            ratio(f"referrals.rapid_review_rate{suffix}",
                  "Share of serious-incident referrals that met rapid-review criteria" + label, period, rapid, received,
                  src),
        ]
        for rtype, measure in pairs:
            if rtype == referral_calc.SERIOUS and measure in ("received", "met_rapid_review_criteria"):
                continue
            figs.append(Figure(f"referrals.{rtype}.{measure}{suffix}", referral_calc.label(rtype, measure) + label,
                               period, referral_calc.quarters_volume(r, period_year, quarters, rtype, measure),
                               "count", source=src))
    return figs


def _budget_figures(ds, year: str, quarter: str) -> list[Figure]:
    src = ds.source("budget")
    period = periods.period_label(year, quarter)
    lines = budget_calc.to_date(ds.budget, year, quarter)
    annual = budget_calc.lines(ds.budget, year)
    figs = []
    net = {}
    for section, name in ((budget_calc.EXPENDITURE, "Spending"), (budget_calc.INCOME, "Income")):
        ls = lines[lines["section"] == section]
        b = budget_calc.total(ls["budget"]) if len(ls) else None
        a = budget_calc.total(ls["actual"]) if len(ls) else None
        f = budget_calc.total(ls["forecast"]) if len(ls) else None
        year_budget = annual[annual["section"] == section]["budget"]
        yb = budget_calc.total(year_budget) if len(year_budget) else None
        var = None if is_missing(a) or is_missing(b) else a - b
        net[section] = a
        figs += [
            Figure(f"budget.{section}.budget.ytd", f"{name}: budget profiled to date", period, b, "gbp", source=src),
            Figure(f"budget.{section}.actual.ytd", f"{name}: actual to date", period, a, "gbp", source=src),
            Figure(f"budget.{section}.variance.ytd", f"{name}: variance to date (actual - profiled budget)", period,
                   var, "gbp", a, b, src),
            Figure(f"budget.{section}.forecast", f"{name}: forecast outturn for the year", period, f, "gbp",
                   source=src),
            Figure(f"budget.{section}.forecast_variance", f"{name}: forecast outturn - the year's budget", period,
                   None if is_missing(f) or is_missing(yb) else f - yb,
                   "gbp", f, yb, src),
        ]
    spend, income = net.get(budget_calc.EXPENDITURE), net.get(budget_calc.INCOME)
    figs.append(Figure("budget.net_position.ytd", "Net position to date: spending - income (positive is a deficit)",
                       period, None if is_missing(spend) or is_missing(income) else spend - income, "gbp",
                       source=src))
    return figs


def figures(ds, year: str, quarter: str) -> Register:
    """Every figure the quarterly report for `quarter` of `year` states."""
    year, quarter = periods.parse_year(year), periods.parse_quarter(quarter)
    reg = Register()
    for part in (_audit_figures, _training_figures, _referral_figures, _budget_figures,
                 actions_calc.quarter_figures, section11_calc.quarter_figures):
        reg.extend(part(ds, year, quarter))
    return reg
