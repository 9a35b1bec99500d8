"""Triton: a synthetic partnership on a three-point grade scale. Its committed files are the generator's
output, partnership.yaml's keys are read, and its annual report renders with its own three grades and
nothing of Walsall's four."""
from __future__ import annotations

import csv
import re
from html import unescape

import pytest
from conftest import TRITON, YEAR, assert_generator_output

import wsp_analysis as wsp
from wsp_analysis.data import load as dataset
from wsp_analysis.report import messages as narrative
import synthetic
from wsp_analysis.errors import DataValidationError

GRADES = ("Effective", "Partly Effective", "Not Effective")
WALSALL_GRADES = ("Outstanding", "Good", "Requires Improvement", "Inadequate")


@pytest.fixture(scope="module")
def triton():
    return dataset.load(TRITON)


def test_committed_files_equal_the_generator_output(tmp_path):
    assert_generator_output(TRITON, synthetic.write_triton, tmp_path)


def test_generator_is_deterministic_and_leaves_demoshire_alone():
    assert synthetic.triton(seed=7) == synthetic.triton(seed=7)
    assert synthetic.triton(seed=7) != synthetic.triton(seed=8)
    assert synthetic.generate(seed=7) == synthetic.generate(seed=7)  # Demoshire's generator is its own


def test_partnership_yaml_is_read_with_its_own_scale_themes_and_thresholds(triton):
    p = triton.partnership
    assert p.synthetic is True
    assert p.grade_scale == GRADES
    assert p.audit_themes == synthetic.TRITON_THEMES
    assert p.suppression_threshold == 10
    assert (p.budget_thresholds.green, p.budget_thresholds.amber, p.budget_thresholds.underspend) == (1, 3, 3)
    assert p.lead_grade() == "Effective"  # no "Good" on the scale: the best grade leads
    assert set(triton.audits["grade"]) == set(GRADES)
    assert set(triton.audits["theme"]) <= set(synthetic.TRITON_THEMES)
    for name, table in triton.tables.items():
        assert table["source"].str.startswith("synthetic").all(), name


def test_walsall_and_demoshire_keep_the_default_suppression_threshold(walsall):
    assert walsall.partnership.suppression_threshold == 5
    assert walsall.partnership.audit_themes == ()
    assert walsall.partnership.lead_grade() == "Good"


def test_audit_figures_equal_sums_of_the_three_grades(triton):
    reg = wsp.figures(triton, YEAR)
    rows = triton.audits[triton.audits["year"] == YEAR]
    n = int(rows["count"].sum())
    assert reg.value("audit.graded", YEAR) == n == 24  # six cases a quarter
    for grade in GRADES:
        k = int(rows[rows["grade"] == grade]["count"].sum())
        fig = reg.get(f"audit.share.{grade.lower().replace(' ', '_')}", YEAR)
        assert (fig.numerator, fig.denominator) == (k, n)
        assert fig.value == pytest.approx(k / n)
    assert not any(f.id.startswith(("audit.share.good", "audit.share.outstanding")) for f in reg)


def test_key_message_leads_with_the_best_grade_or_the_chosen_one(triton, triton_copy):
    first = narrative.audits(wsp.figures(triton, YEAR), YEAR)[0]
    assert re.match(r"42% of multi-agency audits were graded effective \(10 of 24\)", first), first
    yaml = triton_copy / "partnership.yaml"
    yaml.write_text(yaml.read_text() + "headline_grade: Partly Effective\n")
    ds = dataset.load(triton_copy)
    first = narrative.audits(wsp.figures(ds, YEAR), YEAR)[0]
    assert first.startswith("46% of multi-agency audits were graded partly effective (11 of 24), up four "
                            "percentage points from 42% in 2022-23"), first


@pytest.mark.parametrize("line, message", [
    ("suppression_threshold: -1\n", "suppression_threshold must be a whole number, 0 or more"),
    ("suppression_threshold: five\n", "suppression_threshold must be a whole number, 0 or more"),
    ("headline_grade: Good\n", 'headline_grade "Good" is not a grade on grade_scale (Effective, Partly Effective, '
                               "Not Effective)"),
    ("audit_themes: Neglect\n", "audit_themes must be a list"),
])
def test_bad_new_keys_are_refused(triton_copy, line, message):
    yaml = triton_copy / "partnership.yaml"
    text = re.sub(r"(?ms)^(suppression_threshold|audit_themes):.*?(?=^\S|\Z)", "", yaml.read_text())
    yaml.write_text(text + line)
    with pytest.raises(DataValidationError) as e:
        dataset.load(triton_copy)
    assert any(message in str(p) and "data/triton/partnership.yaml" in str(p) for p in e.value.problems), \
        e.value.report()


# --- the rendered annual report ----------------------------------------------------------------------

def _text(path) -> str:
    html = re.sub(r"(?s)<style.*?</style>", "", path.read_text(encoding="utf-8"))
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def test_report_uses_its_three_grades_and_none_of_walsalls(triton_rendered):
    html = (triton_rendered / "report.html").read_text(encoding="utf-8")
    text = _text(triton_rendered / "report.html")
    assert "Synthetic data" in text[: text.index("Key messages")]
    for grade in WALSALL_GRADES:
        assert not re.search(rf"\b{grade}\b", text, re.IGNORECASE), grade
    # the audit table's header row: year, the three grades in scale order, then the totals
    assert re.search(r"Year Effective Partly Effective Not Effective Audits graded Basis", text)
    assert "2023-24 41.7% 45.8% 12.5% 24 counts" in text  # 10, 11 and 3 of 24
    # the grade chart: its legend names the three grades, once each, in order; 4 years x 3 bars are labelled
    chart = re.findall(r'(?s)<svg [^>]*chart-wide.*?</svg>', html)[0]  # the laptop's drawing (a phone's follows)
    labels = re.findall(r"<text[^>]*>([^<]*)</text>", chart)
    assert [t for t in labels if t in GRADES] == list(GRADES)
    assert len([t for t in labels if re.fullmatch(r"\d+%", t)]) == 12
    assert "Partly Effective: 2020-21 50%, 2021-22 63%, 2022-23 42%, 2023-24 46%" in chart  # alt text


def test_report_figures_are_the_three_grades(triton_rendered, triton):
    with (triton_rendered / "figures.csv").open() as f:
        rows = [r for r in csv.DictReader(f) if r["period"] == YEAR and r["id"].startswith("audit.share.")]
    assert [r["id"] for r in rows] == ["audit.share.effective", "audit.share.partly_effective",
                                       "audit.share.not_effective"]
    assert [(int(r["numerator"]), int(r["denominator"])) for r in rows] == [(10, 24), (11, 24), (3, 24)]
    with (TRITON / "audits.csv").open() as f:  # the same counts, summed independently from the CSV
        audits = [r for r in csv.DictReader(f) if r["year"] == YEAR]
    assert [sum(int(r["count"]) for r in audits if r["grade"] == g) for g in GRADES] == [10, 11, 3]
    text = _text(triton_rendered / "report.html")
    # the year published only as percentages: the smallest counts that fit, on three grades
    assert "smallest counts (effective/partly effective/not effective, of the year's total)" in text
    assert "2/3/1 of 6 in 2020-21" in text


def test_triton_quarterly_report_renders_with_no_assurance_event(tmp_path):
    """Triton has no Section 11 attendance rows: the quarterly report says so instead of failing."""
    from conftest import run_cli

    result = run_cli("report", "--partnership", "triton", "--year", "2023-24", "--quarter", "Q2", "--output-dir",
                     str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "triton" / "2023-24-Q2" / "report.html").is_file()
