"""partnership.yaml: what the library knows about a partnership, read and checked.

Every partnership-specific choice lives here (grade scale, statutory partners, thresholds);
the library assumes nothing of any one partnership.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from wsp_analysis.calc.budget import DEFAULT_THRESHOLDS, Thresholds
from wsp_analysis.errors import Problem

CONFIG_FILE = "partnership.yaml"
DEFAULT_SUPPRESSION_THRESHOLD = 5


@dataclass(frozen=True)
class Partnership:
    """What the library needs to know about a partnership (from partnership.yaml)."""

    slug: str
    name: str
    short_name: str
    statutory_partners: tuple[str, ...]
    priorities: tuple[str, ...]
    grade_scale: tuple[str, ...]  # best first
    synthetic: bool = False
    source: str = ""
    budget_thresholds: Thresholds = DEFAULT_THRESHOLDS  # RAG thresholds, percent of budget (local choices)
    audit_themes: tuple[str, ...] = ()  # the partnership's own audit themes (the template's drop-down)
    suppression_threshold: int = DEFAULT_SUPPRESSION_THRESHOLD  # disclosure control: counts below it may be [c]
    headline_grade: str = ""  # the grade key messages lead with (see lead_grade)

    def lead_grade(self) -> str:
        """The grade key messages lead with: headline_grade when partnership.yaml names one, else "Good"
        where the scale has it (as the Ofsted-style reports do), else the best grade."""
        return self.headline_grade or default_headline_grade(self.grade_scale)


def default_headline_grade(scale) -> str:
    """"Good" where the scale has it, else the best grade (first on the scale)."""
    return "Good" if "Good" in scale else scale[0]


def _label(folder: Path) -> str:
    """Folder as shown to users: relative to the data folder's parent ("data/walsall")."""
    return f"{folder.parent.name}/{folder.name}" if folder.parent.name else folder.name


def read_partnership(folder: Path, problems: list[Problem]) -> Partnership | None:
    path = folder / CONFIG_FILE
    where = f"{_label(folder)}/{CONFIG_FILE}"
    if not path.is_file():
        problems.append(Problem(where, "file is missing; every partnership folder needs one (see docs/data.md)"))
        return None
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8-sig")) or {}
    except yaml.YAMLError as e:
        problems.append(Problem(where, f"is not valid YAML: {e}"))
        return None
    if not isinstance(raw, dict):
        problems.append(Problem(where, "must be a mapping of keys (name, statutory_partners, grade_scale, ...)"))
        return None
    before = len(problems)

    def text_list(key: str, minimum: int) -> tuple[str, ...]:
        v = raw.get(key)
        if not isinstance(v, list) or len(v) < minimum or not all(isinstance(x, str) and x.strip() for x in v):
            problems.append(Problem(where, f"{key} must be a list of at least {minimum} non-blank names"))
            return ()
        if len(set(v)) != len(v):
            problems.append(Problem(where, f"{key} names an item twice"))
        return tuple(x.strip() for x in v)

    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append(Problem(where, "name must be the partnership's name"))
    scale = text_list("grade_scale", 2)
    partners = text_list("statutory_partners", 1)
    priorities = text_list("priorities", 0) if "priorities" in raw else ()
    thresholds = read_thresholds(raw.get("budget_thresholds"), where, problems)
    themes = text_list("audit_themes", 0) if raw.get("audit_themes") is not None else ()
    suppression = raw.get("suppression_threshold", DEFAULT_SUPPRESSION_THRESHOLD)
    if isinstance(suppression, bool) or not isinstance(suppression, int) or suppression < 0:
        problems.append(Problem(where, "suppression_threshold must be a whole number, 0 or more (counts below it may "
                                       f'be suppressed; default {DEFAULT_SUPPRESSION_THRESHOLD}) (got "{suppression}")'))
    headline = raw.get("headline_grade")
    if headline is not None and (not isinstance(headline, str) or headline.strip() not in scale):
        problems.append(Problem(where, f'headline_grade "{headline}" is not a grade on grade_scale '
                                       f"({', '.join(scale)})"))
    if len(problems) > before:
        return None
    return Partnership(
        slug=folder.name,
        name=name.strip(),
        short_name=str(raw.get("short_name") or name).strip(),
        statutory_partners=partners,
        priorities=priorities,
        grade_scale=scale,
        synthetic=bool(raw.get("synthetic", False)),
        source=str(raw.get("source", "")),
        budget_thresholds=thresholds,
        audit_themes=themes,
        suppression_threshold=suppression,
        headline_grade=headline.strip() if headline else "",
    )


def read_thresholds(raw, where: str, problems: list[Problem]) -> Thresholds:
    """partnership.yaml's optional budget_thresholds (percent of budget); defaults for keys left out.

        budget_thresholds:
          green: 2        # adverse variance up to and including 2% of budget: green
          amber: 5        # up to and including 5%: amber; beyond: red
          underspend: 5   # favourable spending variance beyond 5%: named an underspend
    """
    if raw is None:
        return DEFAULT_THRESHOLDS
    if not isinstance(raw, dict):
        problems.append(Problem(where, "budget_thresholds must be a mapping of green, amber and underspend to percents "
                                       "(e.g. green: 2)"))
        return DEFAULT_THRESHOLDS
    values = {}
    for key, v in raw.items():
        if key not in Thresholds.KEYS:
            problems.append(Problem(where, f'budget_thresholds: "{key}" is not a threshold (expected: '
                                           f"{', '.join(Thresholds.KEYS)})"))
        elif isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v <= 100:
            problems.append(Problem(where, f'budget_thresholds: {key} must be a percent of budget from 0 to 100, '
                                           f'written as a number like 5 (got "{v}")'))
        else:
            values[key] = float(v)
    th = Thresholds(**{k: values.get(k, getattr(DEFAULT_THRESHOLDS, k)) for k in Thresholds.KEYS})
    if th.green > th.amber:
        problems.append(Problem(where, f"budget_thresholds: green ({th.green:g}%) must not be more than amber "
                                       f"({th.amber:g}%)"))
    return th
