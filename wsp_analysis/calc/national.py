"""Every partnership at once: load and validate each partnership folder under a data folder, and every
annual figure of every partnership and year in one frame.

    from wsp_analysis.calc import national
    frame = national.figures("data")     # partnership, then the figures.csv columns
    national.write_csv(frame, sys.stdout)

A partnership's years are the financial years its tables hold (any year column, and the dates of
bookings and evaluations; audit_shares.csv, which holds earlier years published as percentages, does
not make a year). Each year's annual register (annual.figures) states that year's figures and some
earlier years' that it compares against; a figure (id and period) stated by several years' registers
appears once, as the latest year's register states it (they agree, except that a year whose audit
grades were only published as percentages has no counts in its own register and the published share in
later ones).

The figures of audits, consistency, training, impact, referrals and budget are computed here with
grouped operations over all partnerships and years at once (the same definitions as those modules,
checked against them one partnership at a time by tests/test_national.py). Statistical tests are
vectorised too (Wilson intervals, z-tests, Wilcoxon signed-rank tests, linear-by-linear trend tests,
Fisher's exact test by enumerating every table of all groups together). What remains a loop: reading
each partnership's folder and configuration, the counts consistent with a year's published percentages
(exact fraction arithmetic on a handful of numbers, once per published year), rare tests too large to
enumerate, and the figures of any module annual.figures adds that is not yet computed here (found by
`other_modules`, run per partnership and year: at the time of writing actions and section11, about 2.5 ms
per partnership and year with empty tables). When a calculation module changes, change its counterpart
here too: tests/test_national.py compares every figure, id, label, source and value.
"""
from __future__ import annotations

import csv
import dataclasses
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import special

from wsp_analysis.calc import annual
from wsp_analysis.calc import audits
from wsp_analysis.calc import budget
from wsp_analysis.calc import consistency
from wsp_analysis.data import load as dataset
from wsp_analysis.calc import impact
from wsp_analysis.data import paths
from wsp_analysis.data import periods
from wsp_analysis.calc import referrals
from wsp_analysis.calc import stats
from wsp_analysis.calc import training
from wsp_analysis.errors import DataValidationError, UsageError
from wsp_analysis.calc.register import COLUMNS, Figure, slug

VECTORISED = (audits, consistency, training, impact, referrals, budget)
NAN = np.nan
_NUMBERS = ("value", "numerator", "denominator", "ci_low", "ci_high")
_BASE = ["partnership", "report", "id", "label", "period", "value", "unit", "numerator", "denominator", "source",
         "ci_low", "ci_high"]


# --- loading ------------------------------------------------------------------------------------------

@dataclass
class Nation:
    """Every partnership's validated Dataset (by folder name), with each table of all of them concatenated
    (a `partnership` column first) and their years."""

    datasets: dict[str, dataset.Dataset]
    _tables: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    def table(self, name: str) -> pd.DataFrame:
        if name not in self._tables:
            parts = [t.assign(partnership=_objects(np.full(len(t), p, dtype=object), t.index))
                     for p, ds in self.datasets.items() for t in (ds.tables[name],)]
            frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["partnership"])
            self._tables[name] = frame[["partnership", *[c for c in frame.columns if c != "partnership"]]]
        return self._tables[name]

    def years(self) -> pd.DataFrame:
        """(partnership, report, prev): every partnership's years (report_years), oldest first."""
        rows = [(p, y) for p, ds in self.datasets.items() for y in report_years(ds)]
        prev = [periods.previous_year(y) for _, y in rows]
        return pd.DataFrame({"partnership": _objects([p for p, _ in rows]), "report": _objects([y for _, y in rows]),
                             "prev": _objects(prev)})


def report_years(ds) -> list[str]:
    """The financial years a partnership's tables hold: every year column (audit_shares.csv's earlier
    published years aside) and the years of booking and evaluation dates."""
    years: set[str] = set()
    for name, t in ds.tables.items():
        if name == "audit_shares" or t.empty:
            continue
        if "year" in t:
            years |= {y for y in t["year"].dropna().unique()}
        elif "date" in t:
            years |= {periods.of_date(d)[0] for d in pd.unique(t["date"].to_numpy(dtype=object)) if not pd.isna(d)}
    return sorted(years)


def load(data_dir: str | Path | None = None, partnerships: list[str] | None = None) -> Nation:
    """Load and validate every partnership folder (one with a partnership.yaml) under the data folder, or
    only those named; DataValidationError lists every problem of every partnership, and nothing is loaded."""
    root = paths.data_dir(data_dir)
    names = paths.partnerships(root)
    if partnerships is not None:
        for name in partnerships:
            paths.partnership_dir(name, root)  # an unknown partnership: UsageError naming the known ones
        names = list(partnerships)
    if not names:
        raise UsageError(f"no partnership folders in {root} (a partnership folder holds partnership.yaml)")
    problems, loaded = [], {}
    for name in names:  # a loop over partnerships: each folder's files and configuration
        try:
            loaded[name] = dataset.load(root / name)
        except DataValidationError as e:
            problems += e.problems
    if problems:
        raise DataValidationError(problems)
    return Nation(loaded)


def other_modules() -> list:
    """The modules annual.figures gathers figures from that this module does not compute itself."""
    import types

    found = list(getattr(annual, "MODULES", ()))  # a named list, should annual.py gain one
    found += [annual.figures.__globals__.get(n) for n in annual.figures.__code__.co_names]
    mods = [m for m in dict.fromkeys(found) if isinstance(m, types.ModuleType) and callable(getattr(m, "figures", None))]
    return [m for m in mods if m not in VECTORISED]


# --- building figure rows -------------------------------------------------------------------------------

def _num(v, n: int | None = None) -> np.ndarray:
    """Float values with NaN for missing (from a Series of any numeric dtype, an array or a scalar)."""
    if isinstance(v, pd.Series):
        v = v.astype("Float64").to_numpy(dtype=float, na_value=NAN) if v.dtype != float else v.to_numpy()
    elif v is None or v is pd.NA:
        v = NAN
    arr = np.asarray(v, dtype=float)
    return np.full(n, float(arr)) if arr.ndim == 0 and n is not None else arr


def _text(v, n: int) -> np.ndarray:
    if isinstance(v, pd.Series):
        return v.to_numpy(dtype=object)
    if isinstance(v, np.ndarray):
        return v.astype(object)
    return np.full(n, v, dtype=object)


def _objects(values, index=None) -> pd.Series:
    """A Series of Python objects as given (pandas would otherwise infer its string dtype, and scan to do so)."""
    return pd.Series(values, index=index, dtype=object)


def _rows(base: pd.DataFrame, id_, label, period, value, unit: str, numerator=None, denominator=None,
          source="", ci_low=None, ci_high=None) -> dict[str, np.ndarray]:
    """Figure rows, one per row of `base` (which holds partnership and report), as a block of columns
    (numpy arrays, joined into one frame at the end); each argument is a value for every row or a
    Series/array aligned with `base`."""
    n = len(base)
    return {"partnership": base["partnership"].to_numpy(dtype=object), "report": base["report"].to_numpy(dtype=object),
            "id": _text(id_, n), "label": _text(label, n), "period": _text(period, n), "value": _num(value, n),
            "unit": np.full(n, unit, dtype=object), "numerator": _num(numerator, n),
            "denominator": _num(denominator, n), "source": _text(source, n), "ci_low": _num(ci_low, n),
            "ci_high": _num(ci_high, n)}


_Z95 = special.ndtri(0.5 + 0.5 * 0.95)


