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

Figures (calc.spans for the periods): an annual report states each line, category and section's budget,
actual and variance (and variance as a percent of budget), unbudgeted spend and income, the net position
(actual and planned), partner contributions (in total, each, each as a share of all contributions and of
the year's income) and the reserve (brought forward, and after the year if the net position is met from
it). A quarterly report states spending and income to date against the budget profiled to date, the
forecast outturn against the year's budget, and the net position to date. Sums follow calc.spans: a
line's year is its whole-year row or all four quarters; a total is missing when any line in it is.
Source: budget.csv, contributions.csv, reserves.csv.
"""
from __future__ import annotations


import numpy as np
import pandas as pd

from wsp_analysis.calc.rows import Block, annual_and_quarterly, num, ratio, rows, slugs
from wsp_analysis.calc.spans import THIS, YTD, spans, sum_over_spans
from wsp_analysis.data.config import DEFAULT_THRESHOLDS, Thresholds  # noqa: F401 (the rules' thresholds)


EXPENDITURE, INCOME = "expenditure", "income"
GREEN, AMBER, RED = "green", "amber", "red"
NOT_APPLICABLE = "[z]"  # variance percent of a zero budget




def judgement(section: str, variance) -> str | None:
    """"adverse", "favourable" or "on budget" for a variance in this section; None when missing."""
    if variance is None or pd.isna(variance):
        return None
    if variance == 0:
        return "on budget"
    worse = variance > 0 if section == EXPENDITURE else variance < 0
    return "adverse" if worse else "favourable"


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



TABLES = ("budget", "contributions", "reserves")
KEYS = ["section", "category", "line"]
SECTION_NAMES = {EXPENDITURE: "Spending", INCOME: "Income"}


def _judged(out: pd.DataFrame) -> pd.DataFrame:
    out["variance"] = out["actual"] - out["budget"]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["variance_pct"] = np.where(out["budget"] != 0, out["variance"] / out["budget"] * 100, np.nan)
    return out


def lines(tables, sp: pd.DataFrame, quarter_rows_only: bool = False) -> pd.DataFrame:
    """Each budget line of each span (spans() rows): budget, actual (sums over the span, calc.spans
    rules), variance (actual - budget, £) and variance_pct (% of budget; NaN for a zero budget). The lines
    of a span are those its year has rows for (`quarter_rows_only`: those with quarter rows)."""
    b = tables["budget"]
    held = b[b["quarter"].notna()] if quarter_rows_only else b
    targets = sp.merge(held[["partnership", "year", *KEYS]].drop_duplicates(), on=["partnership", "year"])
    return _judged(sum_over_spans(b, KEYS, ["budget", "actual"], targets))


def sum_or_missing(frame: pd.DataFrame, keys: list[str], columns=("budget", "actual")) -> pd.DataFrame:
    """Columns summed per group of `keys`: missing when any value in the group is (a total is never made
    of some lines only); with variance and variance_pct."""
    g = frame.groupby(keys, sort=False)
    out = pd.DataFrame({c: g[c].sum().where(g[c].count() == g.size()) for c in columns}).reset_index()
    return _judged(out) if {"budget", "actual"} <= set(columns) else out


def _qualified(frame: pd.DataFrame, column: str) -> pd.Series:
    """The id fragment of each category or line: its name's slug, and, where the same name is used in both
    spending and income in a report, its section before it ("income.other"), so that no id is used twice."""
    names = pd.Series(slugs(frame[column]), index=frame.index, dtype=object)
    both = frame.assign(_n=names).groupby(["partnership", "report", "_n"])["section"].transform("nunique") > 1
    return names.where(~both, frame["section"] + "." + names)


def _trio(frame, base, name, src) -> list[Block]:
    return [rows(frame, base + ".budget", name + ": budget", frame["period"], frame["budget"], "gbp", source=src),
            rows(frame, base + ".actual", name + ": actual", frame["period"], frame["actual"], "gbp", source=src),
            rows(frame, base + ".variance", name + ": variance (actual - budget)", frame["period"], frame["variance"],
                 "gbp", frame["actual"], frame["budget"], src)]


def _section_totals(this: pd.DataFrame, ls: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Each section's totals for every span of `this` (a row per span even without lines: missing)."""
    by = sum_or_missing(ls, ["partnership", "report", "section"])
    return {s: this.merge(by[by["section"] == s].drop(columns="section"), on=["partnership", "report"], how="left")
            for s in (EXPENDITURE, INCOME)}


