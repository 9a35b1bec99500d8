"""Messages about multi-agency training (bookings, attendance, places used, e-learning) and its impact
(delegates' self-rated knowledge from evaluation forms)."""
from __future__ import annotations

from wsp_analysis.calc import stats
from wsp_analysis.calc.register import Register
from wsp_analysis.calc.rows import PUBLISHED, PUBLISHED_MARK
from wsp_analysis.data import periods
from wsp_analysis import format as fmt
from wsp_analysis.report.messages.common import (change_in_points, get, interval, known, no_data, number, of, p_value,
                                                 plural, relative_change, sentence, verdict)

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
    text = f"The {name} was {change_in_points(ch.value, before.value, prev)}"
    if before.numerator is not None:
        text += f" {of(before.numerator, before.denominator)}"
    if known(test):
        text += f"; {verdict(test.value, 'two-proportion z-test', 'the rate really changed')}"
    else:
        published = [y for y, f in ((prev, before), (year, get(reg, f"training.{key}", year))) if is_published(f)]
        if len(published) == 2:
            text += ("; both years' are published percentages without their counts, so whether the change is larger "
                     "than chance alone could produce cannot be tested")
        elif published:
            text += (f"; {published[0]}'s is a published percentage without its counts, so whether the change is "
                     "larger than chance alone could produce cannot be tested")
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
    if is_published(att):
        out.append(attendance_published(reg, year))
        out.append(_rate_change(reg, year, "attendance_rate", "attendance rate"))
    elif not known(att):
        out.append(counted_without_bookings(reg, year, year)
                   or f"Training attendance for {year} is not available {fmt.NOT_AVAILABLE}.")
    else:
        msg = f"{fmt.pct(att.value)} of training bookings were attended {of(att.numerator, att.denominator)}"
        if known(util):
            msg += f", and {fmt.pct(util.value)} of the {fmt.count(util.denominator)} places offered were used"
        out.append(msg + ".")
        text = _rate_change(reg, year, "attendance_rate", "attendance rate")  # no-shows are its mirror image
        if text:
            out.append(text)
    out += [walk_ins(reg, year), registrations(reg, year)]
    noshow, canc = v("training.no_show_rate"), v("training.cancellations")
    if is_published(noshow):
        out.append(f"{fmt.pct(noshow.value)} of bookings were not attended ({PUBLISHED_WORDS}).")
    elif known(noshow):
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
    return [m for m in out if m] + breakdowns(reg, year, year)


def _course_names(reg: Register) -> dict[str, str]:
    d = reg.detail("impact.courses")
    return dict(zip(d["base"], d["course"])) if len(d) else {}


def impact(reg: Register, year: str) -> list[str]:
    """Training impact from evaluation forms: the change in self-rated knowledge by the end of the course,
    the courses whose rise a test supports, and the eight-week follow-up. One sentence when the year has no
    evaluation forms."""
    if not reg.has_data("impact", year):
        return [no_data("impact", year, NO_FORMS)]
    shares = evaluation_shares(reg, year)
    if not known(get(reg, "impact.delegates", year)) and reg.detail("impact.courses").empty:
        return shares + [sentence(NO_FORMS) + "."]  # published shares only: say the ratings are not there
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
    return out + shares


# --- training as partnerships publish it: walk-ins, registrations, volume, courses, agencies, percentages -------

PUBLISHED_WORDS = "a published percentage; the counts are not published"


def is_published(fig) -> bool:
    """Whether a share is a percentage published without its counts (no numerator; its label says so)."""
    return known(fig) and fig.numerator is None and PUBLISHED_MARK in fig.label


def attendance_published(reg: Register, period: str, when: str = "") -> str | None:
    """"83% of training bookings were attended (a published percentage; ...)" when the period's attendance
    rate is a published percentage (`when`: " in Q3", or "")."""
    att = get(reg, "training.attendance_rate", period)
    if not is_published(att):
        return None
    return f"{fmt.pct(att.value)} of training bookings{when} were attended ({PUBLISHED_WORDS})."


def counted_without_bookings(reg: Register, period: str, when: str) -> str | None:
    """Attendance where bookings are not counted (training given by course): how many attended, and the share
    of places used. `when` names the period ("2023-24", "Q3")."""
    att, util = get(reg, "training.attended", period), get(reg, "training.utilisation_rate", period)
    if not known(att) or known(get(reg, "training.bookings", period)):
        return None
    msg = f"In {when}, {fmt.count(att.value)} {plural(att.value, 'person', 'people')} attended training"
    if known(util):
        msg += f", using {fmt.pct(util.value)} of the {fmt.count(util.denominator)} places offered"
    return msg + f"; the share of bookings attended is not available {fmt.NOT_AVAILABLE}: bookings are not counted."


def walk_ins(reg: Register, period: str) -> str | None:
    """Everyone who attended, including the walk-ins (who attended without booking and are never counted as
    attended bookings); or that walk-ins were recorded for part of the period only."""
    w, att = get(reg, "training.walk_ins", period), get(reg, "training.attended", period)
    if known(w) and known(att) and w.value == 0:
        return f"In all, {fmt.count(att.value)} people attended; no walk-ins (people who had not booked) were recorded."
    if known(w) and known(att):
        return (f"In all, {fmt.count(att.value)} people attended, including {number(w.value)} "
                f"{plural(w.value, 'walk-in', 'walk-ins')} who had not booked; walk-ins are not counted as attended "
                "bookings.")
    if known(att) and "walk-ins where recorded" in att.label:
        return (f"In all, {fmt.count(att.value)} people attended, counting walk-ins (people who had not booked) where "
                f"they were recorded; for the rest of the period their number is not available {fmt.NOT_AVAILABLE}.")
    return None


