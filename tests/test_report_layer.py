"""The report layer's shape: it reads the figures register and nothing upstream of it (no raw table, no
figure family), its modules stay small, and every public function says what it takes and gives."""
from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil

import pytest
from conftest import REPO

import wsp_analysis.report

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


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(REPO)))
def test_modules_stay_under_400_lines(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) < 400


def test_every_public_function_has_a_docstring():
    missing = []
    for info in pkgutil.walk_packages(wsp_analysis.report.__path__, "wsp_analysis.report."):
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if (inspect.isfunction(obj) and obj.__module__ == module.__name__ and not name.startswith("_")
                    and not inspect.getdoc(obj)):
                missing.append(f"{module.__name__}.{name}")
    assert not missing, missing
