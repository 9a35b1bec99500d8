"""Disclosure control for publication: primary suppression of counts 1 to the threshold, secondary
suppression until nothing suppressed can be worked out from what is shown, proven with hypothesis
against an independent calculation (the null space of the table's sum equations)."""
from __future__ import annotations

import tempfile
from pathlib import Path

import csv

import numpy as np
from conftest import YEAR, run_cli
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.linalg import null_space

import wsp_analysis as wsp
from builders import build
from wsp_analysis.calc.compute import register
from wsp_analysis.calc import disclosure
from wsp_analysis.calc.register import Figure, Register, slug
from wsp_analysis.data import load as dataset

SCALE = ("Outstanding", "Good", "Requires Improvement", "Inadequate")
QUARTERS = ("Q1", "Q2", "Q3", "Q4")
SLUGS = tuple(slug(g) for g in SCALE)
THEMES = ("Child Sexual Abuse", "Transitions", "Neglect", "First 1001 Days")
Rounds = dict  # quarter -> (theme, [count per grade of the scale, None where blank])


def audit_register(rounds: Rounds, scale=SCALE) -> Register:
    """The audit figures the library makes for a year whose audit rounds are `rounds` (only the quarters
    given had a round), from a partnership folder built for it."""
    rows = [{"year": YEAR, "quarter": q, "theme": theme, "grade": g, "count": n}
            for q, (theme, row) in sorted(rounds.items()) for g, n in zip(scale, row)]
    reg = register(wsp.load(build(Path(tempfile.mkdtemp()), {"audits": rows}, scale=scale)), YEAR,
                   families=["audits"])
    return Register(f for f in reg if f.id.startswith("audit.") and not f.id.startswith("audit.test."))


def test_walsall_publication_suppresses_small_counts_of_cases(register):
    p = disclosure.protect(register, 5)
    hidden = lambda id_, period=YEAR: p.get(id_, period).symbol == "[c]"  # noqa: E731
    assert hidden("audit.share.good")  # 4 of 20
    assert not hidden("audit.graded") and p.value("audit.graded", YEAR) == 20  # 20 is above the threshold
    # 20 - 16 - 0 - 0 would give the 4 away: one more of the year's grades is suppressed with it
    assert sum(hidden(f"audit.share.{g}") for g in ("outstanding", "requires_improvement", "inadequate")) >= 1
    assert hidden("audit.change_pp.good")  # built on a suppressed share
    assert hidden("referrals.received") and hidden("referrals.rapid_review_rate")  # 5 and 4 of 5
    assert hidden("referrals.received_change")  # -2 with 7 shown would give 5 away
    assert not hidden("referrals.received", "2022-23")  # 7
    assert not hidden("training.attended") and p.value("training.attended", YEAR) == 1333
    assert p.value("budget.expenditure.variance", YEAR) == 192908  # money is not a count of people
    g = p.get("audit.share.good", YEAR)
    assert (g.value, g.numerator, g.denominator, g.ci_low) == (None, None, None, None)
    # the counts inferred behind 2022-23's published 0/35/50/15% (0/7/10/3 of 20) sum to 20 too:
    # 3 is suppressed, and 20 - 0 - 7 - 10 = 3 would give it away, so one more of them is suppressed
    inferred = [g for g in SLUGS if hidden(f"consistency.count.{g}", "2022-23")]
    assert "inadequate" in inferred and len(inferred) >= 2


# An independent account of what a reader can work out ----------------------------------------------
# Built from the audit rounds themselves, not from the library's equations: the table the publication
# report prints (a row per round, a Year row; a column per grade, a Total column) with each row summing
# to its total, each column to its year cell, and the totals to the year's total.

