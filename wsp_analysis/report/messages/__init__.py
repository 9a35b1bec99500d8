"""Key messages in plain English, made from the figures register (never typed into a notebook), one module
per area: common (the rule set every message follows), audits, training (and its impact), referrals,
budget, assurance (actions and Section 11) and quarterly (the quarterly report's).

    from wsp_analysis.report import messages
    messages.key_messages(reg, "2023-24")       # what the executive reads first
    messages.audits(reg, "2023-24")             # one area's messages
    messages.quarterly.key_messages(reg, "2023-24", "Q3")

Every function takes the register and the period and reads nothing else: numbers from its figures,
words from reg.details and reg.partnership. An area with no data in the period says so in one sentence.
"""
from __future__ import annotations

from wsp_analysis.calc.register import Register
from wsp_analysis.report.messages import quarterly
from wsp_analysis.report.messages.assurance import actions, actions_period, section11
from wsp_analysis.report.messages.audits import audits, inference
from wsp_analysis.report.messages.budget import budget
from wsp_analysis.report.messages.common import AREA_NAMES, AREAS, missing_areas, no_data, unique
from wsp_analysis.report.messages.referrals import referrals
from wsp_analysis.report.messages.training import impact, training

# What pages and notebooks read as messages.<name>; the rule set itself is messages.common.
__all__ = ["AREAS", "AREA_NAMES", "actions", "actions_period", "audits", "budget", "impact", "inference",
           "key_messages", "no_data", "quarterly", "referrals", "section11", "training"]


def key_messages(reg: Register, year: str) -> list[str]:
    """The annual report's key messages: the first message of each area with data in the year (audits,
    training, referrals, budget, actions), then one message naming every area with none (list of str).
    Sections leave them out: each is said once on the page."""
    areas = {"audits": audits, "training": training, "referrals": referrals, "budget": budget, "actions": actions}
    out = [first(reg, year)[0] for family, first in areas.items() if reg.has_data(family, year)]
    missing = missing_areas(reg, {f: year for f in AREA_NAMES}, year)
    return unique(out + ([missing] if missing else []))
