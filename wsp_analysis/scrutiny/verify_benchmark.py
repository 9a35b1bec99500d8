"""verify for a benchmark folder (O/_benchmark/<period>/): the same checks as for a report, over every
partnership its manifest names. Each input's SHA-256, each output's, then the figures recomputed with
calc.benchmark from every partnership folder the inputs lie in, compared with figures.csv column by column
(scrutiny.verify.compare). `--data-dir D` looks for each input in D/<its partnership folder>/.
"""
from __future__ import annotations

from pathlib import Path

from wsp_analysis.calc import benchmark
from wsp_analysis.data import paths
from wsp_analysis.data.partnerships import Tables
from wsp_analysis.errors import DataValidationError, VerifyError, WspError
from wsp_analysis.publish import manifest as manifest_mod
from wsp_analysis.data import provenance


def verify(report_dir: Path, m: dict, report, data_dir, result, compare, check_outputs):
    """Fill `result` (scrutiny.verify.Result) for the benchmark folder `report_dir` with manifest `m` and its
    figures.csv as read (`report`); `compare` and `check_outputs` are scrutiny.verify's. Raises VerifyError
    (an input missing, or one the manifest leaves out) and DataValidationError (a folder no longer valid)."""
    from wsp_analysis.data import load as dataset

    located = []
    for item in m["inputs"]:
        recorded = Path(item["path"])
        if data_dir is None:
            located.append((item, provenance.resolve(item["path"])))
            continue
        try:
            folder = paths.check_partnership(recorded.parent.name, "an input's partnership folder")
        except WspError as e:
            raise VerifyError(str(e)) from None
        located.append((item, Path(data_dir).expanduser().resolve() / folder / recorded.name))
    missing = [f"{item['path']}: input file is missing (looked for {where}); the manifest of {report_dir} names it"
               for item, where in located if not where.is_file()]
    if missing:
        raise VerifyError("\n".join(missing))
    result.inputs_checked, result.outputs_checked = len(located), len(m["outputs"])
    for item, where in located:
        digest = provenance.sha256(where)
        if digest != item["sha256"]:
            result.changed_inputs.append(f"input {item['path']}: changed since the report was rendered (SHA-256 "
                                         f"{item['sha256'][:12]}... then, {digest[:12]}... now)")
    result.changed_outputs = check_outputs(report_dir, m)
    folders = list(dict.fromkeys(where.parent for _, where in located))
    recorded = {where.parent: Path(item["path"]).parent for item, where in located}
    loaded = {}
    for folder in folders:
        try:
            loaded[folder.name] = dataset.load(folder)
        except DataValidationError as e:
            e.changed_inputs = result.changed_inputs
            raise
    named = {(where.parent, where.name) for _, where in located}
    unlisted = [f"{folder.name}/{f.name}" for folder in folders
                for f in provenance.input_files(folder, loaded[folder.name].partnership.grade_scale, "benchmark")
                if (folder, f.name) not in named]
    if unlisted:
        raise VerifyError(f"{report_dir / manifest_mod.FILE}: does not name {', '.join(unlisted)}, which the "
                          "benchmark reads; a manifest that leaves out an input cannot show it unchanged")
    p = m["parameters"]
    recomputed = benchmark.figures(Tables(loaded), p["year"], p.get("quarter"))
    labels = {loaded[f.name].label: (f"{recorded[f].parent.name}/{recorded[f].name}" if recorded[f].parent.name
                                     else recorded[f].name) for f in folders}

    def source_as(text: str) -> str:  # name each partnership's folder as the report did
        for now, then in labels.items():
            text = (text or "").replace(f"{now}/", f"{then}/")
        return text

    result.figures_checked = len(set(report.rows) | {(f.id, f.period) for f in recomputed})
    result.differing = report.problems + compare(report.rows, recomputed, source_as)
    return result
