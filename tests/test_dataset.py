"""Loading and validation: every problem reported at once, located as a spreadsheet user counts rows."""
from __future__ import annotations

import pandas as pd
import pytest

from conftest import REPO
from wsp_analysis.data import load as dataset
from wsp_analysis.errors import DataValidationError


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems(folder):
    with pytest.raises(DataValidationError) as e:
        dataset.load(folder)
    return [str(p) for p in e.value.problems], str(e.value)


def test_walsall_loads_typed(walsall):
    assert walsall.partnership.name == "Walsall Safeguarding Partnership"
    assert walsall.partnership.grade_scale == ("Outstanding", "Good", "Requires Improvement", "Inadequate")
    assert set(walsall.tables) == {"audits", "audit_shares", "training", "elearning_courses", "referrals", "budget",
                                   "bookings", "evaluations", "contributions", "reserves", "actions", "section11",
                                   "section11_attendance", "indicators", "indicator_definitions",
                                   # optional tables Walsall's folder leaves out: read as their header alone
                                   "training_events", "training_by_agency", "training_shares", "evaluation_shares"}
    assert walsall.training_events.empty and list(walsall.training_events.columns)[:3] == ["row", "year", "quarter"]
    assert str(walsall.training["bookings"].dtype) == "Int64"
    assert walsall.source("audits") == "data/walsall/audits.csv"
    # a blank count is missing, not zero
    sn = walsall.referrals[walsall.referrals["referral_type"] == "self_neglect_panel"]
    assert sn["count"].isna().sum() == 2


def test_every_problem_at_once_with_row_column_value_rule(walsall_copy):
    # audits.csv: header row 1, Q1 rows 2-5, Q2 Outstanding 6, Good 7, Requires Improvement 8
    edit(walsall_copy / "audits.csv", "2023-24,Q2,Transitions,Requires Improvement,5",
         "2023-24,Q2,Transitions,Excelent,5")
    edit(walsall_copy / "training.csv", "2023-24,,144,162,2412,1617,352,1333", "2023-24,,144,162,2412,1617,352,1733")
    found, text = problems(walsall_copy)
    assert ('data/walsall/audits.csv, row 8, column grade: "Excelent" is not a grade on this partnership\'s scale '
            "(Outstanding, Good, Requires Improvement, Inadequate)") in found
    assert "data/walsall/training.csv, row 2, column attended: 1,733 attended is more than the 1,617 bookings" in found
    # 1,733 + 284 = 2,017, not 1,617: the bookings rule fires too
    assert ("data/walsall/training.csv, row 2, column bookings: 1,617 bookings is not attended + no-shows "
            "(1,733 + 284 = 2,017)") in found
    assert text.endswith("3 problems in 2 files; nothing was loaded.")


def test_missing_file_and_missing_column(walsall_copy):
    (walsall_copy / "reserves.csv").unlink()
    edit(walsall_copy / "contributions.csv", "year,organisation,amount,source", "year,organisation,source")
    found, _ = problems(walsall_copy)
    assert any(p.startswith("data/walsall/reserves.csv: file is missing") for p in found)
    assert "data/walsall/contributions.csv, row 1, column amount: required column is missing from the header" in found


def test_unknown_column_named_with_expected(walsall_copy):
    edit(walsall_copy / "reserves.csv", "year,brought_forward,source", "year,brought_forwrd,source")
    found, _ = problems(walsall_copy)
    assert any('"brought_forwrd" is not a column of reserves.csv (expected: year, brought_forward, source)' in p
               for p in found)


def test_header_only_table_is_accepted_as_no_records(walsall_copy):
    (walsall_copy / "elearning_courses.csv").write_text("year,course,signed_up,completed,in_progress,source\n")
    ds = dataset.load(walsall_copy)
    assert len(ds.elearning_courses) == 0


