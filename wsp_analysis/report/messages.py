"""Key messages in plain English, made from the figures register (never typed into a notebook).

One rule set, applied by the small functions at the top of this module and by nothing else:

- A change between two percentages is in percentage points ("down 15 percentage points"); a
  relative change is in percent ("up 177% from 52"); the two are never mixed.
- Counts have thousands separators ("1,617"). In prose, whole numbers under ten are words
  ("five referrals", "down three percentage points"), and a sentence never starts with a digit;
  inside a "(4 of 20)" count the numbers stay digits. Percents ("8%") and pounds stay digits.
- Money is whole pounds with its direction in words: "£192,908 over budget", "a deficit of
  £116,671"; adverse or favourable is said, not left to a sign. A variance percent under 10%
  keeps one decimal, so that 2.4% (amber) never reads as "2%" beside a 2% threshold.
- A change is called significant only when its test gives p < 0.05; otherwise the words say it is
  within what chance alone could produce at this sample size. A change that cannot be tested
  (counts not published) says so and why.
- A figure that is not available is said to be not available ([x]), never 0.
"""
from __future__ import annotations

from wsp_analysis.calc import audits as audit_calc
from wsp_analysis.calc import budget as budget_calc
from wsp_analysis.report import format as fmt
from wsp_analysis.data import periods
from wsp_analysis.calc import stats
from wsp_analysis.calc.register import Figure, Register, is_missing, slug

# --- the rule set ---------------------------------------------------------------------------------

WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def number(v) -> str:
    """A count in prose: words under ten ("seven"), digits with separators from ten ("1,617")."""
    if is_missing(v):
        return fmt.NOT_AVAILABLE
    if float(v).is_integer() and 0 <= v < 10:
        return WORDS[int(v)]
    return fmt.count(v)


def of(k, n) -> str:
    """A count inside brackets, always digits: "(4 of 20)"."""
    return f"({fmt.count(k)} of {fmt.count(n)})"


def plural(n, one: str, many: str) -> str:
    return one if n == 1 else many


def sentence(text: str) -> str:
    """Capitalise the first letter (a sentence never starts with a lower-case word or a digit under ten)."""
    return text[:1].upper() + text[1:] if text else text


def points(change) -> str:
    """Size of a change in percentage points, without sign, words under ten: "three percentage points"."""
    if is_missing(change):
        return fmt.NOT_AVAILABLE
    size = float(fmt.number(abs(float(change)), 0).replace(",", ""))
    return f"{number(size)} percentage {plural(size, 'point', 'points')}"


def change_in_points(change, previous_share=None, previous_year: str | None = None) -> str:
    """"up three percentage points from 35% in 2022-23", "unchanged at 35% ..."; percents of shares (0-1)."""
    direction = fmt.up_down(change)
    if direction == "unchanged" or (not is_missing(change) and fmt.number(abs(change), 0) == "0"):
        text = "unchanged"
        if previous_share is not None:
            text += f" from {fmt.pct(previous_share)}"
    else:
        text = f"{direction} {points(change)}"
        if previous_share is not None:
            text += f" from {fmt.pct(previous_share)}"
    return text + (f" in {previous_year}" if previous_year else "")


def relative_change(pct_change) -> str:
    """A relative change in percent: "up 177%", "down 12%", "unchanged"."""
    direction = fmt.up_down(pct_change)
    return direction if direction in ("unchanged", fmt.NOT_AVAILABLE) else f"{direction} {fmt.percent(abs(pct_change))}"


def money_against_budget(variance, section: str = budget_calc.EXPENDITURE) -> str:
    """"£192,908 over budget" (spending) / "£76,237 more than planned" (income) / "on budget"."""
    if is_missing(variance):
        return fmt.NOT_AVAILABLE
    if variance == 0:
        return "on budget"
    if section == budget_calc.EXPENDITURE:
        return f"{fmt.gbp(abs(variance))} {'over' if variance > 0 else 'under'} budget"
    return f"{fmt.gbp(abs(variance))} {'more' if variance > 0 else 'less'} than planned"


def position(net) -> str:
    """Net position (spending - income) in words: "a deficit of £116,671", "a surplus of £5,000"."""
    if is_missing(net):
        return f"a net position that is not available {fmt.NOT_AVAILABLE}"
    if net > 0:
        return f"a deficit of {fmt.gbp(net)}"
    if net < 0:
        return f"a surplus of {fmt.gbp(-net)}"
    return "neither a deficit nor a surplus"


