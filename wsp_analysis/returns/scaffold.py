"""A new partnership folder: partnership.yaml to edit, and every table with its header row only.

    wsp-analysis new-partnership worcestershire      # writes data/worcestershire/

partnership.yaml holds placeholders written `<...>` (the statutory partners, and the name unless
--name gives it): `validate` refuses the folder, naming those keys, until the analyst replaces them.
No grade scale is invented: --grade gives one, or the analyst adds one before recording audits
(a partnership that publishes no audit grades needs none). The tables are then filled by hand or
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
from wsp_analysis.data.rules import fold
from wsp_analysis.data.schema import tables

SAFE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")

# A common four-point scale, shown in partnership.yaml as an example only: any ordered list of two or more
# grades will do, and none is needed until audits are recorded.
EXAMPLE_SCALE = ("Outstanding", "Good", "Requires Improvement", "Inadequate")


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
    """The starting partnership.yaml: every key commented, placeholders written <...> (which validate refuses
    until they are replaced), the grade scale given (best first) or left empty."""
    title = " ".join(w.capitalize() for w in re.split(r"[-_]+", name) if w)
    given = _yaml_text(display_name) if display_name else _yaml_text(f"<{title} Safeguarding Partnership>")
    if grade_scale:
        scale = "grade_scale:\n" + "\n".join(f"  - {_yaml_text(g)}" for g in grade_scale)
    else:
        scale = f"grade_scale: []   # e.g. [{', '.join(EXAMPLE_SCALE)}]"
    return f"""\
# {title}: the facts the library needs about this partnership. Every key is described in docs/data.md.
# Replace each <...> placeholder: `wsp-analysis validate` refuses the folder until they are all replaced.
name: {given}
# short_name: "ABC"   # the abbreviation reports use (optional)
synthetic: false
source: ""   # the document the facts come from, e.g. the annual report

# The statutory safeguarding partners.
statutory_partners:
  - {_yaml_text(f"<the local authority, e.g. {title} Council>")}
  - {_yaml_text("<the police force>")}
  - {_yaml_text("<the integrated care board>")}

priorities: []

# Multi-agency audit grades, best first: any ordered list of two or more (three points is fine).
# Needed once audits.csv or audit_shares.csv has rows; a partnership that publishes no grades needs none.
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

# Budget lines whose budget is really below 0 (as budget.csv names them); any other negative budget is refused.
negative_budget_lines: []
"""


def check_scale(grade_scale) -> tuple[str, ...] | None:
    """The grades given (best first), refusing fewer than two, a blank one or one given twice (capitals and
    spaces ignored, as validate compares them)."""
    if not grade_scale:
        return None
    scale = tuple(" ".join(g.split()) for g in grade_scale)
    if len(scale) < 2 or not all(scale) or len({fold(g) for g in scale}) != len(scale):
        raise UsageError(f"a grade scale needs two or more different, non-blank grades, best first (got "
                         f"{', '.join(repr(g) for g in grade_scale)})")
    return scale


def create(name: str, data_dir: str | Path | None = None, grade_scale=None, display_name: str | None = None) -> Path:
    """Write data/<name>/ (partnership.yaml and every table's header); refuse an unsafe or existing name.
    `grade_scale` (best first) and `display_name` fill partnership.yaml; the rest are placeholders."""
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
        for spec in tables(scale or ()).values():
            with (folder / spec.file).open("w", newline="", encoding="utf-8") as f:
                csv.writer(f, lineterminator="\n").writerow(spec.column_names)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return folder