def wilson(k: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score 95% intervals for k of n, elementwise, as stats.wilson_interval computes each (scipy's
    formula, in its order of operations)."""
    k, n = np.asarray(k, dtype=float), np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        z = _Z95
        denom = 2 * (n + z ** 2)
        center = (2 * n * p + z ** 2) / denom
        q = 1 - p
        delta = z / denom * np.sqrt(4 * n * p * q + z ** 2)
        lo = np.where(k == 0, 0.0, center - delta)
        hi = np.where(k == n, 1.0, center + delta)
    return lo, hi


def _whole(v: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return np.isfinite(v) & (np.floor(v) == v)


def _ratio(base, id_, label, period, numerator, denominator, source, unit="proportion",
           interval=True) -> pd.DataFrame:
    """figures.ratio for every row: the share, missing when either count is missing or the denominator is
    0, with the Wilson interval of a proportion of whole counts."""
    n, d = _num(numerator, len(base)), _num(denominator, len(base))
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(np.isnan(n) | np.isnan(d) | (d == 0), NAN, n / d)
    lo, hi = np.full(len(base), NAN), np.full(len(base), NAN)
    if interval and unit == "proportion":
        ok = ~np.isnan(value) & _whole(n) & _whole(d) & (n >= 0) & (n <= d)
        lo[ok], hi[ok] = wilson(n[ok], d[ok])
    return _rows(base, id_, label, period, value, unit, n, d, source, lo, hi)


def _pct_change(base, id_, label, period, current, previous, source) -> pd.DataFrame:
    c, p = _num(current, len(base)), _num(previous, len(base))
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(np.isnan(c) | np.isnan(p) | (p == 0), NAN, (c - p) / p * 100)
    return _rows(base, id_, label, period, value, "percent", c, p, source)


def _source(base: pd.DataFrame, labels: dict[str, str], table: str) -> pd.Series:
    return base["partnership"].map(labels) + f"/{table}.csv"


def _slugs(values) -> np.ndarray:
    cache: dict = {}
    return np.array([cache.setdefault(v, slug(v)) if v not in cache else cache[v] for v in values], dtype=object)


# --- tests, vectorised ------------------------------------------------------------------------------

def two_proportions(k1, n1, k2, n2) -> np.ndarray:
    """stats.two_proportions' p-value elementwise (NaN where it is None): the pooled z-test, 1 where both
    shares sit at the same boundary."""
    k1, n1, k2, n2 = (np.asarray(v, dtype=float) for v in (k1, n1, k2, n2))
    with np.errstate(divide="ignore", invalid="ignore"):
        ok = ~(np.isnan(k1) | np.isnan(n1) | np.isnan(k2) | np.isnan(n2)) & (n1 != 0) & (n2 != 0)
        pooled = (k1 + k2) / (n1 + n2)
        diff = k1 * 1.0 / n1 - k2 * 1.0 / n2
        p_pooled = (k1 + k2) * 1.0 / (n1 + n2)
        var = p_pooled * (1 - p_pooled) * (1.0 / n1 + 1.0 / n2)
        z = diff / np.sqrt(var)
        p = special.ndtr(-np.abs(z)) * 2
    p = np.where((pooled == 0) | (pooled == 1), 1.0, p)
    return np.where(ok, p, NAN)


def signed_ranks(group: np.ndarray, before: np.ndarray, after: np.ndarray) -> pd.DataFrame:
    """stats.signed_rank for every group at once (pairs with group ids): p (the Wilcoxon signed-rank
    test, normal approximation with tie correction, no-change pairs dropped) and the matched-pairs
    rank-biserial effect size; NaN where no pair changed. Indexed by group id."""
    d = np.asarray(after, dtype=float) - np.asarray(before, dtype=float)
    keep = d != 0
    g, d = np.asarray(group)[keep], d[keep]
    out = pd.DataFrame(index=pd.Index(np.unique(group), name="group"), columns=["pvalue", "effect_size"],
                       dtype=float)
    if not len(d):
        return out
    frame = pd.DataFrame({"g": g, "a": np.abs(d), "pos": d > 0})
    frame["r"] = frame.groupby("g")["a"].rank(method="average")
    by = frame.groupby("g")
    r_plus = frame["r"].where(frame["pos"], 0.0).groupby(frame["g"]).sum()
    r_minus = frame["r"].where(~frame["pos"], 0.0).groupby(frame["g"]).sum()
    count = by.size().astype(float)
    ties = frame.groupby(["g", "a"]).size().astype(float)
    tie_correct = (ties ** 3 - ties).groupby(level="g").sum()
    mn = count * (count + 1.) * 0.25
    se = count * (count + 1.) * (2. * count + 1.)
    se = np.sqrt((se - tie_correct / 2) / 24)
    z = (r_plus - mn) / se
    out.loc[z.index, "pvalue"] = 2 * special.ndtr(-np.abs(z.to_numpy()))
    out.loc[z.index, "effect_size"] = ((r_plus - r_minus) / (r_plus + r_minus)).to_numpy()
    return out


def fisher_2xk(tables: list[np.ndarray]) -> list[stats.TestResult]:
    """stats.exact_independence for many 2 x k tables: every table with the same margins enumerated for all
    groups together, each table's log-probability computed at once. Tables stats.exact_independence would
    not enumerate (2 x 2, or too many tables) are passed to it."""
    out: list[stats.TestResult | None] = [None] * len(tables)
    todo = []
    for i, t in enumerate(tables):
        t = np.asarray(t, dtype=np.int64)
        t = t[:, t.sum(axis=0) > 0]
        rows, cols = t.sum(axis=1), t.sum(axis=0)
        if (rows == 0).any() or t.shape[1] < 3 or np.prod(cols + 1.0) > stats.ENUMERATION_LIMIT:
            out[i] = stats.exact_independence(tables[i])  # its edge cases, 2 x 2 and large tables
        else:
            todo.append((i, t))
    if not todo:
        return out
    width = max(t.shape[1] for _, t in todo)
    caps = np.zeros((len(todo), width), dtype=np.int64)
    first = np.zeros((len(todo), width), dtype=np.int64)
    for j, (_, t) in enumerate(todo):
        caps[j, : t.shape[1]], first[j, : t.shape[1]] = t.sum(axis=0), t[0]
    r1, n = first.sum(axis=1), caps.sum(axis=1)
    # Expand, column by column, every first row a with 0 <= a_j <= caps_j summing to r1 (lexicographic).
    g = np.arange(len(todo))
    chosen = np.zeros((len(todo), 0), dtype=np.int64)
    partial = np.zeros(len(todo), dtype=np.int64)
    for col in range(width):
        rest = caps[g, col + 1:].sum(axis=1)
        lo = np.maximum(0, r1[g] - partial - rest)
        hi = np.minimum(caps[g, col], r1[g] - partial)
        count = np.maximum(hi - lo + 1, 0)
        idx = np.repeat(np.arange(len(g)), count)
        offset = np.arange(len(idx)) - np.repeat(np.cumsum(count) - count, count)
        a = lo[idx] + offset
        g, chosen, partial = g[idx], np.column_stack([chosen[idx], a]), partial[idx] + a
    lg = special.gammaln
    head = -(lg(n + 1.0) - lg(r1 + 1.0) - lg(n - r1 + 1.0))

    def logp(rows_first: np.ndarray, grp: np.ndarray) -> np.ndarray:
        c = caps[grp]
        return head[grp] + (lg(c + 1.0) - lg(rows_first + 1.0) - lg(c - rows_first + 1.0)).sum(axis=1)

    observed = logp(first, np.arange(len(todo)))
    lp = logp(chosen, g)
    keep = lp <= observed[g] + 1e-7  # "no more likely", with R's relative tolerance for rounding
    total = np.bincount(g[keep], weights=np.exp(lp[keep]), minlength=len(todo))
    sizes = np.bincount(g, minlength=len(todo))
    for j, (i, t) in enumerate(todo):
        out[i] = stats.TestResult(min(float(total[j]), 1.0), f"Fisher's exact test (2 x {t.shape[1]}, exact "
                                                              f"enumeration of {sizes[j]:,} tables)")
    return out


def linear_trends(long: pd.DataFrame) -> pd.Series:
    """stats.linear_trend's p-value for many tables at once. `long` holds one row per cell: group, u (row
    score), v (column score), row, col and count; rows and columns with no cases are left out, and a group
    with fewer than two of either has no p-value (NaN). Indexed by group."""
    x = long[long["count"] > 0]
    groups = pd.Index(long["group"].unique(), name="group")
    if x.empty:
        return pd.Series(NAN, index=groups)
    nrows = x.groupby("group")["row"].nunique()
    ncols = x.groupby("group")["col"].nunique()
    cnt, u, v = x["count"].astype(float), x["u"].astype(float), x["v"].astype(float)
    by = x["group"]
    statistic = (u * v * cnt).groupby(by).sum()
    n_obs = cnt.groupby(by).sum()
    um = (u * cnt).groupby(by).sum()
    u2m = (u ** 2 * cnt).groupby(by).sum()
    vn = (v * cnt).groupby(by).sum()
    v2n = (v ** 2 * cnt).groupby(by).sum()
    e_stat = um * vn / n_obs
    v_stat = (u2m - um ** 2 / n_obs) * (v2n - vn ** 2 / n_obs) / (n_obs - 1)
    z = (statistic - e_stat) / np.sqrt(v_stat)
    p = pd.Series(2 * special.ndtr(-np.abs(z.to_numpy())), index=z.index)
    p[(nrows < 2) | (ncols < 2)] = NAN
    return p.reindex(groups)


# --- the figure families ----------------------------------------------------------------------------------

@dataclass
class _Context:
    nation: Nation
    years: pd.DataFrame  # partnership, report, prev
    labels: dict[str, str]  # partnership -> "data/walsall"
    scales: dict[str, tuple[str, ...]]

    def src(self, base: pd.DataFrame, table: str) -> pd.Series:
        return _source(base, self.labels, table)


def _training(cx: _Context) -> list[pd.DataFrame]:
    t = cx.nation.table("training")
    counts = list(training.COUNTS)
    key = ["partnership", "year"]
    whole = t[t["quarter"].isna()].drop_duplicates(key, keep="first")[key + counts]
    quarters = t[t["quarter"].notna() & ~t.set_index(key).index.isin(whole.set_index(key).index)]
    g = quarters.groupby(key)
    summed = g[counts].sum(min_count=0)
    complete = g["quarter"].nunique() == len(periods.QUARTERS)
    for c in counts:
        summed[c] = summed[c].astype("Float64").where(complete & ~g[c].agg(lambda s: s.isna().any()))
    totals = pd.concat([whole.set_index(key)[counts].astype("Float64"), summed.astype("Float64")])
    totals = totals.reset_index()
    ry = cx.years
    cur = ry.merge(totals, left_on=["partnership", "report"], right_on=key, how="left")
    before = ry.merge(totals, left_on=["partnership", "prev"], right_on=key, how="left")
    out = []
    for period_col, tot in (("report", cur), ("prev", before)):
        tot = tot.copy()
        if period_col == "prev":
            tot = tot[tot[counts].notna().any(axis=1)]
        src = cx.src(tot, "training")
        for c in counts:
            out.append(_rows(tot, f"training.{c}", training.LABELS[c], tot[period_col], tot[c], "count", source=src))
        for k, (num, den, label) in training.RATES.items():
            out.append(_ratio(tot, f"training.{k}", label, tot[period_col], tot[num], tot[den], src))
    src = cx.src(cur, "training")
    since = "since " + cur["prev"]
    for c, what in (("events", "training events"), ("elearning_taken", "e-learning modules taken")):
        name = "events_change_pct" if c == "events" else "elearning_change_pct"
        out.append(_pct_change(cur, f"training.{name}", f"Change in {what} " + since, cur["report"], cur[c],
                               before[c], src))
    for k in training.TESTED:
        num, den, label = training.RATES[k]
        label = label.lower()
        k1, n1, k2, n2 = (_num(s) for s in (cur[num], cur[den], before[num], before[den]))
        with np.errstate(divide="ignore", invalid="ignore"):
            both = ~np.isnan(k1) & ~np.isnan(n1) & (n1 != 0) & ~np.isnan(k2) & ~np.isnan(n2) & (n2 != 0)
            change = np.where(both, (k1 * 100 / n1) - (k2 * 100 / n2), NAN)
        out.append(_rows(cur, f"training.change_pp.{k}", f"Change in the {label} " + since, cur["report"], change,
                         "percentage_points", source=src))
        out.append(_rows(cur, f"training.test.{k}", f"Two-proportion z-test: {label}, " + cur["report"] + " against "
                         + cur["prev"] + " (p-value)", cur["report"], two_proportions(k1, n1, k2, n2), "p_value",
                         source=src))
    courses = cx.nation.table("elearning_courses")
    c = ry.merge(courses, left_on=["partnership", "report"], right_on=["partnership", "year"], how="inner")
    if len(c):
        base = "training.course." + pd.Series(_slugs(c["course"]), index=c.index)
        csrc = cx.src(c, "elearning_courses")
        name = c["course"]
        out += [
            _rows(c, base + ".signed_up", "Signed up to " + name + " e-learning", c["report"], c["signed_up"], "count",
                  source=csrc),
            _rows(c, base + ".completed", "Completed " + name + " e-learning", c["report"], c["completed"], "count",
                  source=csrc),
            _rows(c, base + ".in_progress", "Part way through " + name + " e-learning at the year end", c["report"],
                  c["in_progress"], "count", source=csrc),
            _ratio(c, base + ".completion_rate", "Share of those signed up to " + name + " who completed it",
                   c["report"], c["completed"], c["signed_up"], csrc),
        ]
    return out


def _referral_volumes(r: pd.DataFrame) -> pd.DataFrame:
    """referrals.year_volumes for every partnership and year: count (the whole-year row, else the sum of
    all four quarters when every one has a count), quarter_rows, and each quarter's count (Q1..Q4)."""
    key = ["partnership", "year", "referral_type", "measure"]
    if r.empty:
        return pd.DataFrame(columns=[*key, "count", "quarter_rows", *periods.QUARTERS])
    idx = pd.MultiIndex.from_frame(r.drop_duplicates(key)[key])
    whole = r[r["quarter"].isna()].drop_duplicates(key, keep="first").set_index(key)["count"]
    q = r[r["quarter"].notna()]
    g = q.groupby(key)
    complete = (g["quarter"].nunique() == len(periods.QUARTERS)) & (g["count"].count() == g.size())
    summed = g["count"].sum().where(complete)
    has_whole = idx.isin(whole.index)
    vol = pd.DataFrame(index=idx)
    vol["count"] = np.where(has_whole, _num(whole.reindex(idx)), _num(summed.reindex(idx)))
    vol["quarter_rows"] = g.size().reindex(idx).fillna(0).to_numpy(dtype=int)
    by_quarter = q.set_index([*key, "quarter"])["count"].astype("Float64").unstack("quarter")
    for quarter in periods.QUARTERS:
        vol[quarter] = _num(by_quarter[quarter].reindex(idx)) if quarter in by_quarter else NAN
    return vol.reset_index()


