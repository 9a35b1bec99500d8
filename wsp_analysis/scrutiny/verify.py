"""wsp-analysis verify REPORT_DIR: recompute every figure of a rendered report from the data its manifest
names, without re-running the notebook, and check every file a reader sees.

1. manifest.json is read; it must list the inputs and the outputs, each with its SHA-256 (a manifest
   without them cannot vouch for anything: exit 2). Every input it names must exist, all in one
   partnership folder (else exit 2, naming each missing file).
2. Each input's SHA-256 is compared with the manifest's: a changed file is one line (its path). The
   manifest must name every file the report reads (partnership.yaml and every table): one it leaves out
   is refused (exit 2), since its changes would go unseen.
3. Each output's SHA-256 (report.html, report.ipynb, figures.csv, tables.xlsx, tables.ods) is compared
   with the manifest's: an output edited, swapped, removed, or present but not recorded is one line.
4. The partnership folder is loaded and validated exactly as `validate` does (invalid: exit 2, every problem
   named by file, row and column).
5. The figures are recomputed with the function of the report's kind (calc.kinds, chosen by the
   manifest) and compared with the report's figures.csv, row by row on (id, period), every column: one line per
   figure that differs, with the report's value and the recomputed one, and each other column that differs.

Numbers (value, numerator, denominator, ci_low, ci_high) are compared with a tight relative tolerance,
math.isclose(report, recomputed, rel_tol=1e-9, abs_tol=1e-12): figures.csv writes every float with
repr(), which round-trips exactly, so on the machine that rendered the report the values are identical;
the tolerance forgives only the last-digit noise a different build of numpy or scipy can give, and
nothing a person could read. A blank (not available) value matches only a blank. Text (label, unit,
source, symbol) must be identical; a source names its data folder as the report did, so with --data-dir
the recomputed sources are read with the recorded folder's name. A figures.csv whose columns are not
the register's, or that holds a figure twice, differs too. (Every byte of figures.csv is covered by its
SHA-256 as well; the figure lines say what changed in words.)

The manifest itself is the root of trust: verify prints its SHA-256, to compare with one published
beside the report, since a manifest rewritten to match edited outputs can only be caught that way.

Exit status: 0 every input and output unchanged and every figure matches; 1 anything differs; 2 the
manifest (or its inputs or outputs), figures.csv or an input is missing, or the data no longer validate.
"""
from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path

from wsp_analysis.publish import manifest as manifest_mod
from wsp_analysis.data import load as dataset
from wsp_analysis.data import paths
from wsp_analysis.errors import DataValidationError, VerifyError, WspError
from wsp_analysis.calc.kinds import KINDS, kind_for
from wsp_analysis.calc.register import COLUMNS, Register, clean
from wsp_analysis.data import provenance

REL_TOL, ABS_TOL = 1e-9, 1e-12
NUMERIC = ("value", "numerator", "denominator", "ci_low", "ci_high")
COMPARED = tuple(c for c in COLUMNS if c not in ("id", "period", "value"))  # label, unit, ..., symbol


@dataclass
class Result:
    """What verify found: the inputs and outputs whose SHA-256 changed, the figures that differ, and how many
    of each were checked."""
    report_dir: Path
    changed_inputs: list[str] = field(default_factory=list)  # one line per input whose hash changed
    differing: list[str] = field(default_factory=list)  # one line per figure (or figures.csv column) that differs
    changed_outputs: list[str] = field(default_factory=list)  # one line per output edited, swapped or missing
    figures_checked: int = 0
    inputs_checked: int = 0
    outputs_checked: int = 0
    notes: list[str] = field(default_factory=list)  # informational (e.g. a different package version)

    @property
    def ok(self) -> bool:
        return not self.changed_inputs and not self.differing and not self.changed_outputs

    def lines(self) -> list[str]:
        """Every difference on a line of its own, then the summary line."""
        return [*self.changed_inputs, *self.differing, *self.changed_outputs, self.summary()]

    def summary(self) -> str:
        """One line: verified, or not verified and how many of what differ."""
        if self.ok:
            return (f"{self.report_dir}: verified: all {self.figures_checked} figures match the data, all "
                    f"{self.outputs_checked} output files are as rendered and all {self.inputs_checked} input "
                    "files are unchanged")
        parts = []
        if self.differing:
            parts.append(_count(len(self.differing), "figure") + (" differs" if len(self.differing) == 1 else " differ"))
        if self.changed_outputs:
            parts.append(_count(len(self.changed_outputs), "output file") + " changed")
        if self.changed_inputs:
            parts.append(_count(len(self.changed_inputs), "input file") + " changed")
        return (f"{self.report_dir}: not verified: {_and(parts)} (of {self.figures_checked} figures, "
                f"{self.outputs_checked} output files and {self.inputs_checked} input files)")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' if n != 1 else ''}"