def _annual(tables, req: pd.DataFrame) -> list[Block]:
    this = spans(req, (THIS,), quarterly=False)
    ls = lines(tables, this)
    src = tables.source(this["partnership"], "budget")
    out = []
    sections = _section_totals(this, ls)
    for section, name in SECTION_NAMES.items():
        s = sections[section]
        out += _trio(s, f"budget.{section}", name, src)
        out.append(rows(s, f"budget.{section}.variance_pct", f"{name}: variance as a percent of budget", s["period"],
                        s["variance_pct"], "percent", s["variance"], s["budget"], src))
    cats = sum_or_missing(ls, ["partnership", "report", "span", "period", "section", "category"])
    cats = cats[~cats["category"].isin([EXPENDITURE, INCOME])]  # the same as the section total
    if len(cats):
        names = pd.Series([c.replace("_", " ").capitalize() for c in cats["category"]], index=cats.index)
        out += _trio(cats, "budget." + _qualified(cats, "category"), names, tables.source(cats["partnership"],
                                                                                          "budget"))
    if len(ls):
        base = "budget.line." + _qualified(ls, "line")
        lsrc = tables.source(ls["partnership"], "budget")
        out += _trio(ls, base, ls["line"], lsrc)
        zero = np.where(ls["budget"] == 0, " (not applicable: the line has no budget)", "")
        out.append(rows(ls, base + ".variance_pct", ls["line"] + ": variance as a percent of budget" + zero,
                        ls["period"], ls["variance_pct"], "percent", ls["variance"], ls["budget"], lsrc))
    for section, what in ((EXPENDITURE, "spend"), (INCOME, "income")):
        sec = ls[ls["section"] == section]
        keys = [sec["partnership"], sec["report"]]
        unknown = (sec["budget"].isna() | sec["actual"].isna()).groupby(keys).any()
        spent = sec["actual"].where(sec["budget"] == 0, 0.0).groupby(keys).sum().where(~unknown)
        # no lines in the section: not available (a sum over nothing is not 0)
        value = pd.Series(list(zip(this["partnership"], this["report"]))).map(spent).to_numpy(dtype=float)
        out.append(rows(this, f"budget.unbudgeted_{what}", f"Unbudgeted {what}: actual on {section} lines with a "
                        "zero budget", this["period"], value, "gbp", source=src))
    spend, income = sections[EXPENDITURE], sections[INCOME]
    net_actual = num(spend["actual"]) - num(income["actual"])
    out.append(rows(this, "budget.net_position", "Net position: actual spending - actual income (positive is a "
                    "deficit)", this["period"], net_actual, "gbp", source=src))
    out.append(rows(this, "budget.net_position_planned", "Planned net position: budgeted spending - budgeted income",
                    this["period"], num(spend["budget"]) - num(income["budget"]), "gbp", source=src))
    out += _contributions(tables, this, num(income["actual"]))
    res = tables["reserves"].drop_duplicates(["partnership", "year"], keep="first")
    r = this.merge(res, on=["partnership", "year"], how="left")
    bf = num(r["brought_forward"])
    rsrc = tables.source(r["partnership"], "reserves")
    out.append(rows(r, "budget.reserve.brought_forward", "Reserve brought forward from the previous year",
                    r["period"], bf, "gbp", source=rsrc))
    out.append(rows(r, "budget.reserve.after_year", "Reserve at the year end assuming the deficit is met from "
                    "reserves (a surplus added to them): brought forward - net position", r["period"],
                    bf - net_actual, "gbp", source=rsrc + "; " + tables.source(r["partnership"], "budget")))
    return out


def _contributions(tables, this: pd.DataFrame, income: np.ndarray) -> list[Block]:
    c = this.reset_index(drop=True).reset_index().merge(tables["contributions"], on=["partnership", "year"])
    csrc = tables.source(this["partnership"], "contributions")
    g = c.groupby("index")["amount"]
    all_ = g.sum().where(g.count() == g.size()).reindex(range(len(this))).to_numpy(dtype=float)
    both = csrc + "; " + tables.source(this["partnership"], "budget")
    out = [rows(this, "budget.contributions.total", "Partner contributions, all partners (council included)",
                this["period"], all_, "gbp", source=csrc),
           ratio(this, "budget.contributions.share_of_income", "Partner contributions as a share of the year's "
                 "income", this["period"], all_, income, both, interval=False)]
    if len(c):
        org = "budget.contributions." + pd.Series(slugs(c["organisation"]), index=c.index)
        cc = tables.source(c["partnership"], "contributions")
        idx = c["index"].to_numpy()
        out.append(rows(c, org, "Contribution: " + c["organisation"], c["period"], c["amount"], "gbp", source=cc))
        out.append(ratio(c, org + ".share", "Contribution of " + c["organisation"] + " as a share of all partners' "
                         "contributions", c["period"], c["amount"], all_[idx], cc, interval=False))
        out.append(ratio(c, org + ".share_of_income", "Contribution of " + c["organisation"] + " as a share of the "
                         "year's income", c["period"], c["amount"], income[idx],
                         cc + "; " + tables.source(c["partnership"], "budget"), interval=False))
    return out


