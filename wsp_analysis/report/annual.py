"""The content of each report section: key messages, a chart and tables, all from the library.

The notebooks only display what these functions return.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from wsp_analysis.calc import audits as audit_calc
from wsp_analysis.report import blocks
from wsp_analysis.report import charts
from wsp_analysis.report import tables as datatables
from wsp_analysis.report import messages as narrative
from wsp_analysis.data import periods
from wsp_analysis.calc import referrals as referral_calc
from wsp_analysis.calc import consistency
from wsp_analysis.calc import budget as budget_calc
from wsp_analysis.report import format as fmt
from wsp_analysis.calc import training as training_calc
from wsp_analysis.report.tables import DataTable
from wsp_analysis.calc.register import Register, slug


@dataclass(frozen=True)
class Section:
    """What a report section displays. `data` holds its tables as data (the reference spreadsheets are
    written from them); `tables` holds the same tables as HTML, in the same order, the chart's own first."""

    messages: blocks.Html
    chart: charts.Chart | None
    tables: list[blocks.Html] = field(default_factory=list)
    data: list[DataTable] = field(default_factory=list)

    @property
    def parts(self) -> list:
        """What the notebook displays, in order: messages, the chart (when there is one), the tables."""
        return [p for p in (self.messages, self.chart, *self.tables) if p is not None]


def _section(messages: list[str], chart: charts.Chart | None, data: list[DataTable]) -> Section:
    return Section(blocks.bullets(messages), chart, [blocks.table(d) for d in data], data)


def _reg_value(reg: Register, id_: str, period: str):
    """A figure's value, or None (shown as [x]) when the register has no such figure."""
    return reg.value(id_, period) if (id_, period) in reg else None


def audits(ds, reg: Register, year: str) -> Section:
    scale = list(ds.partnership.grade_scale)
    shares = audit_calc.year_shares(ds.audits, ds.audit_shares, scale)
    shares = shares[shares["year"] <= year]
    g = narrative.headline_grade(scale, ds.partnership.headline_grade)
    share = reg.get(f"audit.share.{slug(g)}", year)
    years = sorted(shares["year"].unique())
    rows = []
    for y in years:
        total = _reg_value(reg, "audit.graded", y)
        rows.append([y, *[_reg_value(reg, f"audit.share.{slug(gr)}", y) for gr in scale], total,
                     "counts" if total is not None else "published percentages only"])
    by_year = datatables.build("Share of multi-agency audits in each grade, by financial year", rows,
                               ["Year", *scale, "Audits graded", "Basis"],
                               {**{gr: "proportion" for gr in scale}, "Audits graded": "count"})
    with_ci = audit_calc.year_shares_with_intervals(ds.audits, ds.audit_shares, scale)
    counted = with_ci[(with_ci["year"] <= year) & with_ci["ci_low"].notna()]
    intervals = {(r["year"], str(r["grade"])): (float(r["ci_low"]), float(r["ci_high"])) for _, r in counted.iterrows()}
    chart = charts.grouped_bars(
        by_year, years, scale, f"{fmt.pct(share.value)} of audits were graded {g.lower()} in {year}",
        "Share of audits in each grade, by financial year (%); lines show 95% intervals where counts are known",
        f"Bar chart of the share of multi-agency audits in each grade, {years[0]} to {years[-1]}.",
        "Share of audits (%)", scale=100, y_max=100, intervals=intervals)
    this = with_ci[with_ci["year"] == year]
    ci_rows = [[str(r["grade"]), r["count"], r["share"], r["ci_low"], r["ci_high"]] for _, r in this.iterrows()]
    ci_table = datatables.build(
        f"Share of audits in each grade with its 95% interval, {year}", ci_rows,
        ["Grade", "Audits", "Share", "Interval from", "Interval to"],
        {"Audits": "count", "Share": "proportion", "Interval from": "proportion", "Interval to": "proportion"},
        notes=("Wilson score 95% interval: with about 20 audits a year, the true share could plausibly lie "
               "anywhere in this range.",))
    q = audit_calc.grade_distribution(ds.audits[ds.audits["year"] == year], scale, by=["quarter", "theme"])
    qrows = []
    for (quarter, theme), grp in q.groupby(["quarter", "theme"], sort=True):
        counts = grp.set_index("grade")["count"]
        qrows.append([quarter, theme, *[counts.get(gr) for gr in scale], grp["total"].iloc[0]])
    by_quarter = datatables.build(f"Multi-agency audit grades by quarter and theme, {year} (number of audits)",
                                  qrows, ["Quarter", "Theme", *scale, "Total"],
                                  {c: "count" for c in [*scale, "Total"]}, row_headers=2)
    tables = [by_year, ci_table, by_quarter] if ci_rows else [by_year, by_quarter]
    return _section(narrative.audits(reg, ds, year) + consistency.messages(ds, year), chart, tables)