def _referrals(cx: _Context) -> list[pd.DataFrame]:
    vol = _referral_volumes(cx.nation.table("referrals"))
    ry = cx.years

    def volume(year_col: str, rtype: str, measure: str) -> np.ndarray:
        v = vol[(vol["referral_type"] == rtype) & (vol["measure"] == measure)]
        m = ry.merge(v, left_on=["partnership", year_col], right_on=["partnership", "year"], how="left")
        return _num(m["count"])

    serious = referrals.SERIOUS
    received, before = volume("report", serious, "received"), volume("prev", serious, "received")
    rapid = volume("report", serious, "met_rapid_review_criteria")
    src = cx.src(ry, "referrals")
    out = [
        _rows(ry, "referrals.received", "Serious-incident referrals to the partnership", ry["report"], received,
              "count", source=src),
        _rows(ry, "referrals.received", "Serious-incident referrals to the partnership", ry["prev"], before, "count",
              source=src),
        _rows(ry, "referrals.received_change", "Change in serious-incident referrals since " + ry["prev"],
              ry["report"], received - before, "count", received, before, src),
        _rows(ry, "referrals.rapid_reviews", "Referrals that met the criteria for a rapid review", ry["report"], rapid,
              "count", source=src),
        _ratio(ry, "referrals.rapid_review_rate", "Share of serious-incident referrals that met rapid-review criteria",
               ry["report"], rapid, received, src),
    ]
    v = ry.merge(vol, left_on=["partnership", "report"], right_on=["partnership", "year"], how="inner")
    v = v[~((v["referral_type"] == serious) & v["measure"].isin(["received", "met_rapid_review_criteria"]))]
    if len(v):
        ids = "referrals." + v["referral_type"] + "." + v["measure"]
        names = pd.Series([referrals.label(t, m) for t, m in zip(v["referral_type"], v["measure"])], index=v.index)
        vsrc = cx.src(v, "referrals")
        out.append(_rows(v, ids, names, v["report"], v["count"], "count", source=vsrc))
        q = v[v["quarter_rows"] > 0]
        for quarter in periods.QUARTERS:
            out.append(_rows(q, ids[q.index], names[q.index], q["report"] + f"-{quarter}", q[quarter], "count",
                             source=vsrc[q.index]))
    return out


