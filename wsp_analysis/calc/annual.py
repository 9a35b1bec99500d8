"""The annual report's figures register: one call gathers every figure the report states."""
from __future__ import annotations

from wsp_analysis.calc import actions
from wsp_analysis.calc import audits
from wsp_analysis.calc import budget
from wsp_analysis.calc import consistency
from wsp_analysis.calc import impact
from wsp_analysis.data import periods
from wsp_analysis.calc import referrals
from wsp_analysis.calc import section11
from wsp_analysis.calc import training
from wsp_analysis.calc.register import Register


def figures(ds, year: str) -> Register:
    """Every figure for the financial year `year`, with earlier years' rows the report compares against."""
    year = periods.parse_year(year)
    reg = Register()
    # consistency: the counts the audit section infers from rounded published percentages, and its tests
    for module in (audits, consistency, training, impact, referrals, budget, actions, section11):
        reg.extend(module.figures(ds, year))
    return reg