def training(ds, reg: Register, year: str) -> Section:
    prev = periods.previous_year(year)
    rows = [[training_calc.LABELS[c], _reg_value(reg, f"training.{c}", year), _reg_value(reg, f"training.{c}", prev)]
            for c in training_calc.COUNTS]
    rows += [[lab, _reg_value(reg, f"training.{k}", year), _reg_value(reg, f"training.{k}", prev)]
             for k, (_, _, lab) in training_calc.RATES.items()]
    kinds = ("count",) * len(training_calc.COUNTS) + ("proportion",) * len(training_calc.RATES)
    table = datatables.build(f"Multi-agency training, {year} and {prev}", rows, ["Measure", year, prev],
                             row_kinds=kinds)
    att = reg.get("training.attendance_rate", year)
    shown = [training_calc.LABELS[i] for i in ("places_offered", "bookings", "attended", "no_shows", "cancellations")]
    chart = charts.table_bars(
        table, shown, year, f"{fmt.pct(att.value)} of training bookings were attended in {year}",
        "Training places, bookings and attendance (number)", f"Bar chart of training places and bookings in {year}.")
    data = [table]
    courses = training_calc.course_completion(ds.elearning_courses, year)
    if len(courses):
        crow = [[r["course"], r["signed_up"], r["completed"], r["in_progress"], r["completion_rate"]]
                for _, r in courses.iterrows()]
        data.append(datatables.build(f"E-learning courses, {year} (people)", crow,
                                     ["Course", "Signed up", "Completed", "In progress", "Completion rate"],
                                     {"Signed up": "count", "Completed": "count", "In progress": "count",
                                      "Completion rate": "proportion"}))
    return _section(narrative.training(reg, year), chart, data)


def referrals(ds, reg: Register, year: str) -> Section:
    prev = periods.previous_year(year)
    v = referral_calc.year_volumes(ds.referrals, year)
    before = referral_calc.year_volumes(ds.referrals, prev).set_index(["referral_type", "measure"])["count"]
    rows = [[referral_calc.label(r["referral_type"], r["measure"]), r["count"],
             before.get((r["referral_type"], r["measure"]))] for _, r in v.iterrows()]
    table = datatables.build(f"Referrals and reviews, {year} and {prev} (number)", rows, ["Measure", year, prev],
                             {year: "count", prev: "count"})
    rec = reg.get("referrals.received", year)
    shown = [lab for lab in (referral_calc.label(referral_calc.SERIOUS, m)
                             for m in ("received", "met_rapid_review_criteria")) if lab in set(table.frame["Measure"])]
    chart = charts.table_paired_bars(
        table, shown, [prev, year], f"{fmt.count(rec.value)} serious-incident referrals were received in {year}",
        f"Serious-incident referrals to the partnership, {prev} and {year} (number)",
        "Bar chart of serious-incident referrals.")
    data = [table]
    for _, r in v[v["quarter_rows"] > 0].iterrows():
        q = referral_calc.quarter_volumes(ds.referrals, year, r["referral_type"], r["measure"])
        data.append(datatables.build(f"{referral_calc.label(r['referral_type'], r['measure'])} by quarter, {year}",
                                     list(zip(q["quarter"], q["count"])), ["Quarter", "Number"], {"Number": "count"}))
    return _section(narrative.referrals(reg, year), chart, data)