def _with_scale(frame: pd.DataFrame, scales: dict[str, tuple[str, ...]]) -> pd.DataFrame:
    """Every partnership's grades (its scale) as rows: partnership, grade, grade_index."""
    return pd.DataFrame([(p, g, i) for p, scale in scales.items() for i, g in enumerate(scale)],
                        columns=["partnership", "grade", "grade_index"])


def _distribution(counts: pd.DataFrame, scales, by: list[str]) -> pd.DataFrame:
    """audits.grade_distribution per partnership: every grade of its scale for every group in `by`, count
    (summed; missing when no row or every row blank), total (missing unless every grade has a count),
    share and percent (missing when the total is 0)."""
    key = ["partnership", *by]
    summed = counts.groupby([*key, "grade"], dropna=False)["count"].sum(min_count=1).reset_index()
    groups = counts[key].drop_duplicates()
    full = groups.merge(_with_scale(groups, scales), on="partnership")
    out = full.merge(summed, on=[*key, "grade"], how="left")
    out["count"] = out["count"].astype("Float64")
    keys = [out[k] for k in key]
    complete = out["count"].notna().groupby(keys, dropna=False).transform("all").astype(bool)
    total = out["count"].groupby(keys, dropna=False).transform("sum").where(complete)
    out["total"] = total.astype("Float64")
    out["share"] = (out["count"] / out["total"]).where(out["total"] > 0)
    out["percent"] = (out["count"] * 100 / out["total"]).where(out["total"] > 0)
    return out.sort_values([*key, "grade_index"], kind="stable").reset_index(drop=True)


def _year_counts(dist: pd.DataFrame) -> pd.DataFrame:
    """audits.year_counts from a year distribution: the years with complete counts."""
    return dist[dist["total"].notna()]


def _audits(cx: _Context) -> list[pd.DataFrame]:
    a, s = cx.nation.table("audits"), cx.nation.table("audit_shares")
    ry = cx.years
    dist = _distribution(a, cx.scales, ["year"])
    counted = dist.assign(basis=audits.COUNTS)
    pub = s[~s.set_index(["partnership", "year"]).index.isin(a.set_index(["partnership", "year"]).index)]
    pub = pub.merge(_with_scale(pub, cx.scales), on=["partnership", "grade"], how="left")
    pub = pd.DataFrame({"partnership": pub["partnership"], "year": pub["year"], "grade": pub["grade"],
                        "grade_index": pub["grade_index"], "count": NAN, "total": NAN,
                        "share": _num(pub["percent"]) / 100, "percent": _num(pub["percent"]),
                        "basis": audits.PUBLISHED})
    shares = pd.concat([counted.astype({"count": float, "total": float, "share": float, "percent": float}), pub],
                       ignore_index=True).sort_values(["partnership", "year", "grade_index"], kind="stable")
    shares["slug"] = _slugs(shares["grade"])
    out = []
    # 1-2: the year's audits graded and each grade's share
    this = ry.merge(shares, left_on=["partnership", "report"], right_on=["partnership", "year"], how="left")
    first = this.drop_duplicates(["partnership", "report"], keep="first")
    out.append(_rows(first, "audit.graded", "Multi-agency audits graded", first["report"], first["total"], "count",
                     source=cx.src(first, "audits")))
    this = this[this["grade"].notna()]
    out.append(_ratio(this, "audit.share." + this["slug"], "Share of audits graded " + this["grade"], this["report"],
                      this["count"], this["total"], cx.src(this, "audits")))
    # 3: change since the year before, in percentage points
    prev = ry.merge(shares, left_on=["partnership", "prev"], right_on=["partnership", "year"], how="inner")
    ch = this.merge(prev[["partnership", "report", "grade", "percent", "basis"]], on=["partnership", "report", "grade"],
                    how="left", suffixes=("", "_prev"))
    counts_src, pub_src = cx.src(ch, "audits"), cx.src(ch, "audit_shares")
    own = np.where(ch["basis"] == audits.COUNTS, counts_src, pub_src)
    other = np.where(ch["basis_prev"] == audits.COUNTS, counts_src,
                     np.where(ch["basis_prev"] == audits.PUBLISHED, pub_src, None))
    src = [o if b is None or b == o else f"{o}; {b}" for o, b in zip(own, other)]
    out.append(_rows(ch, "audit.change_pp." + ch["slug"], "Change in share of audits graded " + ch["grade"] + " since "
                     + ch["prev"], ch["report"], _num(ch["percent"]) - _num(ch["percent_prev"]), "percentage_points",
                     source=np.array(src, dtype=object)))
    # 4: earlier years, for the trend
    early = ry.merge(shares, on="partnership")
    early = early[early["year"] < early["report"]]
    ec = early[early["basis"] == audits.COUNTS]
    ec_first = ec.drop_duplicates(["partnership", "report", "year"], keep="first")
    out.append(_rows(ec_first, "audit.graded", "Multi-agency audits graded", ec_first["year"], ec_first["total"], "count",
                     source=cx.src(ec_first, "audits")))
    out.append(_ratio(ec, "audit.share." + ec["slug"], "Share of audits graded " + ec["grade"], ec["year"], ec["count"],
                      ec["total"], cx.src(ec, "audits")))
    ep = early[early["basis"] == audits.PUBLISHED]
    out.append(_rows(ep, "audit.share." + ep["slug"], "Share of audits graded " + ep["grade"]
                     + " (published percentage; counts not published)", ep["year"], ep["share"], "proportion",
                     source=cx.src(ep, "audit_shares")))
    # 5: each quarter's themed round
    if len(a):
        byq = _distribution(a, cx.scales, ["year", "quarter", "theme"])
        byq = ry.merge(byq, left_on=["partnership", "report"], right_on=["partnership", "year"], how="inner")
        byq = byq.sort_values(["partnership", "report", "quarter", "theme", "grade_index"], kind="stable")
        period = byq["report"] + "-" + byq["quarter"]
        q_first = byq.drop_duplicates(["partnership", "report", "quarter", "theme"], keep="first")
        out.append(_rows(q_first, "audit.graded", "Multi-agency audits graded (" + q_first["theme"] + ")",
                         period[q_first.index], q_first["total"], "count", source=cx.src(q_first, "audits")))
        out.append(_ratio(byq, "audit.share." + pd.Series(_slugs(byq["grade"]), index=byq.index),
                          "Share of audits graded " + byq["grade"] + " (" + byq["theme"] + ")", period, byq["count"],
                          byq["total"], cx.src(byq, "audits")))
    out += _audit_tests(cx, dist, s)
    return out


