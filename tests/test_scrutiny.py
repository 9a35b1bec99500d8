"""Scrutiny (issue 6): manifest.json, `wsp-analysis verify`, published-figures reconciliation and the
scrutiny report. The reports are the session's (`rendered`, `scrutiny_rendered`): nothing renders here."""
from __future__ import annotations

import csv
import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import REPO, WALSALL, YEAR, run_cli

import wsp_analysis as wsp
from wsp_analysis.data import load as dataset
from wsp_analysis.publish import manifest
from wsp_analysis.data import paths
from wsp_analysis.calc import reconcile
from wsp_analysis.report import scrutiny
from wsp_analysis.scrutiny import verify
from wsp_analysis.errors import DataValidationError
from wsp_analysis.calc.register import Figure, Register
from wsp_analysis.calc.reconcile import parse_printed
from wsp_analysis.data import provenance


def figures_in(report: Path) -> int:
    """How many figures a report's figures.csv holds (its rows after the header)."""
    with (report / "figures.csv").open(encoding="utf-8") as f:
        return sum(1 for _ in csv.reader(f)) - 1


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def copy_report(src: Path, dest: Path) -> Path:
    shutil.copytree(src, dest)
    return dest


# manifest.json -----------------------------------------------------------------------------------------

def test_manifest_records_parameters_inputs_versions_and_times(rendered):
    m = json.loads((rendered / "manifest.json").read_text())
    assert m["parameters"]["partnership"] == "walsall" and m["parameters"]["year"] == YEAR
    assert m["parameters"]["quarter"] is None and m["parameters"]["data_dir"] == "data"
    assert m["report"]["kind"] == "annual" and m["report"]["notebook"] == "notebooks/annual_report.ipynb"
    assert m["command"] == f"wsp-analysis report --partnership walsall --year {YEAR}"
    files = [i["path"] for i in m["inputs"]]
    assert files[0] == "data/walsall/partnership.yaml"
    for name in ("audits", "audit_shares", "training", "referrals", "budget", "contributions", "reserves"):
        assert f"data/walsall/{name}.csv" in files
    assert "data/walsall/published_figures.csv" not in files  # only the scrutiny report reads it
    for item in m["inputs"]:  # repository-relative paths, and the hash of the file as it is
        assert item["sha256"] == sha(REPO / item["path"]) and item["bytes"] == (REPO / item["path"]).stat().st_size
    assert m["package"]["version"] and m["python"]["version"].count(".") == 2
    for dep in ("pandas", "numpy", "scipy", "papermill", "nbconvert"):
        assert m["dependencies"][dep]
    assert m["git"] is None or re.fullmatch(r"[0-9a-f]{40}", m["git"]["commit"])
    from datetime import datetime
    started, finished = datetime.fromisoformat(m["started"]), datetime.fromisoformat(m["finished"])
    assert started.tzinfo is not None and started <= finished and m["seconds"] >= 0


def test_footer_gives_short_hashes_and_the_command(rendered):
    html = (rendered / "report.html").read_text(encoding="utf-8")
    footer = html[html.index('<footer class="report-footer">'):]
    assert f"<code>wsp-analysis report --partnership walsall --year {YEAR}</code>" in footer
    for name in ("audits.csv", "training.csv", "budget.csv", "partnership.yaml"):
        short = sha(WALSALL / name)[:manifest.SHORT]
        assert f"<code>data/walsall/{name}</code> <code class=\"hash\">{short}</code>" in footer
    assert "wsp-analysis verify" in footer
    assert "<script" not in html.lower()


def test_command_reproduces_non_default_runs():
    assert provenance.command({"partnership": "walsall", "year": YEAR, "quarter": "Q3", "notebook": None,
                             "data_dir": "data"}) == f"wsp-analysis report --partnership walsall --year {YEAR} --quarter Q3"
    assert provenance.command({"partnership": "walsall", "year": YEAR, "notebook": "scrutiny",
                             "data_dir": "/srv/data dir"}) == \
        f"wsp-analysis report --partnership walsall --year {YEAR} --notebook scrutiny --data-dir '/srv/data dir'"


def test_paths_outside_the_repository_are_recorded_absolute(tmp_path):
    assert provenance.shown_path(REPO / "data" / "walsall" / "audits.csv") == "data/walsall/audits.csv"
    outside = tmp_path / "x.csv"
    assert provenance.shown_path(outside) == outside.resolve().as_posix()
    assert provenance.resolve(outside.as_posix()) == outside.resolve()
    assert provenance.resolve("data/walsall/audits.csv") == REPO / "data" / "walsall" / "audits.csv"


