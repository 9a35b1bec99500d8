"""The annual report's sections: key messages, a chart and tables for audits, training and its impact,
referrals and the budget, every number from the register (the assurance sections are in report.assurance).

    reg = wsp.figures(ds, "2023-24")
    s = annual.audits(reg, "2023-24")
    display(*s.parts)

Each function takes (reg, year) and returns a Section (report.sections). A section whose area has no data
in the year says so in one sentence, with no chart and no table.
"""
from __future__ import annotations

from wsp_analysis.calc.register import Register, slug
from wsp_analysis.calc.rows import PUBLISHED_MARK
from wsp_analysis.data import periods
from wsp_analysis.report import charts
from wsp_analysis import format as fmt
from wsp_analysis.report import messages
from wsp_analysis.report import tables as datatables
from wsp_analysis.report import training_tables
from wsp_analysis.report.assurance import action_details, actions, section11, section11_details
from wsp_analysis.report.messages.budget import EXPENDITURE, budget_lines
from wsp_analysis.report.messages.referrals import quarter_figures
from wsp_analysis.report.messages.training import course_name
from wsp_analysis.report.messages.common import get, value
from wsp_analysis.report.sections import Section, details, numerator, section, title

# The page in section order, as the annual notebook reads it (actions and Section 11 live in report.assurance).
__all__ = ["title", "audits", "training", "impact", "referrals", "budget", "actions", "section11", "appendix",
           "audit_years", "audit_details", "impact_table", "referral_details", "budget_details", "action_details",
           "section11_details"]

def audit_years(reg: Register, year: str) -> list[str]:
    """The financial years up to `year` for which the register holds audit grade shares, oldest first."""
    return sorted({f.period for f in reg.find("audit.share.") if len(f.period) == 7 and f.period <= year})


def audits(reg: Register, year: str) -> Section:
    """Audit grades by year (counts, or percentages where only those were published) with a chart and 95%
    intervals (the year's intervals and rounds by quarter are in the appendix: audit_details)."""
    if not reg.has_data("audits", year):
        return section(messages.audits(reg, year))
    scale = list(reg.partnership.grade_scale)
    g = reg.partnership.lead_grade()
    years = audit_years(reg, year)
    rows, intervals = [], {}
    for y in years:
        shares = [get(reg, f"audit.share.{slug(gr)}", y) for gr in scale]
        published = any(s is not None and PUBLISHED_MARK in s.label for s in shares)
        rows.append([y, *[s.value if s else None for s in shares], value(reg, "audit.graded", y),
                     "published percentages only" if published else "counts"])
        intervals.update({(y, gr): s.interval for gr, s in zip(scale, shares) if s is not None and s.interval})
    by_year = datatables.build("Share of multi-agency audits in each grade, by financial year", rows,
                               ["Year", *scale, "Audits graded", "Basis"],
                               {**{gr: "proportion" for gr in scale}, "Audits graded": "count"})
    share = get(reg, f"audit.share.{slug(g)}", year)
    chart = None
    if charts.drawable(by_year, years, scale):
        headline = (f"{fmt.pct(share.value)} of audits were graded {g.lower()} in {year}" if share and not share.missing
                    else f"Audit grades by financial year, {years[0]} to {years[-1]}")
        chart = charts.grouped_bars(
            by_year, years, scale, headline,
            "Share of audits in each grade, by financial year (%); lines show 95% intervals where counts are known",
            f"Bar chart of the share of multi-agency audits in each grade, {years[0]} to {years[-1]}.",
            "Share of audits (%)", scale=100, y_max=100, intervals=intervals)
    return section(messages.audits(reg, year), chart, [by_year], said=messages.key_messages(reg, year))


def audit_details(reg: Register, year: str) -> list[datatables.DataTable]:
    """The audit tables of the appendix: the year's shares with their 95% intervals, and its rounds by quarter
    and theme."""
    if not reg.has_data("audits", year):
        return []
    scale = list(reg.partnership.grade_scale)
    out = []
    this = [(gr, get(reg, f"audit.share.{slug(gr)}", year)) for gr in scale]
    if any(s is not None and s.interval for _, s in this):
        out.append(datatables.build(
            f"Share of audits in each grade with its 95% interval, {year}",
            [[gr, s.numerator, s.value, *(s.interval or (None, None))] for gr, s in this if s is not None],
            ["Grade", "Audits", "Share", "Interval from", "Interval to"],
            {"Audits": "count", "Share": "proportion", "Interval from": "proportion", "Interval to": "proportion"},
            notes=("Wilson score 95% interval: with about 20 audits a year, the true share could plausibly lie "
                   "anywhere in this range.",)))
    out.append(_rounds(reg, year, scale))
    return out


