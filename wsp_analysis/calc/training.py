"""Training: counts, attendance / no-show / utilisation rates, e-learning, and change on the year before.

Definitions (DESIGN.md): bookings are places booked and not cancelled, so
bookings = attended + no-shows; cancellations are counted apart. Where a partnership counts
registrations (places booked, some later cancelled), bookings = registrations - cancellations; where
it records walk-ins (people who attended without booking), attended counts them too:
attended = bookings - no-shows + walk-ins.
attendance = bookings attended / bookings (bookings attended = attended - walk-ins: a walk-in is never an
attended booking); no-show = no-shows / bookings; utilisation = attended / places offered (walk-ins
use places too).

Figures (calc.spans for the periods): for every report, the counts and rates of its span (an annual
report's year, a quarterly report's quarter) and of the year before or the same quarter a year earlier
(when that has counts or published percentages); a quarterly report adds the year to date (ids end
.ytd). training.registrations, .walk_ins, .bookings_attended, .sessions_cancelled and .trainer_days are
in the reports of a partnership whose training.csv has any value in those columns (blank for a period
without). The attended figure's label says how many walk-ins it includes. An annual report adds the
change since the year before (events and e-learning in percent; attendance and no-show rates in
percentage points, with the two-proportion z-test where both years have counts) and each e-learning
course's take-up. Where training.csv has no row in a span, training_events.csv's courses give events,
sessions, places and attended (calc.training_courses, which also gives each course's and each agency's
figures); where counts give no rate, a published percentage does (calc.published_shares).
Source: training.csv (counts; a whole-year row or one row per quarter), elearning_courses.csv,
training_events.csv, training_by_agency.csv, training_shares.csv.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from wsp_analysis.calc import published_shares, stats, training_courses
from wsp_analysis.calc.rows import Block, num, pct_change, ratio, rows, slugs
from wsp_analysis.calc.spans import PREV, THIS, YTD, has_data, periods_of, spans, sum_over_spans

TABLES = ("training", "elearning_courses", *training_courses.TABLES, "training_shares")
COUNTS = ("events", "occurrences", "places_offered", "bookings", "cancellations", "attended", "no_shows",
          "elearning_taken")
OPTIONAL = ("registrations", "walk_ins", "sessions_cancelled", "trainer_days")  # figures where a partnership has any
LABELS = {
    "events": "Training events scheduled",
    "occurrences": "Training sessions run (event occurrences)",
    "places_offered": "Training places offered",
    "bookings": "Training bookings (attended + no-shows)",
    "cancellations": "Training bookings cancelled",
    "attended": "Training bookings attended",
    "no_shows": "Training bookings not attended (no-shows)",
    "elearning_taken": "E-learning modules taken",
    "registrations": "Training registrations (places booked, including those later cancelled)",
    "walk_ins": "People who attended training without booking (walk-ins)",
    "sessions_cancelled": "Training sessions cancelled",
    "trainer_days": "Trainer days delivering training",
    "bookings_attended": "Training bookings attended (walk-ins not counted)",
}
WALK_IN_LABELS = {  # where the span's rows record walk-ins, these say how they are counted
    "bookings": "Training bookings (places booked and not cancelled)",
    "attendance_rate": "Share of bookings attended (walk-ins not counted)",
    "utilisation_rate": "Share of places offered that were used (walk-ins included)",
}
RATES = {  # id: (numerator, denominator, label)
    "attendance_rate": ("bookings_attended", "bookings", "Share of bookings attended"),
    "no_show_rate": ("no_shows", "bookings", "Share of bookings not attended (no-shows)"),
    "utilisation_rate": ("attended", "places_offered", "Share of places offered that were used"),
}
# the counts in the order a table lists them (training.csv's own first order kept, each optional one by its kin)
ORDER = ("events", "occurrences", "sessions_cancelled", "trainer_days", "places_offered", "registrations", "bookings",
         "cancellations", "attended", "walk_ins", "bookings_attended", "no_shows", "elearning_taken")
TESTED = ("attendance_rate", "no_show_rate")  # rates compared with the year before, with a test
SUMMED = (*COUNTS, *OPTIONAL, "bookings_attended", "walk_in_rows")


def per_row(training: pd.DataFrame) -> pd.DataFrame:
    """training.csv with each row's counts as the figures count them (float, NaN for blank): bookings as given,
    else registrations - cancellations; bookings_attended = attended - walk_ins (attended where no walk-ins
    are recorded: the row rules make attended the bookings attended then); walk_in_rows 1 where the row
    records walk-ins."""
    f = training.copy()
    for c in (*COUNTS, *OPTIONAL):
        f[c] = num(f[c])
    f["bookings"] = f["bookings"].fillna(f["registrations"] - f["cancellations"])
    f["bookings_attended"] = f["attended"] - f["walk_ins"].fillna(0)
    f["walk_in_rows"] = f["walk_ins"].notna().astype(float)
    return f


def totals(tables, req: pd.DataFrame, which=(THIS, YTD, PREV)) -> pd.DataFrame:
    """The counts of each request's spans (calc.spans.spans columns, then SUMMED as float, NaN where not
    available): a whole-year row, else the sum of the span's quarter rows when every one is there and
    filled in. Where training.csv has no row in a span, the courses of training_events.csv give events,
    occurrences, places offered and attended (`from_events` True)."""
    t = sum_over_spans(per_row(tables["training"]), [], list(SUMMED), spans(req, which))
    t["from_events"] = False
    if len(t):
        own = has_data(periods_of(tables["training"]), t)
        ev = training_courses.totals(tables, t)
        use = ~own & ev.notna().any(axis=1).to_numpy()
        for c in training_courses.TOTALS:
            t.loc[use, c] = ev.loc[use, c].to_numpy()
        t["from_events"] = use
    return t


def _label(t: pd.DataFrame, key: str) -> pd.Series:
    """Each row's label for a count or rate: how walk-ins are counted, where the span records any."""
    base = LABELS.get(key) or RATES[key][2]
    walk = t["walk_in_rows"].fillna(0).to_numpy() > 0
    if key == "attended":
        n = t["walk_ins"].to_numpy(dtype=float)
        words = np.where(t["from_events"].to_numpy(dtype=bool), "People who attended training", base).astype(object)
        for i in np.flatnonzero(walk):
            words[i] = ("People who attended training, including walk-ins where recorded" if np.isnan(n[i]) else
                        f"People who attended training, including {_walk_ins(n[i])}")
        return pd.Series(words, index=t.index, dtype=object)
    return pd.Series(np.where(walk, WALK_IN_LABELS.get(key, base), base), index=t.index, dtype=object)