# report folders: the notebook's suffix -----------------------------------------------------------------

@pytest.mark.parametrize("notebook, period, folder", [
    (None, "2023-24", "2023-24"), ("annual_report", "2023-24", "2023-24"), ("scrutiny", "2023-24", "2023-24-scrutiny"),
    (None, "2023-24-Q3", "2023-24-Q3"), ("quarterly_report", "2023-24-Q3", "2023-24-Q3"),
    ("annual_report", "2023-24-Q3", "2023-24-Q3-annual"), ("/x/board_summary_report.ipynb", "2023-24", "2023-24-board-summary"),
])
def test_report_dir_adds_the_notebooks_suffix(tmp_path, notebook, period, folder):
    assert paths.report_dir(tmp_path, "walsall", period, notebook) == tmp_path.resolve() / "walsall" / folder


def test_report_kind():
    assert paths.report_kind(None, None) == "annual" and paths.report_kind(None, "Q3") == "quarterly"
    assert paths.report_kind("scrutiny", None) == "scrutiny"


# verify ------------------------------------------------------------------------------------------------

def test_verify_passes_on_a_fresh_report(rendered):
    result = run_cli("verify", str(rendered))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith("input files are unchanged")
    assert "verified: all" in result.stdout


def test_verify_passes_on_the_scrutiny_report(scrutiny_rendered):
    result = verify.verify(scrutiny_rendered)
    assert result.ok, result.lines()
    # the thirteen tables, the two optional indicator tables Walsall has, partnership.yaml and published_figures.csv
    assert result.inputs_checked == 17


def _moved(before: Register, after: Register) -> set[tuple[str, str]]:
    """Figures whose value, numerator, denominator or interval changed (0 of 20 -> 0 of 21 moved too)."""
    def key(f):
        return (f.value, f.numerator, f.denominator, f.ci_low, f.ci_high)
    a, b = {(f.id, f.period): key(f) for f in before}, {(f.id, f.period): key(f) for f in after}
    return {k for k in a.keys() | b.keys() if a.get(k) != b.get(k)}


def test_changing_one_cell_fails_naming_the_file_and_every_figure_that_moved(rendered, walsall_copy, register):
    audits = walsall_copy / "audits.csv"
    lines = audits.read_text().splitlines(keepends=True)
    row = next(i for i, l in enumerate(lines) if l.startswith("2023-24,Q4,First 1001 Days,Good,2,"))
    lines[row] = lines[row].replace(",Good,2,", ",Good,3,")  # one cell: 2 good audits in Q4 become 3
    audits.write_text("".join(lines))
    moved = _moved(register, wsp.figures(dataset.load(walsall_copy), YEAR))
    assert ("audit.share.good", YEAR) in moved and ("audit.graded", f"{YEAR}-Q4") in moved  # a real change

    result = run_cli("verify", str(rendered), "--data-dir", str(walsall_copy.parent))
    assert result.returncode == 1, result.stdout + result.stderr
    out = result.stdout.splitlines()
    changed = [l for l in out if l.startswith("input ")]
    assert len(changed) == 1 and "audits.csv" in changed[0] and "changed since the report was rendered" in changed[0]
    differing = [l for l in out if l.startswith("figure ")]
    named = {tuple(re.match(r"figure (\S+) \(([^)]+)\)", l).groups()) for l in differing}
    assert named == moved
    share = next(l for l in differing if l.startswith(f"figure audit.share.good ({YEAR}):"))
    assert share.startswith(f"figure audit.share.good ({YEAR}): report 0.2, recomputed 0.23809523809523808 (")  # 5/21
    assert "numerator: report 4, recomputed 5; denominator: report 20, recomputed 21" in share
    assert "not verified" in out[-1]


def test_a_changed_file_whose_figures_do_not_move_is_still_named(rendered, walsall_copy):
    src = walsall_copy / "audits.csv"
    src.write_text(src.read_text().replace("Table 1 (Multi", "Table 1 (multi", 1))  # a source note, no number
    result = verify.verify(rendered, walsall_copy.parent)
    assert not result.ok and result.differing == []
    assert len(result.changed_inputs) == 1 and "audits.csv" in result.changed_inputs[0]