def _rounds(reg: Register, year: str, scale: list[str]) -> datatables.DataTable:
    """The year's audit rounds: each quarter's theme, the count in each grade and the total."""
    r = reg.detail("audits.rounds")
    rounds = r[r["year"] == year] if len(r) else r
    qrows = []
    for quarter in sorted(set(rounds["quarter"])) if len(rounds) else []:
        p = periods.period_label(year, quarter)
        theme = ", ".join(dict.fromkeys(rounds[rounds["quarter"] == quarter]["theme"]))
        qrows.append([quarter, theme, *[numerator(reg, f"audit.share.{slug(gr)}", p) for gr in scale],
                      value(reg, "audit.graded", p)])
    return datatables.build(f"Multi-agency audit grades by quarter and theme, {year} (number of audits)", qrows,
                            ["Quarter", "Theme", *scale, "Total"], {c: "count" for c in [*scale, "Total"]},
                            row_headers=2)


def _measures(reg: Register, prefix: str, period: str, units=("count", "proportion")) -> list:
    """The figures of one family stated for `period` whose id is prefix + one word (training.events), in the
    register's order."""
    return [f for f in reg.find(prefix, period) if f.id.count(".") == prefix.count(".") and f.unit in units]


def training(reg: Register, year: str) -> Section:
    """Training counts and rates against the year before (percentages published without counts among them), a
    chart of places, bookings and attendance, each e-learning course's completion, and training by course and
    by the attendees' agency where the data gives them."""
    if not reg.has_data("training", year):
        return section(messages.training(reg, year))
    prev = periods.previous_year(year)
    figs = training_tables.shown(reg, _measures(reg, "training.", year)
                                 + _measures(reg, "training.published.", year, ("proportion",)), {prev: f"|{prev}"})
    table = datatables.build(f"Multi-agency training, {year} and {prev}",
                             [[training_tables.row_label(f.label), f.value, value(reg, f.id, prev)] for f in figs],
                             ["Measure", year, prev], row_kinds=tuple(f.unit for f in figs),
                             notes=training_tables.label_notes(reg, figs, {prev: f"|{prev}"}))
    figs = training_tables.relabelled(figs)
    label = {f.id: f.label for f in figs}
    shown = [label[f"training.{k}"] for k in ("places_offered", "bookings", "attended", "no_shows", "cancellations")
             if f"training.{k}" in label]
    att = get(reg, "training.attendance_rate", year)
    chart = None
    if charts.drawable(table, shown, [year]):
        chart = charts.table_bars(
            table, shown, year, f"{fmt.pct(att.value)} of training bookings were attended in {year}"
            if att and not att.missing else f"Training places, bookings and attendance in {year}",
            "Training places, bookings and attendance (number)", f"Bar chart of training places and bookings in {year}.")
    data = [table]
    courses = [f.id.removesuffix(".completion_rate") for f in reg.find("training.course.", year)
               if f.id.endswith(".completion_rate")]
    if courses:
        data.append(datatables.build(
            f"E-learning courses, {year} (people)",
            [[course_name(reg.get(b + ".completion_rate", year).label), value(reg, b + ".signed_up", year),
              value(reg, b + ".completed", year), value(reg, b + ".in_progress", year),
              value(reg, b + ".completion_rate", year)] for b in courses],
            ["Course", "Signed up", "Completed", "In progress", "Completion rate"],
            {"Signed up": "count", "Completed": "count", "In progress": "count", "Completion rate": "proportion"}))
    data += [training_tables.courses(reg, year, year), training_tables.agencies(reg, year, year)]
    return section(messages.training(reg, year), chart, data, said=messages.key_messages(reg, year))