def test_empty_file_is_refused(walsall_copy):
    (walsall_copy / "reserves.csv").write_text("")
    found, _ = problems(walsall_copy)
    assert found == ["data/walsall/reserves.csv: file is empty; it needs at least the header row: "
                     "year, brought_forward, source"]


def test_duplicate_key_rows(walsall_copy):
    with (walsall_copy / "reserves.csv").open("a") as f:
        f.write('2023-24,1,"typed twice"\n')
    found, _ = problems(walsall_copy)
    assert found == ["data/walsall/reserves.csv, row 3: repeats row 2 (year 2023-24); each row must be unique on year"]


def test_blank_key_refused_blank_number_missing(walsall_copy):
    edit(walsall_copy / "contributions.csv", "2023-24,ICB,97500", "2023-24,,97500")
    found, _ = problems(walsall_copy)
    assert found == ["data/walsall/contributions.csv, row 3, column organisation: is blank; this column must be "
                     "filled in"]


def test_year_given_whole_and_by_quarter_is_refused(walsall_copy):
    with (walsall_copy / "training.csv").open("a") as f:
        f.write('2023-24,Q1,10,10,100,50,5,40,10,100,,,,"double"\n')
    found, _ = problems(walsall_copy)
    assert any("row 4, column quarter: Q1 repeats a period already given as a whole year in row 2" in p for p in found)


def test_bad_partnership_yaml(walsall_copy):
    (walsall_copy / "partnership.yaml").write_text("name: X\ngrade_scale: [Good]\nstatutory_partners: [A]\n")
    found, _ = problems(walsall_copy)
    assert found == ["data/walsall/partnership.yaml: grade_scale must be a list of at least 2 non-blank names"]


def test_validate_returns_empty_list_when_valid():
    from conftest import WALSALL

    assert dataset.validate(WALSALL) == []


def test_loaded_tables_keep_spreadsheet_row_numbers(walsall):
    assert list(walsall.reserves["row"]) == [2]
    assert isinstance(walsall.audits, pd.DataFrame)


def test_docs_are_generated_from_the_schemas():
    from conftest import REPO

    from wsp_analysis.data.docs import data_reference

    # regenerate with: python -m wsp_analysis.docs > docs/data.md
    assert (REPO / "docs" / "data.md").read_text() == data_reference()


def test_a_theme_typed_with_non_breaking_and_double_spaces_is_one_theme(walsall_copy):
    # Q1's four rows: two with a non-breaking space (as copied from a PDF), two plain; Q3's first with a double space
    text = (walsall_copy / "audits.csv").read_text(encoding="utf-8")
    for grade in ("Outstanding", "Good"):
        text = text.replace(f"Q1,Child Sexual Abuse,{grade},", f"Q1,Child\u00a0Sexual Abuse,{grade},")
    text = text.replace("Q3,Adolescents and Early Help,Outstanding,", "Q3,Adolescents  and Early Help,Outstanding,")
    (walsall_copy / "audits.csv").write_text(text, encoding="utf-8")
    ds = dataset.load(walsall_copy)
    themes = ds.audits.groupby("quarter")["theme"].unique().map(list).to_dict()
    assert themes == {"Q1": ["Child Sexual Abuse"], "Q2": ["Transitions"], "Q3": ["Adolescents and Early Help"],
                      "Q4": ["First 1001 Days"]}
    spaces = ("unusual or repeated spaces and line breaks (and look-alike characters) are read as plain ones, so that "
              "it groups with the same name typed plainly")
    assert [str(w) for w in ds.warnings] == [
        f'data/walsall/audits.csv, row 2, column theme: "Child\\xa0Sexual Abuse" read as "Child Sexual Abuse": {spaces}',
        f'data/walsall/audits.csv, row 3, column theme: "Child\\xa0Sexual Abuse" read as "Child Sexual Abuse": {spaces}',
        'data/walsall/audits.csv, row 10, column theme: "Adolescents  and Early Help" read as "Adolescents and Early '
        f'Help": {spaces}']
    # each quarter's audits are one group: Q1 still 4 audits, Q3 still its published total
    totals = ds.audits.groupby(["quarter", "theme"])["count"].sum()
    assert totals[("Q1", "Child Sexual Abuse")] == 4
    assert len(totals) == 4