def test_editing_figures_csv_fails_naming_the_figure(rendered, tmp_path):
    report = copy_report(rendered, tmp_path / "2023-24")
    text = (report / "figures.csv").read_text()
    old = "training.attendance_rate,Share of bookings attended,2023-24,0.8243661100803958,"
    assert old in text
    (report / "figures.csv").write_text(text.replace(old, old.replace("0.8243661100803958", "0.85")))
    result = run_cli("verify", str(report))
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == \
        "figure training.attendance_rate (2023-24): report 0.85, recomputed 0.8243661100803958"
    assert len([l for l in result.stdout.splitlines() if l.startswith(("figure ", "input "))]) == 1


def test_a_figure_missing_from_figures_csv_or_added_to_it_is_named(rendered, tmp_path):
    report = copy_report(rendered, tmp_path / "2023-24")
    rows = (report / "figures.csv").read_text().splitlines(keepends=True)
    kept = [r for r in rows if not r.startswith("budget.net_position,")]
    kept.append("budget.invented,Invented,2023-24,1,count,,,made up,,\n")
    (report / "figures.csv").write_text("".join(kept))
    lines = verify.verify(report).differing
    assert "figure budget.net_position (2023-24): report: no such figure, recomputed 116671" in lines
    assert "figure budget.invented (2023-24): report 1, recomputed: no such figure" in lines


def test_tolerance_is_tight():
    reg = Register([Figure("x", "x", YEAR, 0.1 + 0.2, "proportion")])
    row = {"label": "x", "value": 0.3, "unit": "proportion", "numerator": None, "denominator": None, "source": "",
           "ci_low": None, "ci_high": None, "symbol": ""}
    assert verify.compare({("x", YEAR): row}, reg) == []  # 0.30000000000000004 vs 0.3: floating-point noise
    assert verify.compare({("x", YEAR): dict(row, value=0.3000001)}, reg) != []  # a real difference, however small
    assert verify.compare({("x", YEAR): dict(row, value=None)}, reg) != []  # blank is not a number


def test_missing_manifest_exits_2(rendered, tmp_path):
    report = copy_report(rendered, tmp_path / "2023-24")
    (report / "manifest.json").unlink()
    result = run_cli("verify", str(report))
    assert result.returncode == 2
    assert "manifest.json: missing" in result.stderr


def test_missing_input_exits_2_naming_it(rendered, walsall_copy):
    (walsall_copy / "reserves.csv").unlink()
    with pytest.raises(verify.VerifyError, match=r"data/walsall/reserves.csv: input file is missing"):
        verify.verify(rendered, walsall_copy.parent)


def test_data_that_no_longer_validates_exits_2_naming_the_file(rendered, walsall_copy):
    training = walsall_copy / "training.csv"
    training.write_text(training.read_text().replace(",1333,", ",1334,", 1))  # attended no longer adds up
    result = run_cli("verify", str(rendered), "--data-dir", str(walsall_copy.parent))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "training.csv" in result.stdout  # its hash changed
    assert re.search(r"data/walsall/training.csv, row \d+, column \w+: ", result.stderr)  # as validate says it
    assert "nothing was loaded" in result.stderr


def test_verify_follows_absolute_paths_in_the_manifest(rendered, walsall_copy, tmp_path):
    """A report rendered from data outside the repository records absolute paths, and verify follows them."""
    report = copy_report(rendered, tmp_path / "2023-24")
    m = json.loads((report / "manifest.json").read_text())
    for item in m["inputs"]:
        item["path"] = (walsall_copy / Path(item["path"]).name).as_posix()
    (report / "manifest.json").write_text(json.dumps(m))
    assert verify.verify(report).ok
    (walsall_copy / "reserves.csv").write_text((walsall_copy / "reserves.csv").read_text().replace("299260", "299261"))
    result = verify.verify(report)
    assert [l.split(":")[0] for l in result.changed_inputs] == [f"input {walsall_copy / 'reserves.csv'}"]
    assert any(l.startswith(f"figure budget.reserve.brought_forward ({YEAR}): report 299260, recomputed 299261")
               for l in result.differing)


# verify covers what readers see (issue 15, item 5) --------------------------------------------------------