def referrals(reg: Register, year: str) -> Section:
    """Referral counts against the year before, a chart of serious-incident referrals, and each route given by
    quarter."""
    if not reg.has_data("referrals", year):
        return section(messages.referrals(reg, year))
    prev = periods.previous_year(year)
    figs = [f for f in reg.find("referrals.", year) if f.unit == "count" and not f.id.endswith("_change")]
    table = datatables.build(f"Referrals and reviews, {year} and {prev} (number)",
                             [[f.label, f.value, value(reg, f.id, prev)] for f in figs], ["Measure", year, prev],
                             {year: "count", prev: "count"})
    label = {f.id: f.label for f in figs}
    shown = [label[i] for i in ("referrals.received", "referrals.rapid_reviews") if i in label]
    rec = get(reg, "referrals.received", year)
    chart = None
    if charts.drawable(table, shown, [prev, year]):
        chart = charts.table_paired_bars(
            table, shown, [prev, year], f"{fmt.count(rec.value)} serious-incident referrals were received in {year}"
            if rec and not rec.missing else f"Serious-incident referrals, {prev} and {year}",
            f"Serious-incident referrals to the partnership, {prev} and {year} (number)",
            "Bar chart of serious-incident referrals.")
    return section(messages.referrals(reg, year), chart, [table], said=messages.key_messages(reg, year))


def referral_details(reg: Register, year: str) -> list[datatables.DataTable]:
    """The referral tables of the appendix: each route the data gives by quarter."""
    return [datatables.build(f"{qs[0].label} by quarter, {year}", [[f.period[-2:], f.value] for f in qs],
                             ["Quarter", "Number"], {"Number": "count"})
            for qs in quarter_figures(reg, year).values()]


def budget(reg: Register, year: str) -> Section:
    """Budget and actual by line (variance, RAG and notes), the net position, a chart of spending by line, and
    partners' contributions."""
    if not reg.has_data("budget", year):
        return section(messages.budget(reg, year))
    lines = budget_lines(reg, year)
    na, za = fmt.NOT_AVAILABLE, fmt.NOT_APPLICABLE
    rows = [[r["line"], r["section"].capitalize(), r["budget"], r["actual"], r["variance"],
             za if r["budget"] == 0 else r["variance_pct"], r["judgement"] or na, r["rag"] or na, r["note"] or za]
            for r in lines]
    net, planned = get(reg, "budget.net_position", year), get(reg, "budget.net_position_planned", year)
    state = (na if net is None or net.missing else "deficit" if net.value > 0 else "surplus" if net.value < 0 else za)
    rows.append(["Net position (spending - income)", za, planned.value if planned else None,
                 net.value if net else None, za, za, state, za, za])
    variance, pct_col = "Variance (actual - budget)", "Variance (% of budget)"
    table = datatables.build(
        f"Budget and actual by line, {year} (£)", rows,
        ["Line", "Section", "Budget", "Actual", variance, pct_col, "Judgement", "RAG", "Note"],
        {"Budget": "gbp", "Actual": "gbp", variance: "gbp", pct_col: "percent"},
        notes=("For spending a positive variance is an overspend (adverse); for income it is more income "
               "(favourable).",
               "RAG: " + reg.partnership.budget_thresholds.describe() + ". These thresholds are the partnership's "
               "local choice.",
               "A line with no budget has no variance percent ([z]): its spending is unbudgeted."))
    spend = [r["line"] for r in lines if r["section"] == EXPENDITURE and not r["is_total"]]
    var = get(reg, "budget.expenditure.variance", year)
    chart = None
    if charts.drawable(table, spend, ["Budget", "Actual"]):
        words = ("over" if var.value > 0 else "under") if var and not var.missing else ""
        headline = (f"Spending was {fmt.gbp(abs(var.value))} {words} budget in {year}" if var and not var.missing
                    else f"Spending against budget in {year}")
        chart = charts.table_paired_bars(table, spend, ["Budget", "Actual"], headline,
                                         "Spending by budget line: budget and actual (£)",
                                         f"Bar chart of spending by budget line in {year}, budget against actual.")
    # without budget lines the net position alone (from those lines) would be a row of [x]
    return section(messages.budget(reg, year), chart, [table] if lines else [],
                   said=messages.key_messages(reg, year))


def budget_details(reg: Register, year: str) -> list[datatables.DataTable]:
    """The budget table of the appendix: partners' contributions and their shares."""
    orgs = [f for f in reg.find("budget.contributions.", year)
            if f.unit == "gbp" and f.id.count(".") == 2 and f.id != "budget.contributions.total"]
    crows = [[f.label.removeprefix("Contribution: "), f.value, value(reg, f.id + ".share", year)] for f in orgs]
    if crows:
        crows.append(["Total", value(reg, "budget.contributions.total", year), 1.0])
    return [datatables.build(f"Partner contributions, {year} (£)", crows, ["Organisation", "Contribution", "Share"],
                             {"Contribution": "gbp", "Share": "proportion"})]


