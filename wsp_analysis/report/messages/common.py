"""The rule set every message follows, and the small helpers every area's messages share.

One rule set, applied by the functions here and by nothing else:

- A change between two percentages is in percentage points ("down 15 percentage points"); a
  relative change is in percent ("up 177% from 52"); the two are never mixed.
- Counts have thousands separators ("1,617"). In prose, whole numbers under ten are words
  ("five referrals", "down three percentage points"), and a sentence never starts with a digit;
  inside a "(4 of 20)" count the numbers stay digits. Percents ("8%") and pounds stay digits.
- Money is whole pounds with its direction in words: "£192,908 over budget", "a deficit of
  £116,671"; adverse or favourable is said, not left to a sign. A variance percent under 10%
  keeps one decimal, so that 2.4% (amber) never reads as "2%" beside a 2% threshold.
- A change is called significant only when its test gives p < 0.05; otherwise the words say that
  there are too few cases to tell, or that a difference this size could be chance. The meaning comes
  first, the test and its p-value after, in brackets. A change that cannot be tested (counts not
  published) says so and why.
- A figure that is not available is said to be not available ([x]), never 0; an area with no data
  in the period says so in one sentence (no_data), and nothing else about it.
"""
from __future__ import annotations

from wsp_analysis.calc import stats
from wsp_analysis.calc.register import Figure, Register, is_missing
from wsp_analysis import format as fmt

# --- the rule set ---------------------------------------------------------------------------------

WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def number(v) -> str:
    """A count in prose: words under ten ("seven"), digits with separators from ten ("1,617")."""
    if is_missing(v):
        return fmt.NOT_AVAILABLE
    if float(v).is_integer() and 0 <= v < 10:
        return WORDS[int(v)]
    return fmt.count(v)


def of(k, n) -> str:
    """A count inside brackets, always digits: "(4 of 20)"."""
    return f"({fmt.count(k)} of {fmt.count(n)})"


def plural(n, one: str, many: str) -> str:
    """`one` when n is 1, else `many`: plural(3, "action", "actions")."""
    return one if n == 1 else many


def sentence(text: str) -> str:
    """Capitalise the first letter (a sentence never starts with a lower-case word or a digit under ten)."""
    return text[:1].upper() + text[1:] if text else text


def points(change) -> str:
    """Size of a change in percentage points, without sign, words under ten: "three percentage points"."""
    if is_missing(change):
        return fmt.NOT_AVAILABLE
    size = float(fmt.number(abs(float(change)), 0).replace(",", ""))
    return f"{number(size)} percentage {plural(size, 'point', 'points')}"


def change_in_points(change, previous_share=None, previous_year: str | None = None) -> str:
    """"up three percentage points from 35% in 2022-23", "unchanged at 35% ..."; percents of shares (0-1)."""
    direction = fmt.up_down(change)
    if direction == "unchanged" or (not is_missing(change) and fmt.number(abs(change), 0) == "0"):
        text = "unchanged"
        if previous_share is not None:
            text += f" from {fmt.pct(previous_share)}"
    else:
        text = f"{direction} {points(change)}"
        if previous_share is not None:
            text += f" from {fmt.pct(previous_share)}"
    return text + (f" in {previous_year}" if previous_year else "")


def relative_change(pct_change) -> str:
    """A relative change in percent: "up 177%", "down 12%", "unchanged"."""
    direction = fmt.up_down(pct_change)
    return direction if direction in ("unchanged", fmt.NOT_AVAILABLE) else f"{direction} {fmt.percent(abs(pct_change))}"


def money_against_budget(variance, section: str = "expenditure") -> str:
    """"£192,908 over budget" (spending) / "£76,237 more than planned" (income) / "on budget"."""
    if is_missing(variance):
        return fmt.NOT_AVAILABLE
    if variance == 0:
        return "on budget"
    if section == "expenditure":
        return f"{fmt.gbp(abs(variance))} {'over' if variance > 0 else 'under'} budget"
    return f"{fmt.gbp(abs(variance))} {'more' if variance > 0 else 'less'} than planned"


def position(net) -> str:
    """Net position (spending - income) in words: "a deficit of £116,671", "a surplus of £5,000"."""
    if is_missing(net):
        return f"a net position that is not available {fmt.NOT_AVAILABLE}"
    if net > 0:
        return f"a deficit of {fmt.gbp(net)}"
    if net < 0:
        return f"a surplus of {fmt.gbp(-net)}"
    return "neither a deficit nor a surplus"


