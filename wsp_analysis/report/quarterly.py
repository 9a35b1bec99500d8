"""What each section of the quarterly report displays: messages, a chart and tables, from the
quarterly figures. The quarter, the year to date and the same quarter a year earlier side by side;
[x] where a value is not available, [z] where a comparison does not apply."""
from __future__ import annotations

from wsp_analysis.report import charts
from wsp_analysis.report import tables as datatables
from wsp_analysis.data import periods
from wsp_analysis.report import format as fmt
from wsp_analysis.calc.register import Register, slug
from wsp_analysis.report.annual import Section, _section
from wsp_analysis.calc.training import COUNTS, LABELS, RATES

BUDGET_SECTIONS = (("expenditure", "Spending"), ("income", "Income"))


def _get(reg: Register, id_: str, period: str):
    return reg.get(id_, period) if (id_, period) in reg else None


def _value(reg: Register, id_: str, period: str):
    f = _get(reg, id_, period)
    return None if f is None else f.value


def _periods(year: str, quarter: str) -> tuple[str, str]:
    return periods.period_label(year, quarter), periods.period_label(periods.previous_year(year), quarter)


def audits(ds, reg: Register, year: str, quarter: str) -> Section:
    period, scale = periods.period_label(year, quarter), list(ds.partnership.grade_scale)
    graded = reg.get("audit.graded", period)
    theme = graded.label.split("(", 1)[1].rstrip(")") if "(" in graded.label else ""
    rows = []
    for g in scale:
        q, y = _get(reg, f"audit.share.{slug(g)}", period), _get(reg, f"audit.share.{slug(g)}.ytd", period)
        rows.append([g, q.numerator if q else None, q.value if q else None, y.numerator if y else None,
                     y.value if y else None, fmt.NOT_APPLICABLE])
    cols = ["Grade", f"{quarter} (number)", f"{quarter} (share)", "Year to date (number)", "Year to date (share)",
            "Change on previous quarter"]
    table = datatables.build(f"Multi-agency audit grades, {quarter} {year} and year to date", rows, cols,
                             {cols[1]: "count", cols[2]: "proportion", cols[3]: "count", cols[4]: "proportion"},
                             notes=("Each quarter audits a different theme, so a change against another quarter "
                                    "is not applicable.",))
    msgs = []
    if graded.missing or not graded.value:
        msgs.append(f"No audit grades are available for {quarter} {fmt.NOT_AVAILABLE}.")
    else:
        parts = [f"{fmt.count(r[1])} {r[0].lower()}" for r in rows if r[1]]
        msgs.append(f"The {quarter} audit round ({theme}) graded {fmt.count(graded.value)} cases: {', '.join(parts)}.")
    ytd = reg.get("audit.graded.ytd", period)
    if not ytd.missing:
        msgs.append(f"Year to date, {fmt.count(ytd.value)} cases have been graded.")
    msgs.append("Each quarter audits a different theme, so a change against another quarter is not applicable.")
    chart = charts.table_bars(table, scale, cols[1], f"{quarter} audit round: {theme or 'no audits recorded'}",
                              "Cases graded in the quarter (number)", f"Bar chart of audit grades in {quarter} {year}.")
    return _section(msgs, chart, [table])


def _comparison(reg: Register, ids, year: str, quarter: str, caption: str) -> datatables.DataTable:
    """Rows of (id, label, kind): the quarter, the year to date and the same quarter a year earlier."""
    period, prev = _periods(year, quarter)
    rows = [[label, _value(reg, id_, period), _value(reg, id_ + ".ytd", period), _value(reg, id_, prev)]
            for id_, label, _ in ids]
    return datatables.build(caption, rows, ["Measure", quarter, "Year to date", f"{quarter} a year earlier"],
                            row_kinds=tuple(kind for _, _, kind in ids))


def training(ds, reg: Register, year: str, quarter: str) -> Section:
    period, prev = _periods(year, quarter)
    ids = [(f"training.{c}", LABELS[c], "count") for c in COUNTS] + [
        (f"training.{k}", lab, "proportion") for k, (_, _, lab) in RATES.items()]
    table = _comparison(reg, ids, year, quarter, f"Multi-agency training, {quarter} {year}")
    att = reg.get("training.attendance_rate", period)
    msgs = []
    if att.missing:
        msgs.append(f"Training counts for {quarter} are not available {fmt.NOT_AVAILABLE}; the data gives training "
                    "for the whole year only, or not at all.")
    else:
        msgs.append(f"{fmt.pct(att.value)} of training bookings in {quarter} were attended ({fmt.count(att.numerator)} "
                    f"of {fmt.count(att.denominator)}).")
        before = _get(reg, "training.attendance_rate", prev)
        if before is not None and not before.missing:
            change = (att.value - before.value) * 100
            msgs.append(f"In {quarter} a year earlier it was {fmt.pct(before.value)}: "
                        + (f"{fmt.up_down(change)} {fmt.points(change)}." if round(change) else "about the same."))
        ytd = _get(reg, "training.attendance_rate.ytd", period)
        if ytd is not None and not ytd.missing:
            msgs.append(f"Year to date, {fmt.pct(ytd.value)} of {fmt.count(ytd.denominator)} bookings were attended.")
    shown = [LABELS[n] for n in ("places_offered", "bookings", "attended", "no_shows", "cancellations")]
    chart = charts.table_bars(table, shown, quarter, f"Training in {quarter} {year}",
                              "Places, bookings and attendance in the quarter (number)",
                              f"Bar chart of training in {quarter} {year}.")
    return _section(msgs, chart, [table])


