"""Training by course (training_events.csv) and by the attendees' agency (training_by_agency.csv): part of
the training family (calc.training calls it).

training_events.csv holds a row per course in a year or quarter, or per event. For a report's span:
- each course's sessions, places (capacity) and attended, summed over its rows in the span, and its fill
  rate = attended / places, with the Wilson 95% interval (ids training.event.<course>.sessions, .places,
  .attended, .fill_rate; the course's name is in details "training.events");
- totals over the courses (courses run, sessions, places, attended), which stand for training.csv's counts
  where training.csv has no row in the span (calc.training).
training_by_agency.csv holds attendance by the attendees' agency: each agency's attended and its share of
all the attendance recorded by agency in the span (training.agency.<agency>.attended, .share; no interval:
the shares describe everyone counted, not a sample).

Missing is not zero: a span's sums are missing unless every quarter of the span has a row of the table (a
whole-year row stands for the year; a course with no row in a quarter that has rows did not run then), and
a sum is missing where any of its cells is blank.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from wsp_analysis.calc.register import slug
from wsp_analysis.calc.rows import Block, ratio, rows
from wsp_analysis.calc.spans import QUARTERS, THIS, spans

TABLES = ("training_events", "training_by_agency")
EVENT_COUNTS = ("sessions", "capacity", "attended")
TOTALS = ("events", "occurrences", "places_offered", "attended")  # training.csv's counts the courses give


def unique_slugs(names) -> dict[str, str]:
    """An id fragment for each name, alphabetically, never two alike: slug() drops words in brackets, so
    "Level 1 (online)" and "Level 1 (classroom)" would share "level_1"; the second becomes "level_1_2"."""
    out, used = {}, set()
    for name in sorted(set(names)):
        base = slug(name) or "unnamed"
        frag, n = base, 1
        while frag in used:
            n += 1
            frag = f"{base}_{n}"
        used.add(frag)
        out[name] = frag
    return out


def fragments(table: pd.DataFrame, column: str) -> dict[tuple[str, str], str]:
    """(partnership, name) -> the name's id fragment (unique_slugs), unique within the partnership; a blank
    name has none."""
    out = {}
    for p in table["partnership"].unique():
        names = table.loc[(table["partnership"] == p) & table[column].notna(), column]
        out.update({(p, n): f for n, f in unique_slugs(names).items()})
    return out


def span_sums(table: pd.DataFrame, targets: pd.DataFrame, key: str, values, each_key: bool = False) -> pd.DataFrame:
    """The rows of `table` in each target's span (targets as calc.spans.spans gives them), summed per target
    and `key`: the targets' columns, then `key`, `values` (float; NaN where a row in the span has the cell
    blank, or where the span is not complete) and `complete` (every quarter of the span has a row of the
    table, or the year a whole-year row; with `each_key`, a row of that key). A target with no row has no
    row here."""
    targets = targets.drop(columns=[c for c in (key, *values, "complete") if c in targets])
    cols = [*targets.columns, key, *values, "complete"]
    if table.empty or targets.empty:
        return pd.DataFrame(columns=cols)
    t = targets.reset_index(drop=True).assign(_t=lambda f: np.arange(len(f)))
    data = table[["partnership", "year", "quarter", key]].copy()
    data["quarter"] = data["quarter"].astype(object).where(data["quarter"].notna(), None)
    for v in values:
        data[v] = table[v].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    seen: dict[tuple, set] = {}
    for p, y, q in zip(data["partnership"], data["year"], data["quarter"]):
        seen.setdefault((p, y), set()).add(q)
    complete = np.array([(None in seen.get((p, y), set()) or set(QUARTERS) <= seen.get((p, y), set()))
                         if qs is None else set(qs) <= seen.get((p, y), set())
                         for p, y, qs in zip(t["partnership"], t["year"], t["quarters"])], dtype=bool)
    m = t[["_t", "partnership", "year", "quarters"]].merge(data, on=["partnership", "year"], how="inner")
    m = m[np.array([qs is None or q in qs for qs, q in zip(m["quarters"], m["quarter"])], dtype=bool)]
    if m.empty:
        return pd.DataFrame(columns=cols)
    g = m.groupby(["_t", key], sort=False)
    summed = pd.DataFrame({v: g[v].sum().where(g[v].count() == g.size()) for v in values}).reset_index()
    out = summed.merge(t, on="_t", how="left")
    out["complete"] = complete[out["_t"].to_numpy()]
    if each_key:  # every quarter of the span needs the key's own row (a whole-year row stands for the year)
        quarters = g["quarter"].agg(lambda q: set(q)).reset_index(drop=True)
        need = [({None} if None in got else set(QUARTERS)) if qs is None else set(qs)
                for qs, got in zip(out["quarters"], quarters)]
        out["complete"] &= np.array([n <= got for n, got in zip(need, quarters)], dtype=bool)
    for v in values:
        out.loc[~out["complete"], v] = np.nan
    return out.sort_values(["_t", key], kind="stable")[cols].reset_index(drop=True)


def _events(tables, req: pd.DataFrame, which=(THIS,)) -> pd.DataFrame:
    ev = tables["training_events"]
    return span_sums(ev, spans(req, which), "course", EVENT_COUNTS)


def totals(tables, targets: pd.DataFrame) -> pd.DataFrame:
    """The courses' totals for each target span (aligned with `targets`, same order): TOTALS as float, NaN
    where the courses do not cover the span (or a course's cell is blank); `events` counts the courses with
    a row in the span."""
    s = span_sums(tables["training_events"], targets.assign(_i=np.arange(len(targets))), "course", EVENT_COUNTS)
    out = pd.DataFrame({c: np.full(len(targets), np.nan) for c in TOTALS})
    if s.empty:
        return out
    g = s.groupby("_i", sort=True)
    full = g["complete"].all()
    idx = full.index.to_numpy(dtype=int)
    ok = full.to_numpy(dtype=bool)
    for name, col in (("occurrences", "sessions"), ("places_offered", "capacity"), ("attended", "attended")):
        total = g[col].sum().where(g[col].count() == g.size())
        out.loc[idx[ok], name] = total.to_numpy(dtype=float)[ok]
    out.loc[idx[ok], "events"] = g.size().to_numpy(dtype=float)[ok]
    return out


def event_figures(tables, req: pd.DataFrame) -> list[Block]:
    """Each course's figures for each report's own span (an annual report's year, a quarterly report's
    quarter)."""
    c = _events(tables, req)
    if c.empty:
        return []
    frag = fragments(tables["training_events"], "course")
    base = pd.Series(["training.event." + frag[(p, n)] for p, n in zip(c["partnership"], c["course"])], index=c.index)
    src = tables.source(c["partnership"], "training_events")
    name, y = c["course"], c["period"]
    return [
        rows(c, base + ".sessions", "Sessions of " + name, y, c["sessions"], "count", source=src),
        rows(c, base + ".places", "Places offered on " + name, y, c["capacity"], "count", source=src),
        rows(c, base + ".attended", "People who attended " + name, y, c["attended"], "count", source=src),
        ratio(c, base + ".fill_rate", "Share of the places on " + name + " that were filled", y, c["attended"],
              c["capacity"], src),
    ]


def _agencies(tables, req: pd.DataFrame) -> pd.DataFrame:
    return span_sums(tables["training_by_agency"], spans(req, (THIS,)), "agency", ("attended",), each_key=True)


def agency_figures(tables, req: pd.DataFrame) -> list[Block]:
    """Each agency's attendance in each report's own span, and its share of the attendance recorded by
    agency (missing where any agency's count is)."""
    a = _agencies(tables, req)
    if a.empty:
        return []
    frag = fragments(tables["training_by_agency"], "agency")
    base = pd.Series(["training.agency." + frag[(p, n)] for p, n in zip(a["partnership"], a["agency"])], index=a.index)
    g = a.groupby(["partnership", "report"], sort=False)["attended"]
    total = g.transform("sum").where(g.transform("count") == g.transform("size"))
    src = tables.source(a["partnership"], "training_by_agency")
    return [
        rows(a, base + ".attended", "People from " + a["agency"] + " who attended training", a["period"],
             a["attended"], "count", source=src),
        ratio(a, base + ".share", "Share of the attendance recorded by agency: " + a["agency"], a["period"],
              a["attended"], total, src, interval=False),
    ]


def details(tables, req: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """"training.events": partnership, report, course, base (its figure ids begin with it), agency (the
    agencies that delivered it, as typed, joined by ", "; "" when none is recorded), one row per course with
    a row in the report's own span; "training.agencies": partnership, report, agency, base."""
    out = {}
    for name, table, key, prefix, pick in (("training.events", "training_events", "course", "training.event.",
                                            _events),
                                           ("training.agencies", "training_by_agency", "agency", "training.agency.",
                                            _agencies)):
        s = pick(tables, req)
        frame = pd.DataFrame({"partnership": s["partnership"].to_numpy(dtype=object),
                              "report": s["report"].to_numpy(dtype=object), key: s[key].to_numpy(dtype=object)})
        if len(s):
            frag = fragments(tables[table], key)
            frame["base"] = [prefix + frag[(p, n)] for p, n in zip(s["partnership"], s[key])]
        else:
            frame["base"] = pd.Series(dtype=object)
        if key == "course":
            frame["agency"] = _delivered_by(tables, s)
        out[name] = frame
    return out


def _delivered_by(tables, s: pd.DataFrame) -> pd.Series:
    """For each (target, course) row of `s`, the delivering agencies of its rows in the span, first-seen order."""
    if s.empty:
        return pd.Series(dtype=object)
    ev = tables["training_events"]
    words = []
    for p, y, qs, course in zip(s["partnership"], s["year"], s["quarters"], s["course"]):
        r = ev[(ev["partnership"] == p) & (ev["year"] == y) & (ev["course"] == course)]
        if qs is not None:
            r = r[r["quarter"].isin(list(qs))]
        words.append(", ".join(dict.fromkeys(a for a in r["agency"] if isinstance(a, str) and a)))
    return pd.Series(words, index=s.index, dtype=object)
