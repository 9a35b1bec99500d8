"""Statistics for small samples: intervals that say how uncertain a share is."""
from __future__ import annotations

from scipy import stats


def wilson_interval(k: int, n: int, confidence: float = 0.95) -> tuple[float, float] | None:
    """Wilson score interval for k successes in n trials (None when n is 0).

    The method OHID Fingertips uses for proportions; it behaves at 0 of n and n of n,
    where the textbook normal interval collapses to a point.
    """
    if n is None or n == 0 or k is None:
        return None
    ci = stats.binomtest(int(k), int(n)).proportion_ci(confidence_level=confidence, method="wilson")
    return float(ci.low), float(ci.high)