def test_a_second_theme_by_spacing_alone_is_refused_as_a_second_theme(walsall_copy):
    edit(walsall_copy / "audits.csv", "Q2,Transitions,Good,", "Q2,Tran sitions,Good,")
    found, _ = problems(walsall_copy)
    assert found == ['data/walsall/audits.csv, row 7, column theme: "Tran sitions" is a second theme for 2023-24 Q2 '
                     '(row 7; row 6 has "Transitions"): a quarter\'s audit round has one theme, as the figures and '
                     "reports are built; record one theme per quarter"]


@pytest.mark.parametrize("file", ["audits.csv", "partnership.yaml"])
def test_an_input_linked_outside_the_folder_is_refused_unread(walsall_copy, tmp_path, file):
    from conftest import run_cli

    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:the first line must never be printed\n")
    (walsall_copy / file).unlink()
    (walsall_copy / file).symlink_to(secret)
    r = run_cli("validate", str(walsall_copy))
    assert r.returncode == 2
    assert "is a link to a file outside" in r.stderr
    assert "root:x" not in r.stderr + r.stdout and "never be printed" not in r.stderr + r.stdout


def test_a_link_inside_the_folder_is_read(walsall_copy):
    (walsall_copy / "archive").mkdir()
    (walsall_copy / "reserves.csv").rename(walsall_copy / "archive" / "reserves-2024.csv")
    (walsall_copy / "reserves.csv").symlink_to(walsall_copy / "archive" / "reserves-2024.csv")
    assert dataset.load(walsall_copy).reserves["brought_forward"].item() == 299260


def test_unknown_key_without_a_near_one_lists_the_keys(walsall_copy):
    with (walsall_copy / "partnership.yaml").open("a") as f:
        f.write("colour: blue\n")
    found, _ = problems(walsall_copy)
    assert found == ['data/walsall/partnership.yaml: "colour" is not a key of partnership.yaml (the keys are name, '
                     "short_name, statutory_partners, priorities, grade_scale, headline_grade, audit_themes, synthetic, "
                     "source, budget_thresholds, suppression_threshold, negative_budget_lines, contact, glossary); a key "
                     "it does not know would be ignored, so it is refused"]


def test_yaml_that_cannot_be_read_is_one_line(walsall_copy):
    (walsall_copy / "partnership.yaml").write_text("name: [unclosed\nsecond: line\n")
    found, _ = problems(walsall_copy)
    assert len(found) == 1 and found[0].startswith("data/walsall/partnership.yaml: is not valid YAML: ")
    assert found[0].endswith("(line 2, column 7)")
    # PyYAML's own parser words the problem (libyaml, which reads valid files, would not name the tab)
    (walsall_copy / "partnership.yaml").write_text("name: Walsall\n\tshort_name: W\n")
    assert problems(walsall_copy)[0] == ["data/walsall/partnership.yaml: is not valid YAML: found character '\\t' "
                                         "that cannot start any token (line 2, column 1)"]
    (walsall_copy / "partnership.yaml").write_bytes("name: Caf\u00e9\n".encode("cp1252"))
    assert problems(walsall_copy)[0] == ["data/walsall/partnership.yaml: is not UTF-8; save it as UTF-8 (any text "
                                         "editor can)"]