def _oracle_cells(rounds: Rounds, scale) -> dict:
    """Every cell of the printed table -> (figure id, period, field) in the register, and its true value
    (None where a count is blank: then its row total, column total and the year's total are blank too)."""
    period = {q: f"{YEAR}-{q}" for q in rounds}
    out = {}
    for q, (_, row) in rounds.items():
        for g, n in zip(scale, row):
            out[("c", q, g)] = ((f"audit.share.{slug(g)}", period[q], "numerator"), n)
        out[("r", q)] = (("audit.graded", period[q], "value"), None if None in row else sum(row))
    for i, g in enumerate(scale):
        col = [row[i] for _, row in rounds.values()]
        out[("k", g)] = ((f"audit.share.{slug(g)}", YEAR, "numerator"), None if None in col else sum(col))
    every = [n for _, row in rounds.values() for n in row]
    out[("t",)] = (("audit.graded", YEAR, "value"), None if None in every else sum(every))
    return out


def _shown(reg: Register, where: tuple[str, str, str]) -> bool:
    fid, period, field = where
    f = reg.get(fid, period)
    return not f.symbol and getattr(f, field) is not None


def _worked_out(rounds: Rounds, scale, shown) -> list:
    """The cells not shown that the table's sums fix, by the null space of the sum equations: a cell is
    fixed when no way of moving the unshown cells (keeping every sum) moves it."""
    cells = _oracle_cells(rounds, scale)
    eqs = [{**{("c", q, g): 1 for g in scale}, ("r", q): -1} for q in rounds]
    eqs += [{**{("c", q, g): 1 for q in rounds}, ("k", g): -1} for g in scale]
    eqs.append({**{("r", q): 1 for q in rounds}, ("t",): -1})
    unshown = [c for c, (where, _) in cells.items() if not shown(where)]
    if not unshown:
        return []
    basis = null_space(np.array([[e.get(c, 0) for c in unshown] for e in eqs], dtype=float))
    return [c for i, c in enumerate(unshown) if basis.shape[1] == 0 or np.allclose(basis[i], 0, atol=1e-9)]


def _suppressed_worked_out(rounds: Rounds, scale, reg: Register) -> list:
    """The suppressed ([c]) cells of the printed table that a reader can work out from `reg`."""
    cells = _oracle_cells(rounds, scale)
    return [c for c in _worked_out(rounds, scale, lambda w: _shown(reg, w)) if reg.get(*cells[c][0][:2]).symbol]


# No Q4 round: the example of issue 15, item 6 --------------------------------------------------------
NO_Q4 = {"Q1": ("Child Sexual Abuse", [0, 1, 2, 0]),  # 3 audits
         "Q2": ("Transitions", [1, 5, 6, 1]),  # 13
         "Q3": ("Adolescents and Early Help", [2, 7, 6, 2])}  # 17; the year: 3/13/14/3 of 33


def test_the_oracle_sees_what_primary_suppression_alone_gives_away():
    """Hiding only the counts from 1 to 5 leaves Q1's total as 33 - 13 - 17 = 3 and its Requires
    Improvement count as 14 - 6 - 6 = 2: the independent calculation must find both."""
    primary = {where for where, v in _oracle_cells(NO_Q4, SCALE).values() if v is not None and 1 <= v <= 5}
    found = _worked_out(NO_Q4, SCALE, lambda w: w not in primary)
    assert ("r", "Q1") in found and ("c", "Q1", "Requires Improvement") in found


def test_no_q4_round_q1_cannot_be_worked_out_from_the_year():
    p = disclosure.protect(audit_register(NO_Q4), 5)
    shown = lambda fid, period, field="value": _shown(p, (fid, period, field))  # noqa: E731
    assert not shown("audit.graded", f"{YEAR}-Q1")  # 3
    assert not all(shown("audit.graded", p_) for p_ in (f"{YEAR}-Q2", f"{YEAR}-Q3", YEAR))  # 33 - 13 - 17
    ri = [(f"{YEAR}-Q2", "numerator"), (f"{YEAR}-Q3", "numerator"), (YEAR, "numerator")]
    assert not all(shown("audit.share.requires_improvement", *x) for x in ri)  # 14 - 6 - 6
    assert _suppressed_worked_out(NO_Q4, SCALE, p) == []
    assert ("audit.graded", f"{YEAR}-Q4") not in p  # no round, no row: nothing invented for Q4


