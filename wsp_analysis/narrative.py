"""Key messages in plain English, made from the figures register (never typed into a notebook).

One rule set: changes between percentages in percentage points, relative changes in
percent, counts with thousands separators, money with its direction in words.
"""
from __future__ import annotations

from . import budget as budget_calc
from . import formatting as fmt
from . import periods, stats
from .figures import Register, is_missing, slug


def headline_grade(scale) -> str:
    """The grade the messages lead with: "Good" where the scale has it, else the best grade."""
    return "Good" if "Good" in scale else scale[0]


def audits(reg: Register, ds, year: str) -> list[str]:
    scale = ds.partnership.grade_scale
    prev = periods.previous_year(year)
    g = headline_grade(scale)
    share = reg.get(f"audit.share.{slug(g)}", year)
    if share.missing:
        return [f"Audit grades for {year} are not available {fmt.NOT_AVAILABLE}."]
    n, k = share.denominator, share.numerator
    msg = f"{fmt.pct(share.value)} of multi-agency audits were graded {g.lower()} ({fmt.count(k)} of {fmt.count(n)})"
    change = reg.get(f"audit.change_pp.{slug(g)}", year)
    prev_share = reg.get(f"audit.share.{slug(g)}", prev) if (f"audit.share.{slug(g)}", prev) in reg else None
    out = []
    if change.missing or prev_share is None:
        out.append(msg + f"; there is no {prev} figure to compare with.")
    else:
        direction = fmt.up_down(change.value)
        if direction == "unchanged":
            msg += f", the same share as in {prev}."
        else:
            msg += f", {direction} {fmt.points(change.value)} from {fmt.pct(prev_share.value)} in {prev}."
        if prev_share.denominator is None:
            msg += (f" That year's counts are not published, so whether the "
                    f"{'fall' if change.value < 0 else 'rise' if change.value > 0 else 'difference'} is larger than "
                    "chance alone could produce cannot be tested.")
        out.append(msg)
    ci = stats.wilson_interval(k, n)
    if ci:
        out.append(f"With {fmt.count(n)} audits the share is uncertain: the 95% interval for the share graded "
                   f"{g.lower()} runs from {fmt.pct(ci[0])} to {fmt.pct(ci[1])}.")
    others = []
    for grade in scale:
        if grade == g:
            continue
        s = reg.get(f"audit.share.{slug(grade)}", year)
        c = reg.get(f"audit.change_pp.{slug(grade)}", year)
        part = f"{fmt.pct(s.value)} {grade.lower()} ({fmt.count(s.numerator)})"
        if not c.missing and c.value != 0:
            part += f", {fmt.up_down(c.value)} {fmt.points(c.value)}"
        others.append(part)
    out.append("Other grades: " + "; ".join(others) + f" (changes are against {prev}).")
    return out


def training(reg: Register, year: str) -> list[str]:
    prev = periods.previous_year(year)
    v = lambda id_, p=year: reg.get(id_, p) if (id_, p) in reg else None  # noqa: E731
    att, util = v("training.attendance_rate"), v("training.utilisation_rate")
    out = []
    if att is None or att.missing:
        out.append(f"Training attendance for {year} is not available {fmt.NOT_AVAILABLE}.")
    else:
        msg = f"{fmt.pct(att.value)} of training bookings were attended ({fmt.count(att.numerator)} of {fmt.count(att.denominator)})"
        if util is not None and not util.missing:
            msg += f", and {fmt.pct(util.value)} of the {fmt.count(util.denominator)} places offered were used"
        out.append(msg + ".")
    noshow, canc = v("training.no_show_rate"), v("training.cancellations")
    if noshow is not None and not noshow.missing:
        out.append(f"{fmt.count(noshow.numerator)} bookings ({fmt.pct(noshow.value)}) were not attended; a further "
                   f"{fmt.count(canc.value if canc else None)} were cancelled beforehand and are not counted as bookings.")
    for what, noun in (("events", "training events were scheduled"), ("elearning", "e-learning modules were taken")):
        ch = v(f"training.{what}_change_pct")
        cur = v("training.events" if what == "events" else "training.elearning_taken")
        if cur is None or cur.missing:
            continue
        msg = f"{fmt.count(cur.value)} {noun}"
        if ch is not None and not ch.missing:
            msg += f", {fmt.up_down(ch.value)} {fmt.percent(abs(ch.value))} from {fmt.count(ch.denominator)} in {prev}"
        out.append(msg + ".")
    for f in reg.find("training.course.", year):
        if f.id.endswith(".completion_rate") and not f.missing:
            course = f.label.split(" to ", 1)[1].rsplit(" who completed", 1)[0]
            inprog = v(f.id.replace("completion_rate", "in_progress"))
            out.append(f"{course} e-learning: {fmt.count(f.numerator)} of the {fmt.count(f.denominator)} who signed up "
                       f"completed it ({fmt.pct(f.value)})"
                       + (f"; {fmt.count(inprog.value)} were part way through at the year end." if inprog else "."))
    return out


