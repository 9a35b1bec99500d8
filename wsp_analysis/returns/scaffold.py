"""A new partnership folder: partnership.yaml to edit, and every table with its header row only.

    wsp-analysis new-partnership worcestershire      # writes data/worcestershire/

The folder validates as soon as it is written (no records yet); the analyst then edits
partnership.yaml (name, partners, grade scale, themes, thresholds) and fills the tables, by hand or
with `wsp-analysis template` and `wsp-analysis import`.
"""
from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

from wsp_analysis.data import paths
from wsp_analysis.errors import UsageError
from wsp_analysis.data.config import CONFIG_FILE, DEFAULT_SUPPRESSION_THRESHOLD
from wsp_analysis.data.schema import tables

SAFE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")

# A common four-point scale, as a starting point only: any ordered list of two or more grades will do.
STARTING_SCALE = ("Outstanding", "Good", "Requires Improvement", "Inadequate")


def check_name(name: str) -> str:
    """`name` when it is a safe folder name (lowercase letters, digits, - and _), else UsageError.
    Every partnership name passes paths.check_partnership; a new one is held to this narrower rule too."""
    paths.check_partnership(name)
    if not SAFE_NAME.match(name or ""):
        raise UsageError(f'"{name}" is not a safe folder name for a partnership: use lowercase letters, digits, '
                         "hyphens and underscores, starting with a letter or digit, at most 63 characters "
                         "(e.g. worcestershire)")
    return name


def _yaml_text(value: str) -> str:
    """A YAML double-quoted scalar, whatever the text holds (a JSON string is one)."""
    return json.dumps(value, ensure_ascii=False)


def partnership_yaml(name: str, grade_scale: tuple[str, ...] | None = None, display_name: str | None = None) -> str:
    """The starting partnership.yaml: valid as written, every key commented, placeholders to replace."""
    title = " ".join(w.capitalize() for w in re.split(r"[-_]+", name) if w)
    scale = "\n".join(f"  - {_yaml_text(g)}" for g in (grade_scale or STARTING_SCALE))
    return f"""\
# {title}: the facts the library needs about this partnership. Replace the placeholders.
# Every key is described in docs/data.md.
name: {_yaml_text(display_name or f"{title} Safeguarding Partnership")}
short_name: {_yaml_text(f"{title} SP")}
synthetic: false
source: ""   # the document the facts come from, e.g. the annual report

# The statutory safeguarding partners.
statutory_partners:
  - {_yaml_text(f"{title} Council")}
  - {_yaml_text(f"{title} Police")}
  - {_yaml_text(f"{title} Integrated Care Board")}

priorities: []

# Multi-agency audit grades, best first: any ordered list of two or more (three points is fine).
grade_scale:
{scale}

# The partnership's own audit themes: the template's drop-down for audits (other themes are allowed).
audit_themes: []

# RAG on adverse budget variances, percent of budget (local choices; these are the defaults).
budget_thresholds:
  green: 2
  amber: 5
  underspend: 5

# Disclosure control: counts below this may be suppressed in published tables.
suppression_threshold: {DEFAULT_SUPPRESSION_THRESHOLD}
"""


def check_scale(grade_scale) -> tuple[str, ...] | None:
    """The grades given (best first), refusing fewer than two, a blank one or one given twice."""
    if not grade_scale:
        return None
    scale = tuple(" ".join(g.split()) for g in grade_scale)
    if len(scale) < 2 or not all(scale) or len(set(scale)) != len(scale):
        raise UsageError(f"a grade scale needs two or more different, non-blank grades, best first (got "
                         f"{', '.join(repr(g) for g in grade_scale)})")
    return scale


def create(name: str, data_dir: str | Path | None = None, grade_scale=None, display_name: str | None = None) -> Path:
    """Write data/<name>/ (partnership.yaml and every table's header); refuse an unsafe or existing name.
    `grade_scale` (best first) and `display_name` fill partnership.yaml instead of its placeholders."""
    check_name(name)
    scale = check_scale(grade_scale)
    root = Path(data_dir).expanduser().resolve() if data_dir else paths.data_dir()
    if not root.is_dir():
        raise UsageError(f"{root} is not a folder; pass --data-dir with an existing data folder")
    folder = root / name
    if folder.exists() or folder.is_symlink():
        raise UsageError(f"{folder} already exists; a new partnership needs a name not yet used")
    folder.mkdir()  # fails if another process made it meanwhile: never writes into someone's folder
    try:
        (folder / CONFIG_FILE).write_text(partnership_yaml(name, scale, display_name), encoding="utf-8")
        for spec in tables(STARTING_SCALE).values():
            with (folder / spec.file).open("w", newline="", encoding="utf-8") as f:
                csv.writer(f, lineterminator="\n").writerow(spec.column_names)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return folder
