"""Messages about the budget: spending and income against budget (adverse or favourable in words, RAG by the
partnership's own thresholds), lines over and under budget, the net position, the reserve and partners'
contributions."""
from __future__ import annotations

from wsp_analysis.calc.register import Register
from wsp_analysis.data import periods
from wsp_analysis import format as fmt
from wsp_analysis.report.messages.common import get, known, money_against_budget, no_data, position, sentence, \
    variance_percent

EXPENDITURE, INCOME = "expenditure", "income"  # the sections of budget.csv, as the budget.lines detail names them


def budget_lines(reg: Register, year: str) -> list[dict]:
    """Each budget line and section total of the year, in the order the data gives them: the words of the
    "budget.lines" detail (section, category, line, base, judgement, rag, note, is_total) with the line's
    budget, actual, variance (pounds) and variance_pct (percent of budget; None for a zero budget) from the
    register. Empty when the register has no budget lines."""
    out = []
    for r in reg.detail("budget.lines").to_dict("records"):
        for k in ("budget", "actual", "variance", "variance_pct"):
            f = get(reg, f"{r['base']}.{k}", year)
            r[k] = None if f is None else f.value
        for k in ("judgement", "rag", "note"):
            r[k] = r[k] if isinstance(r[k], str) and r[k] else None
        out.append(r)
    return out


def _line_list(rows: list[dict], what) -> str:
    return "; ".join(what(r) for r in rows)


def _spending(reg: Register, year: str, lines: list[dict]) -> list[str]:
    th = reg.partnership.budget_thresholds
    var = get(reg, "budget.expenditure.variance", year)
    if not known(var):
        return [f"Spending against budget for {year} is not available {fmt.NOT_AVAILABLE}."]
    spend = [r for r in lines if r["section"] == EXPENDITURE and not r["is_total"]]
    total = next((r for r in lines if r["section"] == EXPENDITURE and r["is_total"]), None)
    msg = f"Spending was {fmt.gbp(var.numerator)} against a budget of {fmt.gbp(var.denominator)}: "
    pct = get(reg, "budget.expenditure.variance_pct", year)
    pct_txt = f" ({variance_percent(pct.value)})" if known(pct) else ""
    if var.value > 0:
        rag = total["rag"] if total and total["rag"] else None
        msg += f"{fmt.gbp(var.value)}{pct_txt} over budget (adverse" + (f", rated {rag})" if rag else ")")
        known_lines = [r for r in spend if r["variance"] is not None]
        if known_lines:
            worst = max(known_lines, key=lambda r: r["variance"])
            if worst["variance"] > var.value / 2:
                note = "unbudgeted spend" if worst["budget"] == 0 else money_against_budget(worst["variance"])
                msg += f", mainly {worst['line']} ({fmt.gbp(worst['actual'])}, {note})"
    elif var.value < 0:
        msg += f"{fmt.gbp(-var.value)}{pct_txt} under budget (favourable)"
    else:
        msg += "exactly on budget"
    out = [msg + "."]
    parts = []
    unb = [r for r in spend if r["note"] == "unbudgeted spend"]
    if unb:
        parts.append("unbudgeted spend (no budget, so no percent): " + _line_list(
            unb, lambda r: f"{r['line']}, {fmt.gbp(r['actual'])}"))
    over = [r for r in spend if r["note"] == "overspend"]
    if over:
        parts.append("over budget: " + _line_list(
            over, lambda r: f"{r['line']}, {fmt.gbp(r['variance'])} ({variance_percent(r['variance_pct'])}; "
                            f"{r['rag']})"))
    under = [r for r in spend if r["note"] == "underspend"]
    if under:
        parts.append(f"underspends (more than {th.underspend:g}% under budget): " + _line_list(
            under, lambda r: f"{r['line']}, {fmt.gbp(-r['variance'])} ({variance_percent(r['variance_pct'])})"))
    if parts:
        out.append(" ".join(sentence(p) + "." for p in parts))
    return out


def _income(reg: Register, year: str, lines: list[dict]) -> list[str]:
    inc = get(reg, "budget.income.variance", year)
    if not known(inc):
        return []
    words = ("more than planned (favourable)" if inc.value > 0 else
             "less than planned (adverse)" if inc.value < 0 else "as planned")
    ipct = get(reg, "budget.income.variance_pct", year)
    amount = (f"{fmt.gbp(abs(inc.value))}" + (f" ({variance_percent(ipct.value)})" if known(ipct) else "") + " "
              if inc.value else "")
    msg = f"Income was {fmt.gbp(inc.numerator)} against {fmt.gbp(inc.denominator)} budgeted: {amount}{words}"
    unb = get(reg, "budget.unbudgeted_income", year)
    if known(unb) and unb.value:
        rows = [r for r in lines if r["section"] == INCOME and r["note"] == "unbudgeted income"]
        msg += (f", including {fmt.gbp(unb.value)} of unbudgeted income ("
                + _line_list(rows, lambda r: f"{r['line']} {fmt.gbp(r['actual'])}") + ")")
    return [msg + "."]


def _position(reg: Register, year: str) -> list[str]:
    out = []
    prev = periods.previous_year(year)
    net, planned = get(reg, "budget.net_position", year), get(reg, "budget.net_position_planned", year)
    if known(net):
        if net.value > 0:
            msg = f"Spending exceeded income, leaving {position(net.value)}"
        elif net.value < 0:
            msg = f"Income exceeded spending, leaving {position(net.value)}"
        else:
            msg = "Spending equalled income"
        if known(planned) and planned.value == 0:
            msg += " against a balanced budget"
        out.append(msg + ".")
    res, after = get(reg, "budget.reserve.brought_forward", year), get(reg, "budget.reserve.after_year", year)
    if known(res):
        msg = f"The reserve brought forward from {prev} was {fmt.gbp(res.value)}"
        if known(after) and known(net) and net.value != 0:
            kind = "deficit is met from" if net.value > 0 else "surplus is added to"
            msg += (f"; if the {kind} reserves (an assumption: the accounts do not say), "
                    f"{fmt.gbp(after.value)} remains at the year end")
        out.append(msg + ".")
    return out


def _contributions(reg: Register, year: str) -> list[str]:
    tot = get(reg, "budget.contributions.total", year)
    if not known(tot):
        return []
    msg = f"Partners contributed {fmt.gbp(tot.value)} in all, the council's contribution included"
    share = get(reg, "budget.contributions.share_of_income", year)
    if known(share):
        msg += f": {fmt.pct(share.value)} of the year's income of {fmt.gbp(share.denominator)}"
    shares = [f for f in reg.find("budget.contributions.", year)
              if f.id.endswith(".share_of_income") and f.id != "budget.contributions.share_of_income" and not f.missing]
    if shares:
        top = max(shares, key=lambda f: f.value)
        name = top.label.removeprefix("Contribution of ").removesuffix(" as a share of the year's income")
        msg += f". The largest was from {name}: {fmt.gbp(top.numerator)} ({fmt.pct(top.value)} of income)"
    return [msg + "."]


def budget(reg: Register, year: str) -> list[str]:
    """The annual budget messages: spending against budget (the line that explains most of an overspend),
    lines with unbudgeted spend, overspends and underspends, income, the net position, the reserve and
    contributions (the local RAG thresholds are a note under the budget table). One sentence when the year
    has no budget data."""
    if not reg.has_data("budget", year):
        return [no_data("budget", year)]
    lines = budget_lines(reg, year)
    # the RAG thresholds are stated once, under the budget table whose RAG column they explain
    return _spending(reg, year, lines) + _income(reg, year, lines) + _position(reg, year) + _contributions(reg, year)