def _rewrite_figures(report: Path, edit) -> None:
    """Apply `edit(row)` (a dict, changed in place) to every row of the report's figures.csv."""
    path = report / "figures.csv"
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        columns, rows = reader.fieldnames, list(reader)
    for row in rows:
        edit(row)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=columns, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def _edit_manifest(report: Path, edit) -> None:
    m = json.loads((report / "manifest.json").read_text())
    edit(m)
    (report / "manifest.json").write_text(json.dumps(m))


def test_manifest_records_every_output_with_its_sha256(rendered):
    m = json.loads((rendered / "manifest.json").read_text())
    assert m["manifest_version"] == 2
    assert [o["path"] for o in m["outputs"]] == ["report.html", "report.ipynb", "figures.csv", "tables.xlsx",
                                                 "tables.ods"]
    for o in m["outputs"]:
        assert o["sha256"] == sha(rendered / o["path"]) and o["bytes"] == (rendered / o["path"]).stat().st_size


@pytest.mark.parametrize("column, old, new", [
    ("label", "Share of bookings attended", "Share of bookings attended (all courses)"),
    ("source", "data/walsall/training.csv", "data/walsall/other.csv"),
    ("symbol", "", "[c]"),
])
def test_a_changed_label_source_or_symbol_fails_naming_the_column(rendered, tmp_path, column, old, new):
    """verify said "all 277 figures match" after these (the count then); every column of figures.csv is compared."""
    report = copy_report(rendered, tmp_path / YEAR)

    def edit(row):
        if row["id"] == "training.attendance_rate" and row["period"] == YEAR:
            assert row[column] == old
            row[column] = new
    _rewrite_figures(report, edit)
    result = run_cli("verify", str(report))
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    recomputed = f'"{old}"' if old else "blank"
    assert lines[0] == (f"figure training.attendance_rate ({YEAR}): report 0.8243661100803958, recomputed "
                        f'0.8243661100803958 ({column}: report "{new}", recomputed {recomputed})')
    assert lines[1].startswith("output figures.csv: changed since the report was rendered (SHA-256 ")
    assert lines[-1].endswith(f"not verified: 1 figure differs and 1 output file changed (of {figures_in(report)} figures, 5 output "
                              "files and 16 input files)")


def test_a_figure_given_twice_or_columns_changed_are_named(rendered, tmp_path):
    report = copy_report(rendered, tmp_path / YEAR)
    rows = (report / "figures.csv").read_text().splitlines(keepends=True)
    first = next(r for r in rows if r.startswith("training.attendance_rate,"))
    (report / "figures.csv").write_text("".join([rows[0].replace(",symbol", ""), first.replace("0.8243661100803958", "0.5"),
                                                 *rows[1:]]))
    lines = verify.verify(report).differing
    assert lines[0].startswith('figures.csv columns: report "id,label,period,value,unit,numerator,denominator,source,'
                               'ci_low,ci_high", expected "id,label,')
    assert any(l.startswith(f"figure training.attendance_rate ({YEAR}): figures.csv holds it twice") for l in lines)
    assert any(l.startswith(f"figure training.attendance_rate ({YEAR}): report 0.5, recomputed 0.8243661100803958") for l in lines)


def test_an_edited_or_swapped_output_fails_naming_it(rendered, scrutiny_rendered, tmp_path):
    report = copy_report(rendered, tmp_path / YEAR)
    page = (report / "report.html").read_text(encoding="utf-8")
    assert "82.4%" in page
    (report / "report.html").write_text(page.replace("82.4%", "92.4%"), encoding="utf-8")
    shutil.copy(scrutiny_rendered / "tables.xlsx", report / "tables.xlsx")  # another report's tables
    (report / "tables.ods").unlink()
    result = run_cli("verify", str(report))
    assert result.returncode == 1, result.stdout + result.stderr
    m = json.loads((report / "manifest.json").read_text())
    then = {o["path"]: o["sha256"][:12] for o in m["outputs"]}
    assert result.stdout.splitlines() == [
        f"output report.html: changed since the report was rendered (SHA-256 {then['report.html']}... then, "
        f"{sha(report / 'report.html')[:12]}... now)",
        f"output tables.xlsx: changed since the report was rendered (SHA-256 {then['tables.xlsx']}... then, "
        f"{sha(scrutiny_rendered / 'tables.xlsx')[:12]}... now)",
        f"output tables.ods: missing; the manifest records it (SHA-256 {then['tables.ods']}...)",
        f"{report}: not verified: 3 output files changed (of {figures_in(report)} figures, 5 output files and 16 input "
        "files)"]
    assert f"manifest.json SHA-256 {sha(report / 'manifest.json')}" in result.stderr