def budget(ds, reg: Register, year: str) -> Section:
    lines = budget_calc.lines(ds.budget, year)
    spend = lines[lines["section"] == budget_calc.EXPENDITURE]
    judged = budget_calc.judgement_table(ds.budget, year, budget_calc.thresholds_of(ds))
    rows = [[r["line"], r["section"].capitalize(), r["budget"], r["actual"], r["variance"], r["variance_pct"],
             r["judgement"] or fmt.NOT_AVAILABLE, r["rag"] or fmt.NOT_AVAILABLE, r["note"] or fmt.NOT_APPLICABLE]
            for _, r in judged.iterrows()]
    net = budget_calc.net_position(ds.budget, year)
    rows.append(["Net position (spending - income)", fmt.NOT_APPLICABLE, net["budget"], net["actual"],
                 fmt.NOT_APPLICABLE, fmt.NOT_APPLICABLE,
                 "deficit" if net["actual"] and net["actual"] > 0 else
                 "surplus" if net["actual"] and net["actual"] < 0 else fmt.NOT_APPLICABLE, fmt.NOT_APPLICABLE, fmt.NOT_APPLICABLE])
    variance, pct_col = "Variance (actual - budget)", "Variance (% of budget)"
    t = budget_calc.thresholds_of(ds)
    table = datatables.build(
        f"Budget and actual by line, {year} (£)", rows,
        ["Line", "Section", "Budget", "Actual", variance, pct_col, "Judgement", "RAG", "Note"],
        {"Budget": "gbp", "Actual": "gbp", variance: "gbp", pct_col: "percent"},
        notes=("For spending a positive variance is an overspend (adverse); for income it is more income "
               "(favourable).",
               "RAG: " + t.describe() + ". These thresholds are the partnership's local choice.",
               "A line with no budget has no variance percent ([z]): its spending is unbudgeted."))
    var = reg.get("budget.expenditure.variance", year)
    words = ("over" if var.value and var.value > 0 else "under") if not var.missing else ""
    title = (f"Spending was {fmt.gbp(abs(var.value))} {words} budget in {year}" if not var.missing
             else f"Spending against budget in {year}")
    chart = charts.table_paired_bars(table, list(spend["line"]), ["Budget", "Actual"], title,
                                     "Spending by budget line: budget and actual (£)",
                                     f"Bar chart of spending by budget line in {year}, budget against actual.") \
        if len(spend) else None  # no budget lines for the year: the messages say so; nothing to draw
    contrib = budget_calc.contributions(ds.contributions, year)
    crows = [[r["organisation"], r["amount"], r["share"]] for _, r in contrib.iterrows()]
    crows.append(["Total", _reg_value(reg, "budget.contributions.total", year), 1.0 if len(contrib) else None])
    ctable = datatables.build(f"Partner contributions, {year} (£)", crows, ["Organisation", "Contribution", "Share"],
                              {"Contribution": "gbp", "Share": "proportion"})
    return _section(narrative.budget(reg, ds, year), chart, [table, ctable])