def _walk_ins(n: float) -> str:
    return "no walk-ins" if n == 0 else "1 walk-in" if n == 1 else f"{n:,.0f} walk-ins"


def _recorded(training: pd.DataFrame) -> dict[str, set[str]]:
    """Each partnership's optional training.csv columns with any value (and bookings_attended where walk-ins
    are recorded): their figures are in its every report, blank for a period without them."""
    out = {}
    for p, f in training.groupby("partnership", sort=False):
        got = {c for c in OPTIONAL if f[c].notna().any()}
        out[p] = got | ({"bookings_attended"} if "walk_ins" in got else set())
    return out


def _sources(tables, t: pd.DataFrame) -> pd.Series:
    """Each row's source: training_events.csv where the courses gave its counts, else training.csv."""
    return pd.Series(np.where(t["from_events"].to_numpy(dtype=bool), tables.source(t["partnership"], "training_events"),
                              tables.source(t["partnership"], "training")), index=t.index, dtype=object)


def _counts(tables, t: pd.DataFrame, src: pd.Series) -> list[Block]:
    """The counts' blocks, ORDER; an optional count only for the partnerships that record it."""
    recorded = _recorded(tables["training"])
    out = []
    for c in ORDER:
        r = t if c in COUNTS else t[np.array([c in recorded.get(p, ()) for p in t["partnership"]], dtype=bool)]
        out.append(rows(r, "training." + c + r["suffix"], _label(r, c) + r["when"], r["period"], r[c], "count",
                        source=src[r.index]))
    return out


def _rates(tables, t: pd.DataFrame, src: pd.Series, published: pd.DataFrame) -> dict[str, Block]:
    """The rates' blocks by key, a published percentage (published_shares.training_shares, of these rows'
    spans or more) filled in where the counts give none."""
    ids, share_src = published_shares.span_ids(t), tables.source(t["partnership"], "training_shares")
    out = {}
    for key, (n, d, _) in RATES.items():
        out[key] = ratio(t, "training." + key + t["suffix"], _label(t, key) + t["when"], t["period"], t[n], t[d], src)
        published_shares.fill_rates(out[key], published, key, ids, share_src)
    return out


