"""The quarterly report's sections: the quarter, the year to date and the same quarter a year earlier side by
side, every number from the quarterly register; [x] where a value is not available, [z] where a comparison
does not apply.

    reg = wsp.figures(ds, "2023-24", "Q3")
    display(*quarterly.audits(reg, "2023-24", "Q3").parts)

Each function takes (reg, year, quarter) and returns a Section (report.sections). A section whose area has
no data in the quarter (or the year to date) says so in one sentence, with no chart and no all-[x] table.
"""
from __future__ import annotations

from wsp_analysis.calc.register import Register, slug
from wsp_analysis.data import periods
from wsp_analysis.report import charts
from wsp_analysis import format as fmt
from wsp_analysis.report import tables as datatables
from wsp_analysis.report import training_tables
from wsp_analysis.report.assurance import quarterly_action_details, section11_details
from wsp_analysis.report.assurance import quarterly_actions as actions
from wsp_analysis.report.assurance import quarterly_section11 as section11
from wsp_analysis.report.messages import quarterly as messages
from wsp_analysis.report.messages.quarterly import BUDGET_SECTIONS, THEMES_DIFFER, spans, themes
from wsp_analysis.report.messages.common import value
from wsp_analysis.report.sections import Section, details, numerator, section, title

key_messages = messages.key_messages

# The page in section order, as the quarterly notebook reads it.
__all__ = ["title", "key_messages", "audits", "training", "referrals", "budget", "actions", "section11", "appendix"]


def _periods(year: str, quarter: str) -> tuple[str, str]:
    return periods.period_label(year, quarter), periods.period_label(periods.previous_year(year), quarter)


def audits(reg: Register, year: str, quarter: str) -> Section:
    """The quarter's audit round and the year to date, grade by grade, with a chart of the quarter's round."""
    this, to_date = spans(year, quarter)
    msgs = messages.audits(reg, year, quarter)
    if not reg.has_data("audits", to_date):
        return section(msgs)
    period, scale = periods.period_label(year, quarter), list(reg.partnership.grade_scale)
    rows = [[g, numerator(reg, f"audit.share.{slug(g)}", period), value(reg, f"audit.share.{slug(g)}", period),
             numerator(reg, f"audit.share.{slug(g)}.ytd", period), value(reg, f"audit.share.{slug(g)}.ytd", period),
             fmt.NOT_APPLICABLE] for g in scale]
    cols = ["Grade", f"{quarter} (number)", f"{quarter} (share)", "Year to date (number)", "Year to date (share)",
            "Change on previous quarter"]
    table = datatables.build(f"Multi-agency audit grades, {quarter} {year} and year to date", rows, cols,
                             {cols[1]: "count", cols[2]: "proportion", cols[3]: "count", cols[4]: "proportion"},
                             notes=(THEMES_DIFFER,))
    chart = None
    if charts.drawable(table, scale, [cols[1]]):
        chart = charts.table_bars(table, scale, cols[1], f"{quarter} audit round: {themes(reg, year, (quarter,))}",
                                  "Cases graded in the quarter (number)",
                                  f"Bar chart of audit grades in {quarter} {year}.")
    return section(msgs, chart, [table], said=key_messages(reg, year, quarter))


def _comparison(reg: Register, figs, year: str, quarter: str, caption: str, notes=()) -> datatables.DataTable:
    """One row per figure: the quarter, the year to date and the same quarter a year earlier."""
    period, prev = _periods(year, quarter)
    rows = [[f.label, f.value, value(reg, f.id + ".ytd", period), value(reg, f.id, prev)] for f in figs]
    return datatables.build(caption, rows, ["Measure", quarter, "Year to date", f"{quarter} a year earlier"],
                            row_kinds=tuple("count" if f.unit == "count" else "proportion" for f in figs),
                            notes=tuple(notes))