def impact(ds, reg: Register, year: str) -> Section:
    """Training impact from evaluation forms: self-rated knowledge before, after and eight weeks on.
    Messages only (saying it is not available) when the partnership has no evaluations for the year."""
    from wsp_analysis.calc import impact as impact_calc

    t = impact_calc.course_table(ds.evaluations, year)
    if t.empty:
        return _section(narrative.impact(reg, year), None, [])
    cols = ["Course", "Delegates", "Before and after returned", "Mean rating before", "Mean rating after",
            "Mean change", "p-value (Wilcoxon)", "Effect size (r)", "Follow-up rate", "Mean change at follow-up"]
    rows = [[r["course"], r["delegates"], r["paired"], r["pre_mean"], r["post_mean"], r["change_mean"], r["pvalue"],
             r["effect_size"], r["follow_up_rate"], r["follow_up_change_mean"]] for _, r in t.iterrows()]
    table = datatables.build(
        f"Training impact by course, {year}: self-rated knowledge (1 to 5)", rows, cols,
        {"Delegates": "count", "Before and after returned": "count", "Mean rating before": "decimal",
         "Mean rating after": "decimal", "Mean change": "decimal", "p-value (Wilcoxon)": "p_value",
         "Effect size (r)": "decimal", "Follow-up rate": "proportion", "Mean change at follow-up": "decimal"},
        notes=("Wilcoxon signed-rank test on each delegate's before and after ratings; effect size is the "
               "rank-biserial r (0 none, 1 every delegate improved). Self-ratings, not observed practice.",))
    courses = [r for r in t["course"] if r != "All courses"]
    chart = charts.table_bars(table, courses, "Mean change",
                              "Change in self-rated knowledge after training, by course",
                              "Mean change in self-rated knowledge from before to after the course (points on a "
                              "1 to 5 scale)", f"Bar chart of the mean change in self-rated knowledge by course, {year}.")
    return _section(narrative.impact(reg, year), chart, [table])


def title(ds, year: str, quarter: str | None = None, status: str = "draft", kind: str | None = None) -> blocks.Html:
    """The report's title and what it covers. The rendered report's header is built from the data this
    carries (partnership, period, status), so the HTML has exactly one h1 whatever the notebook shows.
    `kind` names a report other than the annual or quarterly one (e.g. "scrutiny")."""
    p = ds.partnership
    kind = kind or ("quarterly" if quarter else "annual")
    heading = f"{p.name}: {kind} report {periods.period_label(year, quarter)}"
    notice = ("<p><strong>Synthetic data:</strong> every figure in this report is generated, not real.</p>"
              if p.synthetic else "")
    meta = {"title": heading, "partnership": p.name, "period": periods.period_label(year, quarter),
            "period_description": periods.describe(year, quarter), "kind": kind, "status": status,
            "statutory_partners": list(p.statutory_partners), "synthetic": bool(p.synthetic)}
    return blocks.Titled(f"<h1>{blocks.html.escape(heading)}</h1>"
                         f"<p>Data for {blocks.html.escape(periods.describe(year, quarter))}. "
                         f"Statutory partners: {blocks.html.escape(', '.join(p.statutory_partners))}.</p>{notice}",
                         meta)


# --- assurance: actions from audits and reviews, and Section 11 self-assessments -----------------

def _date_cell(d):
    """A date in a table, in words ("9 August 2023"); None (shown [x]) when not known."""
    from wsp_analysis.calc.actions import date_words
    from wsp_analysis.calc.register import is_missing

    return None if is_missing(d) else date_words(d)


