"""The publication report: every number comes from the protected register (kind "publication": small
counts suppressed by calc.disclosure), so no suppressed count can reach the page by another path. Tables
only: a bar drawn to a suppressed value would give it away.

    reg = wsp.figures(ds, "2023-24", kind="publication")
    display(publication.notice(reg), *publication.audits(reg, "2023-24").parts)
"""
from __future__ import annotations

from wsp_analysis.calc import disclosure
from wsp_analysis.calc.register import Register, slug
from wsp_analysis.data import periods
from wsp_analysis.report import blocks
from wsp_analysis import format as fmt
from wsp_analysis.report import messages
from wsp_analysis.report import tables as datatables
from wsp_analysis.report.annual import audit_years
from wsp_analysis.report.messages import no_data
from wsp_analysis.report.messages.budget import budget_lines
from wsp_analysis.report.messages.common import get
from wsp_analysis.report.sections import Section, section


def _cell(reg: Register, id_: str, period: str, field: str = "value"):
    """A figure's value (or numerator) for a table: the number, [c] when suppressed, None when missing."""
    f = get(reg, id_, period)
    if f is None:
        return None
    return fmt.CONFIDENTIAL if f.symbol else getattr(f, field)


def notice(reg: Register) -> blocks.Html:
    """The publication notice: the suppression rule with the partnership's threshold."""
    t = reg.partnership.suppression_threshold
    return blocks.Html("<p><strong>Publication version.</strong> " + blocks.html.escape(disclosure.rule(t)) +
                       " Charts are left out so that no suppressed value can be read off a bar; the internal "
                       "report for the executive shows every figure.</p>")


def _suppressed(reg: Register, prefixes: tuple[str, ...], year: str) -> str:
    n = sum(1 for f in reg if f.symbol and f.id.startswith(prefixes) and f.period.startswith(year))
    return (f"{n} figure{'s' if n != 1 else ''} in this section {'are' if n != 1 else 'is'} suppressed "
            f"({fmt.CONFIDENTIAL})." if n else "No figure in this section needed suppressing.")


def audits(reg: Register, year: str) -> Section:
    """Audit grades by quarter (counts) and each year's shares, suppressed where small."""
    if not reg.has_data("audits", year):
        return section([no_data("audits", year)])
    scale = list(reg.partnership.grade_scale)
    rows = []
    for q in periods.QUARTERS:
        p = periods.period_label(year, q)
        if ("audit.graded", p) not in reg:
            continue
        label = reg.get("audit.graded", p).label
        theme = label.split("(", 1)[1].rstrip(")") if "(" in label else ""
        rows.append([q, theme, *[_cell(reg, f"audit.share.{slug(g)}", p, "numerator") for g in scale],
                     _cell(reg, "audit.graded", p)])
    rows.append(["Year", "All themes", *[_cell(reg, f"audit.share.{slug(g)}", year, "numerator") for g in scale],
                 _cell(reg, "audit.graded", year)])
    counts = datatables.build(f"Multi-agency audit grades by quarter, {year} (number of audits)", rows,
                              ["Quarter", "Theme", *scale, "Total"], {c: "count" for c in [*scale, "Total"]},
                              row_headers=2)
    share_rows = [[y, *[_cell(reg, f"audit.share.{slug(g)}", y) for g in scale]] for y in audit_years(reg, year)]
    shares = datatables.build("Share of multi-agency audits in each grade, by financial year", share_rows,
                              ["Year", *scale], {g: "proportion" for g in scale})
    graded = get(reg, "audit.graded", year)
    if graded is not None and graded.symbol:
        first = f"{fmt.CONFIDENTIAL} multi-agency audits were graded in {year}."
    elif graded is not None and not graded.missing:
        first = f"{fmt.count(graded.value)} multi-agency audits were graded in {year}."
    else:
        first = (f"The number of multi-agency audits graded in {year} is not available {fmt.NOT_AVAILABLE}: the data "
                 "gives no complete counts for the year.")
    return section([first, _suppressed(reg, ("audit.", "consistency."), year)], None, [counts, shares])


def training(reg: Register, year: str) -> Section:
    """Training counts and rates against the year before (not counts of children: shown in full)."""
    if not reg.has_data("training", year):
        return section([no_data("training", year)])
    prev = periods.previous_year(year)
    figs = [f for f in reg.find("training.", year) if f.id.count(".") == 1 and f.unit in ("count", "proportion")]
    table = datatables.build(f"Multi-agency training, {year} and {prev}",
                             [[f.label, _cell(reg, f.id, year), _cell(reg, f.id, prev)] for f in figs],
                             ["Measure", year, prev], row_kinds=tuple(f.unit for f in figs))
    return section([_suppressed(reg, ("training.",), year)], None, [table])


def referrals(reg: Register, year: str) -> Section:
    """Referral counts and the rapid-review share against the year before, suppressed where small."""
    if not reg.has_data("referrals", year):
        return section([no_data("referrals", year)])
    prev = periods.previous_year(year)
    figs = [f for f in reg.find("referrals.", year) if f.unit in ("count", "proportion")]
    table = datatables.build(f"Referrals and reviews, {year} and {prev}",
                             [[f.label, _cell(reg, f.id, year), _cell(reg, f.id, prev)] for f in figs],
                             ["Measure", year, prev], row_kinds=tuple(f.unit for f in figs))
    return section([_suppressed(reg, ("referrals.",), year)], None, [table])


def budget(reg: Register, year: str) -> Section:
    """Budget and actual by line (money is not a count of people: shown in full)."""
    if not reg.has_data("budget", year):
        return section([no_data("budget", year)])
    lines = budget_lines(reg, year)
    rows = [[r["line"], _cell(reg, f"{r['base']}.budget", year), _cell(reg, f"{r['base']}.actual", year),
             _cell(reg, f"{r['base']}.variance", year)] for r in lines]
    variance = "Variance (actual - budget)"
    table = datatables.build(f"Budget and actual by line, {year} (£)", rows, ["Line", "Budget", "Actual", variance],
                             {"Budget": "gbp", "Actual": "gbp", variance: "gbp"},
                             notes=("For spending a positive variance is an overspend (adverse); for income it is "
                                    "more income (favourable).",))
    msgs = ["Money is not a count of people and is shown in full."]
    if not lines:
        msgs = [messages.budget(reg, year)[0]] + msgs
    return section(msgs, None, [table])