def training(reg: Register, year: str, quarter: str) -> Section:
    """Training counts and rates of the quarter against the year to date and a year earlier (percentages
    published without counts among them), with a chart of the quarter's places, bookings and attendance, and
    the quarter's training by course and by the attendees' agency where the data gives them."""
    this, to_date = spans(year, quarter)
    msgs = messages.training(reg, year, quarter)
    if not reg.has_data("training", to_date):
        return section(msgs)
    period, prev = _periods(year, quarter)
    figs = [f for f in reg.find("training.", period) if not f.id.endswith(".ytd") and f.unit in ("count", "proportion")
            and (f.id.count(".") == 1 or f.id.startswith("training.published."))]
    others = {"Year to date": f".ytd|{period}", f"{quarter} a year earlier": f"|{prev}"}
    figs = training_tables.shown(reg, figs, others)
    notes = training_tables.label_notes(reg, figs, others)
    figs = training_tables.relabelled(figs)
    table = _comparison(reg, figs, year, quarter, f"Multi-agency training, {quarter} {year}", notes)
    label = {f.id: f.label for f in figs}
    shown = [label[f"training.{k}"] for k in ("places_offered", "bookings", "attended", "no_shows", "cancellations")
             if f"training.{k}" in label]
    chart = None
    if reg.has_data("training", this) and charts.drawable(table, shown, [quarter]):
        chart = charts.table_bars(table, shown, quarter, f"Training in {quarter} {year}",
                                  "Places, bookings and attendance in the quarter (number)",
                                  f"Bar chart of training in {quarter} {year}.")
    return section(msgs, chart, [table, training_tables.courses(reg, period, f"{quarter} {year}"),
                                 training_tables.agencies(reg, period, f"{quarter} {year}")],
                   said=key_messages(reg, year, quarter))


def referrals(reg: Register, year: str, quarter: str) -> Section:
    """Referral counts of the quarter against the year to date and a year earlier, with a chart of the
    quarter's counts."""
    this, to_date = spans(year, quarter)
    msgs = messages.referrals(reg, year, quarter)
    if not reg.has_data("referrals", this) and not reg.has_data("referrals", to_date):
        return section(msgs)
    period, _ = _periods(year, quarter)
    figs = [f for f in reg.find("referrals.", period) if not f.id.endswith(".ytd") and f.unit in ("count", "proportion")]
    table = _comparison(reg, figs, year, quarter, f"Referrals and reviews, {quarter} {year}")
    shown = [f.label for f in figs if f.unit == "count"]
    chart = None
    if charts.drawable(table, shown, [quarter]):
        chart = charts.table_bars(table, shown, quarter, f"Referrals in {quarter} {year}",
                                  "Referrals and reviews in the quarter (number)",
                                  f"Bar chart of referrals in {quarter} {year}.")
    return section(msgs, chart, [table], said=key_messages(reg, year, quarter))


def budget(reg: Register, year: str, quarter: str) -> Section:
    """Spending and income to the end of the quarter against the profiled budget, and the forecast outturn,
    with a chart of budget and actual to date."""
    _, to_date = spans(year, quarter)
    msgs = messages.budget(reg, year, quarter)
    if not reg.has_data("budget", to_date):
        return section(msgs)
    period, _ = _periods(year, quarter)
    cols = ["", "Budget profiled to date", "Actual to date", "Variance to date", "Forecast outturn"]
    rows = [[name] + [value(reg, f"budget.{s}.{k}", period) for k in ("budget.ytd", "actual.ytd", "variance.ytd",
                                                                      "forecast")]
            for s, name in BUDGET_SECTIONS]
    table = datatables.build(f"Budget to the end of {quarter} {year} (£)", rows, cols, {c: "gbp" for c in cols[1:]},
                             notes=("For spending a positive variance is an overspend (adverse); for income it is "
                                    "more income than planned (favourable).",))
    names = [name for _, name in BUDGET_SECTIONS]
    chart = None
    if charts.drawable(table, names, cols[1:3]):
        chart = charts.table_paired_bars(table, names, cols[1:3], f"Budget to the end of {quarter} {year}",
                                         "Spending and income to date: profiled budget and actual (£)",
                                         f"Bar chart of budget and actual to {quarter} {year}.")
    return section(msgs, chart, [table], said=key_messages(reg, year, quarter))


def appendix(reg: Register, year: str, quarter: str) -> list:
    """The quarterly report's appendix, after its sections: the year to date's actions by source, each action
    and by agency, and the Section 11 round's details, each area under its own heading."""
    return details([("Actions from audits and reviews", quarterly_action_details(reg, year, quarter), []),
                    ("Section 11 self-assessments", section11_details(reg, year, quarter), [])])