def variance_percent(pct) -> str:
    """A budget variance as a percent of budget, without sign: "51%", "2.4%" (one decimal under 10%)."""
    if is_missing(pct):
        return fmt.NOT_AVAILABLE
    size = abs(float(pct))
    return fmt.percent(size, 1 if float(fmt.number(size, 1).replace(",", "")) < 10 else 0)


def listing(items: list[str]) -> str:
    """"a", "a and b", "a, b and c"."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1] if items else ""


def p_value(p) -> str:
    """"p = 0.27", "p = 0.004", "p < 0.001"; never rounds a p below 0.05 up to "0.05"."""
    if p < 0.001:
        return "p < 0.001"
    text = f"{p:.2f}" if p >= 0.1 else f"{p:.3f}"
    if p < stats.ALPHA and float(text) >= stats.ALPHA:
        return "p < 0.05"
    return f"p = {text}"


def verdict(p, test: str) -> str:
    """Whether a change is larger than chance alone would be likely to produce, in words, naming the test.
    Significant only when p < 0.05."""
    if stats.significant(p):
        return f"larger than chance alone would be likely to produce ({test}, {p_value(p)})"
    return f"within what chance alone could produce at this sample size ({test}, {p_value(p)})"


def interval(fig: Figure) -> str:
    """"from 8% to 42%" for a figure's Wilson interval."""
    low, high = fig.interval
    return f"from {fmt.pct(low)} to {fmt.pct(high)}"


def _get(reg: Register, id_: str, period: str) -> Figure | None:
    return reg.get(id_, period) if (id_, period) in reg else None


def _known(fig: Figure | None) -> bool:
    return fig is not None and not fig.missing


# --- audits ---------------------------------------------------------------------------------------

def headline_grade(scale, chosen: str = "") -> str:
    """The grade the messages lead with: `chosen` (partnership.yaml's headline_grade) when given, else
    "Good" where the scale has it, else the best grade."""
    from wsp_analysis.data.config import default_headline_grade

    return chosen or default_headline_grade(scale)


def _mean_position(reg: Register, scale, year: str) -> float | None:
    shares = [_get(reg, f"audit.share.{slug(g)}", year) for g in scale]
    if not all(_known(s) for s in shares):
        return None
    return sum(i * s.value for i, s in enumerate(shares))


def audits(reg: Register, ds, year: str) -> list[str]:
    scale = ds.partnership.grade_scale
    prev = periods.previous_year(year)
    g = headline_grade(scale, ds.partnership.headline_grade)
    share = reg.get(f"audit.share.{slug(g)}", year)
    if share.missing:
        return [f"Audit grades for {year} are not available {fmt.NOT_AVAILABLE}."]
    n, k = share.denominator, share.numerator
    msg = f"{fmt.pct(share.value)} of multi-agency audits were graded {g.lower()} {of(k, n)}"
    change = reg.get(f"audit.change_pp.{slug(g)}", year)
    prev_share = _get(reg, f"audit.share.{slug(g)}", prev)
    mix = _get(reg, "audit.test.grade_mix", year)
    out = []
    if change.missing or prev_share is None:
        out.append(msg + f"; there is no {prev} figure to compare with.")
    else:
        msg += ", " + (change_in_points(change.value, prev_share.value, prev)
                       if fmt.up_down(change.value) != "unchanged" else f"the same share as in {prev}") + "."
        word = "fall" if change.value < 0 else "rise" if change.value > 0 else "difference"
        if prev_share.denominator is None:
            msg += (f" That year's counts are not published, so whether the {word} is larger than chance alone could "
                    "produce cannot be tested.")
        elif _known(mix):
            msg += f" The change in the mix of grades is {verdict(mix.value, 'Fisher' + chr(39) + 's exact test')}."
        out.append(msg)
    if share.interval:
        msg = (f"With {number(n)} audits the share is uncertain: the 95% interval for the share graded {g.lower()} "
               f"runs {interval(share)}.")
        if prev_share is not None and prev_share.interval:
            msg += f" In {prev} it ran {interval(prev_share)} {of(prev_share.numerator, prev_share.denominator)}."
        elif prev_share is not None and not prev_share.missing:
            msg += f" The {prev} share was published without its counts, so it has no interval."
        out.append(msg)
    trend = _get(reg, "audit.test.grade_trend", year)
    if trend is not None:
        counted = list(audit_calc.year_counts(ds.audits, scale).index)
        counted = [y for y in counted if y <= year]
        if trend.missing:
            out.append(f"Whether grades have moved steadily in one direction over the years cannot be tested: a "
                       f"trend test needs counts for at least three years, and {number(len(counted))} "
                       f"{plural(len(counted), 'year has', 'years have')} published counts.")
        else:
            span = f"the {number(len(counted))} years with counts ({counted[0]} to {counted[-1]})"
            first, last = _mean_position(reg, scale, counted[0]), _mean_position(reg, scale, counted[-1])
            if stats.significant(trend.value) and first is not None and last is not None and first != last:
                way = "better" if last < first else "worse"
                out.append(f"Across {span}, grades have moved towards {way} ones by more than chance alone would be "
                           f"likely to produce (linear-by-linear trend test, {p_value(trend.value)}).")
            else:
                out.append(f"Across {span}, any steady drift in grades is within what chance alone could produce at "
                           f"this sample size (linear-by-linear trend test, {p_value(trend.value)}).")
    others = []
    for grade in scale:
        if grade == g:
            continue
        s = reg.get(f"audit.share.{slug(grade)}", year)
        c = reg.get(f"audit.change_pp.{slug(grade)}", year)
        part = f"{fmt.pct(s.value)} {grade.lower()} {of(s.numerator, s.denominator)}"
        if not c.missing and fmt.up_down(c.value) != "unchanged":
            part += f", {change_in_points(c.value)}"
        others.append(part)
    out.append("Other grades: " + "; ".join(others) + f" (changes are against {prev}).")
    return out


