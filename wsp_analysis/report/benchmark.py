"""The benchmark page: how partnerships compare on every indicator with numerators and denominators in at
least three of them, each as a funnel plot with its numbers as a table and the partnerships outside the
limits named in words. Everything from the benchmark's register (calc.benchmark).

    reg = benchmark.figures(load_all("data"), "2023-24", "Q4")
    display(title(reg, "2023-24", "Q4"))
    display(blocks.bullets(key_messages(reg, "2023-24", "Q4")))
    display(*indicators(reg, "2023-24", "Q4"))
"""
from __future__ import annotations

import html

from wsp_analysis.calc.register import Register
from wsp_analysis.data import periods
from wsp_analysis.report import blocks, control_charts
from wsp_analysis import format as fmt
from wsp_analysis.report import tables as datatables
from wsp_analysis.report.messages.common import listing, number, plural, sentence, value

OUTSIDE = {1: "above", -1: "below", 0: "within"}


def when(period: str) -> str:
    """A period in words: "2023-24-Q4" -> "2023-24 Q4"."""
    return period.replace("-Q", " Q")


def title(reg: Register, year: str, quarter: str | None = None) -> blocks.Titled:
    """The page's title block: what is compared, for which period, and whether the data are synthetic."""
    period = periods.period_label(year, quarter)
    ps = reg.detail("benchmark.partnerships")
    heading = f"Benchmark across partnerships: {when(period)}"
    synthetic = bool(len(ps)) and bool(ps["synthetic"].any())
    names = ", ".join(ps["name"]) if len(ps) else "none"
    meta = {"title": heading, "partnership": f"{len(ps)} partnerships: {names}", "period": period,
            "period_description": periods.describe(year, quarter), "kind": "benchmark", "status": "draft",
            "statutory_partners": [], "synthetic": synthetic}
    notice = ("<p><strong>Synthetic data:</strong> some or all of these partnerships are generated, not real; "
              "each synthetic one is marked in the tables.</p>" if synthetic else "")
    return blocks.Titled(f"<h1>{html.escape(heading)}</h1><p>Data for {html.escape(periods.describe(year, quarter))}"
                         f". Partnerships in the data folder: {html.escape(names)}.</p>{notice}", meta)


def _outside(row) -> list[str]:
    """Who lies outside the limits, in words, most certain first."""
    out = []
    for side, word in (("998", "99.8%"), ("95", "95%")):
        above, below = getattr(row, f"above_{side}"), getattr(row, f"below_{side}")
        if side == "95":  # those outside 99.8% are outside 95% too: name only the others
            above = ", ".join(n for n in above.split(", ") if n and n not in row.above_998.split(", "))
            below = ", ".join(n for n in below.split(", ") if n and n not in row.below_998.split(", "))
        for names, where in ((above, "above"), (below, "below")):
            if names:
                k = len(names.split(", "))
                out.append(f"{names} {plural(k, 'lies', 'lie')} {where} the {word} limits"
                           + (": very unlikely to be chance alone." if side == "998" else
                              " (but within 99.8%): worth a look, though 1 in 20 partnerships would lie outside "
                              "95% limits by chance."))
    return out


def key_messages(reg: Register, year: str, quarter: str | None = None) -> list[str]:
    """Which indicators are compared, and every partnership outside the 99.8% limits, named."""
    period = periods.period_label(year, quarter)
    ind = reg.detail("benchmark.indicators")
    if ind.empty:
        return [f"No indicator has numerators and denominators in at least three partnerships for {when(period)} "
                "[x], so nothing is compared."]
    out = [f"{sentence(number(len(ind)))} {plural(len(ind), 'indicator has', 'indicators have')} numerators and "
           f"denominators in at least three partnerships for {when(period)}: {listing(list(ind['label']))}."]
    for r in ind.itertuples(index=False):
        far = [f"{r.above_998} above" if r.above_998 else "", f"{r.below_998} below" if r.below_998 else ""]
        far = [f for f in far if f]
        if far:
            out.append(f"{r.label}: {' and '.join(far)} the 99.8% limits.")
    if len(out) == 1:
        out.append("No partnership lies outside the 99.8% limits on any indicator: every difference is within what "
                   "chance alone would give at its size.")
    return out


