"""Messages about multi-agency audit grades: the year's grades against the year before, how uncertain a
share of about 20 audits is, the trend test, and what the counts behind published percentages could
have been ("if the counts were ...", an inference, not data)."""
from __future__ import annotations

import re

from wsp_analysis.calc import stats
from wsp_analysis.calc.register import Register, is_missing, slug
from wsp_analysis.data import periods
from wsp_analysis import format as fmt
from wsp_analysis.report.messages.common import (change_in_points, get, interval, known, listing, no_data, number,
                                                 of, p_value, plural, sentence, verdict)

FISHER = "Fisher's exact test"


def whole_years(reg: Register, prefix: str, up_to: str) -> list[str]:
    """The financial years (not quarters) up to `up_to` for which the register holds a known figure whose
    id starts with `prefix`, oldest first."""
    return sorted({f.period for f in reg.find(prefix) if len(f.period) == 7 and f.period <= up_to and known(f)})


def _counts(fig) -> str:
    """" (4 of 20)" for a share of counts; "" for a published percentage, which has no counts."""
    return "" if fig is None or fig.denominator is None else " " + of(fig.numerator, fig.denominator)


def _mean_position(reg: Register, scale, year: str) -> float | None:
    shares = [get(reg, f"audit.share.{slug(g)}", year) for g in scale]
    if not all(known(s) for s in shares):
        return None
    return sum(i * s.value for i, s in enumerate(shares))


def _trend(reg: Register, scale, year: str) -> str | None:
    trend = get(reg, "audit.test.grade_trend", year)
    if trend is None:
        return None
    counted = whole_years(reg, "audit.graded", year)
    if trend.missing:
        have = ("no year has published counts" if not counted else
                f"{number(len(counted))} {plural(len(counted), 'year has', 'years have')} published counts")
        return ("Whether grades have moved steadily in one direction over the years cannot be tested: a trend test "
                f"needs counts for at least three years, and {have}.")
    span = f"the {number(len(counted))} years with counts ({counted[0]} to {counted[-1]})"
    first, last = _mean_position(reg, scale, counted[0]), _mean_position(reg, scale, counted[-1])
    if stats.significant(trend.value) and first is not None and last is not None and first != last:
        way = "better" if last < first else "worse"
        return (f"Across {span}, grades have moved towards {way} ones by more than chance alone would be likely to "
                f"produce (linear-by-linear trend test, {p_value(trend.value)}).")
    return (f"Across {span}, there are too few audits to tell whether grades are drifting steadily better or worse "
            f"(linear-by-linear trend test, {p_value(trend.value)}).")


def audits(reg: Register, year: str) -> list[str]:
    """The annual audit messages: the lead grade's share (counts, or the published percentage) and its change
    since the year before in percentage points, tested where both years have counts; its interval; the
    trend test; every other grade. One sentence when the year has no audit data."""
    if not reg.has_data("audits", year):
        return [no_data("audits", year)]
    scale = list(reg.partnership.grade_scale)
    g = reg.partnership.lead_grade()
    prev = periods.previous_year(year)
    share = get(reg, f"audit.share.{slug(g)}", year)
    if not known(share):
        return [f"The share of audits graded {g.lower()} in {year} is not available {fmt.NOT_AVAILABLE}: a grade's "
                "count is missing from the data, so the year's total is not known."]
    published = share.denominator is None
    msg = (f"{fmt.pct(share.value)} of multi-agency audits were graded {g.lower()}"
           + (" (a published percentage; the counts are not published)" if published else _counts(share)))
    change = get(reg, f"audit.change_pp.{slug(g)}", year)
    prev_share = get(reg, f"audit.share.{slug(g)}", prev)
    mix = get(reg, "audit.test.grade_mix", year)
    out = []
    if not known(change) or not known(prev_share):
        out.append(msg + f"; there is no {prev} figure to compare with.")
    else:
        msg += ", " + (change_in_points(change.value, prev_share.value, prev)
                       if fmt.up_down(change.value) != "unchanged" else f"the same share as in {prev}") + "."
        word = "fall" if change.value < 0 else "rise" if change.value > 0 else "difference"
        if prev_share.denominator is None or published:
            whose = ("neither year's counts are published" if prev_share.denominator is None and published else
                     f"{prev}'s counts are not published" if prev_share.denominator is None else
                     f"{year}'s counts are not published")
            msg += f" Whether the {word} is more than chance cannot be tested: {whose}."
        elif known(mix):
            msg += " " + sentence(verdict(mix.value, FISHER, "the mix of grades changed", "audits")) + "."
        out.append(msg)
    if share.interval:
        msg = (f"With only {number(share.denominator)} audits, the true share graded {g.lower()} could plausibly be "
               f"anywhere {interval(share)} (the 95% interval).")
        if prev_share is not None and prev_share.interval:
            msg += (f" In {prev} the interval ran {interval(prev_share)} "
                    f"{of(prev_share.numerator, prev_share.denominator)}.")
        elif known(prev_share):
            msg += f" The {prev} share was published without its counts, so it has no interval."
        out.append(msg)
    trend = _trend(reg, scale, year)
    if trend:
        out.append(trend)
    others, changed = [], False
    for grade in scale:
        if grade == g:
            continue
        s, c = get(reg, f"audit.share.{slug(grade)}", year), get(reg, f"audit.change_pp.{slug(grade)}", year)
        part = f"{fmt.pct(s.value if s else None)} {grade.lower()}{_counts(s)}"
        if known(c):
            changed = True
            if fmt.up_down(c.value) != "unchanged":
                part += f", {change_in_points(c.value)}"
        others.append(part)
    if others:
        out.append("Other grades: " + "; ".join(others) + (f" (changes are against {prev})." if changed else "."))
    return out


