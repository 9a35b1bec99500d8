"""The publication report: every number comes from the protected register (disclosure.protect), so
no suppressed count can reach the page by another path. Tables only: a bar drawn to a suppressed
value would give it away."""
from __future__ import annotations

from wsp_analysis.report import blocks
from wsp_analysis.report import tables as datatables
from wsp_analysis.calc import disclosure
from wsp_analysis.data import periods
from wsp_analysis.report import format as fmt
from wsp_analysis.calc.register import Register, slug
from wsp_analysis.report.annual import Section, _section
from wsp_analysis.calc.training import COUNTS, LABELS, RATES


def _cell(reg: Register, id_: str, period: str, field: str = "value"):
    """A figure's value (or numerator) for a table: the number, [c] when suppressed, None when missing."""
    if (id_, period) not in reg:
        return None
    f = reg.get(id_, period)
    return disclosure.SYMBOL if f.symbol else getattr(f, field)


def figures(ds, year: str) -> Register:
    from wsp_analysis.calc import annual

    return disclosure.protect(annual.figures(ds, year), ds.partnership.suppression_threshold)


def notice(ds) -> blocks.Html:
    t = ds.partnership.suppression_threshold
    return blocks.Html("<p><strong>Publication version.</strong> " + blocks.html.escape(disclosure.rule(t)) +
                       " Charts are left out so that no suppressed value can be read off a bar; the internal "
                       "report for the executive shows every figure.</p>")


def _suppressed(reg: Register, prefixes: tuple[str, ...], year: str) -> str:
    n = sum(1 for f in reg if f.symbol and f.id.startswith(prefixes) and f.period.startswith(year))
    return (f"{n} figure{'s' if n != 1 else ''} in this section {'are' if n != 1 else 'is'} suppressed ([c])."
            if n else "No figure in this section needed suppressing.")


def audits(ds, reg: Register, year: str) -> Section:
    scale = list(ds.partnership.grade_scale)
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
    years = sorted({f.period for f in reg if f.id.startswith("audit.share.") and "-Q" not in f.period})
    share_rows = [[y, *[_cell(reg, f"audit.share.{slug(g)}", y) for g in scale]] for y in years]
    shares = datatables.build("Share of multi-agency audits in each grade, by financial year", share_rows,
                              ["Year", *scale], {g: "proportion" for g in scale})
    graded = reg.get("audit.graded", year)
    msgs = [f"{fmt.count(graded.value) if not graded.symbol else '[c]'} multi-agency audits were graded in {year}.",
            _suppressed(reg, ("audit.", "consistency."), year)]
    return _section(msgs, None, [counts, shares])


def training(ds, reg: Register, year: str) -> Section:
    prev = periods.previous_year(year)
    rows = [[LABELS[c], _cell(reg, f"training.{c}", year), _cell(reg, f"training.{c}", prev)] for c in COUNTS]
    rows += [[lab, _cell(reg, f"training.{k}", year), _cell(reg, f"training.{k}", prev)]
             for k, (_, _, lab) in RATES.items()]
    kinds = ("count",) * len(COUNTS) + ("proportion",) * len(RATES)
    table = datatables.build(f"Multi-agency training, {year} and {prev}", rows, ["Measure", year, prev],
                             row_kinds=kinds)
    return _section([_suppressed(reg, ("training.",), year)], None, [table])


def referrals(ds, reg: Register, year: str) -> Section:
    prev = periods.previous_year(year)
    ids = list(dict.fromkeys(f.id for f in reg if f.id.startswith("referrals.") and f.period == year))
    rows = [[reg.get(i, year).label, _cell(reg, i, year), _cell(reg, i, prev)] for i in ids]
    kinds = tuple("proportion" if reg.get(i, year).unit == "proportion" else "count" for i in ids)
    table = datatables.build(f"Referrals and reviews, {year} and {prev}", rows, ["Measure", year, prev],
                             row_kinds=kinds)
    return _section([_suppressed(reg, ("referrals.",), year)], None, [table])


def budget(ds, reg: Register, year: str) -> Section:
    lines = list(dict.fromkeys(f.id.rsplit(".", 1)[0] for f in reg if f.id.startswith("budget.line.")))
    rows = [[reg.get(f"{b}.budget", year).label.rsplit(":", 1)[0], _cell(reg, f"{b}.budget", year),
             _cell(reg, f"{b}.actual", year), _cell(reg, f"{b}.variance", year)] for b in lines]
    table = datatables.build(f"Budget and actual by line, {year} (£)", rows,
                             ["Line", "Budget", "Actual", "Variance (actual - budget)"],
                             {"Budget": "gbp", "Actual": "gbp", "Variance (actual - budget)": "gbp"},
                             notes=("For spending a positive variance is an overspend (adverse); for income it is "
                                    "more income (favourable).",))
    return _section(["Money is not a count of people and is shown in full."], None, [table])