IMPACT = (("delegates", "Delegates", "count"), ("paired", "Before and after returned", "count"),
          ("pre_mean", "Mean rating before", "decimal"), ("post_mean", "Mean rating after", "decimal"),
          ("change_mean", "Mean change", "decimal"), ("test", "p-value (Wilcoxon)", "p_value"),
          ("effect_size", "Effect size (r)", "decimal"), ("follow_up_rate", "Follow-up rate", "proportion"),
          ("follow_up_change_mean", "Mean change at follow-up", "decimal"))


def impact_table(reg: Register, year: str) -> datatables.DataTable:
    """Training impact by course and for all courses (the appendix's table, the impact chart's data):
    delegates, forms returned, mean self-rated knowledge (1 to 5) before and after, its change with the
    Wilcoxon test, and the change at follow-up; an empty table when the year has no evaluation forms."""
    courses = reg.detail("impact.courses")
    rows = [[c, *[value(reg, f"{b}.{k}", year) for k, _, _ in IMPACT]] for c, b in zip(courses["course"],
                                                                                        courses["base"])]
    if rows:  # the pooled row has no test: a delegate may attend several courses, so ratings are not independent
        rows.append(["All courses", *[fmt.NOT_APPLICABLE if k in ("test", "effect_size")
                                      else value(reg, f"impact.{k}", year) for k, _, _ in IMPACT]])
    return datatables.build(
        f"Training impact by course, {year}: self-rated knowledge (1 to 5)", rows,
        ["Course", *[col for _, col, _ in IMPACT]], {col: kind for _, col, kind in IMPACT},
        notes=("Wilcoxon signed-rank test on each delegate's before and after ratings; effect size is the "
               "rank-biserial r (0 none, 1 every delegate improved). Self-ratings, not observed practice.",))


def _impact_courses(reg: Register) -> list[str]:
    return list(reg.detail("impact.courses")["course"])


def _impact_in_appendix(reg: Register, year: str) -> list[datatables.DataTable]:
    """The by-course impact table, for the appendix when the section charts it (else the section shows it)."""
    if not reg.has_data("impact", year):
        return []
    table = impact_table(reg, year)
    return [table] if charts.drawable(table, _impact_courses(reg), ["Mean change"]) else []


def impact(reg: Register, year: str) -> Section:
    """Training impact from evaluation forms: a chart of the mean change in self-rated knowledge by course
    (its table, with the tests, is in the appendix: impact_table) and the evaluation shares. Messages only
    (saying it is not available) when the year has no evaluation forms."""
    if not reg.has_data("impact", year):
        return section(messages.impact(reg, year))
    table, names = impact_table(reg, year), _impact_courses(reg)
    chart = None
    if charts.drawable(table, names, ["Mean change"]):
        chart = charts.table_bars(table, names, "Mean change", "Change in self-rated knowledge after training, by course",
                                  "Mean change in self-rated knowledge from before to after the course (points on a 1 "
                                  "to 5 scale; each course's test is in the appendix)",
                                  f"Bar chart of the mean change in self-rated knowledge by course, {year}.")
    # without a chart the by-course table stays here, so the section still shows its numbers
    tables = [training_tables.evaluation(reg, year)] if chart else [table, training_tables.evaluation(reg, year)]
    return section(messages.impact(reg, year), chart, tables, said=messages.key_messages(reg, year),
                   appendix=[table] if chart else [])


def appendix(reg: Register, year: str) -> list:
    """The annual report's appendix, after its sections: the detailed tables (intervals, audit rounds, training
    impact by course, referral routes by quarter, contributions, each action, Section 11 details), each area under its own heading, with
    what the counts behind published audit percentages could have been."""
    return details([("Audits", audit_details(reg, year), messages.inference(reg, year)),
                    ("Training impact", _impact_in_appendix(reg, year), []),
                    ("Referrals", referral_details(reg, year), []),
                    ("Budget", budget_details(reg, year), []),
                    ("Actions from audits and reviews", action_details(reg, year), []),
                    ("Section 11 self-assessments", section11_details(reg, year), [])])