def _audit_tests(cx: _Context, dist: pd.DataFrame, shares: pd.DataFrame) -> list[pd.DataFrame]:
    ry = cx.years
    complete = _year_counts(dist)
    counted = complete[["partnership", "year"]].drop_duplicates()
    known = pd.concat([counted, shares[["partnership", "year"]]]).drop_duplicates()
    known_set = set(map(tuple, known.to_numpy()))
    counted_set = set(map(tuple, counted.to_numpy()))
    out = []
    # Fisher's exact test of the grade mix, the year against the year before
    mix = ry[[(p, y) in known_set and (p, q) in known_set for p, y, q in zip(ry["partnership"], ry["report"],
                                                                              ry["prev"])]]
    tables, which = [], []
    vectors = {k: g["count"].to_numpy(dtype=float).astype(np.int64)
               for k, g in complete.groupby(["partnership", "year"], sort=False)}
    pvalues, notes = np.full(len(mix), NAN), [""] * len(mix)
    for i, (p, y, q) in enumerate(zip(mix["partnership"], mix["report"], mix["prev"])):
        missing = [x for x in (q, y) if (p, x) not in counted_set]
        if missing:
            notes[i] = f"; not computable: needs counts for {' and '.join(missing)}"
        else:
            tables.append(np.array([vectors[(p, q)], vectors[(p, y)]]))
            which.append(i)
    for i, res in zip(which, fisher_2xk(tables)):
        if res.pvalue is None:
            notes[i] = f"; not computable: {res.method}"
        else:
            pvalues[i] = res.pvalue
    both = cx.src(mix, "audits") + "; " + cx.src(mix, "audit_shares")
    out.append(_rows(mix, "audit.test.grade_mix", "Fisher's exact test of independence: audit grade mix, "
                     + mix["report"] + " against " + mix["prev"] + " (p-value" + pd.Series(notes, index=mix.index, dtype=object)
                     + ")", mix["report"], pvalues, "p_value",
                     source=np.where(np.isnan(pvalues), both, cx.src(mix, "audits"))))
    # the linear-by-linear trend test across every year with counts up to the year (three or more)
    span = ry.merge(counted, on="partnership")
    span = span[span["year"] <= span["report"]]
    n_counted = span.groupby(["partnership", "report"]).agg(n=("year", "size"), first=("year", "min"),
                                                             last=("year", "max")).reset_index()
    kn = ry.merge(known, on="partnership")
    kn = kn[kn["year"] <= kn["report"]].groupby(["partnership", "report"]).agg(
        k=("year", "size"), kfirst=("year", "min"), klast=("year", "max")).reset_index()
    t = ry.merge(n_counted, on=["partnership", "report"], how="left").merge(kn, on=["partnership", "report"],
                                                                            how="left")
    t["n"], t["k"] = t["n"].fillna(0).astype(int), t["k"].fillna(0).astype(int)
    run = t[t["n"] >= 3]
    if len(run):
        cells = run[["partnership", "report"]].merge(complete, on="partnership")
        cells = cells[cells["year"] <= cells["report"]]
        first_year = cells.groupby(["partnership", "report"])["year"].transform("min")
        cells = cells.assign(
            group=list(zip(cells["partnership"], cells["report"])),
            u=[periods.start_year(y) - periods.start_year(f) for y, f in zip(cells["year"], first_year)],
            v=cells["grade_index"], row=cells["year"], col=cells["grade_index"])
        p = linear_trends(cells[["group", "u", "v", "row", "col", "count"]])
        pv = np.array([p.get((a, b), NAN) for a, b in zip(run["partnership"], run["report"])], dtype=float)
        out.append(_rows(run, "audit.test.grade_trend", "Linear-by-linear trend test: audit grade mix across "
                         + run["n"].astype(str) + " years with counts, " + run["first"] + " to " + run["last"]
                         + " (p-value)", run["report"], pv, "p_value", source=cx.src(run, "audits")))
    none = t[(t["n"] < 3) & (t["k"] >= 3)]
    if len(none):
        out.append(_rows(none, "audit.test.grade_trend", "Linear-by-linear trend test: audit grade mix, "
                         + none["kfirst"] + " to " + none["klast"] + " (p-value; not computable: needs counts for at "
                         "least three years; counts are published for " + none["n"].astype(str) + " of the "
                         + none["k"].astype(str) + ")", none["report"], NAN, "p_value",
                         source=cx.src(none, "audits") + "; " + cx.src(none, "audit_shares")))
    return out


@lru_cache(maxsize=4096)
def _finding(year: str, grades: tuple[str, ...], percents: tuple) -> consistency.YearFinding:
    """consistency.findings' work for one published year (exact fractions; cached by its percentages)."""
    if any(p is None for p in percents):
        return consistency.YearFinding(year, grades, percents, None, None, ())
    dp = consistency.decimals_of(percents)
    fits = consistency.consistent_counts(percents, consistency.MAX_N, consistency.HALF_UP, dp)
    return consistency.YearFinding(year, grades, percents, fits[0] if fits else None,
                                   consistency.smallest(percents, consistency.MAX_N, consistency.HALF_EVEN, dp),
                                   tuple(f.n for f in fits[1:4]))