def _and(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _num(text: str):
    """A figures.csv cell as a number, None when blank; the text itself when it is not a number."""
    if text is None or text.strip() == "":
        return None
    try:
        return clean(float(text))
    except ValueError:
        return text


@dataclass
class Figures:
    """figures.csv as read: {(id, period): row} (numbers parsed, text as written), and what is wrong with
    the file as a whole (columns not the register's, a figure given twice), one line each."""

    rows: dict[tuple[str, str], dict]
    problems: list[str]


def read_figures(path: Path) -> Figures:
    """figures.csv read for comparison; VerifyError when it is missing, unreadable or has no id, period or
    value column (then it is not a figures file at all)."""
    if not path.is_file():
        raise VerifyError(f"{path}: missing; a rendered report folder holds figures.csv")
    problems: list[str] = []
    out: dict[tuple[str, str], dict] = {}
    try:
        with path.open(newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            header = list(reader.fieldnames or [])
            missing = [c for c in ("id", "period", "value") if c not in header]
            if missing:
                raise VerifyError(f"{path}: not a figures file (no column {', '.join(missing)})")
            if header != COLUMNS:
                problems.append(f"figures.csv columns: report {_text(','.join(header))}, expected "
                                f"{_text(','.join(COLUMNS))}")
            for n, row in enumerate(reader, start=2):
                rec = {c: (_num(row.get(c)) if c in NUMERIC else (row.get(c) or "")) for c in COLUMNS}
                key = (row["id"] or "", row["period"] or "")
                if key in out:
                    problems.append(f"figure {_shown_key(key)}: figures.csv holds it twice (row {n} again)")
                    continue  # the first row is the one compared
                out[key] = rec
    except (UnicodeDecodeError, csv.Error) as e:
        raise VerifyError(f"{path}: cannot be read as a figures file ({e})") from None
    return Figures(out, problems)


def _text(v: str) -> str:
    """Text from a file shown in a message: quoted, with any control character escaped (never printed)."""
    return '"' + "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in str(v)) + '"'


def _shown_key(key: tuple[str, str]) -> str:
    fid, period = (_text(k)[1:-1] for k in key)
    return f"{fid} ({period})"


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, str) or isinstance(b, str):
        return str(a) == str(b)
    return math.isclose(float(a), float(b), rel_tol=REL_TOL, abs_tol=ABS_TOL)


def _shown(v) -> str:
    if v is None:
        return "blank (not available)"
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, str):
        return _text(v)  # a number column holding words: shown as the text it is
    return str(v)


def _shown_column(c: str, v) -> str:
    if c in NUMERIC:
        return _shown(v)
    return _text(v) if v not in ("", None) else "blank"