# --- training -------------------------------------------------------------------------------------

def _rate_change(reg: Register, year: str, key: str, name: str) -> str | None:
    prev = periods.previous_year(year)
    ch, test = _get(reg, f"training.change_pp.{key}", year), _get(reg, f"training.test.{key}", year)
    before = _get(reg, f"training.{key}", prev)
    if ch is None:
        return None
    if ch.missing:
        return f"The {name} for {prev} is not available {fmt.NOT_AVAILABLE}, so no change can be tested."
    text = f"The {name} was {change_in_points(ch.value, before.value, prev)} {of(before.numerator, before.denominator)}"
    if _known(test):
        text += f", a change {verdict(test.value, 'two-proportion z-test')}"
    return text + "."


def impact(reg: Register, year: str) -> list[str]:
    """Training impact from evaluation forms, or one sentence saying it is not available."""
    total = _get(reg, "impact.delegates", year)
    if total is None:
        return []
    if total.missing:
        return [f"Training impact for {year} is not available {fmt.NOT_AVAILABLE}: the data holds no evaluation forms "
                "(self-rated knowledge before, at the end of and eight weeks after a course), so the change in "
                "self-rated knowledge cannot be reported."]
    out = []
    paired, change, improved = (_get(reg, f"impact.{k}", year) for k in ("paired", "change_mean", "improved"))
    if _known(change):
        direction = "rose" if change.value > 0 else "fell" if change.value < 0 else "did not change"
        size = f" by {abs(change.value):.2f} points" if change.value else ""
        msg = (f"Delegates' self-rated knowledge (on a scale of one to five) {direction}{size} on average by the end "
               f"of their course, among the {number(paired.value)} who rated it before and after")
        if _known(improved):
            msg += f"; {fmt.pct(improved.value)} rated it higher {of(improved.numerator, improved.denominator)}"
        out.append(sentence(msg) + ".")
    tests = [f for f in reg.find("impact.course.", year) if f.id.endswith(".test")]
    known = [f for f in tests if not f.missing]
    if known:
        rose = [f for f in known if stats.significant(f.value)
                and _known(_get(reg, f.id.replace(".test", ".change_mean"), year))
                and reg.value(f.id.replace(".test", ".change_mean"), year) > 0]
        chance = [f for f in known if not stats.significant(f.value)]
        course = lambda f: f.label.rsplit(", ", 1)[1].replace(" (p-value)", "")  # noqa: E731
        msg = (f"The rise was larger than chance alone would be likely to produce for {number(len(rose))} of the "
               f"{number(len(tests))} courses evaluated (Wilcoxon signed-rank test, p < 0.05)")
        if chance:
            msg += "; for " + "; ".join(f"{course(f)} the change is within what chance alone could produce at this "
                                        f"sample size ({p_value(f.value)})" for f in chance)
        out.append(msg + ".")
    rate, fu = _get(reg, "impact.follow_up_rate", year), _get(reg, "impact.follow_up_change_mean", year)
    if _known(rate):
        msg = (f"{fmt.pct(rate.value)} of delegates returned the eight-week follow-up evaluation "
               f"{of(rate.numerator, rate.denominator)}")
        if _known(fu):
            word = "above" if fu.value > 0 else "below" if fu.value < 0 else "level with"
            msg += (f"; their self-rated knowledge was then {abs(fu.value):.2f} points {word} its pre-course rating "
                    "on average" if fu.value else "; their self-rated knowledge was then level with its pre-course "
                                                 "rating on average")
        if rate.value < 0.5:
            msg += ". Fewer than half replied, so those who did may not speak for the rest"
        out.append(msg + ".")
    return out


