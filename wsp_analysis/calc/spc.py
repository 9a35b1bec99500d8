"""Statistical process control as the NHS's Making Data Count does it: an XmR chart of an indicator's
points in time order, its process limits, the points that show special cause variation, and, at the latest
point, the variation and (against a target) the assurance, each in words.

The rules follow NHS-R's NHSRplotthedots (plot the dots), without screening moving ranges:
- mean of the points; moving range |x_i - x_(i-1)|; process limits at mean +/- 2.66 x the mean moving
  range; sigma = mean moving range / 1.128, so two sigma is 2/3 of the way to a limit;
- special cause where a point lies outside the limits; a run of 7 or more points on one side of the
  mean (a point on the mean breaks a run); a run of 7 or more points each rising (or each falling) from
  the one before; 2 of 3 consecutive points beyond two sigma (inside the limits) on the same side, with
  all three on that side (only the points beyond two sigma are flagged);
- each special point has a direction: above the mean or rising is high (1), below or falling low (-1);
  outside the limits counts first, then a trend, then 2 of 3, then a run;
- variation at the latest point: 1 special cause high, -1 special cause low, 0 common cause; read with
  the indicator's polarity as improvement, concern or neither;
- assurance against a target: 1 consistently passes (the whole process is on the right side of the target:
  for higher_is_better the lower limit is above it), -1 consistently fails, 0 hit and miss; None without
  a target or for an indicator with no better direction.

Fewer than MIN_POINTS (12) points give a run chart: the mean, but no limits and no judgement.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

LIMIT = 2.66  # 3 sigma in mean moving ranges (3 / 1.128)
NEAR = 2 * LIMIT / 3  # 2 sigma
RUN = 7
MIN_POINTS = 12
HIGHER, LOWER, NEITHER = "higher_is_better", "lower_is_better", "neither"
POLARITIES = (HIGHER, LOWER, NEITHER)
OUTSIDE, TREND, TWO_OF_THREE, SHIFT = "outside the process limits", "a run of 7 rising or falling", \
    "2 of 3 beyond two sigma", "a run of 7 on one side of the mean"


@dataclass(frozen=True)
class Chart:
    """An XmR chart of one indicator: `values` in time order; mean; mean_moving_range, upper_limit and
    lower_limit (None for a run chart: fewer than MIN_POINTS points); per point, `direction` (1 high,
    -1 low, 0 common cause) and `rule` (the rule that flagged it, "" for none)."""

    values: tuple[float, ...]
    mean: float | None
    mean_moving_range: float | None
    upper_limit: float | None
    lower_limit: float | None
    direction: tuple[int, ...]
    rule: tuple[str, ...]

    @property
    def limits(self) -> bool:
        return self.upper_limit is not None

    @property
    def special_points(self) -> int | None:
        """How many points any rule flags (None for a run chart)."""
        return sum(d != 0 for d in self.direction) if self.limits else None

    @property
    def latest(self) -> int | None:
        """Variation at the latest point: 1 special cause high, -1 low, 0 common cause; None for a run chart."""
        return self.direction[-1] if self.limits and self.values else None


def _runs(flags: np.ndarray, length: int = RUN) -> np.ndarray:
    """Points that belong to a run of `length` or more equal, non-zero flags (1 or -1)."""
    out = np.zeros(len(flags), dtype=bool)
    start = 0
    for i in range(1, len(flags) + 1):
        if i == len(flags) or flags[i] != flags[start]:
            if flags[start] != 0 and i - start >= length:
                out[start:i] = True
            start = i
    return out


def chart(values) -> Chart:
    """The XmR chart of `values` (numbers in time order; a missing value is left out, as a point not
    plotted). Raises ValueError for no points."""
    y = np.array([v for v in values if v is not None and not (isinstance(v, float) and np.isnan(v))], dtype=float)
    if not len(y):
        raise ValueError("an SPC chart needs at least one point")
    mean = float(y.mean())
    n = len(y)
    if n < MIN_POINTS:
        return Chart(tuple(y.tolist()), mean, None, None, None, (0,) * n, ("",) * n)
    mr = float(np.abs(np.diff(y)).mean())
    upl, lpl = mean + LIMIT * mr, mean - LIMIT * mr
    side = np.sign(y - mean).astype(int)
    outside = (y > upl) | (y < lpl)
    near = ~outside & ((y > mean + NEAR * mr) | (y < mean - NEAR * mr))
    # a run of 7 rising (or falling): 6 consecutive steps the same way; each point in it is flagged
    step = np.sign(np.diff(y)).astype(int)
    trend = np.zeros(n, dtype=bool)
    trend_dir = np.zeros(n, dtype=int)
    rising = _runs(step, RUN - 1)
    for i in np.flatnonzero(rising):  # step i joins points i and i + 1
        trend[i] = trend[i + 1] = True
        trend_dir[i] = trend_dir[i + 1] = step[i]
    # 2 of 3 beyond two sigma on the same side, all three on that side
    two3 = np.zeros(n, dtype=bool)
    for i in range(n - 2):
        w = slice(i, i + 3)
        if near[w].sum() >= 2 and abs(side[w].sum()) == 3:
            two3[w] |= near[w]
    shift = _runs(side)
    direction, rule = np.zeros(n, dtype=int), [""] * n
    for i in range(n):
        if outside[i]:
            direction[i], rule[i] = side[i], OUTSIDE
        elif trend[i]:
            direction[i], rule[i] = trend_dir[i], TREND
        elif two3[i]:
            direction[i], rule[i] = side[i], TWO_OF_THREE
        elif shift[i]:
            direction[i], rule[i] = side[i], SHIFT
    return Chart(tuple(y.tolist()), mean, mr, upl, lpl, tuple(int(d) for d in direction), tuple(rule))


def variation_words(code: int | None, polarity: str) -> str:
    """"special cause improvement", "special cause concern", "special cause (higher)" / "(lower)" for an
    indicator with no better direction, "common cause", or "" for a run chart."""
    if code is None:
        return ""
    if code == 0:
        return "common cause"
    if polarity == NEITHER:
        return "special cause (higher)" if code > 0 else "special cause (lower)"
    better = code > 0 if polarity == HIGHER else code < 0
    return "special cause improvement" if better else "special cause concern"


def assurance(c: Chart, polarity: str, target) -> int | None:
    """1 consistently passes the target, -1 consistently fails, 0 hit and miss; None for a run chart,
    without a target, or for an indicator with no better direction."""
    if not c.limits or target is None or polarity == NEITHER or (isinstance(target, float) and np.isnan(target)):
        return None
    if target > c.upper_limit:
        return -1 if polarity == HIGHER else 1
    if target < c.lower_limit:
        return 1 if polarity == HIGHER else -1
    return 0


ASSURANCE_WORDS = {1: "consistently passes the target", -1: "consistently fails the target",
                   0: "hit and miss: may pass or fail the target", None: ""}
