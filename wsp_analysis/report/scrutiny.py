"""The scrutiny report (notebooks/scrutiny.ipynb): where the published report and the data agree, what
the counts behind published percentages could have been, and what the report was made from.

    reg = wsp.figures(ds, "2023-24", kind="scrutiny")   # every figure the scrutiny report states
    part = scrutiny.reconciliation(reg, "2023-24")
    display(*part.parts)

Its figures.csv holds the annual figures (the reconciliation compares with them, and they hold the
consistency findings) and how many published figures have each status (reconcile.figures), as the
"scrutiny" report kind (calc.kinds) makes them; `wsp-analysis verify` recomputes it the same way.
"""
from __future__ import annotations

import platform
from pathlib import Path

from wsp_analysis.calc import reconcile
from wsp_analysis.calc.register import Register, is_missing
from wsp_analysis.data import periods
from wsp_analysis import format as fmt
from wsp_analysis.report import glance
from wsp_analysis.report import messages as narrative
from wsp_analysis.report.messages import common
from wsp_analysis.report import tables as datatables
from wsp_analysis.report.annual import audit_years
from wsp_analysis.report.messages.audits import counts_text, percents_text, search_bound
from wsp_analysis.report.sections import Section, section
from wsp_analysis.report.tables import DataTable
from wsp_analysis.data import provenance


Part = Section  # a part of the scrutiny report: messages, then tables (no chart)


def _part(messages: list[str], data: list[DataTable]) -> Part:
    return section(messages, None, data)


def reconciliation(reg: Register, year: str, quarter: str | None = None) -> Part:
    """Every figure the published report of `year` (or of its `quarter`) prints, against ours, with its
    status, from the scrutiny register's "reconcile.rows" (absent when the partnership transcribes none)."""
    period = periods.period_label(year, quarter)
    found = reg.details.get("reconcile.rows")
    rows = None if found is None else [reconcile.Row(**r) for r in found.to_dict("records")]
    if rows is None:
        return _part([f"No figures from {reg.partnership.name}'s published report are transcribed, so there is "
                      f"nothing to reconcile: add {reg.label}/{reconcile.FILE} (see docs/data.md)."], [])
    if not rows:
        return _part([f"None of the figures transcribed from {reg.partnership.name}'s published reports is of the "
                      f"{period} report, so there is nothing to reconcile for it."], [])
    n = reconcile.counts(rows)
    msgs = [f"{common.sentence(common.number(len(rows)))} figures printed in the {period} report were transcribed: "
            f"{common.number(n[reconcile.MATCH])} match ours after the report's rounding, "
            f"{common.number(n[reconcile.DIFFERS])} {common.plural(n[reconcile.DIFFERS], 'differs', 'differ')}, "
            f"{common.number(n[reconcile.PERCENT_FOR_POINTS])} "
            f"{common.plural(n[reconcile.PERCENT_FOR_POINTS], 'prints', 'print')} a change in percentage points "
            f"as a percent, and {common.number(n[reconcile.NOT_DERIVABLE])} cannot be derived from the data."]
    for r in rows:
        if r.status == reconcile.PERCENT_FOR_POINTS:
            fig = reg.get(r.figure_id, r.period)
            rel = reconcile.relative_change(reg, fig)
            way = "fall" if r.value < 0 else "rise"
            msgs.append(f"The report prints {r.printed} for a change of {fmt.points(r.value)}: {r.claim}. "
                        + (f"As a relative change it is a {way} of {fmt.percent(abs(rel))}. " if rel is not None else "")
                        + "A change between two percentages is in percentage points; a percent means a relative "
                          "change.")
        elif r.status == reconcile.DIFFERS:
            msgs.append(f"The report prints {r.printed} where our figure is {r.ours}: {r.claim}."
                        + (f" {common.sentence(r.note)}." if r.note else ""))
    document, wheres = _common_document([r.where for r in rows])
    notes = tuple(f"{s}: {m}." for s, m in reconcile.STATUS_MEANING.items())
    if document:
        notes = (f"Every figure is printed in {document}.",) + notes
    table = datatables.build(
        f"Figures printed in the {period} report, against the figures from the data",
        [[r.figure_id, r.period, r.printed, r.ours, r.status, w, r.note or fmt.NOT_APPLICABLE]
         for r, w in zip(rows, wheres)],
        ["Figure", "Period", "Printed", "Ours", "Status", "Where printed", "Note"], notes=notes)
    return _part(msgs, [table])


