"""Training and its evaluation published as percentages without their counts (training_shares.csv,
evaluation_shares.csv): calc.training and calc.impact call it.

A published percentage is of the period its row gives (a year, or a quarter), never summed or spread over
other periods. Its figure is a proportion (percent / 100) with no numerator; its label says "published
percentage; counts not published".

- training_shares.csv: a measure that is one of training.csv's rates (attendance, no_show, utilisation; see
  data.training_tables.SHARE_RATES) gives that rate's figure where training.csv's counts do not (counts win);
  any other measure is training.published.<measure>, in the source's words.
- evaluation_shares.csv: impact.published.<measure>[.<when>] for an annual report's year and for each quarter
  of it that has rows (period "2023-24-Q1"). Where the number who responded is published, it is the
  denominator and the share carries the Wilson 95% interval at the published share (the count behind a
  rounded percentage is not inferred here).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from wsp_analysis.calc import stats
from wsp_analysis.calc.rows import PUBLISHED, PUBLISHED_MARK, Block, num, rows
from wsp_analysis.calc.spans import THIS, span_key, spans
from wsp_analysis.calc.training_courses import fragments
from wsp_analysis.data import periods
from wsp_analysis.data.training_tables import SHARE_RATES


def _keyed(table: pd.DataFrame) -> pd.DataFrame:
    """The table's rows with their span key ("2023-24" for a whole-year row, "2023-24:Q1") and their period."""
    q = table["quarter"].astype(object).where(table["quarter"].notna(), None)
    return table.assign(span=[span_key(y, (qq,) if qq else None) for y, qq in zip(table["year"], q)],
                        period=[periods.period_label(y, qq) for y, qq in zip(table["year"], q)])


def span_ids(frame: pd.DataFrame) -> pd.Series:
    """Each row's "partnership|report|span": how a rate's block (one row per target) finds its published rows."""
    return frame["partnership"] + "|" + frame["report"] + "|" + frame["span"]


def training_shares(tables, targets: pd.DataFrame) -> pd.DataFrame:
    """The published training percentages of each target's span exactly (targets as calc.spans.spans gives
    them): the targets' columns, then measure (as typed), rate (the training.csv rate it is, or ""), frag (its
    id fragment) and value (a proportion, NaN where the percent is blank). One row per target and measure."""
    s = tables["training_shares"]
    if s.empty or targets.empty:
        return pd.DataFrame(columns=[*targets.columns, "measure", "rate", "frag", "value"])
    k = _keyed(s)
    frag = fragments(s, "measure")
    k = k.assign(frag=[frag[(p, m)] for p, m in zip(k["partnership"], k["measure"])],
                 value=num(k["percent"]) / 100)
    k["rate"] = [SHARE_RATES.get(f, "") for f in k["frag"]]
    m = targets.merge(k[["partnership", "span", "measure", "rate", "frag", "value"]], on=["partnership", "span"])
    return m.reset_index(drop=True)


def fill_rates(block: Block, published: pd.DataFrame, rate: str, ids: pd.Series, src: pd.Series) -> None:
    """Where a rate's block (calc.rows, one row per target) has no value, the published percentage of its span
    (training_shares for the same targets), in place: value, no numerator, denominator or interval, its
    label saying it is a published percentage, its source training_shares.csv. `ids` keys each block row to
    published's rows (span_ids); `src` the training_shares.csv source per row."""
    mine = published[published["rate"] == rate]
    if mine.empty:
        return
    value = dict(zip(span_ids(mine), mine["value"]))
    found = np.array([value.get(i, np.nan) for i in ids], dtype=float)
    use = np.isnan(block["value"]) & ~np.isnan(found)
    if not use.any():
        return
    for c in ("value", "numerator", "denominator", "ci_low", "ci_high", "label", "source"):
        block[c] = block[c].copy()  # the arrays may be views of a table's columns
    block["value"][use] = found[use]
    for c in ("numerator", "denominator", "ci_low", "ci_high"):
        block[c][use] = np.nan
    block["label"][use] = [f"{lab} ({PUBLISHED})" for lab in block["label"][use]]
    block["source"][use] = src.to_numpy(dtype=object)[use]


def other_measures(tables, published: pd.DataFrame) -> list[Block]:
    """training.published.<measure> for each published percentage that is not one of training.csv's rates."""
    o = published[published["rate"] == ""].reset_index(drop=True)
    if o.empty:
        return []
    src = tables.source(o["partnership"], "training_shares")
    return [rows(o, "training.published." + o["frag"] + o["suffix"], o["measure"] + " (" + PUBLISHED + ")" + o["when"],
                 o["period"], o["value"], "proportion", source=src)]


def _evaluation_ids(shares: pd.DataFrame, m: pd.DataFrame) -> list[str]:
    """impact.published.<measure>[.<when>] for each row of `m` (partnership, measure, when; when blank or not
    stated: no suffix), the fragments unique within each partnership's evaluation_shares.csv (`shares`)."""
    mf, wf = fragments(shares, "measure"), fragments(shares, "when")
    return ["impact.published." + mf[(p, me)] + (f".{wf[(p, w)]}" if isinstance(w, str) and w else "")
            for p, me, w in zip(m["partnership"], m["measure"], m["when"])]


def evaluation_figures(tables, req: pd.DataFrame) -> list[Block]:
    """impact.published.<measure>[.<when>] for every annual request's year and the quarters of it with rows."""
    e = tables["evaluation_shares"]
    this = spans(req, (THIS,), quarterly=False)
    if e.empty or this.empty:
        return []
    k = _keyed(e)
    m = this[["partnership", "report", "year"]].merge(k.drop(columns=["period"]).rename(columns={"span": "own"}),
                                                      on=["partnership", "year"])
    if m.empty:
        return []
    m = m.reset_index(drop=True)
    m["span"] = m["own"]
    m["period"] = [periods.period_label(y, q if isinstance(q, str) else None) for y, q in zip(m["year"], m["quarter"])]
    ids = _evaluation_ids(e, m)
    n = num(m["respondents"])
    value = num(m["percent"]) / 100
    lo, hi = stats.wilson(value * n, n)  # at the published share: the count behind it is not published
    when = [f", {w}" if isinstance(w, str) else "" for w in m["when"]]
    said = [f"{PUBLISHED_MARK} of {int(x):,} respondents; counts not published" if not np.isnan(x) else PUBLISHED
            for x in n]
    label = [f"Share of delegates reporting: {me}{w} ({s})" for me, w, s in zip(m["measure"], when, said)]
    return [rows(m, pd.Series(ids, dtype=object), pd.Series(label, dtype=object), m["period"], value, "proportion",
                 denominator=n, source=tables.source(m["partnership"], "evaluation_shares"), ci_low=lo, ci_high=hi)]


def evaluation_details(tables, req: pd.DataFrame) -> pd.DataFrame:
    """"impact.published": partnership, report, measure, when (as typed; "" when not stated), base (the figure
    id, whatever the period), one row per measure and when published in an annual report's year."""
    cols = ["partnership", "report", "measure", "when", "base"]
    e = tables["evaluation_shares"]
    this = spans(req, (THIS,), quarterly=False)
    if e.empty or this.empty:
        return pd.DataFrame(columns=cols)
    m = this[["partnership", "report", "year"]].merge(e[["partnership", "year", "measure", "when"]],
                                                      on=["partnership", "year"])
    m = m.assign(base=_evaluation_ids(e, m), when=[w if isinstance(w, str) else "" for w in m["when"]])
    return m[cols].drop_duplicates(["partnership", "report", "base"]).reset_index(drop=True)
