"""The scrutiny report (notebooks/scrutiny.ipynb): where the published report and the data agree, what
the counts behind published percentages could have been, and what the report was made from.

    reg = scrutiny.figures(ds, "2023-24")          # every figure the scrutiny report states
    part = scrutiny.reconciliation(ds, reg, "2023-24")
    display(*part.parts)

Given a quarter (figures(ds, "2023-24", "Q1"), reconciliation(ds, reg, "2023-24", "Q1")), the report
reconciles that quarter's report. Its figures.csv holds the annual figures (a quarter's, for a quarter;
the reconciliation compares with them), the consistency findings (consistency.figures) and how many
published figures have each status (reconcile.figures). `wsp-analysis verify` recomputes it with figures().
"""
from __future__ import annotations

import platform
from dataclasses import dataclass, field

from wsp_analysis.report import blocks
from wsp_analysis.calc import consistency
from wsp_analysis.report import tables as datatables
from wsp_analysis.publish import manifest
from wsp_analysis.report import messages as narrative
from wsp_analysis.data import periods
from wsp_analysis.calc import reconcile
from wsp_analysis.report import format as fmt
from wsp_analysis.report.tables import DataTable
from wsp_analysis.calc.register import Register


@dataclass(frozen=True)
class Part:
    """What one section of the scrutiny report displays: messages, then tables (HTML, with their data)."""

    messages: blocks.Html
    tables: list[blocks.Html] = field(default_factory=list)
    data: list[DataTable] = field(default_factory=list)

    @property
    def parts(self) -> list:
        return [self.messages, *self.tables]


def _part(messages: list[str], data: list[DataTable]) -> Part:
    return Part(blocks.bullets(messages), [blocks.table(d) for d in data], data)


def figures(ds, year: str, quarter: str | None = None) -> Register:
    """The annual figures (given `quarter`, that quarter's), the consistency findings and the
    reconciliation's counts by status."""
    year = periods.parse_year(year)
    reg = reconcile.register_for(ds, year, quarter)
    for f in consistency.figures(ds, year):
        if (f.id, f.period) not in reg:  # the annual register may come to hold them itself
            reg.add(f)
    rows = reconcile.for_dataset(ds, reg, year, quarter)
    if rows is not None:
        src = f"{ds.label}/{reconcile.FILE}"
        reg.extend(f for f in reconcile.figures(rows, periods.period_label(year, quarter), src)
                   if (f.id, f.period) not in reg)
    return reg