def referrals(reg: Register, year: str) -> list[str]:
    prev = periods.previous_year(year)
    rec = reg.get("referrals.received", year)
    out = []
    if rec.missing:
        out.append(f"The number of serious-incident referrals in {year} is not available {fmt.NOT_AVAILABLE}.")
    else:
        msg = f"{fmt.count(rec.value)} serious-incident referral{'s were' if rec.value != 1 else ' was'} received"
        ch = reg.get("referrals.received_change", year)
        if not ch.missing:
            if ch.value == 0:
                msg += f", the same as in {prev}"
            else:
                msg += (f", {fmt.count(abs(ch.value))} {'more' if ch.value > 0 else 'fewer'} than the "
                        f"{fmt.count(ch.denominator)} in {prev}")
        rate = reg.get("referrals.rapid_review_rate", year)
        if not rate.missing:
            msg += (f"; {fmt.count(rate.numerator)} of the {fmt.count(rate.denominator)} ({fmt.pct(rate.value)}) met "
                    "the criteria for a rapid review")
        out.append(msg + ".")
        if rate.denominator is not None and rate.denominator < 30:
            out.append("These are small numbers: a change of one or two referrals moves the rate a long way.")
    others = [f for f in reg.find("referrals.", year)
              if f.id.count(".") == 2 and not any(q.id == f.id and q.period.startswith(f"{year}-Q")
                                                  for q in reg.find(f.id))]
    if others:
        out.append("Also in the year: " + "; ".join(f"{f.label.lower()}: {fmt.count(f.value)}" for f in others) + ".")
    quarters = [f for f in reg.find("referrals.", None) if f.period.startswith(f"{year}-Q")]
    for id_ in dict.fromkeys(f.id for f in quarters):
        qs = [f for f in quarters if f.id == id_]
        known = [f"{fmt.count(f.value)} in {f.period[-2:]}" for f in qs if not f.missing]
        unknown = [f.period[-2:] for f in qs if f.missing]
        msg = f"{qs[0].label}: " + (" and ".join(known) if known else "no quarter published")
        if unknown:
            msg += (f"; {' and '.join(unknown)} {'was' if len(unknown) == 1 else 'were'} not published, so the year's "
                    f"total is not available {fmt.NOT_AVAILABLE}")
        out.append(msg + ".")
    return out


def budget(reg: Register, ds, year: str) -> list[str]:
    prev = periods.previous_year(year)
    get = lambda id_: reg.get(id_, year)  # noqa: E731
    out = []
    var = get("budget.expenditure.variance")
    if var.missing:
        out.append(f"Spending against budget for {year} is not available {fmt.NOT_AVAILABLE}.")
    else:
        msg = f"Spending was {fmt.gbp(var.numerator)} against a budget of {fmt.gbp(var.denominator)}: "
        pct = get("budget.expenditure.variance_pct")
        pct_txt = f" ({fmt.percent(abs(pct.value))})" if not pct.missing else ""
        if var.value > 0:
            msg += f"{fmt.gbp(var.value)}{pct_txt} over budget (adverse)"
            lines = budget_calc.lines(ds.budget, year)
            worst = lines[lines["section"] == budget_calc.EXPENDITURE].sort_values("variance", ascending=False).iloc[0]
            if worst["variance"] > var.value / 2:
                note = "unbudgeted" if worst["budget"] == 0 else f"{fmt.gbp(worst['variance'])} over its budget"
                msg += f", mainly {worst['line']} ({fmt.gbp(worst['actual'])}, {note})"
        elif var.value < 0:
            msg += f"{fmt.gbp(-var.value)}{pct_txt} under budget (favourable)"
        else:
            msg += "exactly on budget"
        out.append(msg + ".")
    inc = get("budget.income.variance")
    if not inc.missing:
        words = ("more than planned (favourable)" if inc.value > 0 else
                 "less than planned (adverse)" if inc.value < 0 else "as planned")
        amount = f"{fmt.gbp(abs(inc.value))} " if inc.value else ""
        out.append(f"Income was {fmt.gbp(inc.numerator)} against {fmt.gbp(inc.denominator)} budgeted: {amount}{words}.")
    net, planned = get("budget.net_position"), get("budget.net_position_planned")
    if not net.missing:
        if net.value > 0:
            msg = f"Spending exceeded income by {fmt.gbp(net.value)}: a deficit"
        elif net.value < 0:
            msg = f"Income exceeded spending by {fmt.gbp(-net.value)}: a surplus"
        else:
            msg = "Spending equalled income"
        if not planned.missing and planned.value == 0:
            msg += ", against a balanced budget"
        out.append(msg + ".")
    res = get("budget.reserve.brought_forward")
    if not res.missing:
        out.append(f"The reserve brought forward from {prev} was {fmt.gbp(res.value)}.")
    tot = get("budget.contributions.total")
    if not tot.missing:
        out.append(f"Partners contributed {fmt.gbp(tot.value)} in all, the council's contribution included.")
    return out


def key_messages(reg: Register, ds, year: str) -> list[str]:
    """The first message of each section: what the executive reads first."""
    return [section[0] for section in (audits(reg, ds, year), training(reg, year), referrals(reg, year),
                                       budget(reg, ds, year)) if section]