def training(reg: Register, year: str) -> list[str]:
    prev = periods.previous_year(year)
    v = lambda id_, p=year: _get(reg, id_, p)  # noqa: E731
    att, util = v("training.attendance_rate"), v("training.utilisation_rate")
    out = []
    if att is None or att.missing:
        out.append(f"Training attendance for {year} is not available {fmt.NOT_AVAILABLE}.")
    else:
        msg = f"{fmt.pct(att.value)} of training bookings were attended {of(att.numerator, att.denominator)}"
        if util is not None and not util.missing:
            msg += f", and {fmt.pct(util.value)} of the {fmt.count(util.denominator)} places offered were used"
        out.append(msg + ".")
        text = _rate_change(reg, year, "attendance_rate", "attendance rate")  # no-shows are its mirror image
        if text:
            out.append(text)
    noshow, canc = v("training.no_show_rate"), v("training.cancellations")
    if noshow is not None and not noshow.missing:
        cancelled = canc.value if canc else None
        out.append(sentence(f"{number(noshow.numerator)} {plural(noshow.numerator, 'booking', 'bookings')} "
                            f"({fmt.pct(noshow.value)}) {plural(noshow.numerator, 'was', 'were')} not attended; a "
                            f"further {number(cancelled)} {plural(cancelled, 'was', 'were')} cancelled beforehand and "
                            "are not counted as bookings."))
    for what, noun in (("events", "training events were scheduled"), ("elearning", "e-learning modules were taken")):
        ch = v(f"training.{what}_change_pct")
        cur = v("training.events" if what == "events" else "training.elearning_taken")
        if cur is None or cur.missing:
            continue
        msg = f"{number(cur.value)} {noun}"
        if ch is not None and not ch.missing:
            msg += f", {relative_change(ch.value)} from {number(ch.denominator)} in {prev}"
        out.append(sentence(msg) + ".")
    for f in reg.find("training.course.", year):
        if f.id.endswith(".completion_rate") and not f.missing:
            course = f.label.split(" to ", 1)[1].rsplit(" who completed", 1)[0]
            inprog = v(f.id.replace("completion_rate", "in_progress"))
            out.append(f"{course} e-learning: {number(f.numerator)} of the {number(f.denominator)} who signed up "
                       f"completed it ({fmt.pct(f.value)})"
                       + (f"; {number(inprog.value)} {plural(inprog.value, 'was', 'were')} part way through at the "
                          "year end." if inprog and not inprog.missing else "."))
    return out


# --- referrals ------------------------------------------------------------------------------------

def referrals(reg: Register, year: str) -> list[str]:
    prev = periods.previous_year(year)
    rec = reg.get("referrals.received", year)
    out = []
    if rec.missing:
        out.append(f"The number of serious-incident referrals in {year} is not available {fmt.NOT_AVAILABLE}.")
    else:
        msg = (f"{number(rec.value)} serious-incident {plural(rec.value, 'referral was', 'referrals were')} "
               "received")
        ch = reg.get("referrals.received_change", year)
        if not ch.missing:
            if ch.value == 0:
                msg += f", the same as in {prev}"
            else:
                msg += (f", {number(abs(ch.value))} {'more' if ch.value > 0 else 'fewer'} than the "
                        f"{number(ch.denominator)} in {prev}")
        rate = reg.get("referrals.rapid_review_rate", year)
        if not rate.missing:
            msg += (f"; {number(rate.numerator)} of the {number(rate.denominator)} ({fmt.pct(rate.value)}) met "
                    "the criteria for a rapid review")
        out.append(sentence(msg) + ".")
        if rate.denominator is not None and rate.denominator < 30:
            msg = "These are small numbers: a change of one or two referrals moves the rate a long way"
            if rate.interval:
                msg += f" (the 95% interval for the {fmt.pct(rate.value)} runs {interval(rate)})"
            out.append(msg + ".")
    others = [f for f in reg.find("referrals.", year)
              if f.id.count(".") == 2 and not any(q.id == f.id and q.period.startswith(f"{year}-Q")
                                                  for q in reg.find(f.id))]
    if others:
        out.append("Also in the year: " + "; ".join(f"{f.label.lower()}: {number(f.value)}" for f in others) + ".")
    quarters = [f for f in reg.find("referrals.", None) if f.period.startswith(f"{year}-Q")]
    for id_ in dict.fromkeys(f.id for f in quarters):
        qs = [f for f in quarters if f.id == id_]
        known = [f"{number(f.value)} in {f.period[-2:]}" for f in qs if not f.missing]
        unknown = [f.period[-2:] for f in qs if f.missing]
        msg = f"{qs[0].label}: " + (listing(known) if known else "no quarter published")
        if unknown:
            msg += (f"; {' and '.join(unknown)} {'was' if len(unknown) == 1 else 'were'} not published, so the year's "
                    f"total is not available {fmt.NOT_AVAILABLE}")
        out.append(msg + ".")
    return out


