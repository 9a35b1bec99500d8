"""Budget: variance per line and in total, net position, partner contributions and reserves.

variance = actual - budget. For spending a positive variance is an overspend
(adverse); for income a positive variance is more income than planned
(favourable). net position = actual spending - actual income (positive is a deficit).
"""
from __future__ import annotations

import pandas as pd

from .figures import Figure, slug

EXPENDITURE, INCOME = "expenditure", "income"


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


def lines(budget: pd.DataFrame, year: str) -> pd.DataFrame:
    """Each line with variance, variance as a percent of budget, and the judgement in words."""
    out = _annual_rows(budget, year)
    out["variance"] = out["actual"] - out["budget"]
    out["variance_pct"] = (out["variance"] / out["budget"] * 100).where(out["budget"] != 0)
    out["judgement"] = [judgement(s, v) for s, v in zip(out["section"], out["variance"])]
    return out.reset_index(drop=True)


def totals(budget: pd.DataFrame, year: str, by: str = "section") -> pd.DataFrame:
    """Budget, actual and variance summed by section or by category."""
    ls = lines(budget, year)
    keys = ["section", "category"] if by == "category" else ["section"]
    grp = ls.groupby(keys, sort=False)
    out = pd.DataFrame({"budget": grp["budget"].agg(total), "actual": grp["actual"].agg(total)}).reset_index()
    out["variance"] = out["actual"] - out["budget"]
    out["variance_pct"] = (out["variance"] / out["budget"] * 100).where(out["budget"] != 0)
    out["judgement"] = [judgement(s, v) for s, v in zip(out["section"], out["variance"])]
    return out


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


def figures(ds, year: str) -> list[Figure]:
    src = ds.source("budget")
    figs: list[Figure] = []

    def trio(base: str, name: str, row) -> None:
        figs.append(Figure(f"{base}.budget", f"{name}: budget", year, row["budget"], "gbp", source=src))
        figs.append(Figure(f"{base}.actual", f"{name}: actual", year, row["actual"], "gbp", source=src))
        figs.append(Figure(f"{base}.variance", f"{name}: variance (actual - budget)", year, row["variance"], "gbp",
                           row["actual"], row["budget"], src))

    for _, r in totals(ds.budget, year).iterrows():
        name = "Spending" if r["section"] == EXPENDITURE else "Income"
        trio(f"budget.{r['section']}", name, r)
        figs.append(Figure(f"budget.{r['section']}.variance_pct", f"{name}: variance as a percent of budget", year,
                           r["variance_pct"], "percent", r["variance"], r["budget"], src))
    for _, r in totals(ds.budget, year, by="category").iterrows():
        if r["category"] in (EXPENDITURE, INCOME):
            continue  # same as the section total
        trio(f"budget.{slug(r['category'])}", r["category"].replace("_", " ").capitalize(), r)
    for _, r in lines(ds.budget, year).iterrows():
        trio(f"budget.line.{slug(r['line'])}", r["line"], r)
    net = net_position(ds.budget, year)
    figs.append(Figure("budget.net_position", "Net position: actual spending - actual income (positive is a deficit)",
                       year, net["actual"], "gbp", source=src))
    figs.append(Figure("budget.net_position_planned", "Planned net position: budgeted spending - budgeted income",
                       year, net["budget"], "gbp", source=src))
    csrc = ds.source("contributions")
    c = contributions(ds.contributions, year)
    figs.append(Figure("budget.contributions.total", "Partner contributions, all partners (council included)", year,
                       total(c["amount"]) if len(c) else None, "gbp", source=csrc))
    for _, r in c.iterrows():
        figs.append(Figure(f"budget.contributions.{slug(r['organisation'])}", f"Contribution: {r['organisation']}", year,
                           r["amount"], "gbp", source=csrc))
    res = ds.reserves[ds.reserves["year"] == year]["brought_forward"]
    figs.append(Figure("budget.reserve.brought_forward", "Reserve brought forward from the previous year", year,
                       res.iloc[0] if len(res) else None, "gbp", source=ds.source("reserves")))
    return figs