def test_an_output_the_manifest_does_not_record_fails(rendered, tmp_path):
    report = copy_report(rendered, tmp_path / YEAR)
    _edit_manifest(report, lambda m: m.update(outputs=[o for o in m["outputs"] if o["path"] != "report.html"]))
    result = verify.verify(report)
    assert result.changed_outputs == ["output report.html: not recorded in the manifest, so not part of the report "
                                      "as rendered"]
    assert not result.ok and result.outputs_checked == 4


@pytest.mark.parametrize("edit, message", [
    (lambda m: m.update(inputs=[]), "its list of inputs is empty, so there is nothing to check the report against"),
    (lambda m: m.pop("outputs"), "no list of outputs (a report rendered before outputs were recorded: render it "
                                 "again)"),
    (lambda m: m.update(outputs=[]), "its list of outputs is empty"),
    (lambda m: m["outputs"][0].update(path="../../etc/passwd"), 'outputs entry 1 names "../../etc/passwd", not one of'),
    (lambda m: m["inputs"][0].update(sha256="abc"), "inputs entry 1 is not a path with a SHA-256"),
    (lambda m: m.update(inputs=[i for i in m["inputs"] if not i["path"].endswith("/budget.csv")]),
     "does not name budget.csv, which the report reads"),
])
def test_a_manifest_that_cannot_vouch_for_the_report_exits_2(rendered, tmp_path, edit, message):
    """Emptied inputs gave "all 0 input files are unchanged"; a manifest without inputs or outputs, or one that
    leaves out a file the report reads, is refused."""
    report = copy_report(rendered, tmp_path / YEAR)
    _edit_manifest(report, edit)
    result = run_cli("verify", str(report))
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr and result.stdout == ""


def test_the_manifests_partnership_must_be_a_folder_name(rendered, tmp_path, walsall_copy):
    report = copy_report(rendered, tmp_path / YEAR)
    _edit_manifest(report, lambda m: m["parameters"].update(partnership="../escape"))
    result = run_cli("verify", str(report), "--data-dir", str(walsall_copy.parent))
    assert result.returncode == 2
    assert 'the manifest\'s partnership "../escape" is not a safe folder name' in result.stderr


def test_data_copied_to_a_folder_of_another_name_still_verifies(rendered, tmp_path):
    """Sources name the data folder as the report did ("data/walsall/..."); a copy elsewhere verifies."""
    shutil.copytree(WALSALL, tmp_path / "copies" / "walsall")
    result = verify.verify(rendered, tmp_path / "copies")
    assert result.ok, result.lines()


# reconcile ---------------------------------------------------------------------------------------------

def test_parse_printed():
    p = parse_printed("82%")
    assert (p.value, p.decimals, p.percent, p.signed) == (82, 0, True, False)
    assert parse_printed("1,617").value == 1617 and parse_printed("£192,908").pounds
    assert parse_printed("£299.260").decimals == 3
    assert parse_printed("-15 percentage points").points and parse_printed("-15 percentage points").value == -15
    assert parse_printed("17.6%").decimals == 1
    for bad in ("eighty", "1,61,7", "82 %%", ""):
        with pytest.raises(ValueError, match="is not a number as a report prints it"):
            parse_printed(bad)


@pytest.mark.parametrize("value, unit, printed, status", [
    (1333 / 1617, "proportion", "82%", "match"),           # 82.44% -> 82%
    (284 / 1617, "proportion", "18%", "match"),            # 17.56% -> 18%
    (1333 / 2412, "proportion", "55%", "match"),           # 55.27% -> 55%
    (1333 / 1617, "proportion", "82.4%", "match"),
    (1333 / 1617, "proportion", "83%", "differs"),
    (0.825, "proportion", "82%", "match"),                 # a tie: 82.5 rounds to 82 half even, so 82 is ours too
    (0.825, "proportion", "83%", "match"),
    (-15, "percentage_points", "15%", "percent_for_points"),
    (30, "percentage_points", "30%", "percent_for_points"),
    (-15, "percentage_points", "15 percentage points", "match"),
    (-15, "percentage_points", "43%", "differs"),          # the relative fall, printed against a points figure
    (1617, "count", "1,617", "match"),
    (1617, "count", "1,618", "differs"),
    (5, "count", "5%", "differs"),
    (299260, "gbp", "£299.260", "differs"),
    (299260, "gbp", "£299,260", "match"),
    (None, "count", "50", "not_derivable"),
])
def test_compare_statuses(value, unit, printed, status):
    fig = Figure("x", "x", YEAR, value, unit)
    assert reconcile.compare(fig, parse_printed(printed))[0] == status
    assert reconcile.compare(None, parse_printed(printed))[0] == "not_derivable"


