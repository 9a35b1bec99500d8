"""Messages about referrals: serious-incident referrals to the partnership and those that met rapid-review
criteria, other referral routes, and routes published by quarter."""
from __future__ import annotations

from wsp_analysis.calc.register import Register
from wsp_analysis.data import periods
from wsp_analysis import format as fmt
from wsp_analysis.report.messages.common import get, interval, known, listing, no_data, number, plural, sentence


def quarter_figures(reg: Register, year: str) -> dict[str, list]:
    """id -> the figures of each quarter of `year` an annual register holds for it (routes given by quarter)."""
    out: dict[str, list] = {}
    for f in reg.find("referrals.", None):
        if f.period.startswith(f"{year}-Q"):
            out.setdefault(f.id, []).append(f)
    return out


def referrals(reg: Register, year: str) -> list[str]:
    """The annual referral messages: serious-incident referrals against the year before and the share that
    met rapid-review criteria (with a word on small numbers), other routes, and routes given by quarter
    (a quarter not published leaves the year's total not available). One sentence when the year has no
    referral data."""
    if not reg.has_data("referrals", year):
        return [no_data("referrals", year)]
    prev = periods.previous_year(year)
    rec = get(reg, "referrals.received", year)
    out = []
    if not known(rec):
        out.append(f"The number of serious-incident referrals in {year} is not available {fmt.NOT_AVAILABLE}.")
    else:
        msg = (f"{number(rec.value)} serious-incident {plural(rec.value, 'referral was', 'referrals were')} "
               "received")
        ch = get(reg, "referrals.received_change", year)
        if known(ch):
            if ch.value == 0:
                msg += f", the same as in {prev}"
            else:
                msg += (f", {number(abs(ch.value))} {'more' if ch.value > 0 else 'fewer'} than the "
                        f"{number(ch.denominator)} in {prev}")
        rate = get(reg, "referrals.rapid_review_rate", year)
        if known(rate):
            msg += (f"; {number(rate.numerator)} of the {number(rate.denominator)} ({fmt.pct(rate.value)}) met "
                    "the criteria for a rapid review")
        out.append(sentence(msg) + ".")
        if known(rate) and rate.denominator < 30:
            msg = "These are small numbers: a change of one or two referrals moves the rate a long way"
            if rate.interval:
                msg += f" (the 95% interval for the {fmt.pct(rate.value)} runs {interval(rate)})"
            out.append(msg + ".")
    by_quarter = quarter_figures(reg, year)
    others = [f for f in reg.find("referrals.", year) if f.id.count(".") == 2 and f.id not in by_quarter]
    if others:
        out.append("Also in the year: " + "; ".join(f"{f.label.lower()}: {number(f.value)}" for f in others) + ".")
    for qs in by_quarter.values():
        shown = [f"{number(f.value)} in {f.period[-2:]}" for f in qs if not f.missing]
        unknown = [f.period[-2:] for f in qs if f.missing]
        msg = f"{qs[0].label}: " + (listing(shown) if shown else "no quarter published")
        if unknown:
            msg += (f"; {' and '.join(unknown)} {'was' if len(unknown) == 1 else 'were'} not published, so the year's "
                    f"total is not available {fmt.NOT_AVAILABLE}")
        out.append(msg + ".")
    return out