def _common_document(wheres: list[str]) -> tuple[str | None, list[str]]:
    """When every `where` starts with the same document name ("002_3cfe3ce716ad6625.txt Table 1 ..."), that name
    and the places without it, so that a table says it once."""
    firsts = {w.split(" ", 1)[0] for w in wheres}
    if len(firsts) != 1 or not all(" " in w for w in wheres):
        return None, wheres
    doc = firsts.pop()
    if "." not in doc:
        return None, wheres
    return doc, [w.split(" ", 1)[1] for w in wheres]


def consistency_findings(reg: Register, year: str, quarter: str | None = None) -> Part:
    """The smallest counts consistent with each published-percentage year, under both rounding rules, and
    the tests run on them ("if the counts were ..."), from the register's "consistency.findings"."""
    if quarter:
        return _part([f"Counts behind published percentages are inferred for a financial year: see the scrutiny "
                      f"report of {year}."], [])
    found = reg.detail("consistency.findings")
    if found.empty:
        counted = [y for y in audit_years(reg, year)
                   if any(not f.missing for f in reg.find("audit.share.", y))]
        if not counted:
            return _part([f"No audit grades are recorded for {year} or any year before it {fmt.NOT_AVAILABLE}, so "
                          "there are no published percentages to infer counts from."], [])
        return _part([f"The audit grades of {common.listing(counted)} are published as counts: there are no "
                      "rounded percentages to infer counts from."], [])
    bound = search_bound(reg)
    none = f"none up to {bound}" if bound else "none"
    rows = []
    for f in found.to_dict("records"):
        complete = not is_missing(f["percent_sum"])
        fits = f["half_up"] is not None and not is_missing(f["half_up_n"])
        even = f.get("half_even") is not None and not is_missing(f["half_even_n"])
        rows.append([f["year"], percents_text(f["percents"]), f"{f['percent_sum']:g}%" if complete else "[x]",
                     f["half_up_n"] if fits else none, counts_text(f["half_up"]) if fits else none,
                     ", ".join(str(n) for n in f["larger"]) or "[z]",
                     f["half_even_n"] if even else none, counts_text(f["half_even"]) if even else none])
    scale = "/".join(g.lower() for g in reg.partnership.grade_scale)
    table = datatables.build(
        "Smallest counts consistent with the published grade percentages (an inference, not data)", rows,
        ["Year", "Published percentages", "Adds to", "Smallest total (half up)", "Counts (half up)",
         "Next totals that fit (half up)", "Smallest total (half even)", "Counts (half even)"],
        {"Smallest total (half up)": "count", "Smallest total (half even)": "count"},
        notes=(f"Grades in the order {scale}. A total fits when whole-number counts adding to it round to every "
               f"published percentage; totals from 1 to {bound or fmt.NOT_AVAILABLE} were tried, with exact "
               "arithmetic.",
               "Half up rounds 22.5% to 23%; half even (banker's rounding) rounds it to 22%. Which rule the "
               "publisher used is not known."))
    return _part(narrative.inference(reg, year), [table])


