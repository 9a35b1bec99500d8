"""The dashboard's words, from its register only (calc.dashboard): the key messages (which indicators show
special cause variation at the latest point, which consistently pass or fail their targets, which have too
few points to judge) and each indicator's sentences.

    key_messages(reg, "2023-24", "Q4")        # list of str
    indicator(reg, row, "2023-24-Q4")         # list of str, for one row of reg.detail("dashboard.indicators")
"""
from __future__ import annotations

from wsp_analysis.calc.register import Register
from wsp_analysis.data import periods
from wsp_analysis import format as fmt
from wsp_analysis.report.messages.common import listing, number, plural, sentence, value

IMPROVEMENT, CONCERN = "special cause improvement", "special cause concern"
HIGHER, LOWER = "special cause (higher)", "special cause (lower)"


def say(v, unit: str) -> str:
    """A value as the dashboard prints it: a proportion or percent with one decimal, a count whole (one
    decimal for a mean), pounds whole, any other number with two decimals; [x] when missing."""
    if fmt.is_missing(v):
        return fmt.NOT_AVAILABLE
    if unit == "proportion":
        return fmt.pct(v, 1)
    if unit == "percent":
        return fmt.percent(v, 1)
    if unit == "count":
        return fmt.number(v, 0) if float(v).is_integer() else fmt.number(v, 1)
    if unit == "gbp":
        return fmt.gbp(v)
    return fmt.number(v, 2)


def when(period: str) -> str:
    """A period in words: "2023-24-Q4" -> "2023-24 Q4"; a year as it is."""
    return period.replace("-Q", " Q")


def _named(rows) -> str:
    return listing([f"{r.label}" for r in rows.itertuples(index=False)])


def key_messages(reg: Register, year: str, quarter: str | None = None) -> list[str]:
    """What the board reads first: how many indicators, which show special cause variation at the latest point
    (named, improvement and concern apart), how many consistently pass or fail their targets, and which have too
    few points for process limits or no value at all."""
    period = periods.period_label(year, quarter)
    ind = reg.detail("dashboard.indicators")
    if ind.empty:
        return [f"No indicator has a value up to {when(period)} [x]."]
    xmr, run, none = (ind[ind["chart"] == k] for k in ("xmr", "run", "none"))
    charted = len(ind) - len(none)
    head = (f"The dashboard charts {number(charted)} {plural(charted, 'indicator', 'indicators')} up to "
            f"{when(period)}")
    if not len(xmr):
        out = [f"{head}. None has the 12 or more points process limits need, so each chart is a run chart with no "
               "limits and no judgement of variation or assurance: more periods of data are needed before a change "
               "can be told apart from the process's own variation."]
        run = run.iloc[0:0]
    else:
        out = [f"{head}; {number(len(xmr))} {plural(len(xmr), 'has', 'have')} enough points (12 or more) for "
               f"process limits, and {plural(len(xmr), 'it is', 'each is')} judged at its latest point."]
    for words, what in ((CONCERN, "special cause concern"), (IMPROVEMENT, "special cause improvement")):
        hit = xmr[xmr["variation_words"] == words]
        if len(hit):
            out.append(sentence(f"{_named(hit)} {plural(len(hit), 'shows', 'show')} {what} at the latest point: a "
                                "change larger than the process's own variation would give."))
    moved = xmr[xmr["variation_words"].isin((HIGHER, LOWER))]
    if len(moved):
        out.append(sentence(f"{_named(moved)} {plural(len(moved), 'shows', 'show')} special cause variation at the "
                            "latest point, in a measure with no better direction (a volume to watch)."))
    common = xmr[xmr["variation_words"] == "common cause"]
    if len(common):
        out.append(sentence(f"{number(len(common))} {plural(len(common), 'indicator shows', 'indicators show')} "
                            "only common cause variation at the latest point: no change beyond the process's own "
                            "variation."))
    fails = xmr[xmr["assurance_words"] == "consistently fails the target"]
    passes = xmr[xmr["assurance_words"] == "consistently passes the target"]
    if len(fails):
        out.append(sentence(f"{_named(fails)} will consistently fail {plural(len(fails), 'its', 'their')} target "
                            "unless the process changes: the target lies outside the process limits."))
    if len(passes):
        out.append(sentence(f"{_named(passes)} consistently {plural(len(passes), 'passes its', 'pass their')} "
                            "target: the whole process lies on the right side of it."))
    if len(run):
        out.append(sentence(f"{_named(run)} {plural(len(run), 'has', 'have')} fewer than 12 points, so "
                            f"{plural(len(run), 'its chart is a run chart', 'their charts are run charts')} with no "
                            "limits and no judgement of variation or assurance."))
    if len(none):
        out.append(sentence(f"{_named(none)} {plural(len(none), 'has', 'have')} no value up to {when(period)} "
                            "[x]: not available, not zero."))
    return out


def indicator(reg: Register, row, period: str) -> list[str]:
    """One indicator's sentences: its latest value, mean and limits, variation and assurance in words, and
    for a run chart (or none) why it is not judged. `row` is its row of dashboard.indicators."""
    base, unit = f"dashboard.{row.indicator}", row.unit
    if row.chart == "none":
        return [row.why]
    latest = value(reg, f"{base}.value", row.latest)
    n = value(reg, f"{base}.points", period)
    span = f"{number(n)} {row.frequency}{'s' if n != 1 else ''}"
    out = [f"Latest value {say(latest, unit)} ({when(row.latest)}); mean {say(value(reg, f'{base}.mean', period), unit)}"
           f" over {span}."]
    if row.chart == "run":
        out.append(row.why)
        return out
    lo, hi = value(reg, f"{base}.lower_limit", period), value(reg, f"{base}.upper_limit", period)
    special = value(reg, f"{base}.special_points", period)
    out.append(f"Process limits {say(lo, unit)} to {say(hi, unit)}; {number(special)} "
               f"{plural(special, 'point shows', 'points show')} special cause variation.")
    out.append(sentence(f"Variation at the latest point: {row.variation_words}."))
    target = value(reg, f"{base}.target", period) if (f"{base}.target", period) in reg else None
    if target is not None:
        out.append(sentence(f"Assurance against the target of {say(target, unit)}: {row.assurance_words}."))
    return out
