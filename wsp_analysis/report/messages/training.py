"""Messages about multi-agency training (bookings, attendance, places used, e-learning) and its impact
(delegates' self-rated knowledge from evaluation forms)."""
from __future__ import annotations

from wsp_analysis.calc import stats
from wsp_analysis.calc.register import Register
from wsp_analysis.data import periods
from wsp_analysis.report import format as fmt
from wsp_analysis.report.messages.common import (change_in_points, get, known, no_data, number, of, p_value, plural,
                                                 relative_change, sentence, verdict)

NO_FORMS = ("the data holds no evaluation forms (self-rated knowledge before, at the end of and eight weeks after a "
            "course), so the change in self-rated knowledge cannot be reported")


def _rate_change(reg: Register, year: str, key: str, name: str) -> str | None:
    prev = periods.previous_year(year)
    ch, test = get(reg, f"training.change_pp.{key}", year), get(reg, f"training.test.{key}", year)
    before = get(reg, f"training.{key}", prev)
    if ch is None:
        return None
    if ch.missing or not known(before):
        return f"The {name} for {prev} is not available {fmt.NOT_AVAILABLE}, so no change can be tested."
    text = f"The {name} was {change_in_points(ch.value, before.value, prev)} {of(before.numerator, before.denominator)}"
    if known(test):
        text += f"; {verdict(test.value, 'two-proportion z-test', 'the rate really changed')}"
    return text + "."


def course_name(label: str) -> str:
    """The e-learning course a completion-rate figure is about, from its label ("Share of those signed up to
    Child Neglect Awareness Level 1 who completed it")."""
    return label.removeprefix("Share of those signed up to ").removesuffix(" who completed it")


def training(reg: Register, year: str) -> list[str]:
    """The annual training messages: attendance and places used, the change in the attendance rate since the
    year before (tested), no-shows and cancellations, events and e-learning against the year before, and
    each e-learning course's completion. One sentence when the year has no training data."""
    if not reg.has_data("training", year):
        return [no_data("training", year)]
    prev = periods.previous_year(year)
    v = lambda id_, p=year: get(reg, id_, p)  # noqa: E731
    att, util = v("training.attendance_rate"), v("training.utilisation_rate")
    out = []
    if not known(att):
        out.append(f"Training attendance for {year} is not available {fmt.NOT_AVAILABLE}.")
    else:
        msg = f"{fmt.pct(att.value)} of training bookings were attended {of(att.numerator, att.denominator)}"
        if known(util):
            msg += f", and {fmt.pct(util.value)} of the {fmt.count(util.denominator)} places offered were used"
        out.append(msg + ".")
        text = _rate_change(reg, year, "attendance_rate", "attendance rate")  # no-shows are its mirror image
        if text:
            out.append(text)
    noshow, canc = v("training.no_show_rate"), v("training.cancellations")
    if known(noshow):
        msg = (f"{number(noshow.numerator)} {plural(noshow.numerator, 'booking', 'bookings')} "
               f"({fmt.pct(noshow.value)}) {plural(noshow.numerator, 'was', 'were')} not attended")
        if known(canc):
            msg += (f"; a further {number(canc.value)} {plural(canc.value, 'was', 'were')} cancelled beforehand and "
                    "are not counted as bookings")
        out.append(sentence(msg) + ".")
    for what, noun in (("events", "training events were scheduled"), ("elearning", "e-learning modules were taken")):
        ch = v(f"training.{what}_change_pct")
        cur = v("training.events" if what == "events" else "training.elearning_taken")
        if not known(cur):
            continue
        msg = f"{number(cur.value)} {noun}"
        if known(ch):
            msg += f", {relative_change(ch.value)} from {number(ch.denominator)} in {prev}"
        out.append(sentence(msg) + ".")
    for f in reg.find("training.course.", year):
        if f.id.endswith(".completion_rate") and not f.missing:
            inprog = v(f.id.replace("completion_rate", "in_progress"))
            out.append(f"{course_name(f.label)} e-learning: {number(f.numerator)} of the {number(f.denominator)} who "
                       f"signed up completed it ({fmt.pct(f.value)})"
                       + (f"; {number(inprog.value)} {plural(inprog.value, 'was', 'were')} part way through at the "
                          "year end." if known(inprog) else "."))
    return out


def _course_names(reg: Register) -> dict[str, str]:
    d = reg.detail("impact.courses")
    return dict(zip(d["base"], d["course"])) if len(d) else {}


def impact(reg: Register, year: str) -> list[str]:
    """Training impact from evaluation forms: the change in self-rated knowledge by the end of the course,
    the courses whose rise a test supports, and the eight-week follow-up. One sentence when the year has no
    evaluation forms."""
    if not reg.has_data("impact", year):
        return [no_data("impact", year, NO_FORMS)]
    out = []
    paired, change, improved = (get(reg, f"impact.{k}", year) for k in ("paired", "change_mean", "improved"))
    if known(change):
        direction = "rose" if change.value > 0 else "fell" if change.value < 0 else "did not change"
        size = f" by {abs(change.value):.2f} points" if change.value else ""
        msg = (f"Delegates' self-rated knowledge (on a scale of one to five) {direction}{size} on average by the end "
               f"of their course, among the {number(paired.value if paired else None)} who rated it before and after")
        if known(improved):
            msg += f"; {fmt.pct(improved.value)} rated it higher {of(improved.numerator, improved.denominator)}"
        out.append(sentence(msg) + ".")
    tests = [f for f in reg.find("impact.course.", year) if f.id.endswith(".test")]
    done = [f for f in tests if not f.missing]
    if done:
        names = _course_names(reg)
        rose = [f for f in done if stats.significant(f.value)
                and known(get(reg, f.id.replace(".test", ".change_mean"), year))
                and reg.value(f.id.replace(".test", ".change_mean"), year) > 0]
        chance = [f for f in done if not stats.significant(f.value)]
        course = lambda f: names.get(f.id.removesuffix(".test")) or \
            f.label.rsplit(", ", 1)[1].replace(" (p-value)", "")  # noqa: E731
        evaluated = "the one course evaluated" if len(tests) == 1 else f"the {number(len(tests))} courses evaluated"
        msg = (f"The rise was larger than chance alone would be likely to produce for "
               f"{number(len(rose)) if rose else 'none'} of {evaluated} (Wilcoxon signed-rank test, p < 0.05)")
        if chance:
            msg += "; for " + "; ".join(f"{course(f)} the change is within what chance alone could produce at this "
                                        f"sample size ({p_value(f.value)})" for f in chance)
        out.append(msg + ".")
    rate, fu = get(reg, "impact.follow_up_rate", year), get(reg, "impact.follow_up_change_mean", year)
    if known(rate):
        msg = (f"{fmt.pct(rate.value)} of delegates returned the eight-week follow-up evaluation "
               f"{of(rate.numerator, rate.denominator)}")
        if known(fu):
            word = "above" if fu.value > 0 else "below" if fu.value < 0 else "level with"
            msg += (f"; their self-rated knowledge was then {abs(fu.value):.2f} points {word} its pre-course rating "
                    "on average" if fu.value else "; their self-rated knowledge was then level with its pre-course "
                                                 "rating on average")
        if rate.value < 0.5:
            msg += ". Fewer than half replied, so those who did may not speak for the rest"
        out.append(msg + ".")
    return out
