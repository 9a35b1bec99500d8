"""Synthetic indicators (indicators.csv and indicator_definitions.csv) for Demoshire, Triton and the region's
partnerships: 20 quarters (2019-20 Q1 to 2023-24 Q4) of a handful of indicators per priority, with planted
signals for the dashboard to find, and two indicators every partnership counts with numerators and
denominators, for the benchmark to compare.

Each comes from a generator of its own ([seed, 5]), so the other tables do not change. Planted signals:
- Demoshire: repeat child protection plans shift down from 2022-23 (a run below the mean: improvement);
  Graded Care Profile 2 assessments rise every quarter of the last eight (a trend); exploitation panel
  referrals jump in 2021-22 Q3 (one point outside the limits, then back).
- Triton: return home interviews within 72 hours improve steadily (a run above the mean by the end); online
  harm referrals shift up from 2022-23 (special cause at the latest point).
- The region: every seventh partnership (from the third) has a high repeat-plan rate and every seventh (from
  the sixth) few timely return home interviews, so the funnel plot has partnerships outside its limits.
"""
from __future__ import annotations

import numpy as np

from wsp_analysis.data import periods

YEARS = ("2019-20", "2020-21", "2021-22", "2022-23", "2023-24")
QUARTERS = [(y, q) for y in YEARS for q in periods.QUARTERS]

REPEAT = {"indicator": "repeat_cp_plans", "label": "Child protection plans that were a second or later plan",
          "unit": "proportion", "polarity": "lower_is_better",
          "definition": "Child protection plans started in the quarter that were the child's second or later plan "
                        "(numerator), of all child protection plans started in the quarter (denominator)."}
RHI = {"indicator": "rhi_within_72h", "label": "Return home interviews held within 72 hours",
       "unit": "proportion", "polarity": "higher_is_better",
       "definition": "Return home interviews held within 72 hours of a child coming back from a missing episode "
                     "(numerator), of missing episodes that ended in the quarter (denominator)."}


def _share(rng, name: str, dens, shares, source: str) -> list[dict]:
    """One row per quarter: numerator drawn Binomial(denominator, share), value numerator / denominator."""
    rows = []
    for (year, q), d, p in zip(QUARTERS, dens, shares):
        n = int(rng.binomial(int(d), float(p)))
        rows.append({"indicator": name, "year": year, "quarter": q, "value": round(n / int(d), 4), "numerator": n,
                     "denominator": int(d), "source": source})
    return rows


def _counts(name: str, values, source: str) -> list[dict]:
    return [{"indicator": name, "year": y, "quarter": q, "value": int(v), "source": source}
            for (y, q), v in zip(QUARTERS, values)]


def demoshire(seed: int, source: str) -> tuple[list[dict], list[dict]]:
    """Demoshire's (definitions, values): two indicators for each of its priorities, Neglect and Exploitation."""
    rng = np.random.default_rng([seed, 5])
    defs = [
        {**REPEAT, "priority": "Neglect", "target": 0.2, "source_agency": "Demoshire County Council"},
        {"indicator": "gcp2_assessments", "label": "Graded Care Profile 2 assessments completed", "unit": "count",
         "polarity": "higher_is_better", "priority": "Neglect", "source_agency": "Demoshire County Council",
         "definition": "Graded Care Profile 2 neglect assessments completed by any agency in the quarter."},
        {**RHI, "priority": "Exploitation", "target": 0.8, "source_agency": "Demoshire County Council"},
        {"indicator": "exploitation_panel_referrals", "label": "Children referred to the exploitation panel",
         "unit": "count", "polarity": "neither", "priority": "Exploitation", "source_agency": "Demoshire Police",
         "definition": "Children referred to the multi-agency child exploitation panel in the quarter."},
    ]
    defs = [{**d, "source": source} for d in defs]
    plans = rng.integers(110, 140, size=20)
    values = _share(rng, "repeat_cp_plans", plans, [0.28] * 12 + [0.15] * 8, source)
    gcp = list(rng.poisson(40, size=12)) + [40 + 6 * k + int(rng.integers(-1, 2)) for k in range(1, 9)]
    values += _counts("gcp2_assessments", gcp, source)
    values += _share(rng, "rhi_within_72h", rng.integers(60, 90, size=20), [0.86] * 20, source)
    panel = rng.poisson(14, size=20)
    panel[10] = 38  # 2021-22 Q3
    values += _counts("exploitation_panel_referrals", panel, source)
    return defs, values


def triton(seed: int, source: str) -> tuple[list[dict], list[dict]]:
    """Triton's (definitions, values): its two priorities' indicators and one on child protection."""
    rng = np.random.default_rng([seed, 5])
    defs = [
        {**RHI, "priority": "Contextual Safeguarding", "target": 0.75, "source_agency": "Triton Borough Council"},
        {"indicator": "missing_episodes", "label": "Missing episodes of children", "unit": "count",
         "polarity": "neither", "priority": "Contextual Safeguarding", "source_agency": "Triton Constabulary",
         "definition": "Episodes of children reported missing from home or care that ended in the quarter."},
        {"indicator": "online_harm_referrals", "label": "Referrals naming online harm", "unit": "count",
         "polarity": "neither", "priority": "Online Harm", "source_agency": "Triton Borough Council",
         "definition": "Referrals to children's social care that name online harm as a concern."},
        {**REPEAT, "priority": "Child protection", "target": 0.22, "source_agency": "Triton Borough Council"},
    ]
    defs = [{**d, "source": source} for d in defs]
    episodes = rng.poisson(55, size=20)
    values = _share(rng, "rhi_within_72h", episodes, np.linspace(0.58, 0.88, 20), source)
    values += _counts("missing_episodes", episodes, source)
    values += _counts("online_harm_referrals", list(rng.poisson(12, size=12)) + list(rng.poisson(30, size=8)), source)
    values += _share(rng, "repeat_cp_plans", rng.integers(55, 85, size=20), [0.21] * 20, source)
    return defs, values


def region(i: int, seed: int, source: str) -> tuple[list[dict], list[dict]]:
    """Region partnership i's (definitions, values): repeat plans (Neglect) and timely return home interviews
    (Exploitation), each by quarter with numerators and denominators, sized with the partnership."""
    rng = np.random.default_rng([seed, i, 5])
    size = float(rng.uniform(0.4, 2.5))
    repeat = 0.34 if i % 7 == 2 else float(rng.normal(0.21, 0.015))
    rhi = 0.62 if i % 7 == 5 else float(rng.normal(0.84, 0.02))
    defs = [{**REPEAT, "priority": "Neglect", "target": None, "source_agency": f"Synthetic Council {i + 1:03d}"},
            {**RHI, "priority": "Exploitation", "target": None, "source_agency": f"Synthetic Council {i + 1:03d}"}]
    defs = [{**d, "source": source} for d in defs]
    values = _share(rng, "repeat_cp_plans", rng.poisson(60 * size, size=20) + 5, [repeat] * 20, source)
    values += _share(rng, "rhi_within_72h", rng.poisson(45 * size, size=20) + 5, [rhi] * 20, source)
    return defs, values
