"""wsp-analysis verify REPORT_DIR: recompute every figure of a rendered report from the data its manifest
names, without re-running the notebook, and compare.

1. manifest.json is read; every input file it names must exist (else exit 2, naming each missing file).
2. Each input's SHA-256 is compared with the manifest's: a changed file is one line (its path).
3. The partnership folder is loaded and validated exactly as `validate` does (invalid: exit 2, every problem
   named by file, row and column).
4. The figures are recomputed with the function of the report's kind (calc.kinds, chosen by the
   manifest) and compared with the
   report's figures.csv, row by row on (id, period): one line per figure that differs, with the
   report's value and the recomputed one.

Values are compared with a tight relative tolerance, math.isclose(report, recomputed, rel_tol=1e-9,
abs_tol=1e-12): figures.csv writes every float with repr(), which round-trips exactly, so on the machine
that rendered the report the values are identical; the tolerance forgives only the last-digit noise a
different build of numpy or scipy can give, and nothing a person could read. A blank (not available)
value matches only a blank. The columns unit, numerator, denominator, ci_low and ci_high are compared
the same way; a figure with a different one is reported on the same line. Labels and sources are text
and are not compared.

Exit status: 0 every input unchanged and every figure matches; 1 anything differs; 2 the manifest,
figures.csv or an input is missing, or the data no longer validate.
"""
from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path

from wsp_analysis.publish import manifest as manifest_mod
from wsp_analysis.data import paths
from wsp_analysis.errors import DataValidationError, WspError
from wsp_analysis.calc.kinds import KINDS, kind_for
from wsp_analysis.calc.register import COLUMNS, Register, clean

REL_TOL, ABS_TOL = 1e-9, 1e-12
NUMERIC = ("value", "numerator", "denominator", "ci_low", "ci_high")
COMPARED = ("unit", "numerator", "denominator", "ci_low", "ci_high")


class VerifyError(WspError):
    """The report cannot be verified: its manifest, figures.csv or an input file is missing or unreadable."""


@dataclass
class Result:
    report_dir: Path
    changed_inputs: list[str] = field(default_factory=list)  # one line per input whose hash changed
    differing: list[str] = field(default_factory=list)  # one line per figure that differs
    figures_checked: int = 0
    inputs_checked: int = 0
    notes: list[str] = field(default_factory=list)  # informational (e.g. a different package version)

    @property
    def ok(self) -> bool:
        return not self.changed_inputs and not self.differing

    def lines(self) -> list[str]:
        return [*self.changed_inputs, *self.differing, self.summary()]

    def summary(self) -> str:
        if self.ok:
            return (f"{self.report_dir}: verified: all {self.figures_checked} figures match the data and all "
                    f"{self.inputs_checked} input files are unchanged")
        parts = []
        if self.differing:
            parts.append(f"{len(self.differing)} figure{'s' if len(self.differing) != 1 else ''} "
                         f"differ{'s' if len(self.differing) == 1 else ''}")
        if self.changed_inputs:
            n = len(self.changed_inputs)
            parts.append(f"{n} input file{'s' if n != 1 else ''} changed")
        return f"{self.report_dir}: not verified: {' and '.join(parts)} (of {self.figures_checked} figures and " \
               f"{self.inputs_checked} input files)"


def _num(text: str):
    """A figures.csv cell as a number, None when blank; the text itself when it is not a number."""
    if text is None or text.strip() == "":
        return None
    try:
        return clean(float(text))
    except ValueError:
        return text


def read_figures(path: Path) -> dict[tuple[str, str], dict]:
    """figures.csv as {(id, period): row}, numbers parsed; VerifyError when missing or not a figures file."""
    if not path.is_file():
        raise VerifyError(f"{path}: missing; a rendered report folder holds figures.csv")
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        missing = [c for c in ("id", "period", "value") if c not in (reader.fieldnames or [])]
        if missing:
            raise VerifyError(f"{path}: not a figures file (no column {', '.join(missing)})")
        out = {}
        for row in reader:
            rec = {c: (_num(row.get(c)) if c in NUMERIC else (row.get(c) or "")) for c in COLUMNS}
            out[(row["id"], row["period"])] = rec
    return out


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
    return str(v)