def _consistency(cx: _Context) -> list[pd.DataFrame]:
    a, s = cx.nation.table("audits"), cx.nation.table("audit_shares")
    if s.empty:
        return []
    dist = _distribution(a, cx.scales, ["year"]) if len(a) else pd.DataFrame(
        columns=["partnership", "year", "grade", "grade_index", "count", "total"])
    counted = set(map(tuple, _year_counts(dist)[["partnership", "year"]].drop_duplicates().to_numpy()))
    found: dict[str, list[consistency.YearFinding]] = {}
    for (p, y), rows in s.groupby(["partnership", "year"], sort=True):  # each published year, once
        if (p, y) in counted:
            continue
        by = dict(zip(rows["grade"], rows["percent"]))
        scale = cx.scales[p]
        percents = tuple(None if g not in by or pd.isna(by[g]) else float(by[g]) for g in scale)
        percents = tuple(v if v is None or not float(v).is_integer() else int(v) for v in percents)
        found.setdefault(p, []).append(_finding(y, scale, percents))
    ry = cx.years
    rows, tests = [], []
    for p, report, prev in zip(ry["partnership"], ry["report"], ry["prev"]):
        fs = [f for f in found.get(p, []) if f.year <= report]
        if fs:
            rows += [(p, report, f) for f in fs]
            tests.append((p, report, prev, fs))
    if not rows:
        return []
    f = pd.DataFrame({"partnership": [r[0] for r in rows], "report": [r[1] for r in rows]})
    fy = np.array([r[2].year for r in rows], dtype=object)
    src = cx.src(f, "audit_shares")
    out = [_rows(f, "consistency.percent_sum", "Sum of the published grade percentages, " + fy, fy,
                 [r[2].percent_sum if r[2].complete else NAN for r in rows], "percent", source=src)]
    for rule in consistency.ROUNDINGS:
        fits = [getattr(r[2], rule) for r in rows]
        out.append(_rows(f, f"consistency.smallest_n.{rule}", f"Smallest total of audits consistent with the published "
                         f"percentages ({consistency.RULE_NAMES[rule]}; none up to {consistency.MAX_N}: blank), " + fy,
                         fy, [x.n if x else NAN for x in fits], "count", source=src))
    per_grade = [(i, j, g) for i, r in enumerate(rows) for j, g in enumerate(r[2].grades)]
    if per_grade:
        idx = [i for i, _, _ in per_grade]
        fg = f.iloc[idx].reset_index(drop=True)
        grades = np.array([g for _, _, g in per_grade], dtype=object)
        values = [rows[i][2].half_up.first[j] if rows[i][2].half_up else NAN for i, j, _ in per_grade]
        out.append(_rows(fg, "consistency.count." + _slugs(grades), "Inferred audits graded " + grades
                         + f" at the smallest consistent total ({consistency.RULE_NAMES[consistency.HALF_UP]}; an "
                           "inference, not data), " + fy[idx], fy[idx], values, "count", source=cx.src(fg, "audit_shares")))
    # the tests, as if the smallest consistent counts were the data
    base = a.groupby(["partnership", "year", "grade"], dropna=False)["count"].sum(min_count=1).reset_index() \
        if len(a) else pd.DataFrame(columns=["partnership", "year", "grade", "count"])
    # every test's counts at once: the audits' counts of its partnership, and the counts assumed for it
    pairs = pd.DataFrame({"partnership": _objects([t[0] for t in tests]), "t": np.arange(len(tests))})
    assumed = [consistency.assumed_counts(t[3]) for t in tests]
    extra = pd.DataFrame([(p, i, y, g, c) for i, (p, _, _, _) in enumerate(tests) for y, cs in assumed[i].items()
                          for g, c in zip(cx.scales[p], cs)], columns=["partnership", "t", "year", "grade", "count"])
    long = pd.concat([pairs.merge(base, on="partnership"), extra], ignore_index=True)
    long["count"] = long["count"].astype("Float64")
    comp = _year_counts(_distribution(long, cx.scales, ["t", "year"]))
    vectors = {k: g["count"].to_numpy(dtype=float).astype(np.int64) for k, g in comp.groupby(["t", "year"], sort=False)}
    mixes, mix_rows, trend_keys, trend_rows = [], [], [], []
    for i, (p, report, prev, fs) in enumerate(tests):
        if prev in assumed[i] and (i, report) in vectors:
            mixes.append(np.array([vectors[(i, prev)], vectors[(i, report)]]))
            mix_rows.append((p, report, prev, consistency.counts_text(assumed[i][prev])))
        first = min(fs, key=lambda x: x.year).year
        span, y = [], first
        while y <= report:
            span.append(y)
            y = consistency._next_year(y)
        if len(span) >= 3 and all((i, x) in vectors for x in span):
            trend_keys += [(i, len(trend_rows), x, periods.start_year(x) - periods.start_year(span[0])) for x in span]
            trend_rows.append((p, report, span[0]))
    trend_cells = []
    if trend_rows:
        keys = pd.DataFrame(trend_keys, columns=["t", "group", "year", "u"])
        cells = comp.merge(keys, on=["t", "year"])
        trend_cells = [cells.assign(v=cells["grade_index"], row=cells["year"], col=cells["grade_index"])]
    if mix_rows:
        m = pd.DataFrame(mix_rows, columns=["partnership", "report", "prev", "text"])
        res = fisher_2xk(mixes)
        out.append(_rows(m, "consistency.test.grade_mix", "Fisher's exact test, audit grade mix " + m["report"]
                         + " against " + m["prev"] + ", if the counts were " + m["text"] + " in " + m["prev"]
                         + " (p-value)", m["report"], [NAN if r.pvalue is None else r.pvalue for r in res], "p_value",
                         source=cx.src(m, "audits") + "; " + cx.src(m, "audit_shares")))
    if trend_rows:
        tr = pd.DataFrame(trend_rows, columns=["partnership", "report", "first"])
        p = linear_trends(pd.concat(trend_cells, ignore_index=True)[["group", "u", "v", "row", "col", "count"]])
        out.append(_rows(tr, "consistency.test.grade_trend", "Linear-by-linear trend test, audit grade mix "
                         + tr["first"] + " to " + tr["report"] + ", if the counts were the smallest consistent with the "
                         "published percentages (p-value)", tr["report"], p.reindex(range(len(tr))).to_numpy(),
                         "p_value", source=cx.src(tr, "audits") + "; " + cx.src(tr, "audit_shares")))
    return out


def _groups(*columns) -> tuple[np.ndarray, list[np.ndarray]]:
    """Group ids (0..k-1, in sorted order of the keys) for rows keyed by several columns, each column
    factorized once, and each group's key values."""
    codes, uniques = zip(*(pd.factorize(np.asarray(c, dtype=object), sort=True) for c in columns))
    combined = np.zeros(len(codes[0]), dtype=np.int64)
    for c, u in zip(codes, uniques):
        combined = combined * len(u) + c
    keys, gid = np.unique(combined, return_inverse=True)
    out, rest = [], keys
    for u in reversed(uniques):
        out.append(u[rest % len(u)])
        rest = rest // len(u)
    return gid, [np.asarray(k, dtype=object) for k in reversed(out)]


def _impact(cx: _Context) -> list[pd.DataFrame]:
    e = cx.nation.table("evaluations")
    ry = cx.years
    out = []
    # every evaluation's year is one of its partnership's years (report_years counts evaluation dates)
    year = training.periods_of_dates(e["date"])[0] if len(e) else np.empty(0, dtype=object)
    has = set()
    if len(e):
        wid, (wp, wy) = _groups(e["partnership"], year)
        has = set(zip(wp, wy))
    none = ry[[(p, y) not in has for p, y in zip(ry["partnership"], ry["report"])]]
    out.append(_rows(none, "impact.delegates", "Delegates with a training evaluation record (not available: no "
                     "evaluation forms in the data for the year)", none["report"], NAN, "count",
                     source=cx.src(none, "evaluations")))
    if e.empty:
        return out
    pre, post, fu = (_num(e[c]) for c in ("pre_rating", "post_rating", "follow_up_rating"))
    paired, fpaired = ~np.isnan(pre) & ~np.isnan(post), ~np.isnan(pre) & ~np.isnan(fu)
    d, fd = np.where(paired, post - pre, 0.0), np.where(fpaired, fu - pre, 0.0)
    gid, (gp, gy, gc) = _groups(e["partnership"], year, e["course"])

    def summarise(ids: np.ndarray, k: int, keys: dict) -> pd.DataFrame:
        count = lambda w=None: np.bincount(ids, weights=w, minlength=k)  # noqa: E731
        n_paired, n_fpaired = count(paired), count(fpaired)
        with np.errstate(divide="ignore", invalid="ignore"):
            mean = lambda w, n: np.where(n > 0, count(w) / n, NAN)  # noqa: E731
            return pd.DataFrame({**keys, "delegates": count(), "paired": n_paired,
                                 "pre_mean": mean(np.where(paired, pre, 0.0), n_paired),
                                 "post_mean": mean(np.where(paired, post, 0.0), n_paired),
                                 "change_mean": mean(d, n_paired), "improved": count(paired & (d > 0)),
                                 "follow_up_returned": count(~np.isnan(fu)), "follow_up_paired": n_fpaired,
                                 "follow_up_change_mean": mean(fd, n_fpaired)})

    courses = summarise(gid, len(gp), {"partnership": _objects(gp), "report": _objects(gy), "course": _objects(gc)})
    whole = summarise(wid, len(wp), {"partnership": _objects(wp), "report": _objects(wy),
                                     "course": _objects(np.full(len(wp), impact.ALL, dtype=object))})
    # the Wilcoxon signed-rank tests, every course of every partnership and year at once
    for prefix, after, mask in (("", post, paired), ("follow_up_", fu, fpaired)):
        res = signed_ranks(gid[mask], pre[mask], after[mask])
        courses[f"{prefix}pvalue"] = res["pvalue"].reindex(range(len(courses))).to_numpy()
        courses[f"{prefix}effect_size"] = res["effect_size"].reindex(range(len(courses))).to_numpy()
    both = pd.concat([courses, whole], ignore_index=True)
    for c in ("pre_mean", "post_mean", "change_mean", "follow_up_change_mean"):
        both[c] = both[c].where(both["paired" if not c.startswith("follow") else "follow_up_paired"] > 0)
    allc = both["course"] == impact.ALL
    base = np.where(allc, "impact", "impact.course." + pd.Series(_slugs(both["course"]), index=both.index))
    base = pd.Series(base, index=both.index, dtype=object)
    of = pd.Series(np.where(allc, "all courses", both["course"]), index=both.index, dtype=object)
    src = cx.src(both, "evaluations")
    y = both["report"]
    out += [
        _rows(both, base + ".delegates", "Delegates with a training evaluation record, " + of, y, both["delegates"],
              "count", source=src),
        _rows(both, base + ".paired", "Delegates who rated their knowledge before and after the course, " + of, y,
              both["paired"], "count", source=src),
        _rows(both, base + ".pre_mean", "Mean self-rated knowledge before the course (1-5), " + of, y,
              both["pre_mean"], "rating", denominator=both["paired"], source=src),
        _rows(both, base + ".post_mean", "Mean self-rated knowledge at the end of the course (1-5), " + of, y,
              both["post_mean"], "rating", denominator=both["paired"], source=src),
        _rows(both, base + ".change_mean", "Mean change in self-rated knowledge, end of course - before, " + of, y,
              both["change_mean"], "rating", denominator=both["paired"], source=src),
        _ratio(both, base + ".improved", "Share of delegates whose self-rated knowledge rose by the end of the "
               "course, " + of, y, both["improved"], both["paired"], src),
        _ratio(both, base + ".follow_up_rate", "Share of delegates who returned the eight-week follow-up evaluation, "
               + of, y, both["follow_up_returned"], both["delegates"], src),
        _rows(both, base + ".follow_up_change_mean", "Mean change in self-rated knowledge, eight weeks after - "
              "before, " + of, y, both["follow_up_change_mean"], "rating", denominator=both["follow_up_paired"],
              source=src),
    ]
    c = both[~allc]
    b, o, s, yy = base[c.index], of[c.index], src[c.index], c["report"]
    out += [
        _rows(c, b + ".test", "Wilcoxon signed-rank test: self-rated knowledge at the end of the course against "
              "before, " + o + " (p-value)", yy, c["pvalue"], "p_value", source=s),
        _rows(c, b + ".effect_size", "Effect size (matched-pairs rank-biserial correlation): end of course against "
              "before, " + o, yy, c["effect_size"], "effect_size", source=s),
        _rows(c, b + ".follow_up_test", "Wilcoxon signed-rank test: self-rated knowledge eight weeks after the "
              "course against before, " + o + " (p-value)", yy, c["follow_up_pvalue"], "p_value", source=s),
        _rows(c, b + ".follow_up_effect_size", "Effect size (matched-pairs rank-biserial correlation): eight weeks "
              "after against before, " + o, yy, c["follow_up_effect_size"], "effect_size", source=s),
    ]
    return out