def compare(report: dict[tuple[str, str], dict], recomputed: Register, source_as=None) -> list[str]:
    """One line per figure (id, period) that differs between figures.csv and the recomputed register, in
    any column. `source_as` (optional, text -> text) rewrites a recomputed source before it is compared:
    verify uses it to name the data folder as the report did."""
    ours = {(f.id, f.period): f for f in recomputed}
    lines = []
    for key in list(report) + [k for k in ours if k not in report]:
        where = _shown_key(key)
        if key not in ours:
            lines.append(f"figure {where}: report {_shown(report[key]['value'])}, recomputed: no such figure")
            continue
        fig = ours[key]
        if key not in report:
            lines.append(f"figure {where}: report: no such figure, recomputed {_shown(fig.value)}")
            continue
        row = report[key]
        other = []
        for c in COMPARED:
            a, b = row.get(c), getattr(fig, c)
            if c == "source" and source_as is not None:
                b = source_as(b)
            if not (_same(a, b) if c in NUMERIC else (a or "") == (b or "")):
                other.append(f"{c}: report {_shown_column(c, a)}, recomputed {_shown_column(c, b)}")
        if not _same(row["value"], fig.value) or other:
            line = f"figure {where}: report {_shown(row['value'])}, recomputed {_shown(fig.value)}"
            lines.append(line + (f" ({'; '.join(other)})" if other else ""))
    return lines


def recompute(ds, m: dict) -> Register:
    """The report's figures from the data, with its kind's function (calc.kinds); a notebook of the
    user's own states the annual or quarterly register."""
    p = m["parameters"]
    kind = KINDS.get(m["report"].get("kind") or "") or kind_for(p.get("notebook"), p.get("quarter"))
    kind = kind or kind_for(None, p.get("quarter"))
    return kind.figures(ds, p["year"], p.get("quarter"))


def input_paths(m: dict, data_dir: str | Path | None = None) -> list[tuple[dict, Path]]:
    """Each input the manifest names, with where it is now: as recorded (relative to the repository), or,
    given data_dir, data_dir/<partnership>/<file name>. VerifyError when the manifest's partnership is not
    a plain folder name (paths.check_partnership)."""
    out = []
    if data_dir is not None:
        try:
            partnership = paths.check_partnership(m["parameters"]["partnership"], "the manifest's partnership")
        except WspError as e:
            raise VerifyError(str(e)) from None
        folder = Path(data_dir).expanduser().resolve() / partnership
    for item in m["inputs"]:
        if data_dir is not None:
            where = folder / Path(item["path"]).name
        else:
            where = provenance.resolve(item["path"])
        out.append((item, where))
    return out


def check_outputs(report_dir: Path, m: dict) -> list[str]:
    """One line per output a reader sees that is not as rendered: its SHA-256 differs from the manifest's
    (edited, or swapped for another report's), it is missing, or it is there but the manifest does not
    record it."""
    lines = []
    recorded = {item["path"]: item for item in m["outputs"]}
    for name, item in recorded.items():
        path = report_dir / name
        if not path.is_file():
            lines.append(f"output {name}: missing; the manifest records it (SHA-256 {item['sha256'][:12]}...)")
            continue
        digest = provenance.sha256(path)
        if digest != item["sha256"]:
            lines.append(f"output {name}: changed since the report was rendered (SHA-256 {item['sha256'][:12]}... "
                         f"then, {digest[:12]}... now)")
    for name in manifest_mod.OUTPUTS:
        if name not in recorded and (report_dir / name).exists():
            lines.append(f"output {name}: not recorded in the manifest, so not part of the report as rendered")
    return lines


def _unlisted_inputs(ds, m: dict, folder: Path) -> list[str]:
    """Files the report's figures are read from that the manifest does not name (each would go unchecked)."""
    p = m["parameters"]
    kind = m["report"].get("kind") or paths.report_kind(p.get("notebook"), p.get("quarter"))
    named = {Path(item["path"]).name for item in m["inputs"]}
    return [f.name for f in provenance.input_files(folder, ds.partnership.grade_scale, kind) if f.name not in named]


def _source_as(ds, m: dict):
    """Sources name the data folder as "<folder>/<partnership>" (dataset label); read from a copy elsewhere
    (--data-dir), the recomputed sources say the copy's name: give them the recorded folder's instead."""
    recorded = Path(m["inputs"][0]["path"]).parent
    label = f"{recorded.parent.name}/{recorded.name}" if recorded.parent.name else recorded.name
    if label == ds.label:
        return None
    return lambda text: (text or "").replace(f"{ds.label}/", f"{label}/")