def test_walsall_reconciliation(walsall, register):
    rows = reconcile.for_dataset(walsall, register, YEAR)
    by = {(r.figure_id, r.period, r.printed): r for r in rows}
    assert len(rows) == len(list(csv.DictReader((WALSALL / "published_figures.csv").open())))
    assert by[("audit.change_pp.good", YEAR, "15%")].status == "percent_for_points"
    assert by[("audit.change_pp.requires_improvement", YEAR, "30%")].status == "percent_for_points"
    assert "as a relative change it is -42.9%" in by[("audit.change_pp.good", YEAR, "15%")].note  # (20-35)/35
    for fid, printed in (("training.attendance_rate", "82%"), ("training.no_show_rate", "18%"),
                         ("training.utilisation_rate", "55%")):
        assert by[(fid, YEAR, printed)].status == "match"
    assert by[("budget.reserve.brought_forward", YEAR, "£299.260")].status == "differs"
    assert by[("training.trainers", YEAR, "12")].status == "not_derivable"
    assert by[("training.events", "2022-23", "52")].status == "match"
    assert reconcile.counts(rows) == {"match": 68, "differs": 1, "percent_for_points": 2, "not_derivable": 5}


def test_reconcile_command_prints_the_table_and_exits_0():
    result = run_cli("reconcile", "--partnership", "walsall", "--year", YEAR)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["status", "figure_id", "period", "printed", "ours", "note"]
    assert any(l.split()[:4] == ["percent_for_points", "audit.change_pp.good", YEAR, "15%"] for l in lines)
    assert any(l.split()[:4] == ["percent_for_points", "audit.change_pp.requires_improvement", YEAR, "30%"]
               for l in lines)
    assert any(l.split()[:4] == ["match", "training.attendance_rate", YEAR, "82%"] for l in lines)
    assert lines[-1] == "76 published figures: 68 match, 1 differs, 2 percent_for_points, 5 not_derivable"


def test_reconcile_without_published_figures_exits_2():
    result = run_cli("reconcile", "--partnership", "demoshire", "--year", YEAR)
    assert result.returncode == 2
    assert "data/demoshire/published_figures.csv: file is missing" in result.stderr


def test_published_figures_are_validated_like_every_table(walsall_copy):
    path = walsall_copy / "published_figures.csv"
    lines = path.read_text().splitlines(keepends=True)
    lines[2] = lines[2].replace(",4,", ",four,", 1)
    lines.append("training.events,144,,no where,2023-24,\n")
    path.write_text("".join(lines))
    with pytest.raises(DataValidationError) as e:
        reconcile.read(walsall_copy)
    shown = e.value.report().splitlines()
    assert shown[0].startswith('data/walsall/published_figures.csv, row 3, column printed: "four" is not a number')
    assert f"data/walsall/published_figures.csv, row {len(lines)}, column where: is blank" in shown[1]
    result = run_cli("validate", str(walsall_copy))
    assert result.returncode == 2 and "published_figures.csv, row 3, column printed" in result.stderr


# A quarter's published figures, transcribed into a copy of Walsall's folder. Walsall's audit rounds:
# Q1 0/0/4/0 of 4, Q2 0/1/5/0 of 6, Q3 0/1/4/0 of 5; self-neglect panel referrals Q1 3, Q2 blank, Q3 9.
QUARTER_ROWS = [
    # figure_id, printed, period: what the 2023-24 Q3 report would print
    ("audit.graded.ytd", "15", f"{YEAR}-Q3"),  # 4 + 6 + 5: only the quarterly figures hold it -> match
    ("audit.share.good.ytd", "13%", f"{YEAR}-Q3"),  # (0 + 1 + 1) / 15 = 13.3% -> match
    ("audit.share.requires_improvement", "80%", f"{YEAR}-Q3"),  # 4 / 5 -> match
    ("referrals.self_neglect_panel.received.ytd", "12", f"{YEAR}-Q3"),  # 3 + [x] + 9 is not 12 -> not_derivable
    ("audit.graded", "6", f"{YEAR}-Q3"),  # ours is 5 -> differs
    ("referrals.received", "2", "2022-23-Q3"),  # the same quarter a year before; no 2022-23 quarters -> not_derivable
    ("audit.graded", "6", f"{YEAR}-Q2"),  # another quarter's report: left out
    ("audit.graded", "20", ""),  # the year's report: left out
]