def _budget_lines(b: pd.DataFrame) -> pd.DataFrame:
    """budget.lines' outturn rows for every partnership and year: whole-year rows, then each line given by
    quarter (all four present, else missing), with variance and variance_pct."""
    keys = ["partnership", "year", "section", "category", "line"]
    whole = b[b["quarter"].isna()][[*keys, "budget", "actual"]].copy()
    whole["order"] = 0
    q = b[b["quarter"].notna()]
    q = q[~q.set_index(keys).index.isin(whole.set_index(keys).index)]
    g = q.groupby(keys, sort=False)
    complete = g["quarter"].nunique() == 4
    summed = pd.DataFrame({
        "budget": g["budget"].sum().astype("Float64").where(complete & (g["budget"].count() == g.size())),
        "actual": g["actual"].sum().astype("Float64").where(complete & (g["actual"].count() == g.size())),
    }).reset_index()
    summed["order"] = 1
    out = pd.concat([whole, summed], ignore_index=True)
    out["budget"], out["actual"] = _num(out["budget"]), _num(out["actual"])
    out = out.sort_values(["partnership", "year", "order"], kind="stable").reset_index(drop=True)
    return _judged(out)


def _judged(out: pd.DataFrame) -> pd.DataFrame:
    out["variance"] = out["actual"] - out["budget"]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["variance_pct"] = np.where(out["budget"] != 0, out["variance"] / out["budget"] * 100, NAN)
    return out


