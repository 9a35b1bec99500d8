"""The report layer reads the figures register and nothing upstream of it (no raw table, no figure family);
the package-wide shape (layers, module size, docstrings) is tests/test_layout.py's."""
from __future__ import annotations

import ast

import pytest
from conftest import REPO

REPORT = REPO / "wsp_analysis" / "report"
FAMILIES = ("audits", "consistency", "training", "impact", "referrals", "budget", "actions", "section11", "compute",
            "kinds", "national", "annual", "quarterly", "indicators", "dashboard", "benchmark", "spc", "funnel")


def _modules():
    return sorted(REPORT.rglob("*.py"))


def _imports(path) -> set[str]:
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            out |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
    return out


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(REPO)))
def test_no_section_or_message_computes_from_a_family_or_a_table(path):
    text = path.read_text(encoding="utf-8")
    banned = {f"wsp_analysis.calc.{f}" for f in FAMILIES}
    assert not _imports(path) & banned, f"{path.name} imports {sorted(_imports(path) & banned)}"
    for table in ("ds.audits", "ds.training", "ds.referrals", "ds.budget", "ds.actions", "ds.section11",
                  "ds.evaluations", "ds.contributions", "ds.reserves", "ds.elearning_courses", "ds.tables"):
        assert table not in text, f"{path.name} reads {table}"
