"""Disclosure control for publication: primary suppression of counts 1 to the threshold, secondary
suppression until nothing suppressed can be worked out from what is shown, proven with hypothesis
against an independent calculation (the null space of the table's sum equations)."""
from __future__ import annotations

import csv
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from conftest import YEAR, run_cli
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.linalg import null_space

from wsp_analysis.calc import audits
from wsp_analysis.calc import disclosure
from wsp_analysis.calc.register import Register

SCALE = ("Outstanding", "Good", "Requires Improvement", "Inadequate")
SLUGS = ("outstanding", "good", "requires_improvement", "inadequate")


def audit_register(counts: list[list[int]], scale=SCALE) -> Register:
    """The audit figures the library makes for a year of quarterly rounds with these grade counts."""
    rows = [(YEAR, f"Q{q + 1}", f"theme {q + 1}", g, n) for q, row in enumerate(counts) for g, n in zip(scale, row)]
    a = pd.DataFrame(rows, columns=["year", "quarter", "theme", "grade", "count"]).astype({"count": "Int64"})
    shares = pd.DataFrame(columns=["year", "grade", "percent"]).astype({"percent": "Float64"})
    ds = SimpleNamespace(audits=a, audit_shares=shares, partnership=SimpleNamespace(grade_scale=scale),
                         source=lambda t: f"data/x/{t}.csv")
    return Register(f for f in audits.figures(ds, YEAR) if not f.id.startswith("audit.test."))


def test_walsall_publication_suppresses_small_counts_of_cases(register):
    p = disclosure.protect(register, 5)
    hidden = lambda id_, period=YEAR: p.get(id_, period).symbol == "[c]"  # noqa: E731
    assert hidden("audit.share.good")  # 4 of 20
    assert not hidden("audit.graded") and p.value("audit.graded", YEAR) == 20  # 20 is above the threshold
    assert hidden("audit.share.requires_improvement")  # 16, but 20 - 4 - 0 - 0 would give it away
    assert hidden("audit.change_pp.good")  # built on a suppressed share
    assert hidden("referrals.received") and hidden("referrals.rapid_review_rate")  # 5 and 4 of 5
    assert hidden("referrals.received_change")  # -2 with 7 shown would give 5 away
    assert not hidden("referrals.received", "2022-23")  # 7
    assert not hidden("training.attended") and p.value("training.attended", YEAR) == 1333
    assert p.value("budget.expenditure.variance", YEAR) == 192908  # money is not a count of people
    g = p.get("audit.share.good", YEAR)
    assert (g.value, g.numerator, g.denominator, g.ci_low) == (None, None, None, None)


def _determined(counts, reg) -> list[str]:
    """Independently of the library: which suppressed cells the row, column and grand-total equations fix."""
    nq, ng = len(counts), len(counts[0])
    cells = [("c", q, g) for q in range(nq) for g in range(ng)] + [("r", q) for q in range(nq)] + \
            [("k", g) for g in range(ng)] + [("t",)]
    period = [f"{YEAR}-Q{q + 1}" for q in range(nq)]
    hidden = {
        **{("c", q, g): reg.get(f"audit.share.{SLUGS[g]}", period[q]).symbol for q in range(nq) for g in range(ng)},
        **{("r", q): reg.get("audit.graded", period[q]).symbol for q in range(nq)},
        **{("k", g): reg.get(f"audit.share.{SLUGS[g]}", YEAR).symbol for g in range(ng)},
        ("t",): reg.get("audit.graded", YEAR).symbol,
    }
    eqs = []
    for q in range(nq):
        eqs.append({**{("c", q, g): 1 for g in range(ng)}, ("r", q): -1})
    for g in range(ng):
        eqs.append({**{("c", q, g): 1 for q in range(nq)}, ("k", g): -1})
    eqs.append({**{("r", q): 1 for q in range(nq)}, ("t",): -1})
    cols = [c for c in cells if hidden[c]]
    if not cols:
        return []
    a = np.array([[e.get(c, 0) for c in cols] for e in eqs], dtype=float)
    basis = null_space(a)  # every way the hidden cells can move while every equation still holds
    return [str(c) for i, c in enumerate(cols) if basis.shape[1] == 0 or np.allclose(basis[i], 0, atol=1e-9)]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.integers(0, 12), min_size=4, max_size=4), min_size=4, max_size=4),
       st.integers(1, 6))
def test_no_suppressed_count_can_be_worked_out(counts, threshold):
    reg = audit_register(counts)
    p = disclosure.protect(reg, threshold)
    assert _determined(counts, p) == []
    for q, row in enumerate(counts):  # primary: every count from 1 to the threshold is hidden
        for g, n in enumerate(row):
            f = p.get(f"audit.share.{SLUGS[g]}", f"{YEAR}-Q{q + 1}")
            if 1 <= n <= threshold:
                assert f.symbol == "[c]"
            if not f.symbol:  # what is shown is the true count, and its share is shown only then
                assert f.numerator == n
    for f in p:  # no shown proportion rests on a hidden count
        if f.unit == "proportion" and not f.symbol:
            assert f.numerator is not None and f.denominator is not None


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