def _sum_or_missing(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    g = frame.groupby(keys, sort=False)
    out = pd.DataFrame({c: g[c].sum().where(g[c].count() == g.size()) for c in ("budget", "actual")})
    return _judged(out.reset_index())


def _budget(cx: _Context) -> list[pd.DataFrame]:
    ry = cx.years
    lines = _budget_lines(cx.nation.table("budget"))
    lines = ry.merge(lines, left_on=["partnership", "report"], right_on=["partnership", "year"], how="inner")
    out = []

    def trio(frame, base, name, src):
        return [_rows(frame, base + ".budget", name + ": budget", frame["report"], frame["budget"], "gbp", source=src),
                _rows(frame, base + ".actual", name + ": actual", frame["report"], frame["actual"], "gbp", source=src),
                _rows(frame, base + ".variance", name + ": variance (actual - budget)", frame["report"],
                      frame["variance"], "gbp", frame["actual"], frame["budget"], src)]

    sections = _sum_or_missing(lines, ["partnership", "report", "section"])
    for section, name in ((budget.EXPENDITURE, "Spending"), (budget.INCOME, "Income")):
        s = ry.merge(sections[sections["section"] == section], on=["partnership", "report"], how="left")
        src = cx.src(s, "budget")
        out += trio(s, f"budget.{section}", name, src)
        out.append(_rows(s, f"budget.{section}.variance_pct", f"{name}: variance as a percent of budget", s["report"],
                         s["variance_pct"], "percent", s["variance"], s["budget"], src))
    cats = _sum_or_missing(lines, ["partnership", "report", "section", "category"])
    cats = cats[~cats["category"].isin([budget.EXPENDITURE, budget.INCOME])]
    if len(cats):
        names = pd.Series([c.replace("_", " ").capitalize() for c in cats["category"]], index=cats.index)
        out += trio(cats, "budget." + pd.Series(_slugs(cats["category"]), index=cats.index), names,
                    cx.src(cats, "budget"))
    if len(lines):
        base = "budget.line." + pd.Series(_slugs(lines["line"]), index=lines.index)
        src = cx.src(lines, "budget")
        out += trio(lines, base, lines["line"], src)
        zero = np.where(lines["budget"] == 0, " (not applicable: the line has no budget)", "")
        out.append(_rows(lines, base + ".variance_pct", lines["line"] + ": variance as a percent of budget" + zero,
                         lines["report"], lines["variance_pct"], "percent", lines["variance"], lines["budget"], src))
    src = cx.src(ry, "budget")
    for section, what in ((budget.EXPENDITURE, "spend"), (budget.INCOME, "income")):
        ls = lines[lines["section"] == section]
        unknown = (ls["budget"].isna() | ls["actual"].isna()).groupby([ls["partnership"], ls["report"]]).any()
        spent = ls["actual"].where(ls["budget"] == 0, 0.0).groupby([ls["partnership"], ls["report"]]).sum()
        value = spent.where(~unknown)
        v = pd.Series([value.get((p, y), 0.0) if (p, y) in value.index else 0.0
                       for p, y in zip(ry["partnership"], ry["report"])], dtype=float)
        out.append(_rows(ry, f"budget.unbudgeted_{what}", f"Unbudgeted {what}: actual on {section} lines with a zero "
                         "budget", ry["report"], v.to_numpy(), "gbp", source=src))
    tot = {sec: ry.merge(sections[sections["section"] == sec], on=["partnership", "report"], how="left")
           for sec in (budget.EXPENDITURE, budget.INCOME)}
    net_actual = _num(tot[budget.EXPENDITURE]["actual"]) - _num(tot[budget.INCOME]["actual"])
    net_budget = _num(tot[budget.EXPENDITURE]["budget"]) - _num(tot[budget.INCOME]["budget"])
    income = _num(tot[budget.INCOME]["actual"])
    out.append(_rows(ry, "budget.net_position", "Net position: actual spending - actual income (positive is a "
                     "deficit)", ry["report"], net_actual, "gbp", source=src))
    out.append(_rows(ry, "budget.net_position_planned", "Planned net position: budgeted spending - budgeted income",
                     ry["report"], net_budget, "gbp", source=src))
    contrib = cx.nation.table("contributions")
    c = ry.reset_index().merge(contrib, left_on=["partnership", "report"], right_on=["partnership", "year"],
                               how="inner")
    csrc = cx.src(ry, "contributions")
    amount = c.groupby("index")["amount"].agg(lambda s: budget.total(s))
    all_ = _num(pd.Series([amount.get(i, NAN) if i in amount.index else NAN for i in range(len(ry))], dtype=object)
                .map(lambda v: NAN if v is None or v is pd.NA else float(v)))
    out.append(_rows(ry, "budget.contributions.total", "Partner contributions, all partners (council included)",
                     ry["report"], all_, "gbp", source=csrc))
    both = csrc + "; " + src
    out.append(_ratio(ry, "budget.contributions.share_of_income", "Partner contributions as a share of the year's "
                      "income", ry["report"], all_, income, both, interval=False))
    if len(c):
        org = "budget.contributions." + pd.Series(_slugs(c["organisation"]), index=c.index)
        cc = cx.src(c, "contributions")
        inc = income[c["index"].to_numpy()]
        out.append(_rows(c, org, "Contribution: " + c["organisation"], c["report"], c["amount"], "gbp", source=cc))
        out.append(_ratio(c, org + ".share_of_income", "Contribution of " + c["organisation"] + " as a share of the "
                          "year's income", c["report"], c["amount"], inc, cc + "; " + cx.src(c, "budget"),
                          interval=False))
    res = cx.nation.table("reserves").drop_duplicates(["partnership", "year"], keep="first")
    r = ry.merge(res, left_on=["partnership", "report"], right_on=["partnership", "year"], how="left")
    bf = _num(r["brought_forward"])
    rsrc = cx.src(r, "reserves")
    out.append(_rows(r, "budget.reserve.brought_forward", "Reserve brought forward from the previous year",
                     r["report"], bf, "gbp", source=rsrc))
    out.append(_rows(r, "budget.reserve.after_year", "Reserve at the year end assuming the deficit is met from "
                     "reserves (a surplus added to them): brought forward - net position", r["report"],
                     bf - net_actual, "gbp", source=rsrc + "; " + cx.src(r, "budget")))
    return out


def _others(cx: _Context, modules) -> list[pd.DataFrame]:
    """Figures of modules not computed here, one partnership and year at a time."""
    rows = []
    names = [f.name for f in dataclasses.fields(Figure)]
    for p, report in zip(cx.years["partnership"], cx.years["report"]):
        ds = cx.nation.datasets[p]
        for m in modules:
            rows += [(p, report, *[getattr(f, n) for n in names]) for f in m.figures(ds, report)]
    if not rows:
        return []
    columns = list(zip(*rows))
    block = {}
    for c, values in zip(["partnership", "report", *names], columns):
        block[c] = (np.array([NAN if v is None else float(v) for v in values], dtype=float) if c in _NUMBERS else
                    np.array(values, dtype=object))
    return [{c: block[c] for c in _BASE if c in block} | {c: v for c, v in block.items() if c not in _BASE}]


# --- the frame --------------------------------------------------------------------------------------------

def figures(data: str | Path | Nation | None = None) -> pd.DataFrame:
    """Every annual figure of every partnership (see the module's docstring): columns partnership, then
    figures.COLUMNS, values as figures.csv holds them (whole numbers as int, missing as None); sorted by
    partnership, period and id."""
    nation = data if isinstance(data, Nation) else load(data)
    years = nation.years()
    cx = _Context(nation, years, {p: ds.label for p, ds in nation.datasets.items()},
                  {p: tuple(ds.partnership.grade_scale) for p, ds in nation.datasets.items()})
    parts = []
    for family in (_audits, _consistency, _training, _impact, _referrals, _budget):
        parts += family(cx)
    parts += _others(cx, other_modules())
    parts = [p for p in parts if len(p["id"])]
    defaults = {f.name: f.default for f in dataclasses.fields(Figure)}
    names = list(dict.fromkeys(c for p in parts for c in p))

    def column(c: str, p: dict) -> np.ndarray:  # a block without the column has the Figure default
        return p[c] if c in p else np.full(len(p["id"]), defaults.get(c, ""), dtype=object)

    frame = pd.DataFrame({c: (np.concatenate([column(c, p) for p in parts]) if c in _NUMBERS else
                              _objects(np.concatenate([column(c, p) for p in parts]))) for c in names})
    # one row per partnership, id and period: the latest year's register states it
    frame = frame.sort_values("report", kind="stable", ascending=False)
    frame = frame.drop_duplicates(["partnership", "id", "period"], keep="first")
    frame = frame.sort_values(["partnership", "period", "id"], kind="stable").reset_index(drop=True)
    out = pd.DataFrame({"partnership": frame["partnership"].to_numpy(dtype=object)})
    for c in COLUMNS:
        if c in ("value", "numerator", "denominator", "ci_low", "ci_high"):
            out[c] = pd.Series(_clean(frame[c].to_numpy(dtype=float)), dtype=object)
        elif c in frame:
            out[c] = frame[c].fillna(defaults.get(c, "")).to_numpy(dtype=object)
        else:
            out[c] = defaults.get(c, "")
    return out


def _clean(values: np.ndarray) -> list:
    """figures.clean for every value: None for missing, int for a whole number, else float."""
    out = []
    for v in values.tolist():
        if v != v:
            out.append(None)
        elif v.is_integer() and abs(v) < 2 ** 53:
            out.append(int(v))
        else:
            out.append(v)
    return out


def one_at_a_time(data: str | Path | Nation | None = None) -> pd.DataFrame:
    """The same frame as figures(), made one partnership and year at a time with annual.figures (the
    reference the vectorised computation is checked against; slow)."""
    nation = data if isinstance(data, Nation) else load(data)
    rows = []
    for p, ds in nation.datasets.items():
        for y in report_years(ds):
            rows += [(p, y, f) for f in annual.figures(ds, y)]
    frame = pd.DataFrame({"partnership": [r[0] for r in rows], "report": [r[1] for r in rows]})
    reg = pd.DataFrame([[getattr(r[2], c) for c in COLUMNS] for r in rows], columns=COLUMNS, dtype=object)
    frame = pd.concat([frame, reg], axis=1)
    frame = frame.sort_values("report", kind="stable", ascending=False)
    frame = frame.drop_duplicates(["partnership", "id", "period"], keep="first")
    frame = frame.sort_values(["partnership", "period", "id"], kind="stable").reset_index(drop=True)
    return frame.drop(columns="report")


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return repr(v)
    return str(v)


def write_csv(frame: pd.DataFrame, out=None) -> None:
    """Write the frame as CSV (figures.csv's cell format: unrounded values, empty for missing) to `out`
    (a path or a text stream; standard output by default)."""
    def write(f):
        w = csv.writer(f, lineterminator="\n")
        w.writerow(list(frame.columns))
        for row in frame.itertuples(index=False, name=None):
            w.writerow([_cell(v) for v in row])

    if out is None:
        write(sys.stdout)
    elif isinstance(out, (str, Path)):
        with Path(out).open("w", newline="", encoding="utf-8") as f:
            write(f)
    else:
        write(out)
