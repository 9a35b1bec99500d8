"""The units a figure is stated in (figures.csv's `unit` column), here with the tables so that a table
naming a unit (indicator_definitions.csv) is checked against the same list the register uses.

    count, proportion (0-1), percent and percentage_points (0-100 scale), gbp (pounds), ratio,
    p_value (0-1), rating (a 1-5 self-rating), effect_size (-1 to 1), code (a judgement written as a
    whole number, its meaning in the figure's label: dashboard variation and assurance, 1, 0 or -1)
"""
from __future__ import annotations

UNITS = ("count", "proportion", "percent", "percentage_points", "gbp", "ratio", "p_value", "rating", "effect_size",
         "code")
# Units whose value is numerator / denominator (percent: x 100): the value a row gives must agree.
RATE_SCALE = {"proportion": 1.0, "percent": 100.0, "ratio": 1.0}
SHARES = ("proportion", "percent")  # a share of things: its numerator cannot exceed its denominator