def verify(report_dir: str | Path, data_dir: str | Path | None = None) -> Result:
    """Verify a rendered report folder. Raises VerifyError (the manifest is missing or lacks its inputs or
    outputs, figures.csv or an input is missing, or the manifest leaves out a file the report reads) and
    DataValidationError (the data no longer validate); otherwise returns the Result (ok or not)."""

    report_dir = Path(report_dir)
    if not report_dir.is_dir():
        raise VerifyError(f"{report_dir}: no such report folder")
    try:
        m = manifest_mod.read(report_dir)
    except ValueError as e:
        raise VerifyError(str(e)) from None
    report = read_figures(report_dir / "figures.csv")
    if m["report"].get("kind") == "benchmark":  # many partnerships' inputs (scrutiny.verify_benchmark)
        from wsp_analysis.scrutiny import verify_benchmark

        result = verify_benchmark.verify(report_dir, m, report, data_dir, Result(report_dir), compare, check_outputs)
        result.notes.append(f"note: {manifest_mod.FILE} SHA-256 {provenance.sha256(report_dir / manifest_mod.FILE)}"
                            ": compare it with the one published with the report")
        return result
    located = input_paths(m, data_dir)
    missing = [f"{item['path']}: input file is missing (looked for {where}); the manifest of {report_dir} names it"
               for item, where in located if not where.is_file()]
    if missing:
        raise VerifyError("\n".join(missing))
    folders = {where.parent.resolve() for _, where in located}
    if len(folders) != 1:
        raise VerifyError(f"{report_dir / manifest_mod.FILE}: its inputs lie in {len(folders)} folders; a report "
                          "reads one partnership folder, so the manifest is not one this library wrote")
    folder = located[0][1].parent
    result = Result(report_dir, inputs_checked=len(located), outputs_checked=len(m["outputs"]))
    for item, where in located:
        digest = provenance.sha256(where)
        if digest != item["sha256"]:
            shown = item["path"] if data_dir is None else provenance.shown_path(where)
            result.changed_inputs.append(f"input {shown}: changed since the report was rendered (SHA-256 "
                                         f"{item['sha256'][:12]}... then, {digest[:12]}... now)")
    result.changed_outputs = check_outputs(report_dir, m)
    try:
        ds = dataset.load(folder)
    except DataValidationError as e:
        e.changed_inputs = result.changed_inputs  # the CLI prints them before the problems
        raise
    unlisted = _unlisted_inputs(ds, m, folder)
    if unlisted:
        raise VerifyError(f"{report_dir / manifest_mod.FILE}: does not name {', '.join(unlisted)}, which the "
                          "report reads; a manifest that leaves out an input cannot show it unchanged")
    try:
        recomputed = recompute(ds, m)
    except (KeyError, ValueError, TypeError) as e:  # parameters no report could have been rendered with
        raise VerifyError(f"{report_dir / manifest_mod.FILE}: its parameters cannot be recomputed ({e})") from None
    result.figures_checked = len(set(report.rows) | {(f.id, f.period) for f in recomputed})
    result.differing = report.problems + compare(report.rows, recomputed, _source_as(ds, m))
    result.notes.append(f"note: {manifest_mod.FILE} SHA-256 {provenance.sha256(report_dir / manifest_mod.FILE)}"
                        ": compare it with the one published with the report")
    version = provenance.package_version()
    package = m.get("package") if isinstance(m.get("package"), dict) else {}
    if package.get("version") not in (None, version):
        result.notes.append(f"note: the report was rendered with wsp-analysis {package['version']}; "
                            f"this is {version}")
    now_git, then_git = provenance.git_info(), (m.get("git") if isinstance(m.get("git"), dict) else {})
    if now_git and then_git.get("commit") and now_git["commit"] != then_git["commit"]:
        result.notes.append(f"note: the report was rendered at commit {then_git['commit'][:12]}; the library "
                            f"now is at {now_git['commit'][:12]}")
    return result