# --- budget ---------------------------------------------------------------------------------------

def _line_list(rows, what) -> str:
    return "; ".join(what(r) for _, r in rows.iterrows())


def budget(reg: Register, ds, year: str) -> list[str]:
    prev = periods.previous_year(year)
    get = lambda id_: reg.get(id_, year)  # noqa: E731
    th = budget_calc.thresholds_of(ds)
    lines = budget_calc.lines(ds.budget, year, th)
    spend = lines[lines["section"] == budget_calc.EXPENDITURE]
    totals = budget_calc.totals(ds.budget, year, thresholds=th).set_index("section")
    out = []
    var = get("budget.expenditure.variance")
    if var.missing:
        out.append(f"Spending against budget for {year} is not available {fmt.NOT_AVAILABLE}.")
    else:
        msg = f"Spending was {fmt.gbp(var.numerator)} against a budget of {fmt.gbp(var.denominator)}: "
        pct = get("budget.expenditure.variance_pct")
        pct_txt = f" ({variance_percent(pct.value)})" if not pct.missing else ""
        rag = totals.loc[budget_calc.EXPENDITURE, "rag"] if budget_calc.EXPENDITURE in totals.index else None
        if var.value > 0:
            msg += f"{fmt.gbp(var.value)}{pct_txt} over budget (adverse, rated {rag})"
            worst = spend.sort_values("variance", ascending=False).iloc[0]
            if worst["variance"] > var.value / 2:
                note = "unbudgeted spend" if worst["budget"] == 0 else money_against_budget(worst["variance"])
                msg += f", mainly {worst['line']} ({fmt.gbp(worst['actual'])}, {note})"
        elif var.value < 0:
            msg += f"{fmt.gbp(-var.value)}{pct_txt} under budget (favourable)"
        else:
            msg += "exactly on budget"
        out.append(msg + ".")
        parts = []
        unb = spend[spend["note"] == "unbudgeted spend"]
        if len(unb):
            parts.append("unbudgeted spend (no budget, so no percent): " + _line_list(
                unb, lambda r: f"{r['line']}, {fmt.gbp(r['actual'])}"))
        over = spend[spend["note"] == "overspend"]
        if len(over):
            parts.append("over budget: " + _line_list(
                over, lambda r: f"{r['line']}, {fmt.gbp(r['variance'])} ({variance_percent(r['variance_pct'])}; "
                                f"{r['rag']})"))
        under = spend[spend["note"] == "underspend"]
        if len(under):
            parts.append(f"underspends (more than {th.underspend:g}% under budget): " + _line_list(
                under, lambda r: f"{r['line']}, {fmt.gbp(-r['variance'])} ({variance_percent(r['variance_pct'])})"))
        if parts:
            out.append(" ".join(sentence(p) + "." for p in parts))
    inc = get("budget.income.variance")
    if not inc.missing:
        words = ("more than planned (favourable)" if inc.value > 0 else
                 "less than planned (adverse)" if inc.value < 0 else "as planned")
        ipct = get("budget.income.variance_pct")
        amount = f"{fmt.gbp(abs(inc.value))}" + (f" ({variance_percent(ipct.value)})" if not ipct.missing else "") \
            + " " if inc.value else ""
        msg = f"Income was {fmt.gbp(inc.numerator)} against {fmt.gbp(inc.denominator)} budgeted: {amount}{words}"
        unb_income = get("budget.unbudgeted_income") if ("budget.unbudgeted_income", year) in reg else None
        if _known(unb_income) and unb_income.value:
            rows = lines[(lines["section"] == budget_calc.INCOME) & (lines["note"] == "unbudgeted income")]
            msg += (f", including {fmt.gbp(unb_income.value)} of unbudgeted income ("
                    + _line_list(rows, lambda r: f"{r['line']} {fmt.gbp(r['actual'])}") + ")")
        out.append(msg + ".")
    net, planned = get("budget.net_position"), get("budget.net_position_planned")
    if not net.missing:
        if net.value > 0:
            msg = f"Spending exceeded income, leaving {position(net.value)}"
        elif net.value < 0:
            msg = f"Income exceeded spending, leaving {position(net.value)}"
        else:
            msg = "Spending equalled income"
        if not planned.missing and planned.value == 0:
            msg += " against a balanced budget"
        out.append(msg + ".")
    res = get("budget.reserve.brought_forward")
    after = reg.get("budget.reserve.after_year", year) if ("budget.reserve.after_year", year) in reg else None
    if not res.missing:
        msg = f"The reserve brought forward from {prev} was {fmt.gbp(res.value)}"
        if _known(after) and not net.missing and net.value != 0:
            kind = "deficit is met from" if net.value > 0 else "surplus is added to"
            msg += (f"; if the {kind} reserves (an assumption: the accounts do not say), "
                    f"{fmt.gbp(after.value)} remains at the year end")
        out.append(msg + ".")
    tot = get("budget.contributions.total")
    if not tot.missing:
        msg = f"Partners contributed {fmt.gbp(tot.value)} in all, the council's contribution included"
        share = _get(reg, "budget.contributions.share_of_income", year)
        if _known(share):
            msg += f": {fmt.pct(share.value)} of the year's income of {fmt.gbp(share.denominator)}"
        shares = [f for f in reg.find("budget.contributions.", year)
                  if f.id.endswith(".share_of_income") and f.id != "budget.contributions.share_of_income"
                  and not f.missing]
        if shares:
            top = max(shares, key=lambda f: f.value)
            name = top.label.removeprefix("Contribution of ").removesuffix(" as a share of the year's income")
            msg += f". The largest was from {name}: {fmt.gbp(top.numerator)} ({fmt.pct(top.value)} of income)"
        out.append(msg + ".")
    if not var.missing:
        out.append(f"RAG ratings use thresholds this partnership chose locally: {th.describe()}.")
    return out