# --- counts behind published percentages ---------------------------------------------------------------

def counts_text(counts) -> str:
    """"0/7/10/3 of 20"."""
    return "/".join(str(int(c)) for c in counts) + f" of {int(sum(counts))}"


def percents_text(percents) -> str:
    """"0%/35%/50%/15%"; [x] for a percentage not published."""
    return "/".join(fmt.NOT_AVAILABLE if is_missing(p) else f"{p:g}%" for p in percents)


def search_bound(reg: Register) -> int | None:
    """The largest total the search for consistent counts tried, as the figures' labels state it."""
    for f in reg.find("consistency.smallest_n."):
        m = re.search(r"none up to (\d+)", f.label)
        if m:
            return int(m.group(1))
    return None


def inference(reg: Register, year: str) -> list[str]:
    """For the audit section: what the counts behind the years published only as percentages could have been,
    and the exact and trend tests run on them, each labelled "if the counts were ..." (an inference, not
    data). Empty when every year up to `year` has counts."""
    found = reg.detail("consistency.findings")
    if found.empty:
        return []
    rows = [r for r in found.itertuples(index=False) if not is_missing(r.percent_sum)]
    if not rows:
        return []
    scale = [g.lower() for g in reg.partnership.grade_scale]
    fitted = [r for r in rows if r.half_up is not None and not is_missing(r.half_up_n)]
    odd = [f"{r.year}'s add to {r.percent_sum:g}%" for r in rows if r.percent_sum != 100]
    text = (f"The grades for {listing([r.year for r in rows])} were published as percentages without counts"
            + (f" ({listing(odd)}, through rounding)" if odd else "") + ".")
    if fitted:
        text += (f" As an inference, not data: the smallest counts ({'/'.join(scale)}, of the year's total) that "
                 "round to them, rounding half up, are "
                 + listing([f"{counts_text(r.half_up)} in {r.year}" for r in fitted])
                 + ". The real totals may be larger; these are only the smallest that fit.")
    none = [r.year for r in rows if r not in fitted]
    if none:
        text += (f" No counts of up to {search_bound(reg) or fmt.NOT_AVAILABLE} audits round to the percentages "
                 f"published for {listing(none)}.")
    out = [text]
    assumed = {r.year: r.half_up for r in fitted}
    prev = periods.previous_year(year)
    mix = get(reg, "consistency.test.grade_mix", year)
    if known(mix) and prev in assumed:
        these = f"{counts_text(assumed[prev])} in {prev}"
        if year in assumed:  # the year itself published as percentages: its counts are assumed too
            these += f" and {counts_text(assumed[year])} in {year}"
        said = verdict(mix.value, FISHER, f"the mix of grades changed from {prev} to {year}", "audits")
        out.append(f"If the counts were {these}, " + said.replace("there are", "there would be", 1) + ".")
    trend = get(reg, "consistency.test.grade_trend", year)
    if known(trend):
        first, last = min(found["year"]), year if year in assumed else prev
        said = verdict(trend.value, "linear-by-linear trend test",
                       f"grades drifted steadily better or worse from {first} to {year}", "audits")
        out.append(f"If the counts were those for {first} to {last}, " + said.replace("there are", "there would be", 1)
                   + ".")
    return out
