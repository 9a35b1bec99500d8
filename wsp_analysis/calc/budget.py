"""Budget: variance per line and in total, net position, partner contributions and reserves.

variance = actual - budget. For spending a positive variance is an overspend
(adverse); for income a positive variance is more income than planned
(favourable). net position = actual spending - actual income (positive is a deficit).

Judgement (Thresholds, from partnership.yaml's optional budget_thresholds; local choices):
- variance_pct = variance / budget x 100; a line with a zero budget has none (shown [z]), and
  spending on it is "unbudgeted spend" (income on it "unbudgeted income").
- RAG on adverse variances by size: green up to and including 2% of budget, amber up to and
  including 5%, red beyond; adverse spending with no budget is red (it is beyond any percentage of
  nothing). Favourable variances and lines on budget are green.
- A favourable spending variance beyond 5% is named an underspend; favourable income beyond 5%
  is "income above budget".
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from wsp_analysis.calc.register import Figure, ratio, slug

EXPENDITURE, INCOME = "expenditure", "income"
GREEN, AMBER, RED = "green", "amber", "red"
NOT_APPLICABLE = "[z]"  # variance percent of a zero budget


@dataclass(frozen=True)
class Thresholds:
    """RAG thresholds in percent of budget: adverse variances up to and including `green` are green,
    up to and including `amber` amber, beyond red; favourable spending variances beyond `underspend`
    are named underspends. These are local choices (partnership.yaml: budget_thresholds)."""

    green: float = 2.0
    amber: float = 5.0
    underspend: float = 5.0

    KEYS = ("green", "amber", "underspend")

    def describe(self) -> str:
        n = lambda v: f"{v:g}%"  # noqa: E731
        return (f"adverse variances up to and including {n(self.green)} of budget are green, up to and including "
                f"{n(self.amber)} amber and beyond {n(self.amber)} red; a favourable spending variance beyond "
                f"{n(self.underspend)} is an underspend")


DEFAULT_THRESHOLDS = Thresholds()


def total(s: pd.Series):
    return s.sum() if s.notna().all() else pd.NA  # one missing line makes the total unknown


def judgement(section: str, variance) -> str | None:
    """"adverse", "favourable" or "on budget" for a variance in this section; None when missing."""
    if variance is None or pd.isna(variance):
        return None
    if variance == 0:
        return "on budget"
    worse = variance > 0 if section == EXPENDITURE else variance < 0
    return "adverse" if worse else "favourable"


def _annual_rows(budget: pd.DataFrame, year: str) -> pd.DataFrame:
    """The year's outturn per line: its whole-year row, else the sum of all four quarter rows
    (missing when a quarter is absent or blank; a partial sum is never passed off as the year's)."""
    rows = budget[budget["year"] == year]
    quarter = rows["quarter"] if "quarter" in rows else pd.Series(pd.NA, index=rows.index)
    whole = rows[quarter.isna()]
    by_q = rows[quarter.notna()]
    keys = ["section", "category", "line"]
    summed = []
    for key, grp in by_q.groupby(keys, sort=False):
        if key in set(map(tuple, whole[keys].itertuples(index=False))):
            continue
        complete = set(grp["quarter"]) == {"Q1", "Q2", "Q3", "Q4"}
        summed.append(dict(zip(keys, key), budget=total(grp["budget"]) if complete else pd.NA,
                           actual=total(grp["actual"]) if complete else pd.NA))
    out = pd.concat([whole[[*keys, "budget", "actual"]], pd.DataFrame(summed, columns=[*keys, "budget", "actual"])],
                    ignore_index=True)
    return out.astype({"budget": "Float64", "actual": "Float64"})


def to_date(budget: pd.DataFrame, year: str, quarter: str) -> pd.DataFrame:
    """Each line's budget profiled to date, actual to date (Q1 to `quarter`), and the forecast
    outturn given at `quarter`, from the quarter rows. Missing where a quarter row is absent."""
    quarters = ["Q1", "Q2", "Q3", "Q4"][: ["Q1", "Q2", "Q3", "Q4"].index(quarter) + 1]
    rows = budget[(budget["year"] == year) & budget.get("quarter", pd.Series(pd.NA, index=budget.index)).notna()]
    out = []
    for key, grp in rows.groupby(["section", "category", "line"], sort=False):
        upto = grp[grp["quarter"].isin(quarters)]
        complete = set(upto["quarter"]) == set(quarters)
        at_q = grp[grp["quarter"] == quarter]
        forecast = at_q["forecast"].iloc[0] if "forecast" in grp and len(at_q) else pd.NA
        out.append(dict(zip(("section", "category", "line"), key),
                        budget=total(upto["budget"]) if complete else pd.NA,
                        actual=total(upto["actual"]) if complete else pd.NA,
                        forecast=forecast))
    frame = pd.DataFrame(out, columns=["section", "category", "line", "budget", "actual", "forecast"])
    frame = frame.astype({"budget": "Float64", "actual": "Float64", "forecast": "Float64"})
    frame["variance"] = frame["actual"] - frame["budget"]
    frame["judgement"] = [judgement(s, v) for s, v in zip(frame["section"], frame["variance"])]
    return frame


def rag(section: str, budget, variance, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> str | None:
    """"green", "amber" or "red" for a variance (None when budget or variance is missing).

    Adverse variances are rated by their size as a percent of budget (thresholds inclusive);
    adverse with a zero budget is red; favourable or on budget is green."""
    words = judgement(section, variance)
    if words is None or budget is None or pd.isna(budget):
        return None
    if words != "adverse":
        return GREEN
    if budget == 0:
        return RED
    pct = abs(variance / budget * 100)
    return GREEN if pct <= thresholds.green else AMBER if pct <= thresholds.amber else RED


def note(section: str, budget, actual, variance, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> str | None:
    """What the line is, in words: "unbudgeted spend", "unbudgeted income", "overspend", "underspend",
    "income below budget", "income above budget"; None when on budget, within the underspend
    threshold, or not known."""
    words = judgement(section, variance)
    if words is None or pd.isna(budget) or pd.isna(actual):
        return None
    spending = section == EXPENDITURE
    if budget == 0 and actual != 0:
        return "unbudgeted spend" if spending else "unbudgeted income"
    if words == "adverse":
        return "overspend" if spending else "income below budget"
    if words == "favourable" and abs(variance / budget * 100) > thresholds.underspend:
        return "underspend" if spending else "income above budget"
    return None


def _judge(out: pd.DataFrame, thresholds: Thresholds) -> pd.DataFrame:
    out["variance"] = out["actual"] - out["budget"]
    out["variance_pct"] = (out["variance"] / out["budget"] * 100).where(out["budget"] != 0)
    words = lambda values: pd.Series(list(values), index=out.index, dtype=object)  # noqa: E731 (None stays None)
    out["judgement"] = words(judgement(s, v) for s, v in zip(out["section"], out["variance"]))
    out["unbudgeted"] = [bool(not pd.isna(b) and not pd.isna(a) and b == 0 and a != 0)
                         for b, a in zip(out["budget"], out["actual"])]
    out["rag"] = words(rag(s, b, v, thresholds) for s, b, v in zip(out["section"], out["budget"], out["variance"]))
    out["note"] = words(note(s, b, a, v, thresholds)
                        for s, b, a, v in zip(out["section"], out["budget"], out["actual"], out["variance"]))
    return out


def lines(budget: pd.DataFrame, year: str, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> pd.DataFrame:
    """Each line with variance, variance as a percent of budget (<NA> for a zero budget), the judgement
    in words (adverse / favourable / on budget), whether it is unbudgeted, its RAG status and a note
    ("unbudgeted spend", "underspend", ...)."""
    return _judge(_annual_rows(budget, year), thresholds).reset_index(drop=True)


def totals(budget: pd.DataFrame, year: str, by: str = "section",
           thresholds: Thresholds = DEFAULT_THRESHOLDS) -> pd.DataFrame:
    """Budget, actual and variance summed by section or by category, judged as lines() judges a line."""
    ls = lines(budget, year, thresholds)
    keys = ["section", "category"] if by == "category" else ["section"]
    grp = ls.groupby(keys, sort=False)
    out = pd.DataFrame({"budget": grp["budget"].agg(total), "actual": grp["actual"].agg(total)}).reset_index()
    return _judge(out, thresholds)


def judgement_table(budget: pd.DataFrame, year: str, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> pd.DataFrame:
    """Every line, then each section's total, ready to display: columns section, line, budget, actual,
    variance, variance_pct (a number, "[z]" where the budget is 0, <NA> where not available),
    judgement, rag, note, is_total."""
    ls = lines(budget, year, thresholds)
    ts = totals(budget, year, thresholds=thresholds)
    ts["line"] = ["Total spending" if s == EXPENDITURE else "Total income" for s in ts["section"]]
    rows = []
    for section in (EXPENDITURE, INCOME):
        rows.append(ls[ls["section"] == section].assign(is_total=False))
        rows.append(ts[ts["section"] == section].assign(is_total=True))
    out = pd.concat(rows, ignore_index=True)
    pct = out["variance_pct"].astype(object)
    out["variance_pct"] = pd.Series([NOT_APPLICABLE if u else (pd.NA if pd.isna(p) else float(p))
                                     for u, p in zip(out["unbudgeted"], pct)], index=out.index, dtype=object)
    return out[["section", "line", "budget", "actual", "variance", "variance_pct", "judgement", "rag", "note",
                "is_total"]]


def unbudgeted(budget: pd.DataFrame, year: str, section: str = EXPENDITURE):
    """Actual on this section's lines with a zero budget (Walsall 2023-24 spending: Agency & Consultants,
    £301,521); None when a line's budget or actual is not available."""
    ls = lines(budget, year)
    ls = ls[ls["section"] == section]
    if ls["budget"].isna().any() or ls["actual"].isna().any():
        return None
    return float(ls[ls["budget"] == 0]["actual"].sum())


def reserve_after_year(brought_forward, net_position):
    """Reserve at the year end if the net position is met from reserves: brought forward - net position
    (a deficit reduces it, a surplus adds to it). None when either is missing. An assumption: the
    accounts may meet a deficit otherwise."""
    if brought_forward is None or net_position is None or pd.isna(brought_forward) or pd.isna(net_position):
        return None
    return float(brought_forward) - float(net_position)


def net_position(budget: pd.DataFrame, year: str) -> dict[str, float | None]:
    """Spending minus income, as planned ("budget") and as happened ("actual"); positive is a deficit."""
    t = totals(budget, year).set_index("section")
    out = {}
    for col in ("budget", "actual"):
        spend = t[col].get(EXPENDITURE, pd.NA)
        income = t[col].get(INCOME, pd.NA)
        out[col] = None if pd.isna(spend) or pd.isna(income) else float(spend - income)
    return out


def contributions(contrib: pd.DataFrame, year: str) -> pd.DataFrame:
    """Each organisation's contribution and its share of the total."""
    out = contrib[contrib["year"] == year][["organisation", "amount"]].copy()
    all_ = total(out["amount"])
    out["share"] = out["amount"] / all_ if not pd.isna(all_) and all_ else pd.NA
    return out.reset_index(drop=True)


def contribution_shares(contrib: pd.DataFrame, budget: pd.DataFrame, year: str) -> pd.DataFrame:
    """Each organisation's contribution, its share of all contributions and its share of the year's
    actual income (all income lines). Columns: organisation, amount, share, share_of_income."""
    out = contributions(contrib, year)
    income = totals(budget, year).set_index("section")["actual"].get(INCOME, pd.NA)
    out["share_of_income"] = (out["amount"] / income) if not pd.isna(income) and income else pd.NA
    return out


def thresholds_of(ds) -> Thresholds:
    return getattr(ds.partnership, "budget_thresholds", None) or DEFAULT_THRESHOLDS


def figures(ds, year: str) -> list[Figure]:
    src = ds.source("budget")
    figs: list[Figure] = []
    th = thresholds_of(ds)

    def trio(base: str, name: str, row) -> None:
        figs.append(Figure(f"{base}.budget", f"{name}: budget", year, row["budget"], "gbp", source=src))
        figs.append(Figure(f"{base}.actual", f"{name}: actual", year, row["actual"], "gbp", source=src))
        figs.append(Figure(f"{base}.variance", f"{name}: variance (actual - budget)", year, row["variance"], "gbp",
                           row["actual"], row["budget"], src))

    by_section = totals(ds.budget, year, thresholds=th).set_index("section")
    for section, name in ((EXPENDITURE, "Spending"), (INCOME, "Income")):
        # both sections always have figures: with no budget rows for the year they are missing ([x]), not absent
        r = by_section.loc[section] if section in by_section.index else pd.Series(
            {"budget": None, "actual": None, "variance": None, "variance_pct": None})
        trio(f"budget.{section}", name, r)
        figs.append(Figure(f"budget.{section}.variance_pct", f"{name}: variance as a percent of budget", year,
                           r["variance_pct"], "percent", r["variance"], r["budget"], src))
    for _, r in totals(ds.budget, year, by="category").iterrows():
        if r["category"] in (EXPENDITURE, INCOME):
            continue  # same as the section total
        trio(f"budget.{slug(r['category'])}", r["category"].replace("_", " ").capitalize(), r)
    for _, r in lines(ds.budget, year, th).iterrows():
        trio(f"budget.line.{slug(r['line'])}", r["line"], r)
        zero = not pd.isna(r["budget"]) and r["budget"] == 0
        figs.append(Figure(f"budget.line.{slug(r['line'])}.variance_pct",
                           f"{r['line']}: variance as a percent of budget"
                           + (" (not applicable: the line has no budget)" if zero else ""), year,
                           r["variance_pct"], "percent", r["variance"], r["budget"], src))
    for section, what in ((EXPENDITURE, "spend"), (INCOME, "income")):
        figs.append(Figure(f"budget.unbudgeted_{what}", f"Unbudgeted {what}: actual on {section} lines with a zero "
                           "budget", year, unbudgeted(ds.budget, year, section), "gbp", source=src))
    net = net_position(ds.budget, year)
    figs.append(Figure("budget.net_position", "Net position: actual spending - actual income (positive is a deficit)",
                       year, net["actual"], "gbp", source=src))
    figs.append(Figure("budget.net_position_planned", "Planned net position: budgeted spending - budgeted income",
                       year, net["budget"], "gbp", source=src))
    csrc = ds.source("contributions")
    c = contribution_shares(ds.contributions, ds.budget, year)
    income = totals(ds.budget, year).set_index("section")["actual"].get(INCOME, pd.NA)
    all_ = total(c["amount"]) if len(c) else None
    figs.append(Figure("budget.contributions.total", "Partner contributions, all partners (council included)", year,
                       all_, "gbp", source=csrc))
    both = f"{csrc}; {src}"
    figs.append(ratio("budget.contributions.share_of_income", "Partner contributions as a share of the year's income",
                      year, all_, income, both, interval=False))
    for _, r in c.iterrows():
        figs.append(Figure(f"budget.contributions.{slug(r['organisation'])}", f"Contribution: {r['organisation']}", year,
                           r["amount"], "gbp", source=csrc))
        figs.append(ratio(f"budget.contributions.{slug(r['organisation'])}.share_of_income",
                          f"Contribution of {r['organisation']} as a share of the year's income", year, r["amount"],
                          income, both, interval=False))
    rsrc = ds.source("reserves")
    res = ds.reserves[ds.reserves["year"] == year]["brought_forward"]
    bf = res.iloc[0] if len(res) else None
    figs.append(Figure("budget.reserve.brought_forward", "Reserve brought forward from the previous year", year,
                       bf, "gbp", source=rsrc))
    figs.append(Figure("budget.reserve.after_year",
                       "Reserve at the year end assuming the deficit is met from reserves (a surplus added to them): "
                       "brought forward - net position", year, reserve_after_year(bf, net["actual"]), "gbp",
                       source=f"{rsrc}; {src}"))
    return figs