def key_messages(reg: Register, ds, year: str) -> list[str]:
    """The first message of each section: what the executive reads first."""
    return [section[0] for section in (audits(reg, ds, year), training(reg, year), referrals(reg, year),
                                       budget(reg, ds, year)) if section]


# --- assurance: actions from audits and reviews ----------------------------------------------------

def _status_parts(completed, ongoing, not_stated) -> str:
    """"five completed, two ongoing and three whose status is not stated"; "all three completed"."""
    total = sum(v for v in (completed, ongoing, not_stated))
    for v, words in ((completed, "completed"), (ongoing, "ongoing")):
        if v == total:
            return f"{'both' if total == 2 else 'all ' + number(total)} {words}" if total > 1 else words
    if not_stated == total:
        return "no status stated" + ("" if total == 1 else " for either" if total == 2 else " for any of them")
    parts = [f"{number(v)} {w}" for v, w in ((completed, "completed"), (ongoing, "ongoing")) if v]
    if not_stated:
        parts.append(f"{number(not_stated)} whose status is not stated")
    return listing(parts)


def _action_groups(reg: Register, period: str, suffix: str, kind: str = "by_source") -> list[tuple[str, str]]:
    """(id prefix, name) of each group of actions in the register, in order."""
    out = []
    for f in reg.find(f"actions.{kind}.", period):
        if f.id.endswith(".raised" + suffix) and f.id.count(".") == 3 + (1 if suffix else 0):
            name = f.label.removesuffix(", year to date").removeprefix("Actions raised by ")
            out.append((f.id.removesuffix(".raised" + suffix), name))
    return out