def table(reg: Register, row, period: str) -> datatables.DataTable:
    """One indicator's funnel as data: a row per partnership, smallest denominator first."""
    rates = reg.detail("benchmark.rates")
    rates = rates[rates["indicator"] == row.indicator]
    base = f"benchmark.{row.indicator}"
    out = []
    for r in rates.itertuples(index=False):
        f = reg.get(f"{base}.{r.partnership}.rate", period)
        v = lambda what: value(reg, f"{base}.{r.partnership}.{what}", period)  # noqa: E731
        out.append([r.name + (" (synthetic)" if r.synthetic else ""), f.numerator, f.denominator, f.value,
                    v("lower_95"), v("upper_95"), v("lower_998"), v("upper_998"), OUTSIDE[int(r.outside_998)],
                    OUTSIDE[int(r.outside_95)]])
    cols = ["Partnership", "Numerator", "Denominator", "Rate", "Lower 95% limit", "Upper 95% limit",
            "Lower 99.8% limit", "Upper 99.8% limit", "Against the 99.8% limits", "Against the 95% limits"]
    kinds = {"Numerator": "count", "Denominator": "count", **{c: "proportion" for c in cols[3:8]}}
    pooled = reg.get(f"{base}.pooled", period)
    return datatables.build(f"{row.label}, {when(period)}: each partnership against the pooled rate", out, cols,
                            kinds, notes=(f"Pooled rate {fmt.pct(pooled.value, 1)} ({fmt.count(pooled.numerator)} of "
                                          f"{fmt.count(pooled.denominator)}). Limits are exact binomial limits "
                                          "around the pooled rate at each partnership's denominator (Spiegelhalter "
                                          "2005).",))


def _alt(reg: Register, row, period: str, data: datatables.DataTable) -> str:
    pooled = reg.value(f"benchmark.{row.indicator}.pooled", period)
    each = "; ".join(f"{data.value(i, 'Partnership')} {fmt.pct(data.value(i, 'Rate'), 1)} of "
                     f"{fmt.count(data.value(i, 'Denominator'))}" for i in range(len(data.frame)))
    outside = _outside(row)
    return (f"Funnel plot of {row.label} for {len(data.frame)} partnerships against the pooled rate of "
            f"{fmt.pct(pooled, 1)}, with 95% and 99.8% limits narrowing as the denominator grows. {each}. "
            + (" ".join(outside) if outside else "Every partnership lies within the 95% limits."))


def chart(reg: Register, row, period: str, data: datatables.DataTable):
    """The indicator's funnel plot, drawn from its table, the pooled rate and the limits' curves."""
    c = reg.detail("benchmark.curves")
    c = c[c["indicator"] == row.indicator]
    curves = {"95% limits": (list(c["denominator"]), [*c["lower_95"], *c["upper_95"]]),
              "99.8% limits": (list(c["denominator"]), [*c["lower_998"], *c["upper_998"]])}
    rates = reg.detail("benchmark.rates")
    outside = [int(o) for o in rates[rates["indicator"] == row.indicator]["outside_998"]]
    return control_charts.funnel(data, "Partnership", "Rate", "Denominator",
                                 reg.value(f"benchmark.{row.indicator}.pooled", period), curves, outside, row.label,
                                 f"Percent against the denominator, {when(period)}", _alt(reg, row, period, data))


def indicators(reg: Register, year: str, quarter: str | None = None) -> list:
    """Per indicator: its heading, who lies outside the limits (and who was left out, and why), the funnel
    plot and its table."""
    period = periods.period_label(year, quarter)
    out = []
    for r in reg.detail("benchmark.indicators").itertuples(index=False):
        out.append(blocks.heading(r.label, 3))
        said = _outside(r) or [f"Every one of the {r.partnerships} partnerships lies within the 95% limits: no "
                               "difference larger than chance alone would give at its size."]
        if r.left_out:
            said.append(f"Left out: {r.left_out}, whose definition differs (another grade scale's headline grade).")
        out.append(blocks.bullets(said))
        data = table(reg, r, period)
        out += [chart(reg, r, period, data), blocks.table(data)]
    return out