def compare(report: dict[tuple[str, str], dict], recomputed: Register) -> list[str]:
    """One line per figure (id, period) that differs between figures.csv and the recomputed register."""
    ours = {(f.id, f.period): f for f in recomputed}
    lines = []
    for key in list(report) + [k for k in ours if k not in report]:
        fid, period = key
        if key not in ours:
            lines.append(f"figure {fid} ({period}): report {_shown(report[key]['value'])}, recomputed: no such figure")
            continue
        fig = ours[key]
        if key not in report:
            lines.append(f"figure {fid} ({period}): report: no such figure, recomputed {_shown(fig.value)}")
            continue
        row = report[key]
        other = []
        for c in COMPARED:
            a, b = row[c], getattr(fig, c)
            if not (a == b if c == "unit" else _same(a, b)):
                other.append(f"{c}: report {_shown(a)}, recomputed {_shown(b)}")
        if not _same(row["value"], fig.value) or other:
            line = f"figure {fid} ({period}): report {_shown(row['value'])}, recomputed {_shown(fig.value)}"
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
    given data_dir, data_dir/<partnership>/<file name>."""
    out = []
    for item in m["inputs"]:
        if data_dir is not None:
            where = Path(data_dir).expanduser().resolve() / m["parameters"]["partnership"] / Path(item["path"]).name
        else:
            where = manifest_mod.resolve(item["path"])
        out.append((item, where))
    return out


def verify(report_dir: str | Path, data_dir: str | Path | None = None) -> Result:
    """Verify a rendered report folder. Raises VerifyError (missing manifest, figures.csv or input) and
    DataValidationError (the data no longer validate); otherwise returns the Result (ok or not)."""
    from wsp_analysis.data import load as dataset

    report_dir = Path(report_dir)
    if not report_dir.is_dir():
        raise VerifyError(f"{report_dir}: no such report folder")
    try:
        m = manifest_mod.read(report_dir)
    except ValueError as e:
        raise VerifyError(str(e)) from None
    report = read_figures(report_dir / "figures.csv")
    located = input_paths(m, data_dir)
    missing = [f"{item['path']}: input file is missing (looked for {where}); the manifest of {report_dir} names it"
               for item, where in located if not where.is_file()]
    if missing:
        raise VerifyError("\n".join(missing))
    result = Result(report_dir, inputs_checked=len(located))
    for item, where in located:
        digest = manifest_mod.sha256(where)
        if digest != item["sha256"]:
            shown = item["path"] if data_dir is None else manifest_mod.shown_path(where)
            result.changed_inputs.append(f"input {shown}: changed since the report was rendered (SHA-256 "
                                         f"{item['sha256'][:12]}... then, {digest[:12]}... now)")
    folder = located[0][1].parent if located else paths.partnership_dir(m["parameters"]["partnership"], data_dir)
    try:
        ds = dataset.load(folder)
    except DataValidationError as e:
        e.changed_inputs = result.changed_inputs  # the CLI prints them before the problems
        raise
    recomputed = recompute(ds, m)
    result.figures_checked = len(set(report) | {(f.id, f.period) for f in recomputed})
    result.differing = compare(report, recomputed)
    version = manifest_mod.package_version()
    if m.get("package", {}).get("version") not in (None, version):
        result.notes.append(f"note: the report was rendered with wsp-analysis {m['package']['version']}; "
                            f"this is {version}")
    now_git, then_git = manifest_mod.git_info(), m.get("git") or {}
    if now_git and then_git.get("commit") and now_git["commit"] != then_git["commit"]:
        result.notes.append(f"note: the report was rendered at commit {then_git['commit'][:12]}; the library "
                            f"now is at {now_git['commit'][:12]}")
    return result