def action_tables(ds, reg: Register, year: str, period: str, as_of, quarters=None, suffix: str = "",
                  when: str = "", title: str | None = None) -> list[DataTable]:
    """The actions tables: progress by source (with a row for all itemised actions), each action with its
    status and whether it was overdue at `as_of` in words, and progress by agency responsible. The
    figures are `period`'s (ids ending `suffix`, labels `when`); `title` names the period in captions."""
    title = title or period
    from wsp_analysis.calc import actions as act
    from wsp_analysis.calc.actions import date_words

    at = date_words(as_of)
    over_col, share_col = f"Overdue at {at}", "Completed (share of those with a stated status)"
    cols = ["Raised by", "Actions", "Completed", "Ongoing", "Status not stated", share_col, over_col, "Progress"]
    kinds = {c: "count" for c in cols[1:5]} | {share_col: "proportion", over_col: "count"}

    def progress(prefix: str) -> str:
        v = {k: _reg_value(reg, f"{prefix}.{k}{suffix}", period) for k in
             ("raised", "completed", "ongoing", "not_stated", "completed_share")}
        if v["raised"] is None:
            return ("All reported completed; number not given" if v["completed_share"] == 1 else
                    "Reported as a whole; number not given")
        if not v["raised"]:
            return "No actions"
        words = [f"{v[k]} {w}" for k, w in (("completed", "completed"), ("ongoing", "ongoing"),
                                             ("not_stated", "status not stated")) if v[k]]
        return "All completed" if v["completed"] == v["raised"] else "; ".join(words)

    def row(prefix: str, name: str) -> list:
        return [name, *[_reg_value(reg, f"{prefix}.{k}{suffix}", period) for k in
                        ("raised", "completed", "ongoing", "not_stated", "completed_share", "overdue")],
                progress(prefix)]

    groups = [(f.id.removesuffix(".raised" + suffix), f.label.removesuffix(when).removeprefix("Actions raised by "))
              for f in reg.find("actions.by_source.", period)
              if f.id.endswith(".raised" + suffix) and f.id.count(".") == 3 + bool(suffix)]
    rows = [row(prefix, name) for prefix, name in groups]
    total = row("actions", "All itemised actions")
    total[-1] = progress("actions")
    rows.append(total)
    notes = ("Completed share: of the actions whose status is stated.",
             f"Overdue: due before {at} and not completed by then; [x] where no action has a due date.",
             "A review that reports its actions only as a whole (their number not given) has [x] for its counts "
             "and is not in the row for all itemised actions.")
    by_source = datatables.build(f"Actions from audits and reviews by source, {title} (number)", rows, cols,
                                 kinds, notes=notes)
    listing = act.listing(ds.actions, year, as_of, quarters)
    status_words = {act.OVERDUE: "Overdue", act.NOT_OVERDUE: "Not overdue", act.NO_DUE_DATE: "No due date",
                    act.NOT_KNOWN: "Not known"}
    lrows = []
    for _, r in listing.iterrows():
        done = (_date_cell(r["date_completed"]) if r["status_at"] == act.COMPLETED else fmt.NOT_APPLICABLE)
        lrows.append([r["raised_by"], r["action"] if r["level"] == act.ACTION else f"{r['action']} (review level)",
                      r["agency"] if isinstance(r["agency"], str) else None, _date_cell(r["due_date"]),
                      act.STATUS_WORDS[r["status_at"]], done,
                      status_words[r["overdue"]] if isinstance(r["overdue"], str) else fmt.NOT_APPLICABLE])
    each = datatables.build(f"Each action from audits and reviews, {title}", lrows,
                            ["Raised by", "Action", "Agency responsible", "Due", f"Status at {at}", "Completed on",
                             over_col], row_headers=2,
                            notes=(f"Status at {at}: as recorded, except that an action completed after that date "
                                   "was still ongoing then. Not known: past its due date with no stated status or "
                                   "no completion date.",))
    arows = []
    for f in reg.find("actions.by_agency.", period):
        if f.id.endswith(".raised" + suffix) and f.id.count(".") == 3 + bool(suffix):
            prefix = f.id.removesuffix(".raised" + suffix)
            name = f.label.removesuffix(when)
            name = ("Not stated" if prefix.endswith("." + act.NO_AGENCY) else
                    name.removeprefix("Actions for which ").removesuffix(" is responsible"))
            arows.append([name, *[_reg_value(reg, f"{prefix}.{k}{suffix}", period) for k in
                                  ("raised", "completed", "ongoing", "not_stated", "overdue")]])
    acols = ["Agency responsible", "Actions", "Completed", "Ongoing", "Status not stated", over_col]
    by_agency = datatables.build(f"Actions from audits and reviews by agency responsible, {title} (number)",
                                 arows, acols, {c: "count" for c in acols[1:]},
                                 notes=("Itemised actions only: a review that reports its actions only as a "
                                        "whole is not counted here.",))
    return [by_source, each, by_agency] if lrows else []


