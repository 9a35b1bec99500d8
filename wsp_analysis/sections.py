"""The content of each report section: key messages, a chart and tables, all from the library.

The notebooks only display what these functions return.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from . import audits as audit_calc
from . import blocks, charts, narrative, periods, referrals as referral_calc
from . import budget as budget_calc
from . import formatting as fmt
from . import training as training_calc
from .figures import Register, slug


@dataclass(frozen=True)
class Section:
    messages: blocks.Html
    chart: charts.Chart
    tables: list[blocks.Html] = field(default_factory=list)


def audits(ds, reg: Register, year: str) -> Section:
    scale = ds.partnership.grade_scale
    shares = audit_calc.year_shares(ds.audits, ds.audit_shares, scale)
    shares = shares[shares["year"] <= year]
    g = narrative.headline_grade(scale)
    share = reg.get(f"audit.share.{slug(g)}", year)
    title = f"{fmt.pct(share.value)} of audits were graded {g.lower()} in {year}"
    chart = charts.audit_grades(shares, title)
    years = sorted(shares["year"].unique())
    rows = []
    for y in years:
        row = [y] + [fmt.pct(reg.get(f"audit.share.{slug(gr)}", y).value, 1) for gr in scale]
        total = reg.get("audit.graded", y) if ("audit.graded", y) in reg else None
        row += [fmt.count(total.value) if total else fmt.NOT_AVAILABLE,
                "counts" if total else "published percentages only"]
        rows.append(row)
    by_year = blocks.table(rows, ["Year", *scale, "Audits graded", "Basis"],
                           "Share of multi-agency audits in each grade, by financial year")
    q = audit_calc.grade_distribution(ds.audits[ds.audits["year"] == year], scale, by=["quarter", "theme"])
    qrows = []
    for (quarter, theme), grp in q.groupby(["quarter", "theme"], sort=True):
        counts = grp.set_index("grade")["count"]
        qrows.append([quarter, theme, *[fmt.count(counts.get(gr)) for gr in scale], fmt.count(grp["total"].iloc[0])])
    by_quarter = blocks.table(qrows, ["Quarter", "Theme", *scale, "Total"],
                              f"Multi-agency audit grades by quarter and theme, {year} (number of audits)")
    return Section(blocks.bullets(narrative.audits(reg, ds, year)), chart, [by_year, by_quarter])


def training(ds, reg: Register, year: str) -> Section:
    prev = periods.previous_year(year)
    labels = ["Places offered", "Bookings", "Attended", "No-shows", "Cancellations"]
    ids = ["places_offered", "bookings", "attended", "no_shows", "cancellations"]
    values = [reg.value(f"training.{i}", year) for i in ids]
    att = reg.get("training.attendance_rate", year)
    chart = charts.horizontal_bars(
        labels, values, f"{fmt.pct(att.value)} of training bookings were attended in {year}",
        "Training places, bookings and attendance (number)", fmt.count,
        f"Bar chart of training places and bookings in {year}.")
    def val(id_, period, kind):
        if (id_, period) not in reg:
            return fmt.NOT_AVAILABLE
        v = reg.value(id_, period)
        return fmt.pct(v, 1) if kind == "rate" else fmt.count(v)
    rows = [[training_calc.LABELS[c], val(f"training.{c}", year, "n"), val(f"training.{c}", prev, "n")]
            for c in training_calc.COUNTS]
    rows += [[lab, val(f"training.{k}", year, "rate"), val(f"training.{k}", prev, "rate")]
             for k, (_, _, lab) in training_calc.RATES.items()]
    table = blocks.table(rows, ["Measure", year, prev], f"Multi-agency training, {year} and {prev}")
    courses = training_calc.course_completion(ds.elearning_courses, year)
    tables = [table]
    if len(courses):
        crow = [[r["course"], fmt.count(r["signed_up"]), fmt.count(r["completed"]), fmt.count(r["in_progress"]),
                 fmt.pct(r["completion_rate"], 1)] for _, r in courses.iterrows()]
        tables.append(blocks.table(crow, ["Course", "Signed up", "Completed", "In progress", "Completion rate"],
                                   f"E-learning courses, {year} (people)"))
    return Section(blocks.bullets(narrative.training(reg, year)), chart, tables)


def referrals(ds, reg: Register, year: str) -> Section:
    prev = periods.previous_year(year)
    rec = reg.get("referrals.received", year)
    labels = [f"Received {prev}", f"Received {year}", f"Met rapid-review criteria {year}"]
    values = [reg.value("referrals.received", prev), rec.value, reg.value("referrals.rapid_reviews", year)]
    chart = charts.horizontal_bars(
        labels, values, f"{fmt.count(rec.value)} serious-incident referrals were received in {year}",
        "Serious-incident referrals to the partnership (number)", fmt.count,
        "Bar chart of serious-incident referrals.")
    v = referral_calc.year_volumes(ds.referrals, year)
    rows = [[referral_calc.label(r["referral_type"], r["measure"]), fmt.count(r["count"])] for _, r in v.iterrows()]
    tables = [blocks.table(rows, ["Measure", year], f"Referrals and reviews, {year} (number)")]
    quarterly = v[v["quarter_rows"] > 0]
    for _, r in quarterly.iterrows():
        q = referral_calc.quarter_volumes(ds.referrals, year, r["referral_type"], r["measure"])
        tables.append(blocks.table([[qq, fmt.count(c)] for qq, c in zip(q["quarter"], q["count"])],
                                   ["Quarter", "Number"],
                                   f"{referral_calc.label(r['referral_type'], r['measure'])} by quarter, {year}"))
    return Section(blocks.bullets(narrative.referrals(reg, year)), chart, tables)


def budget(ds, reg: Register, year: str) -> Section:
    lines = budget_calc.lines(ds.budget, year)
    spend = lines[lines["section"] == budget_calc.EXPENDITURE]
    var = reg.get("budget.expenditure.variance", year)
    words = ("over" if var.value and var.value > 0 else "under") if not var.missing else ""
    title = (f"Spending was {fmt.gbp(abs(var.value))} {words} budget in {year}" if not var.missing
             else f"Spending against budget in {year}")
    chart = charts.paired_bars(list(spend["line"]), list(spend["budget"]), list(spend["actual"]), ("Budget", "Actual"),
                               title, "Spending by budget line: budget and actual (£)", fmt.gbp,
                               f"Bar chart of spending by budget line in {year}, budget against actual.")
    rows = []
    for section_name, grp in lines.groupby("section", sort=False):
        for _, r in grp.iterrows():
            rows.append([r["line"], section_name, fmt.gbp(r["budget"]), fmt.gbp(r["actual"]), fmt.gbp(r["variance"]),
                         r["judgement"] or fmt.NOT_AVAILABLE])
    for _, t in budget_calc.totals(ds.budget, year).iterrows():
        rows.append([f"Total {t['section']}", t["section"], fmt.gbp(t["budget"]), fmt.gbp(t["actual"]),
                     fmt.gbp(t["variance"]), t["judgement"] or fmt.NOT_AVAILABLE])
    net = budget_calc.net_position(ds.budget, year)
    rows.append(["Net position (spending - income)", "", fmt.gbp(net["budget"]), fmt.gbp(net["actual"]),
                 fmt.NOT_APPLICABLE, "deficit" if net["actual"] and net["actual"] > 0 else
                 "surplus" if net["actual"] and net["actual"] < 0 else fmt.NOT_APPLICABLE])
    table = blocks.table(rows, ["Line", "Section", "Budget", "Actual", "Variance (actual - budget)", "Judgement"],
                         f"Budget and actual by line, {year} (£). For spending a positive variance is an overspend "
                         "(adverse); for income it is more income (favourable)")
    contrib = budget_calc.contributions(ds.contributions, year)
    crows = [[r["organisation"], fmt.gbp(r["amount"]), fmt.pct(r["share"], 1)] for _, r in contrib.iterrows()]
    crows.append(["Total", fmt.gbp(reg.value("budget.contributions.total", year)), "100.0%" if len(contrib) else fmt.NOT_AVAILABLE])
    ctable = blocks.table(crows, ["Organisation", "Contribution", "Share"], f"Partner contributions, {year} (£)")
    return Section(blocks.bullets(narrative.budget(reg, ds, year)), chart, [table, ctable])


def title(ds, year: str) -> blocks.Html:
    p = ds.partnership
    notice = ("<p><strong>Synthetic data:</strong> every figure in this report is generated, not real.</p>"
              if p.synthetic else "")
    return blocks.Html(f"<h1>{blocks.html.escape(p.name)}: annual report {year}</h1>"
                       f"<p>Data for {blocks.html.escape(periods.describe(year))}. "
                       f"Statutory partners: {blocks.html.escape(', '.join(p.statutory_partners))}.</p>{notice}")