def _quarterly(tables, req: pd.DataFrame) -> list[Block]:
    ytd = spans(req, (YTD,), quarterly=True)
    # a quarterly report's figures are of the year to date, under the quarter's period
    ls = lines(tables, ytd, quarter_rows_only=True)
    # each line's forecast outturn as given at the quarter's end
    b = tables["budget"]
    ls["quarter"] = pd.Series([qs[-1] for qs in ls["quarters"]], index=ls.index, dtype=object)
    ls = ls.merge(b[["partnership", "year", "quarter", *KEYS, "forecast"]], on=["partnership", "year", "quarter",
                                                                                 *KEYS], how="left")
    ls["forecast"] = num(ls["forecast"])
    q = ytd.assign(quarter=pd.Series([qs[-1] for qs in ytd["quarters"]], index=ytd.index, dtype=object))
    year = lines(tables, q.assign(quarters=None, span=q["year"]))
    src = tables.source(q["partnership"], "budget")
    out, net = [], {}
    for section, name in SECTION_NAMES.items():
        sec = ls[ls["section"] == section]
        tot = q.merge(sum_or_missing(sec, ["partnership", "report"], ("budget", "actual", "forecast")),
                      on=["partnership", "report"], how="left")
        yb = sum_or_missing(year[year["section"] == section], ["partnership", "report"], ("budget",))
        yb = q.merge(yb[["partnership", "report", "budget"]], on=["partnership", "report"], how="left")["budget"]
        net[section] = num(tot["actual"])
        out += [
            rows(tot, f"budget.{section}.budget.ytd", f"{name}: budget profiled to date", tot["period"], tot["budget"],
                 "gbp", source=src),
            rows(tot, f"budget.{section}.actual.ytd", f"{name}: actual to date", tot["period"], tot["actual"], "gbp",
                 source=src),
            rows(tot, f"budget.{section}.variance.ytd", f"{name}: variance to date (actual - profiled budget)",
                 tot["period"], tot["variance"], "gbp", tot["actual"], tot["budget"], src),
            rows(tot, f"budget.{section}.forecast", f"{name}: forecast outturn for the year", tot["period"],
                 tot["forecast"], "gbp", source=src),
            rows(tot, f"budget.{section}.forecast_variance", f"{name}: forecast outturn - the year's budget",
                 tot["period"], num(tot["forecast"]) - num(yb), "gbp", tot["forecast"], yb, src),
        ]
    out.append(rows(q, "budget.net_position.ytd", "Net position to date: spending - income (positive is a deficit)",
                    q["period"], net[EXPENDITURE] - net[INCOME], "gbp", source=src))
    return out


def figures(tables, req: pd.DataFrame) -> list[Block]:
    """Every budget figure of every request (see the module's docstring)."""
    return annual_and_quarterly(tables, req, _annual, _quarterly)


def details(tables, req: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """"budget.lines": for an annual report, every line and then each section's total, in words beside
    the figures: partnership, report, section, category, line, base (the figures' id without .budget,
    .actual, .variance), judgement (adverse / favourable / on budget), rag, note (unbudgeted spend,
    overspend, ...), is_total. The thresholds are the partnership's (partnership.yaml)."""
    this = spans(req, (THIS,), quarterly=False)
    cols = ["partnership", "report", "section", "category", "line", "base", "judgement", "rag", "note", "is_total"]
    if this.empty:
        return {"budget.lines": pd.DataFrame(columns=cols)}
    ls = lines(tables, this).assign(is_total=False)
    ls["base"] = "budget.line." + _qualified(ls, "line")
    totals = sum_or_missing(ls, ["partnership", "report", "section"]).assign(category="", is_total=True)
    totals["line"] = ["Total spending" if s == EXPENDITURE else "Total income" for s in totals["section"]]
    totals["base"] = "budget." + totals["section"]
    parts = []
    for section in (EXPENDITURE, INCOME):
        parts += [ls[ls["section"] == section], totals[totals["section"] == section]]
    out = pd.concat(parts, ignore_index=True).sort_values(["partnership", "report"], kind="stable")
    th = {p: getattr(tables.config(p), "budget_thresholds", None) or DEFAULT_THRESHOLDS for p in tables.partnerships}
    words = lambda values: pd.Series(list(values), index=out.index, dtype=object)  # noqa: E731 (None stays None)
    out["judgement"] = words(judgement(s, v) for s, v in zip(out["section"], out["variance"]))
    out["rag"] = words(rag(s, b, v, th[p]) for p, s, b, v in zip(out["partnership"], out["section"], out["budget"],
                                                                 out["variance"]))
    out["note"] = words(note(s, b, a, v, th[p]) for p, s, b, a, v in zip(out["partnership"], out["section"],
                                                                         out["budget"], out["actual"], out["variance"]))
    return {"budget.lines": out[cols].reset_index(drop=True)}