def actions_period(reg: Register, period: str, as_of, suffix: str = "", when: str = "") -> list[str]:
    """Messages for one period's actions: how many and their status, the completed share with its
    interval, overdue at `as_of` (a date), reviews that report their actions only as a whole, and each
    source's progress. `when` says the period in words ("in 2023-24")."""
    from wsp_analysis.calc.actions import date_words

    g = lambda id_: _get(reg, id_ + suffix, period)  # noqa: E731
    raised = g("actions.raised")
    if raised is None:
        return []
    out = []
    at = date_words(as_of)
    if raised.missing:
        out.append(f"The number of actions from audits and reviews {when} is not available {fmt.NOT_AVAILABLE}.")
    elif raised.value == 0:
        out.append(f"No actions from audits or reviews are recorded {when}.")
    else:
        c, o, n = (g(f"actions.{s}").value for s in ("completed", "ongoing", "not_stated"))
        out.append(f"Audits and reviews raised {number(raised.value)} {plural(raised.value, 'action', 'actions')} "
                   f"{when}: {_status_parts(c, o, n)}.")
        share = g("actions.completed_share")
        if _known(share):
            stated = share.denominator
            who = (f"of the {number(stated)} with a stated status" if n else
                   "of them" if stated > 1 else "")
            msg = (f"{fmt.pct(share.value)} {who} {plural(c, 'is', 'are')} completed {of(c, stated)}" if c else
                   f"None {who} is completed yet {of(c, stated)}")
            if share.interval and stated < 30:
                msg += (f"; with so few actions the share is uncertain: its 95% interval runs "
                        f"{interval(share)}")
            out.append(sentence(" ".join(msg.split())) + ".")
        elif n:
            out.append("No action has a stated status, so the share completed is not available "
                       f"{fmt.NOT_AVAILABLE}.")
        due, over, unknown = g("actions.with_due_date"), g("actions.overdue"), g("actions.overdue_not_known")
        if over is None or over.missing:
            out.append(f"No action has a due date recorded, so whether any was overdue at {at} is not available "
                       f"{fmt.NOT_AVAILABLE}.")
        else:
            if over.value == 0:
                msg = (f"At {at}, none of the {number(due.value)} actions with a due date was overdue"
                       if due.value > 2 else f"At {at}, neither of the two actions with a due date was overdue"
                       if due.value == 2 else f"At {at}, the one action with a due date was not overdue")
            else:
                msg = (f"At {at}, {number(over.value)} of the {number(due.value)} actions with a due date "
                       f"{plural(over.value, 'was', 'were')} overdue (past the due date and not completed by then)")
            if _known(unknown) and unknown.value:
                msg += (f"; for {number(unknown.value)} more past {plural(unknown.value, 'its', 'their')} due date "
                        "the status or completion date is not given, so whether "
                        f"{plural(unknown.value, 'it is', 'they are')} overdue is not known")
            out.append(msg + ".")
    groups = _action_groups(reg, period, suffix)
    for prefix, name in groups:
        if _get(reg, f"{prefix}.raised{suffix}", period).missing:
            share = _get(reg, f"{prefix}.completed_share{suffix}", period)
            if _known(share) and share.value == 1:
                out.append(f"{name}: all its actions are reported completed; their number is not given, so they are "
                           "not counted above.")
            else:
                out.append(f"{name}: its actions are reported only as a whole, without their number, so they are not "
                           "counted above.")
    itemised = []
    for prefix, name in groups:
        r = _get(reg, f"{prefix}.raised{suffix}", period)
        if not r.missing and r.value:
            c, o, n = (_get(reg, f"{prefix}.{s}{suffix}", period).value for s in ("completed", "ongoing",
                                                                                  "not_stated"))
            itemised.append(f"{name} ({number(r.value)} {plural(r.value, 'action', 'actions')}: "
                            f"{_status_parts(c, o, n)})")
    if len(itemised) > 1:
        out.append("By source: " + "; ".join(itemised) + ".")
    return out


def actions(reg: Register, year: str, quarter: str | None = None) -> list[str]:
    """Messages for the actions section: the year's actions (overdue at the year's last day), or the
    quarter's and then the year to date's (overdue at the quarter's last day)."""
    if quarter is None:
        return actions_period(reg, year, periods.year_dates(year)[1], when=f"in {year}")
    period, as_of = periods.period_label(year, quarter), periods.quarter_dates(year, quarter)[1]
    out = actions_period(reg, period, as_of, when=f"in {quarter} {year}")
    ytd = actions_period(reg, period, as_of, ".ytd", f"in {year} to the end of {quarter}")
    if quarter != "Q1" and ytd:
        out.append("Year to date: " + ytd[0][0].lower() + ytd[0][1:])
        out += [m for m in ytd[1:3] if "overdue" in m]
    return out


# --- assurance: Section 11 self-assessments ------------------------------------------------------