def _changes(cur: pd.DataFrame, before: pd.DataFrame, rates: dict[str, Block], src: pd.Series) -> list[Block]:
    """An annual report's change since the year before (cur and before aligned row for row; `rates` the rate
    blocks of cur's rows then before's, published percentages filled in): in percentage points from the
    counts, else from the published percentages, the test only where both years have counts."""
    since = "since " + cur["prev"]
    out = []
    for c, name, what in (("events", "events_change_pct", "training events"),
                          ("elearning_taken", "elearning_change_pct", "e-learning modules taken")):
        out.append(pct_change(cur, f"training.{name}", f"Change in {what} " + since, cur["period"],
                              cur[c], before[c].to_numpy(), src))
    k = len(cur)
    for key in TESTED:
        n, d, label = RATES[key]
        label = label.lower()
        k1, n1, k2, n2 = (num(s) for s in (cur[n], cur[d], before[n], before[d]))
        v1, v2 = rates[key]["value"][:k], rates[key]["value"][k:]
        with np.errstate(divide="ignore", invalid="ignore"):
            both = ~np.isnan(k1) & ~np.isnan(n1) & (n1 != 0) & ~np.isnan(k2) & ~np.isnan(n2) & (n2 != 0)
            # from the counts as before (unchanged to the last digit); else from the values, published or not
            change = np.where(both, (k1 * 100 / n1) - (k2 * 100 / n2), v1 * 100 - v2 * 100)
        out.append(rows(cur, f"training.change_pp.{key}", f"Change in the {label} " + since, cur["period"], change,
                        "percentage_points", source=src))
        out.append(rows(cur, f"training.test.{key}", f"Two-proportion z-test: {label}, " + cur["year"] + " against "
                        + cur["prev"] + " (p-value)", cur["period"], stats.two_proportions_z(k1, n1, k2, n2)[0],
                        "p_value", source=src))
    return out


def _courses(tables, req: pd.DataFrame) -> list[Block]:
    """Each e-learning course's take-up in an annual report's year."""
    annual = spans(req, (THIS,), quarterly=False)
    c = annual.merge(tables["elearning_courses"], on=["partnership", "year"], how="inner")
    if c.empty:
        return []
    base = "training.course." + pd.Series(slugs(c["course"]), index=c.index)
    src = tables.source(c["partnership"], "elearning_courses")
    name = c["course"]
    return [
        rows(c, base + ".signed_up", "Signed up to " + name + " e-learning", c["period"], c["signed_up"], "count",
             source=src),
        rows(c, base + ".completed", "Completed " + name + " e-learning", c["period"], c["completed"], "count",
             source=src),
        rows(c, base + ".in_progress", "Part way through " + name + " e-learning at the year end", c["period"],
             c["in_progress"], "count", source=src),
        ratio(c, base + ".completion_rate", "Share of those signed up to " + name + " who completed it",
              c["period"], c["completed"], c["signed_up"], src),
    ]


def figures(tables, req: pd.DataFrame) -> list[Block]:
    """Every training figure of every request (see the module's docstring)."""
    t = totals(tables, req)
    published = published_shares.training_shares(tables, t)
    # the year before (or the same quarter a year earlier) only when it has counts or published percentages
    prev = (t["which"] == PREV).to_numpy()
    has_published = published_shares.span_ids(t).isin(set(published_shares.span_ids(published))).to_numpy()
    shown = t[~prev | t[[*COUNTS, *OPTIONAL]].notna().any(axis=1).to_numpy() | has_published]
    src = _sources(tables, shown)
    out = (_counts(tables, shown, src) + list(_rates(tables, shown, src, published).values())
           + published_shares.other_measures(tables, published))
    annual = req[req["quarter"].isna()]
    if len(annual):
        a = totals(tables, annual, (THIS, PREV))
        cur = a[a["which"] == THIS].reset_index(drop=True).assign(prev=annual["prev"].to_numpy())
        before = a[a["which"] == PREV].reset_index(drop=True)
        both = pd.concat([cur, before], ignore_index=True)
        out += _changes(cur, before, _rates(tables, both, _sources(tables, both), published),
                        tables.source(cur["partnership"], "training"))
    return (out + _courses(tables, req) + training_courses.event_figures(tables, req)
            + training_courses.agency_figures(tables, req))


def details(tables, req: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """"training.events" and "training.agencies" (calc.training_courses.details)."""
    return training_courses.details(tables, req)