def variance_percent(pct) -> str:
    """A budget variance as a percent of budget, without sign: "51%", "2.4%" (one decimal under 10%)."""
    if is_missing(pct):
        return fmt.NOT_AVAILABLE
    size = abs(float(pct))
    return fmt.percent(size, 1 if float(fmt.number(size, 1).replace(",", "")) < 10 else 0)


def listing(items: list[str], last: str = "and") -> str:
    """"a", "a and b", "a, b and c" (or "a, b or c")."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {last} " + items[-1] if items else ""


def p_value(p) -> str:
    """"p = 0.27", "p = 0.004", "p < 0.001"; never rounds a p below 0.05 up to "0.05"."""
    if p < 0.001:
        return "p < 0.001"
    text = f"{p:.2f}" if p >= 0.1 else f"{p:.3f}"
    if p < stats.ALPHA and float(text) >= stats.ALPHA:
        return "p < 0.05"
    return f"p = {text}"


def verdict(p, test: str, change: str = "the figures really changed", few: str | None = None) -> str:
    """What a test says, in words first and the test and p-value after (a clause, lower case): `change` is
    what it tests ("the mix of grades changed"). Significant only when p < 0.05: "the mix of grades changed
    by more than chance alone would be likely to produce (Fisher's exact test, p = 0.01)". Otherwise, with
    `few` (what there are few of, "audits"): "there are too few audits to tell whether the mix of grades changed
    (Fisher's exact test, p = 0.27)"; without: "no clear sign that ...: a difference this size could be
    chance alone (...)"."""
    said = f"({test}, {p_value(p)})"
    if stats.significant(p):
        return f"{change} by more than chance alone would be likely to produce {said}"
    if few:
        return f"there are too few {few} to tell whether {change} {said}"
    return f"no clear sign that {change}: a difference this size could be chance alone {said}"


def interval(fig: Figure) -> str:
    """"from 8% to 42%" for a figure's Wilson interval."""
    low, high = fig.interval
    return f"from {fmt.pct(low)} to {fmt.pct(high)}"




# --- reading the register -------------------------------------------------------------------------

def get(reg: Register, id_: str, period: str) -> Figure | None:
    """A figure, or None when the register does not hold it (a page then shows [x])."""
    return reg.get(id_, period) if (id_, period) in reg else None


def value(reg: Register, id_: str, period: str):
    """A figure's value: a number, or None when the figure is missing or not in the register."""
    f = get(reg, id_, period)
    return None if f is None else f.value


def known(fig: Figure | None) -> bool:
    """Whether a figure is there and has a value."""
    return fig is not None and not fig.missing


def unique(messages: list[str]) -> list[str]:
    """The messages in order, each once: a bullet list never repeats itself."""
    return list(dict.fromkeys(m for m in messages if m))


# --- areas with no data ---------------------------------------------------------------------------

# What each figure family is called when a page says it has no data for a period, and the verb that
# follows: the subject of every no-data sentence (tests match those sentences to tables by it).
AREAS = {
    "audits": ("audit grades", "are"),
    "training": ("training counts", "are"),
    "impact": ("training impact", "is"),
    "referrals": ("referral counts", "are"),
    "budget": ("budget figures", "are"),
    "actions": ("actions from audits and reviews", "are"),
    "section11": ("Section 11 records", "are"),
}
# How the key messages name an area in their list of areas with no data.
AREA_NAMES = {
    "audits": "audit grades",
    "training": "training",
    "impact": "training impact (evaluation forms)",
    "referrals": "referrals",
    "budget": "the budget",
    "actions": "actions from audits and reviews",
    "section11": "Section 11 self-assessments",
}


def no_data(family: str, when: str, why: str = "") -> str:
    """The one sentence a section says when its area has no data for the period `when` ("2023-24",
    "Q3"): "Audit grades for 2019-20 are not available [x]: the data holds none." `why` replaces the
    reason after the colon."""
    subject, verb = AREAS[family]
    return sentence(f"{subject} for {when} {verb} not available {fmt.NOT_AVAILABLE}: {why or 'the data holds none'}.")


def missing_areas(reg: Register, spans: dict[str, str], when: str) -> str | None:
    """One key message naming every area with no data in its span (`spans`: family -> span key, see
    calc.spans; `when` says the period in words), or None when every area has some."""
    empty = [AREA_NAMES[f] for f, span in spans.items() if not reg.has_data(f, span)]
    if not empty:
        return None
    return (f"The data holds nothing for {when} on {listing(empty, 'or')}: "
            f"{plural(len(empty), 'its', 'their')} figures are not available {fmt.NOT_AVAILABLE}.")