def section11(reg: Register, ds, year: str, quarter: str | None = None) -> list[str]:
    """Messages for the Section 11 section: who attended the assurance event, the grades agencies gave
    themselves and the grades after moderation, the agencies moderated lower, and the change since the
    previous round. Where no grades are recorded it says they are not available, never 0."""
    from wsp_analysis.calc import section11 as s11
    from wsp_analysis.calc.actions import date_words
    from wsp_analysis.data.schema import SECTION11_GRADES

    suffix = ".ytd" if quarter else ""
    period = periods.period_label(year, quarter)
    as_of = periods.quarter_dates(year, quarter)[1] if quarter else None
    g = lambda id_: _get(reg, id_ + suffix, period)  # noqa: E731
    agencies, attended = g("section11.agencies"), g("section11.attended")
    if agencies is None:
        return []
    out = []
    dates = s11.event_dates(s11.attendance(ds, year, as_of))
    event = (f"on {listing([date_words(d) for d in dates])}" if dates else f"in {year}")
    if _known(attended):
        out.append(f"The Section 11 assurance {plural(len(dates), 'event', 'events')} {event} "
                   f"{plural(len(dates), 'was', 'were')} attended by {number(attended.value)} "
                   f"{plural(attended.value, 'organisation', 'organisations')}, listed below.")
    if agencies.missing:
        prev = s11.previous_round(ds.section11, year)
        if _known(attended):
            out.append(f"Their self-assessment grades are not published, so the grades, their moderation and the "
                       f"change since the last round are not available {fmt.NOT_AVAILABLE}.")
        else:
            by = f" by the end of {quarter}" if quarter else ""
            out.append(f"No Section 11 self-assessment round is recorded for {year}{by} {fmt.NOT_AVAILABLE}"
                       + (f"; the latest was in {prev}." if prev else "."))
        return out
    n = g("section11.assessments")
    own = [g(f"section11.self.{slug(gr)}") for gr in SECTION11_GRADES]
    parts = [f"{fmt.pct(f.value)} {gr.lower()} {of(f.numerator, f.denominator)}" for f, gr in
             zip(own, SECTION11_GRADES) if _known(f)]
    out.append(f"In the {year} round, {number(agencies.value)} {plural(agencies.value, 'agency', 'agencies')} graded "
               f"{plural(agencies.value, 'itself', 'themselves')} against the Section 11 standards, giving "
               f"{number(n.value)} grades: " + listing(parts) + ".")
    standing = [g(f"section11.grade.{slug(gr)}") for gr in SECTION11_GRADES]
    moderated, lower = g("section11.moderated"), g("section11.moderated_lower")
    if _known(moderated) and moderated.value:
        parts = [f"{fmt.pct(f.value)} {gr.lower()}" for f, gr in zip(standing, SECTION11_GRADES) if _known(f)]
        out.append(f"The partnership checked the evidence for {number(moderated.value)} of the grades. With its "
                   "grade standing where it gave one, the standards were " + listing(parts) + ".")
        share = g("section11.moderated_lower_share")
        lowered = [(f.label.split(": self-grades moderated lower", 1)[0], f.value)
                   for f in reg.find("section11.agency.", period)
                   if f.id.endswith(".moderated_lower" + suffix) and f.value]
        if lower.value:
            msg = (f"It moderated {number(lower.value)} {plural(lower.value, 'grade', 'grades')} lower than the "
                   f"agency's own ({fmt.pct(share.value)}; {fmt.count(lower.value)} of "
                   f"{fmt.count(moderated.value)}): "
                   + listing([f"{name} ({number(v)})" for name, v in lowered]) + ".")
        else:
            msg = "It moderated no grade lower than the agency's own."
        out.append(msg)
    else:
        out.append(f"No grade was moderated by the partnership, so whether agencies graded themselves too "
                   f"generously is not known {fmt.NOT_AVAILABLE}.")
    best = SECTION11_GRADES[0]
    change, cur = g(f"section11.change_pp.{slug(best)}"), standing[0]
    prev = s11.previous_round(ds.section11, year)
    if prev is None:
        out.append("This is the first round recorded, so there is no change since a previous round to report.")
    elif _known(change) and _known(cur):
        previous_share = cur.value - change.value / 100
        msg = (f"Standards {best.lower()} after moderation: {fmt.pct(cur.value)}, "
               f"{change_in_points(change.value, previous_share)} in the {prev} round")
        test = g("section11.test.grade_mix")
        if _known(test):
            msg += f". The change in the mix of grades is {verdict(test.value, 'Fisher' + chr(39) + 's exact test')}"
        out.append(msg + ".")
    return out