def registrations(reg: Register, period: str) -> str | None:
    """Registrations, the cancellations among them and the bookings left."""
    r, c, b = (get(reg, f"training.{k}", period) for k in ("registrations", "cancellations", "bookings"))
    if not known(r):
        return None
    if known(c) and known(b):
        return (f"Registrations: {fmt.count(r.value)} places were booked, {fmt.count(c.value)} of them later "
                f"cancelled, leaving {fmt.count(b.value)} bookings.")
    return f"Registrations: {fmt.count(r.value)} places were booked, including any later cancelled."


def volume(reg: Register, period: str) -> str | None:
    """Sessions cancelled and trainer days, where given."""
    sc, td = get(reg, "training.sessions_cancelled", period), get(reg, "training.trainer_days", period)
    parts = []
    if known(sc):
        parts.append(f"{number(sc.value)} training {plural(sc.value, 'session was', 'sessions were')} cancelled")
    if known(td):
        parts.append(f"trainers gave {number(td.value)} {plural(td.value, 'day', 'days')} to delivering training")
    return sentence("; ".join(parts)) + "." if parts else None


def _known_by_name(reg: Register, detail, column: str, suffix: str, period: str) -> list[tuple[str, object]]:
    """(name, figure) for each row of a detail (its `column` names it, its `base` begins its figure ids) whose
    figure base + suffix has a value in the period."""
    named = [(name, get(reg, f"{base}{suffix}", period)) for name, base in zip(detail[column], detail["base"])]
    return [(name, f) for name, f in named if known(f)]


def courses(reg: Register, period: str, when: str) -> list[str]:
    """Each course's fill rate in a sentence (one course), or the range across them; or that the figures by
    course are not available for the period `when` ("2023-24", "Q3")."""
    d = reg.detail("training.events")
    if d.empty:
        return []
    fills = _known_by_name(reg, d, "course", ".fill_rate", period)
    if not fills:
        if any(known(get(reg, f"{b}.attended", period)) for b in d["base"]):
            return []
        return [f"Figures by course for {when} are not available {fmt.NOT_AVAILABLE}: the courses' rows do not cover "
                "every quarter of the period, or leave a count blank."]
    if len(fills) == 1:
        name, f = fills[0]
        return [f"{name}: {fmt.pct(f.value)} of its {fmt.count(f.denominator)} places were filled "
                f"({fmt.count(f.numerator)} attended)."]
    low, high = min(fills, key=lambda t: t[1].value), max(fills, key=lambda t: t[1].value)
    return [f"By course, the share of places filled ranged from {fmt.pct(low[1].value)} ({low[0]}, "
            f"{fmt.count(low[1].numerator)} of {fmt.count(low[1].denominator)}) to {fmt.pct(high[1].value)} "
            f"({high[0]}, {fmt.count(high[1].numerator)} of {fmt.count(high[1].denominator)}) across the "
            f"{number(len(fills))} courses with places and attendance given."]


def agencies(reg: Register, period: str, when: str) -> list[str]:
    """The agency with the most attendance recorded by agency, and its share; or that it is not available."""
    d = reg.detail("training.agencies")
    if d.empty:
        return []
    shares = _known_by_name(reg, d, "agency", ".share", period)
    if not shares:
        return [f"Training attendance by agency for {when} is not available {fmt.NOT_AVAILABLE}: an agency's count "
                "is missing for part of the period."]
    name, top = max(shares, key=lambda t: t[1].value)
    return [f"Of the {fmt.count(top.denominator)} attendances recorded by agency, the most were from {name}: "
            f"{fmt.count(top.numerator)} ({fmt.pct(top.value)})."]


def published_measures(reg: Register, period: str) -> list[str]:
    """Each other training percentage published without its counts (take-up, ...), in the source's words."""
    out = []
    for f in reg.find("training.published.", period):
        if not f.id.endswith(".ytd") and known(f):
            measure = f.label.removesuffix(f" ({PUBLISHED})")
            out.append(f"The published figure for {measure} is {fmt.pct(f.value)} (the counts are not published).")
    return out


def breakdowns(reg: Register, period: str, when: str) -> list[str]:
    """Volume, the other published percentages, the courses and the agencies: each sentence that has something
    to say for the period (`when` names it: "2023-24", "Q3"), in that order."""
    out = [volume(reg, period)]
    return [m for m in out if m] + published_measures(reg, period) + courses(reg, period, when) + \
        agencies(reg, period, when)


def published_evaluations(reg: Register, year: str):
    """(measure, when, period, figure) for each evaluation share published in the year (details
    "impact.published"), the year's own first and then each quarter's; a figure the register has, missing or
    not. `when` is "" where not stated."""
    d = reg.detail("impact.published")
    for measure, when, base in (zip(d["measure"], d["when"], d["base"]) if len(d) else ()):
        for period in (year, *(periods.period_label(year, q) for q in periods.QUARTERS)):
            f = get(reg, base, period)
            if f is not None:
                yield measure, when, period, f


def evaluation_shares(reg: Register, year: str) -> list[str]:
    """Evaluation published as shares of delegates (more knowledge, a change in practice), for the year and
    each quarter of it, with the respondents and the 95% interval where published."""
    out = []
    for measure, when, period, f in published_evaluations(reg, year):
        if not known(f):
            continue
        msg = f"{fmt.pct(f.value)} of delegates reported {measure}" + (f", {when}" if when else "")
        msg += f", in {period[-2:]}" if period != year else ""
        if f.denominator is not None:
            msg += (f": {fmt.count(f.denominator)} responded, and with that many the true share could plausibly "
                    f"lie {interval(f)} ({PUBLISHED_WORDS})")
        else:
            msg += (" (a published percentage; neither the counts nor the number who responded are published, "
                    "so its uncertainty cannot be given)")
        out.append(msg + ".")
    return out