def write_quarter_rows(folder: Path) -> None:
    with (folder / "published_figures.csv").open("w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["figure_id", "printed", "where", "claim", "year", "period"])
        for i, (fid, printed, period) in enumerate(QUARTER_ROWS):
            w.writerow([fid, printed, f"Quarterly report, panel {i + 1}", f"{fid} printed as {printed}", YEAR, period])


def test_reconcile_takes_a_quarter(walsall_copy):
    write_quarter_rows(walsall_copy)
    ds = dataset.load(walsall_copy)
    rows = reconcile.read(walsall_copy)
    q3 = reconcile.reconcile(rows, reconcile.register_for(ds, YEAR, "Q3"), YEAR, "Q3")
    assert [(r.figure_id, r.period, r.status) for r in q3] == [
        ("audit.graded.ytd", f"{YEAR}-Q3", "match"), ("audit.share.good.ytd", f"{YEAR}-Q3", "match"),
        ("audit.share.requires_improvement", f"{YEAR}-Q3", "match"),
        ("referrals.self_neglect_panel.received.ytd", f"{YEAR}-Q3", "not_derivable"),
        ("audit.graded", f"{YEAR}-Q3", "differs"), ("referrals.received", "2022-23-Q3", "not_derivable")]
    assert q3[0].value == 15 and q3[3].note.startswith("our figure is not available")
    assert reconcile.counts(q3) == {"match": 3, "differs": 1, "percent_for_points": 0, "not_derivable": 2}
    # the year's reconciliation compares with the annual figures, which have no year-to-date figures
    year = {(r.figure_id, r.period): r for r in reconcile.for_dataset(ds, wsp.figures(ds, YEAR), YEAR)}
    assert year[("audit.graded.ytd", f"{YEAR}-Q3")].status == "not_derivable"
    assert year[("audit.graded", YEAR)].status == "match" and len(year) == len(QUARTER_ROWS)
    assert [r.figure_id for r in reconcile.reconcile(rows, reconcile.register_for(ds, YEAR, "Q2"), YEAR, "Q2")] \
        == ["audit.graded"]  # Q2's report prints only the Q2 row


def test_reconcile_command_takes_a_quarter(walsall_copy):
    write_quarter_rows(walsall_copy)
    data = str(walsall_copy.parent)
    result = run_cli("reconcile", "--partnership", "walsall", "--year", YEAR, "--quarter", "q3", "--data-dir", data)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[1].split()[:5] == ["match", "audit.graded.ytd", f"{YEAR}-Q3", "15", "15"]
    assert lines[-1] == "6 published figures: 3 match, 1 differs, 0 percent_for_points, 2 not_derivable"
    bad = run_cli("reconcile", "--partnership", "walsall", "--year", YEAR, "--quarter", "Q5", "--data-dir", data)
    assert bad.returncode == 2 and '"Q5" is not a quarter' in bad.stderr


def test_scrutiny_figures_for_a_quarter(walsall_copy):
    write_quarter_rows(walsall_copy)
    ds = dataset.load(walsall_copy)
    reg = wsp.figures(ds, YEAR, "Q3", kind="scrutiny")
    assert reg.value("audit.graded.ytd", f"{YEAR}-Q3") == 15  # the quarter's figures, not the year's
    assert reg.value("reconcile.rows", f"{YEAR}-Q3") == 6 and reg.value("reconcile.match", f"{YEAR}-Q3") == 3
    assert ("reconcile.rows", YEAR) not in reg
    part = scrutiny.reconciliation(reg, YEAR, "Q3")
    assert part.data[0].title == f"Figures printed in the {YEAR}-Q3 report, against the figures from the data"
    q4 = scrutiny.reconciliation(wsp.figures(ds, YEAR, "Q4", kind="scrutiny"), YEAR, "Q4")
    assert not q4.data and f"is of the {YEAR}-Q4 report, so there is nothing to reconcile" in str(q4.messages)


def test_quarterly_scrutiny_report_reconciles_the_quarter(walsall_copy, tmp_path):
    """Issue 14: --quarter with --notebook scrutiny used to warn "Passed unknown parameter: quarter" and
    write the year's reconciliation into <year>-Q1-scrutiny."""
    write_quarter_rows(walsall_copy)
    out = tmp_path / "reports"
    result = run_cli("report", "--partnership", "walsall", "--year", YEAR, "--quarter", "Q3", "--notebook", "scrutiny",
                     "--data-dir", str(walsall_copy.parent), "--output-dir", str(out))
    assert result.returncode == 0, result.stderr
    assert "unknown parameter" not in result.stderr.lower()
    folder = out / "walsall" / f"{YEAR}-Q3-scrutiny"
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert f"scrutiny report {YEAR}-Q3</h1>" in html
    assert f"Figures printed in the {YEAR}-Q3 report" in html and "audit.graded.ytd" in html
    with (folder / "figures.csv").open() as f:
        written = {(r["id"], r["period"]): r["value"] for r in csv.DictReader(f)}
    assert written[("reconcile.match", f"{YEAR}-Q3")] == "3" and ("reconcile.match", YEAR) not in written


# the scrutiny report -----------------------------------------------------------------------------------

def test_scrutiny_report_folder(scrutiny_rendered):
    assert scrutiny_rendered.name == f"{YEAR}-scrutiny"
    assert sorted(p.name for p in scrutiny_rendered.iterdir()) == [
        "figures.csv", "manifest.json", "report.html", "report.ipynb", "tables.ods", "tables.xlsx"]
    m = json.loads((scrutiny_rendered / "manifest.json").read_text())
    assert m["report"]["kind"] == "scrutiny" and m["parameters"]["notebook"] == "scrutiny"
    assert m["command"].endswith("--notebook scrutiny")
    assert "data/walsall/published_figures.csv" in [i["path"] for i in m["inputs"]]
    html = (scrutiny_rendered / "report.html").read_text(encoding="utf-8")
    assert f"<h1>Walsall Safeguarding Partnership: scrutiny report {YEAR}</h1>" in html and html.count("<h1") == 1
    for heading in ("Reconciliation with the published report", "Counts behind rounded percentages", "Manifest"):
        assert f">{heading}</h2>" in html
    assert "percent_for_points" in html and "1/14/7/1 of 23" in html and "If the counts were" in html
    assert sha(WALSALL / "audits.csv") in html  # the manifest section shows full hashes
    body = html[html.index("<body"):]
    assert "import " not in body and "wsp_analysis" not in body


def test_scrutiny_figures_csv_matches_the_library(scrutiny_rendered, walsall):
    from wsp_analysis.calc.register import read_csv
    written = read_csv(scrutiny_rendered / "figures.csv")
    expected = wsp.figures(walsall, YEAR, kind="scrutiny")
    assert written.frame().equals(expected.frame())
    assert written.value("reconcile.percent_for_points", YEAR) == 2
    assert written.value("consistency.smallest_n.half_up", "2020-21") == 23


def test_annual_report_shows_the_inference(rendered):
    html = (rendered / "report.html").read_text(encoding="utf-8")
    assert "If the counts were 0/7/10/3 of 20 in 2022-23" in html
    assert "0/9/25/6 of 40 in 2019-20" in html and "As an inference, not data" in html


def test_committed_scrutiny_notebook_is_stripped_and_thin():
    import nbformat
    nb = nbformat.read(str(REPO / "notebooks" / "scrutiny.ipynb"), as_version=4)
    params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1
    for name in ("partnership", "year", "quarter", "data_dir", "output_dir"):
        assert re.search(rf"^{name} = ", params[0].source, re.M)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None


@pytest.mark.parametrize("partnership, period", [("walsall", f"{YEAR}-Q3"), ("demoshire", f"{YEAR}-Q3"),
                                                 ("demoshire", YEAR)])
def test_verify_passes_on_quarterly_and_other_partnerships_reports(batch, partnership, period):
    """Reports rendered by run-all carry a manifest too, and verify recomputes quarterly figures."""
    report = batch / partnership / period
    m = json.loads((report / "manifest.json").read_text())
    assert m["report"]["kind"] == ("quarterly" if "-Q" in period else "annual")
    result = verify.verify(report)
    assert result.ok, result.lines()
    assert result.figures_checked > 20