def test_no_q4_round_in_a_partnership_folder(walsall_copy):
    """The same year as a partnership's audits.csv, through loading and the annual figures the
    publication report protects."""
    lines = ["year,quarter,theme,grade,count,source"]
    lines += [f"{YEAR},{q},{theme},{g},{n},test" for q, (theme, row) in NO_Q4.items() for g, n in zip(SCALE, row)]
    (walsall_copy / "audits.csv").write_text("\n".join(lines) + "\n")
    ds = dataset.load(walsall_copy)
    p = disclosure.protect(wsp.figures(ds, YEAR), ds.partnership.suppression_threshold)
    assert wsp.figures(ds, YEAR).value("audit.graded", YEAR) == 33  # 3 + 13 + 17
    assert _suppressed_worked_out(NO_Q4, SCALE, p) == []
    assert p.get("audit.graded", f"{YEAR}-Q1").symbol == "[c]"


@st.composite
def audit_years(draw):
    """A year of audit rounds: some quarters (at least one), a theme each, a scale of some grades (at
    least one, best first), counts 0 to 12, a few of them blank."""
    chosen = draw(st.sets(st.sampled_from(SCALE), min_size=2))  # partnership.yaml needs a scale of two grades or more
    scale = tuple(g for g in SCALE if g in chosen)
    quarters = sorted(draw(st.sets(st.sampled_from(QUARTERS), min_size=1)))
    counts = {q: draw(st.lists(st.integers(0, 12), min_size=len(scale), max_size=len(scale))) for q in quarters}
    for q, g in draw(st.sets(st.tuples(st.sampled_from(quarters), st.integers(0, len(scale) - 1)), max_size=2)):
        counts[q][g] = None
    rounds = {q: (draw(st.sampled_from(THEMES)), counts[q]) for q in quarters}
    return rounds, scale


@settings(max_examples=150, deadline=None)
@given(audit_years(), st.integers(1, 6))
def test_no_suppressed_count_can_be_worked_out(year, threshold):
    rounds, scale = year
    reg = audit_register(rounds, scale)
    p = disclosure.protect(reg, threshold)
    assert _suppressed_worked_out(rounds, scale, p) == []
    for where, _ in _oracle_cells(rounds, scale).values():
        f, n = p.get(*where[:2]), getattr(reg.get(*where[:2]), where[2])
        if n is None:  # missing is not zero, and not suppressed either: there is nothing to protect
            assert f.value is None and not f.symbol
        elif 1 <= n <= threshold:  # primary: every count from 1 to the threshold is hidden
            assert f.symbol == "[c]"
        elif not f.symbol:  # what is shown is the count as computed
            assert getattr(f, where[2]) == n
    for f in p:  # no shown proportion rests on a hidden count
        if f.unit == "proportion" and not f.symbol and f.value is not None:
            assert f.numerator is not None and f.denominator is not None


# Other ties, built in the test -----------------------------------------------------------------------

def _fig(fid, period, value, unit="count", numerator=None, denominator=None) -> Figure:
    return Figure(fid, fid, period, value, unit, numerator, denominator, "data/x/referrals.csv")


def test_quarters_sum_to_the_year_for_referrals():
    """3 + 10 + 9 + 8 = 30: with 3 suppressed and the rest shown, 30 - 10 - 9 - 8 = 3 gives it away, so
    the smallest shown count that stops it (8) is suppressed too."""
    fid = "referrals.self_neglect_panel.received"
    reg = Register([_fig(fid, YEAR, 30), *(_fig(fid, f"{YEAR}-{q}", n) for q, n in zip(QUARTERS, (3, 10, 9, 8)))])
    p = disclosure.protect(reg, 5)
    assert [p.get(fid, f"{YEAR}-{q}").symbol for q in QUARTERS] == ["[c]", "", "", "[c]"]
    assert p.value(fid, YEAR) == 30


