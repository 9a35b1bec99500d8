"""At a glance for the quarterly report: the quarter's audit round, training and referrals, spending to
date and actions to date, as tiles (report.glance: the same Tile, judgements and block)."""
from __future__ import annotations

from wsp_analysis.calc.register import Register, slug
from wsp_analysis.data import periods
from wsp_analysis import format as fmt
from wsp_analysis.report.glance import Tile, _referral_headline, _shown, _tile, actions
from wsp_analysis.report.messages.common import get, known, of, sentence
from wsp_analysis.report.messages.quarterly import spans, themes


def _quarter_audits(reg: Register, year: str, quarter: str, period: str, this: bool) -> Tile:
    g = reg.partnership.lead_grade()
    q, ytd = get(reg, f"audit.share.{slug(g)}", period), get(reg, f"audit.share.{slug(g)}.ytd", period)
    theme = themes(reg, year, (quarter,))
    why = ((f"{quarter}'s theme was {theme}; " if theme else "")
           + "each quarter audits a different theme, so rounds are not compared")
    ytd_words = (f"{fmt.pct(ytd.value)} year to date {of(ytd.numerator, ytd.denominator)}" if known(ytd)
                 else f"Year to date not available {fmt.NOT_AVAILABLE}")
    if this and known(q):
        return _tile("Audits", fmt.pct(q.value), f"of {quarter}'s audits graded {g.lower()} {of(q.numerator, q.denominator)}",
                     sentence(ytd_words), "info", why)
    if known(ytd):
        return _tile("Audits", fmt.pct(ytd.value), f"of audits graded {g.lower()} year to date "
                     f"{of(ytd.numerator, ytd.denominator)}", f"No audit round graded in {quarter}", "info", why)
    return _tile("Audits", fmt.NOT_AVAILABLE, f"of audits graded {g.lower()}", "A grade's count is missing",
                 "unknown", "the share is not known")


def _quarter_training(reg: Register, year: str, quarter: str, period: str) -> Tile:
    prev = periods.period_label(periods.previous_year(year), quarter)
    att, ytd = get(reg, "training.attendance_rate", period), get(reg, "training.attendance_rate.ytd", period)
    before = get(reg, "training.attendance_rate", prev)
    if known(att):
        what = f"of training bookings in {quarter} attended {of(att.numerator, att.denominator)}"
        said = (f"{fmt.pct(before.value)} in {quarter} a year earlier {of(before.numerator, before.denominator)}"
                if known(before) else f"No figure for {quarter} a year earlier")
        return _tile("Training", fmt.pct(att.value), what, sentence(said), "info",
                     "one quarter against another is not tested")
    if known(ytd):
        return _tile("Training", fmt.pct(ytd.value), f"of training bookings attended year to date "
                     f"{of(ytd.numerator, ytd.denominator)}", f"{quarter} alone is not available {fmt.NOT_AVAILABLE}",
                     "info", "one quarter against another is not tested")
    return _tile("Training", fmt.NOT_AVAILABLE, "of training bookings attended", "Bookings or attendance missing",
                 "unknown", "the attendance rate is not known")


def _quarter_referrals(reg: Register, quarter: str, period: str) -> Tile:
    rec = _referral_headline(reg, period)
    ytd = get(reg, rec.id + ".ytd", period) if rec is not None else None
    what = (rec.label[:1].lower() + rec.label[1:] if rec is not None else "referrals") + f" in {quarter}"
    said = (f"{fmt.count(ytd.value)} year to date" if known(ytd) else
            f"Year to date not available {fmt.NOT_AVAILABLE}")
    return _tile("Referrals", _shown(rec, fmt.count), what, said, "info",
                 "more referrals or fewer is neither better nor worse in itself")


def _quarter_budget(reg: Register, quarter: str, period: str) -> Tile:
    var, fc = get(reg, "budget.expenditure.variance.ytd", period), get(reg, "budget.expenditure.forecast_variance", period)
    if not known(var):
        return _tile("Budget", fmt.NOT_AVAILABLE, f"spending against the profiled budget to the end of {quarter}",
                     "Spending or its profile is missing", "unknown", "spending to date is not known")
    words = "over" if var.value > 0 else "under" if var.value < 0 else "exactly on"
    said = (f"Forecast spending {fmt.gbp(fc.numerator)} against a budget of {fmt.gbp(fc.denominator)}" if known(fc)
            else "No forecast outturn given")
    if var.value > 0:
        return _tile("Budget", fmt.gbp(var.value), f"{words} the profiled budget to the end of {quarter}", said,
                     "watch", "adverse to date")
    return _tile("Budget", fmt.gbp(abs(var.value)), f"{words} the profiled budget to the end of {quarter}", said,
                 "fine", "favourable to date", "Within budget")


def tiles(reg: Register, year: str, quarter: str) -> list[Tile]:
    """The quarterly report's tiles: the quarter's audit round, training and referrals, spending to date and
    actions to date, each only when the register has data for it in the year to date."""
    this, to_date = spans(year, quarter)
    period = periods.period_label(year, quarter)
    out = []
    if reg.has_data("audits", to_date):
        out.append(_quarter_audits(reg, year, quarter, period, reg.has_data("audits", this)))
    if reg.has_data("training", to_date):
        out.append(_quarter_training(reg, year, quarter, period))
    if reg.has_data("referrals", this) or reg.has_data("referrals", to_date):
        out.append(_quarter_referrals(reg, quarter, period))
    if reg.has_data("budget", to_date):
        out.append(_quarter_budget(reg, quarter, period))
    if reg.has_data("actions", to_date):
        out.append(actions(reg, period, periods.quarter_dates(year, quarter)[1], ".ytd"))
    return out