def manifest_part(folder: str | Path, reg: Register, year: str, quarter: str | None = None) -> Part:
    """The files this report is computed from (in the partnership's `folder`) with their SHA-256, and the
    software that computed it (the run's own manifest.json, beside the report, holds the same with the
    parameters and times)."""
    folder = Path(folder)
    files = provenance.input_files(folder, reg.partnership.grade_scale, "scrutiny")
    inputs = provenance.describe_inputs(files)
    git = provenance.git_info()
    params = {"partnership": reg.partnership.slug, "year": year, "quarter": quarter, "notebook": "scrutiny",
              "data_dir": provenance.shown_path(folder.parent)}
    annual_params = dict(params, notebook=None)
    msgs = [f"To reproduce this report: {provenance.command(params)}. To reproduce the annual report it scrutinises: "
            f"{provenance.command(annual_params)}.",
            "To check every figure of a rendered report against the data, without re-running its notebook: "
            "wsp-analysis verify REPORT_DIR (it recomputes the figures, compares them with figures.csv and checks the "
            "SHA-256 of every input file named in manifest.json).",
            "manifest.json beside this page records the run's parameters, these files and versions, and when the "
            "run started and finished."]
    files_table = datatables.build(
        "Input files and their SHA-256", [[i["path"], i["bytes"], i["sha256"]] for i in inputs],
        ["File", "Bytes", "SHA-256"], {"Bytes": "count"})
    software = [["wsp-analysis", provenance.package_version()],
                ["git commit", (git["commit"] + (" (with uncommitted changes)" if git.get("dirty") else "")) if git
                 else "[x]"],
                [f"Python ({platform.python_implementation()})", platform.python_version()]]
    software += [[name, v or "[x]"] for name, v in provenance.dependencies().items()]
    software_table = datatables.build("Software that computed this report", software, ["Software", "Version"])
    return _part(msgs, [files_table, software_table])


def tiles(reg: Register, year: str, quarter: str | None = None) -> list[glance.Tile]:
    """At a glance for the scrutineer: of the printed figures transcribed from the published report, how many
    match ours, differ, print percentage points as a percent, or cannot be derived (the reconcile.* figures).
    Empty when none is transcribed."""
    period = periods.period_label(year, quarter)
    rows = reg.get("reconcile.rows", period) if ("reconcile.rows", period) in reg else None
    if rows is None or rows.missing or not rows.value:
        return []
    v = {k: reg.value(f"reconcile.{k}", period) if (f"reconcile.{k}", period) in reg else None
         for k in ("match", "differs", "percent_for_points", "not_derivable")}
    of_all = f"Of the {fmt.count(rows.value)} printed figures transcribed"
    t = glance.Tile
    return [
        t("Match", fmt.count(v["match"]), "match ours after the report's rounding", of_all, "fine", "Reproduced",
          "the printed figure is ours"),
        t("Differ", fmt.count(v["differs"]), common.plural(v["differs"], "differs", "differ") + " from ours", of_all,
          "attention" if v["differs"] else "fine", "Needs attention" if v["differs"] else "Reproduced",
          "a printed figure the data does not give" if v["differs"] else "none differs"),
        t("Points as percent", fmt.count(v["percent_for_points"]), "print a change in percentage points as a "
          "percent", of_all, "watch" if v["percent_for_points"] else "fine",
          "Worth watching" if v["percent_for_points"] else "Reproduced",
          "the words misstate the size of the change" if v["percent_for_points"] else "none"),
        t("Not derivable", fmt.count(v["not_derivable"]), "cannot be derived from the data", of_all, "info",
          "For information", "not in the data, or not available"),
    ]


def at_a_glance(reg: Register, year: str, quarter: str | None = None) -> Part:
    """The scrutiny report's tiles and its overall judgement in words, or one sentence when no printed figure
    is transcribed."""
    shown = tiles(reg, year, quarter)
    if not shown:
        return _part(["No printed figure is transcribed, so there is nothing to reconcile at a glance."], [])
    n = {t.area: t.headline for t in shown}
    differs, points = reg.value("reconcile.differs", periods.period_label(year, quarter)), \
        reg.value("reconcile.percent_for_points", periods.period_label(year, quarter))
    summary = (f"{n['Match']} printed figures are reproduced from the data; "
               + (f"{common.number(differs)} {common.plural(differs, 'differs', 'differ')} from it and needs "
                  "checking" if differs else "none differs from it")
               + (f", and {common.number(points)} {common.plural(points, 'prints', 'print')} a change in "
                  "percentage points as a percent." if points else "."))
    return Section(glance.block(shown, summary), None)