def test_a_quarter_not_available_is_an_unknown_not_zero():
    """Q2 not available: 30 - 9 - 8 = 13 is Q1 + Q2 together, so Q1 (3) is safe; nothing else is
    suppressed, and Q2 stays not available ([x]), not [c]."""
    fid = "referrals.self_neglect_panel.received"
    reg = Register([_fig(fid, YEAR, 30), *(_fig(fid, f"{YEAR}-{q}", n) for q, n in zip(QUARTERS, (3, None, 9, 8)))])
    p = disclosure.protect(reg, 5)
    assert [p.get(fid, f"{YEAR}-{q}").symbol for q in QUARTERS] == ["[c]", "", "", ""]
    assert p.value(fid, f"{YEAR}-Q2") is None and p.value(fid, YEAR) == 30


def test_a_change_does_not_print_the_counts_it_compares():
    """2 referrals this year, 3 last: both suppressed, and 2 - 3 = -1 alone gives neither away; but the
    change's numerator and denominator columns would print them, so the change is suppressed whole."""
    reg = Register([_fig("referrals.received", YEAR, 2), _fig("referrals.received", "2022-23", 3),
                    _fig("referrals.received_change", YEAR, -1, numerator=2, denominator=3)])
    c = disclosure.protect(reg, 5).get("referrals.received_change", YEAR)
    assert (c.symbol, c.value, c.numerator, c.denominator) == ("[c]", None, None, None)


def test_inferred_counts_sum_to_their_total():
    """Walsall 2022-23's inferred 0/7/10/3 of 20: 3 is suppressed and 20 - 0 - 7 - 10 = 3; the smallest
    shown count that stops it is the 0, after which only Outstanding + Inadequate = 3 is known."""
    counts = dict(zip(SLUGS, (0, 7, 10, 3)))
    reg = Register([_fig("consistency.smallest_n.half_up", "2022-23", 20),
                    *(_fig(f"consistency.count.{g}", "2022-23", n) for g, n in counts.items())])
    p = disclosure.protect(reg, 5)
    assert {g for g in SLUGS if p.get(f"consistency.count.{g}", "2022-23").symbol} == {"outstanding", "inadequate"}
    assert p.value("consistency.smallest_n.half_up", "2022-23") == 20


def test_a_figure_with_no_number_stays_not_available():
    """No 2022-23 counts, so the changes since 2022-23 are not available: [x], not [c]."""
    p = disclosure.protect(audit_register(NO_Q4), 5)
    for g in SLUGS:
        f = p.get(f"audit.change_pp.{g}", YEAR)
        assert f.value is None and f.symbol == ""


def test_threshold_zero_suppresses_nothing(register):
    assert not [f for f in disclosure.protect(register, 0) if f.symbol]


def test_publication_report_folder_page_and_figures(publication_rendered):
    publication_report = publication_rendered
    assert publication_report.name == "2023-24-publication"  # never over the internal report
    page = (publication_report / "report.html").read_text(encoding="utf-8")
    assert "counts from 1 to 5 are shown as [c]" in page and "[c] suppressed to protect confidentiality" in page
    with (publication_report / "figures.csv").open() as f:
        rows = {(r["id"], r["period"]): r for r in csv.DictReader(f)}
    good = rows[("audit.share.good", YEAR)]
    assert good["symbol"] == "[c]" and good["value"] == good["numerator"] == good["ci_low"] == ""
    assert rows[("audit.graded", YEAR)]["value"] == "20"
    result = run_cli("verify", str(publication_report))
    assert result.returncode == 0, result.stdout + result.stderr


def test_publication_parameter_is_checked(tmp_path):
    params = tmp_path / "p.yaml"
    params.write_text("partnership: walsall\nyear: '2023-24'\npublication: maybe\n")
    result = run_cli("report", str(params))
    assert result.returncode == 2 and "publication must be true or false" in result.stderr