def referrals(ds, reg: Register, year: str, quarter: str) -> Section:
    period, _ = _periods(year, quarter)
    ids = [(f.id, f.label, "count" if f.unit == "count" else "proportion") for f in reg
           if f.id.startswith("referrals.") and not f.id.endswith(".ytd") and f.period == period]
    table = _comparison(reg, ids, year, quarter, f"Referrals and reviews, {quarter} {year}")
    msgs = [f"{label}: {fmt.count(_value(reg, id_, period))} in {quarter}, "
            f"{fmt.count(_value(reg, id_ + '.ytd', period))} year to date." for id_, label, kind in ids
            if kind == "count"]
    shown = [label for _, label, kind in ids if kind == "count"]
    chart = charts.table_bars(table, shown, quarter, f"Referrals in {quarter} {year}",
                              "Referrals and reviews in the quarter (number)",
                              f"Bar chart of referrals in {quarter} {year}.")
    return _section(msgs, chart, [table])


def budget(ds, reg: Register, year: str, quarter: str) -> Section:
    period, _ = _periods(year, quarter)
    cols = ["", "Budget profiled to date", "Actual to date", "Variance to date", "Forecast outturn"]
    rows = [[name] + [_value(reg, f"budget.{s}.{k}", period)
                      for k in ("budget.ytd", "actual.ytd", "variance.ytd", "forecast")]
            for s, name in BUDGET_SECTIONS]
    table = datatables.build(f"Budget to the end of {quarter} {year} (£)", rows, cols, {c: "gbp" for c in cols[1:]},
                             notes=("For spending a positive variance is an overspend (adverse); for income it is "
                                    "more income than planned (favourable).",))
    msgs = []
    for s, name in BUDGET_SECTIONS:
        var = reg.get(f"budget.{s}.variance.ytd", period)
        if var.missing:
            msgs.append(f"{name} to date against the profiled budget is not available {fmt.NOT_AVAILABLE}: "
                        "the data has no quarterly budget monitoring.")
            continue
        over = var.value > 0
        good = (not over) if s == "expenditure" else over
        words = ("over" if over else "under") if var.value else "exactly on"
        msgs.append(f"{name} to the end of {quarter} was {fmt.gbp(var.numerator)} against {fmt.gbp(var.denominator)} "
                    f"profiled: {fmt.gbp(abs(var.value))} {words} the profile"
                    + ("" if not var.value else f" ({'favourable' if good else 'adverse'})") + ".")
        fc = reg.get(f"budget.{s}.forecast_variance", period)
        if not fc.missing:
            msgs.append(f"Forecast {name.lower()} for the year is {fmt.gbp(fc.numerator)} against a budget of "
                        f"{fmt.gbp(fc.denominator)}.")
    chart = charts.table_paired_bars(table, [name for _, name in BUDGET_SECTIONS], cols[1:3],
                                     f"Budget to the end of {quarter} {year}",
                                     "Spending and income to date: profiled budget and actual (£)",
                                     f"Bar chart of budget and actual to {quarter} {year}.")
    return _section(msgs, chart, [table])


def actions(ds, reg: Register, year: str, quarter: str) -> Section:
    """Actions from audits and reviews: the quarter's and the year to date's, overdue at the quarter's end."""
    from wsp_analysis.report.messages import actions as messages
    from wsp_analysis.report.annual import action_tables

    period, as_of = periods.period_label(year, quarter), periods.quarter_dates(year, quarter)[1]
    rows = [(k, label, kind) for k, label, kind in (
        ("actions.raised", "Actions raised", "count"), ("actions.completed", "Completed", "count"),
        ("actions.ongoing", "Ongoing", "count"), ("actions.not_stated", "Status not stated", "count"),
        ("actions.completed_share", "Completed (share of those with a stated status)", "proportion"),
        ("actions.with_due_date", "With a due date", "count"),
        ("actions.overdue", f"Overdue at the end of {quarter}", "count"))]
    summary = datatables.build(
        f"Actions from audits and reviews, {quarter} {year} and year to date",
        [[label, _value(reg, k, period), _value(reg, k + ".ytd", period)] for k, label, _ in rows],
        ["Measure", quarter, "Year to date"], row_kinds=tuple(kind for _, _, kind in rows),
        notes=("Actions are counted in the quarter of the audit round that raised them; a review reporting its "
               "actions only as a whole is counted in the annual report.",))
    tables = [summary] + action_tables(ds, reg, year, period, as_of, periods.quarters_to(quarter), ".ytd",
                                       ", year to date", f"{year} to the end of {quarter}")
    return _section(messages(reg, year, quarter), None, tables)


def section11(ds, reg: Register, year: str, quarter: str) -> Section:
    """The year's Section 11 round as recorded (a round is yearly), attendance up to the quarter's end."""
    from wsp_analysis.report.messages import section11 as messages
    from wsp_analysis.report.annual import section11_tables

    period, as_of = periods.period_label(year, quarter), periods.quarter_dates(year, quarter)[1]
    return _section(messages(reg, ds, year, quarter), None,
                    section11_tables(ds, reg, year, period, ".ytd", as_of))