def test_no_grade_scale_is_needed_until_grades_are_recorded(walsall_copy):
    yaml = walsall_copy / "partnership.yaml"
    yaml.write_text(yaml.read_text().split("# Multi-agency audit grades")[0])
    for table in ("audits.csv", "audit_shares.csv"):
        path = walsall_copy / table
        path.write_text(path.read_text().splitlines()[0] + "\n")
    ds = dataset.load(walsall_copy)
    assert ds.partnership.grade_scale == () and ds.partnership.lead_grade() == ""
    assert ds.audits.empty and ds.audit_shares.empty
    with (walsall_copy / "audit_shares.csv").open("a") as f:
        f.write("2022-23,Good,35,report\n")
    found, text = problems(walsall_copy)
    assert found == ["data/walsall/partnership.yaml: grade_scale is missing, and audit_shares.csv (1 row) record "
                     "grades: list the partnership's audit grades, best first"]


def test_grades_load_as_ordered_categoricals_best_first(walsall):
    grade = walsall.audits["grade"]
    assert isinstance(grade.dtype, pd.CategoricalDtype) and grade.cat.ordered
    assert list(grade.cat.categories) == ["Outstanding", "Good", "Requires Improvement", "Inadequate"]
    assert (grade.sort_values().iloc[0], grade.sort_values().iloc[-1]) == ("Outstanding", "Inadequate")
    assert list(walsall.audit_shares["grade"].cat.categories) == list(grade.cat.categories)
    s11 = walsall.section11["self_grade"]  # Walsall publishes no Section 11 grades: an empty ordered column
    assert list(s11.cat.categories) == ["Fully met", "Partially met", "Not met"] and s11.cat.ordered


def _without_release_keys(folder):
    """Walsall's partnership.yaml without the optional contact and glossary keys (and their comments)."""
    text = (folder / "partnership.yaml").read_text(encoding="utf-8")
    (folder / "partnership.yaml").write_text(text[:text.index("\n# Who answers questions")] + "\n", encoding="utf-8")


def test_contact_and_glossary_are_optional(walsall, walsall_copy):
    assert walsall.partnership.contact.describe() == "Walsall Safeguarding Partnership, https://www.walsallsp.co.uk"
    assert dict(walsall.partnership.glossary)["PQA"] == "the partnership's Performance and Quality Assurance sub-groups"
    _without_release_keys(walsall_copy)
    p = dataset.load(walsall_copy).partnership
    assert p.contact is None and p.glossary == ()


def test_a_bad_contact_or_glossary_is_refused_with_every_problem(walsall_copy):
    _without_release_keys(walsall_copy)
    base = (walsall_copy / "partnership.yaml").read_text(encoding="utf-8")

    def found_with(extra: str) -> list[str]:
        (walsall_copy / "partnership.yaml").write_text(base + extra, encoding="utf-8")
        return problems(walsall_copy)[0]

    assert found_with("contact:\n  name: Business unit\n  email: x@y.org\n  phone: '01922'\nglossary:\n  PQA: ''\n") == [
        'data/walsall/partnership.yaml: contact: "phone" is not a contact key (expected: name, email, website)',
        'data/walsall/partnership.yaml: glossary: "PQA" needs a term and its meaning, both text']
    assert found_with("contact:\n  name: Business unit\n  email: not-an-address\n") == [
        'data/walsall/partnership.yaml: contact: email "not-an-address" is not an email address']
    assert found_with("contact:\n  name: Business unit\n") == [
        "data/walsall/partnership.yaml: contact needs an email or a website, so a reader can get in touch"]
    assert found_with("contact: unit@example.org\n") == [
        "data/walsall/partnership.yaml: contact must be a mapping of name and email or website (e.g. name: Business "
        "unit)"]


@pytest.mark.parametrize("folder", sorted(p.parent.name for p in (REPO / "data").glob("*/partnership.yaml")))
def test_partnership_yaml_reads_the_same_with_libyaml(folder):
    """partnership.yaml is read with libyaml's parser where PyYAML has it: each committed file gives the same
    mapping as PyYAML's own parser."""
    import yaml

    text = (REPO / "data" / folder / "partnership.yaml").read_text(encoding="utf-8")
    assert yaml.load(text, Loader=yaml.CSafeLoader) == yaml.safe_load(text) != {}