def actions(ds, reg: Register, year: str) -> Section:
    """Actions arising from the year's audits and reviews: their status in words, and which were overdue
    at the year's last day."""
    as_of = periods.year_dates(year)[1]
    return _section(narrative.actions(reg, year), None, action_tables(ds, reg, year, year, as_of))


def section11_tables(ds, reg: Register, year: str, period: str, suffix: str = "", as_of=None) -> list[DataTable]:
    """The Section 11 tables: grades (own and after moderation, with the previous round and the change),
    the self-grades moderated lower, each agency's summary, and who attended the assurance event."""
    from wsp_analysis.calc import section11 as s11
    from wsp_analysis.data.schema import SECTION11_GRADES

    out = []
    if not s11.assessments(ds.section11, year).empty:
        prev = s11.previous_round(ds.section11, year)
        before = s11.distribution(s11.assessments(ds.section11, prev)["standing"]) if prev else None
        cols = ["Grade", "Agency's own (number)", "Agency's own (share)", "After moderation (number)",
                "After moderation (share)", f"{prev or 'Previous'} round after moderation (share)",
                "Change (percentage points)"]
        rows = []
        for gr in SECTION11_GRADES:
            own, st = (reg.get(f"section11.{k}.{slug(gr)}{suffix}", period) for k in ("self", "grade"))
            rows.append([gr, own.numerator, own.value, st.numerator, st.value,
                         before[gr] / sum(before.values()) if before and sum(before.values()) else None,
                         _reg_value(reg, f"section11.change_pp.{slug(gr)}{suffix}", period)])
        k = {cols[1]: "count", cols[2]: "proportion", cols[3]: "count", cols[4]: "proportion", cols[5]: "proportion",
             cols[6]: "decimal"}
        out.append(datatables.build(f"Section 11 grades, {year} round: agencies' own and after moderation", rows,
                                    cols, k, notes=("After moderation: the partnership's grade where it checked the "
                                                    "evidence, else the agency's own.",)))
        low = s11.lowered(ds.section11, year)
        if len(low):
            out.append(datatables.build(
                f"Self-grades the partnership moderated lower, {year} round",
                [[r["agency"], r["standard"], r["self_grade"], r["moderated_grade"]] for _, r in low.iterrows()],
                ["Agency", "Standard", "Agency's own grade", "Moderated grade"], row_headers=2))
        agencies = s11.agency_table(ds.section11, year)
        acols = ["Agency", "Standards", "Self-graded", "Moderated", "Moderated lower",
                 *[f"{gr} after moderation" for gr in SECTION11_GRADES]]
        out.append(datatables.build(
            f"Section 11 self-assessment by agency, {year} round (number of standards)",
            [[r["agency"], r["standards"], r["self_graded"], r["moderated"], r["moderated_lower"],
              *[r[gr] for gr in SECTION11_GRADES]] for _, r in agencies.iterrows()],
            acols, {c: "count" for c in acols[1:]}))
    att = s11.attendance(ds, year, as_of)
    if len(att):
        out.append(datatables.build(
            f"Organisations that attended the Section 11 assurance event, {year}",
            [[r["organisation"], _date_cell(r["event_date"])] for _, r in att.iterrows()],
            ["Organisation", "Event date"]))
    return out


def section11(ds, reg: Register, year: str) -> Section:
    """Agencies' Section 11 self-assessments: grades, moderation, change since the previous round; or,
    where grades are not published, who attended the assurance event."""
    return _section(narrative.section11(reg, ds, year), None, section11_tables(ds, reg, year, year))