def reconciliation(ds, reg: Register, year: str, quarter: str | None = None) -> Part:
    """Every figure the published report of `year` (or of its `quarter`) prints, against ours, with its status."""
    rows = reconcile.for_dataset(ds, reg, year, quarter)
    report = periods.period_label(year, quarter)
    if rows is None:
        return _part([f"No figures from {ds.partnership.name}'s published report are transcribed, so there is nothing "
                      f"to reconcile: add {ds.label}/{reconcile.FILE} (see docs/data.md)."], [])
    if not rows:
        return _part([f"None of the figures transcribed in {ds.label}/{reconcile.FILE} is printed in the {report} "
                      "report, so there is nothing to reconcile for it."], [])
    n = reconcile.counts(rows)
    msgs = [f"{narrative.sentence(narrative.number(len(rows)))} figures printed in the {report} report were "
            "transcribed: "
            f"{narrative.number(n[reconcile.MATCH])} match ours after the report's rounding, "
            f"{narrative.number(n[reconcile.DIFFERS])} {narrative.plural(n[reconcile.DIFFERS], 'differs', 'differ')}, "
            f"{narrative.number(n[reconcile.PERCENT_FOR_POINTS])} "
            f"{narrative.plural(n[reconcile.PERCENT_FOR_POINTS], 'prints', 'print')} a change in percentage points "
            f"as a percent, and {narrative.number(n[reconcile.NOT_DERIVABLE])} cannot be derived from the data."]
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
                        + (f" {narrative.sentence(r.note)}." if r.note else ""))
    document, wheres = _common_document([r.where for r in rows])
    notes = tuple(f"{s}: {m}." for s, m in reconcile.STATUS_MEANING.items())
    if document:
        notes = (f"Every figure is printed in {document}.",) + notes
    table = datatables.build(
        f"Figures printed in the {report} report, against the figures from the data",
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


def consistency_findings(ds, year: str) -> Part:
    """The smallest counts consistent with each published-percentage year, under both rounding rules, and
    the tests run on them ("if the counts were ...")."""
    found = consistency.findings(ds, year)
    if not found:
        return _part([f"Every year's audit grades up to {year} are published as counts: there are no rounded "
                      "percentages to infer counts from."], [])
    bound = consistency.MAX_N
    none = f"none up to {bound}"
    rows = []
    for f in found:
        rows.append([f.year, consistency.percents_text(f.percents),
                     f"{f.percent_sum:g}%" if f.complete else "[x]",
                     f.half_up.n if f.half_up else none,
                     consistency.counts_text(f.half_up.first) if f.half_up else none,
                     ", ".join(str(n) for n in f.larger) or "[z]",
                     f.half_even.n if f.half_even else none,
                     consistency.counts_text(f.half_even.first) if f.half_even else none])
    scale = "/".join(g.lower() for g in ds.partnership.grade_scale)
    table = datatables.build(
        "Smallest counts consistent with the published grade percentages (an inference, not data)", rows,
        ["Year", "Published percentages", "Adds to", "Smallest total (half up)", "Counts (half up)",
         "Next totals that fit (half up)", "Smallest total (half even)", "Counts (half even)"],
        {"Smallest total (half up)": "count", "Smallest total (half even)": "count"},
        notes=(f"Grades in the order {scale}. A total fits when whole-number counts adding to it round to every "
               f"published percentage; totals from 1 to {bound} were tried, with exact arithmetic.",
               "Half up rounds 22.5% to 23%; half even (banker's rounding) rounds it to 22%. Which rule the "
               "publisher used is not known."))
    return _part(consistency.messages(ds, year), [table])


def manifest_part(ds, year: str, quarter: str | None = None) -> Part:
    """The files this report is computed from with their SHA-256, and the software that computed it (the
    run's own manifest.json, beside the report, holds the same with the parameters and times)."""
    files = manifest.input_files(ds.folder, ds.partnership.grade_scale, "scrutiny")
    inputs = manifest.describe_inputs(files)
    git = manifest.git_info()
    params = {"partnership": ds.partnership.slug, "year": year, "quarter": quarter, "notebook": "scrutiny",
              "data_dir": manifest.shown_path(ds.folder.parent)}
    annual_params = dict(params, notebook=None)
    msgs = [f"To reproduce this report: {manifest.command(params)}. To reproduce the "
            f"{'quarterly' if quarter else 'annual'} report it scrutinises: "
            f"{manifest.command(annual_params)}.",
            "To check every figure of a rendered report against the data, without re-running its notebook: "
            "wsp-analysis verify REPORT_DIR (it recomputes the figures, compares them with figures.csv and checks the "
            "SHA-256 of every input file named in manifest.json).",
            "manifest.json beside this page records the run's parameters, these files and versions, and when the "
            "run started and finished."]
    files_table = datatables.build(
        "Input files and their SHA-256", [[i["path"], i["bytes"], i["sha256"]] for i in inputs],
        ["File", "Bytes", "SHA-256"], {"Bytes": "count"})
    software = [["wsp-analysis", manifest.package_version()],
                ["git commit", (git["commit"] + (" (with uncommitted changes)" if git.get("dirty") else "")) if git
                 else "[x]"],
                [f"Python ({platform.python_implementation()})", platform.python_version()]]
    software += [[name, v or "[x]"] for name, v in manifest.dependencies().items()]
    software_table = datatables.build("Software that computed this report", software, ["Software", "Version"])
    return _part(msgs, [files_table, software_table])
