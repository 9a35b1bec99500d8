"""partnership.yaml: what the library knows about a partnership, read and checked.

Every partnership-specific choice lives here (grade scale, statutory partners, thresholds);
the library assumes nothing of any one partnership. A key it does not know is refused (naming the
nearest one it does), as is a placeholder new-partnership wrote and nobody replaced.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from wsp_analysis.data.read import inside
from wsp_analysis.data.rules import fold
from wsp_analysis.errors import Problem

CONFIG_FILE = "partnership.yaml"
DEFAULT_SUPPRESSION_THRESHOLD = 5


KEYS = ("name", "short_name", "statutory_partners", "priorities", "grade_scale", "headline_grade", "audit_themes",
        "synthetic", "source", "budget_thresholds", "suppression_threshold", "negative_budget_lines", "contact",
        "glossary")
PLACEHOLDER = re.compile(r"^<.*>$", re.DOTALL)  # new-partnership writes <...> where the analyst must fill in


@dataclass(frozen=True)
class Thresholds:
    """RAG thresholds in percent of budget: adverse variances up to and including `green` are green,
    up to and including `amber` amber, beyond red; favourable spending variances beyond `underspend`
    are named underspends. These are local choices (partnership.yaml: budget_thresholds)."""

    green: float = 2.0
    amber: float = 5.0
    underspend: float = 5.0

    KEYS = ("green", "amber", "underspend")

    def describe(self) -> str:
        """The thresholds in words, for the notes under a RAG table."""
        n = lambda v: f"{v:g}%"  # noqa: E731
        return (f"adverse variances up to and including {n(self.green)} of budget are green, up to and including "
                f"{n(self.amber)} amber and beyond {n(self.amber)} red; a favourable spending variance beyond "
                f"{n(self.underspend)} is an underspend")


DEFAULT_THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class Contact:
    """Who answers questions about the reports (partnership.yaml: contact), as the page and the spreadsheets'
    cover print it: a name, and an email address or a website (or both)."""

    name: str
    email: str = ""
    website: str = ""

    KEYS = ("name", "email", "website")

    def describe(self) -> str:
        """"Business unit, wsp@example.org" as one line of text."""
        return ", ".join(x for x in (self.name, self.email, self.website) if x)


@dataclass(frozen=True)
class Partnership:
    """What the library needs to know about a partnership (from partnership.yaml; docs/data.md lists the keys)."""

    slug: str
    name: str
    short_name: str
    statutory_partners: tuple[str, ...]
    priorities: tuple[str, ...]
    grade_scale: tuple[str, ...]  # best first; () when the partnership records no audits
    synthetic: bool = False
    source: str = ""
    budget_thresholds: Thresholds = DEFAULT_THRESHOLDS  # RAG thresholds, percent of budget (local choices)
    audit_themes: tuple[str, ...] = ()  # the partnership's own audit themes (the template's drop-down)
    suppression_threshold: int = DEFAULT_SUPPRESSION_THRESHOLD  # disclosure control: counts below it may be [c]
    headline_grade: str = ""  # the grade key messages lead with (see lead_grade)
    negative_budget_lines: tuple[str, ...] = ()  # budget lines whose budget may be below 0 (budget.csv: line)
    contact: Contact | None = None  # who answers questions about the reports; None: the page names no one
    glossary: tuple[tuple[str, str], ...] = ()  # local abbreviations and their meanings, as typed

    def lead_grade(self) -> str:
        """The grade key messages lead with: headline_grade when partnership.yaml names one, else "Good"
        where the scale has it (as the Ofsted-style reports do), else the best grade; "" with no scale."""
        return self.headline_grade or default_headline_grade(self.grade_scale)


def default_headline_grade(scale) -> str:
    """"Good" where the scale has it, else the best grade (first on the scale); "" for an empty scale."""
    return "Good" if "Good" in scale else (scale[0] if len(scale) else "")


def _label(folder: Path) -> str:
    """Folder as shown to users: relative to the data folder's parent ("data/walsall")."""
    return f"{folder.parent.name}/{folder.name}" if folder.parent.name else folder.name


def _yaml(folder: Path, where: str, problems: list[Problem]) -> dict | None:
    """partnership.yaml's mapping, or None (with the problem) when it is missing, unreadable or not a mapping.
    A file that is a link to one outside the folder is not read, and a message never quotes its content."""
    path = folder / CONFIG_FILE
    if (path.exists() or path.is_symlink()) and not inside(path, folder):
        problems.append(Problem(where, "is a link to a file outside the partnership folder, so it is not read: put "
                                       "the file itself in the folder"))
        return None
    if not path.is_file():
        problems.append(Problem(where, "file is missing; every partnership folder needs one (see docs/data.md)"))
        return None
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        problems.append(Problem(where, "is not UTF-8; save it as UTF-8 (any text editor can)"))
        return None
    try:  # libyaml's parser where PyYAML has it: ten times quicker, and loading a region reads many of these
        raw = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
    except yaml.YAMLError:
        try:  # PyYAML's own parser words a problem more plainly (it names the character it stopped at)
            raw = yaml.safe_load(text) or {}
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None)
            at = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
            problems.append(Problem(where, f"is not valid YAML: {getattr(e, 'problem', None) or 'cannot be read'}"
                                           f"{at}"))
            return None
    if not isinstance(raw, dict):
        problems.append(Problem(where, "must be a mapping of keys (name, statutory_partners, grade_scale, ...)"))
        return None
    return raw


def read_partnership(folder: Path, problems: list[Problem]) -> Partnership | None:
    """partnership.yaml of `folder`, checked; None (with every problem appended) when it is not valid."""
    where = f"{_label(folder)}/{CONFIG_FILE}"
    raw = _yaml(folder, where, problems)
    if raw is None:
        return None
    before = len(problems)
    for key in raw:
        if key not in KEYS:
            near = difflib.get_close_matches(str(key), KEYS, n=1)
            hint = f'did you mean "{near[0]}"?' if near else f"the keys are {', '.join(KEYS)}"
            problems.append(Problem(where, f'"{key}" is not a key of {CONFIG_FILE} ({hint}); a key it does not know '
                                           "would be ignored, so it is refused"))

    def text_list(key: str, minimum: int) -> tuple[str, ...]:
        v = raw.get(key)
        if not isinstance(v, list) or len(v) < minimum or not all(isinstance(x, str) and x.strip() for x in v):
            problems.append(Problem(where, f"{key} must be a list of at least {minimum} non-blank names"))
            return ()
        if len(set(v)) != len(v):
            problems.append(Problem(where, f"{key} names an item twice"))
        return tuple(x.strip() for x in v)

    placeholders = [key for key in KEYS if any(isinstance(x, str) and PLACEHOLDER.match(x.strip())
                                               for x in (raw.get(key) if isinstance(raw.get(key), list)
                                                         else [raw.get(key)]))]
    if placeholders:
        problems.append(Problem(where, f"{', '.join(placeholders)} still hold{'s' if len(placeholders) == 1 else ''} "
                                       "placeholders written by new-partnership: replace each <...> with the "
                                       "partnership's own"))
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append(Problem(where, "name must be the partnership's name"))
    scale = text_list("grade_scale", 2) if raw.get("grade_scale") not in (None, []) else ()
    _distinct_grades(tuple(raw["grade_scale"]) if scale else (), where, problems)
    partners = text_list("statutory_partners", 1)
    priorities = text_list("priorities", 0) if "priorities" in raw else ()
    thresholds = read_thresholds(raw.get("budget_thresholds"), where, problems)
    themes = text_list("audit_themes", 0) if raw.get("audit_themes") is not None else ()
    negative = text_list("negative_budget_lines", 0) if raw.get("negative_budget_lines") is not None else ()
    suppression = raw.get("suppression_threshold", DEFAULT_SUPPRESSION_THRESHOLD)
    if isinstance(suppression, bool) or not isinstance(suppression, int) or suppression < 0:
        problems.append(Problem(where, "suppression_threshold must be a whole number, 0 or more (counts below it may "
                                       f'be suppressed; default {DEFAULT_SUPPRESSION_THRESHOLD}) (got "{suppression}")'))
    headline = raw.get("headline_grade")
    if headline is not None and (not isinstance(headline, str) or headline.strip() not in scale):
        problems.append(Problem(where, f'headline_grade "{headline}" is not a grade on grade_scale '
                                       f"({', '.join(scale)})"))
    contact = read_contact(raw.get("contact"), where, problems)
    glossary = read_glossary(raw.get("glossary"), where, problems)
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
        negative_budget_lines=negative,
        contact=contact,
        glossary=glossary,
    )


def read_contact(raw, where: str, problems: list[Problem]) -> Contact | None:
    """partnership.yaml's optional contact: a name and an email address or a website, as reports print them.

        contact:
          name: Safeguarding Partnership business unit
          email: partnership@example.org      # and/or
          website: https://www.example.org
    """
    if raw is None:
        return None
    if not isinstance(raw, dict):
        problems.append(Problem(where, "contact must be a mapping of name and email or website (e.g. name: Business "
                                       "unit)"))
        return None
    ok = True
    for key, v in raw.items():
        if key not in Contact.KEYS:
            problems.append(Problem(where, f'contact: "{key}" is not a contact key (expected: '
                                           f"{', '.join(Contact.KEYS)})"))
            ok = False
        elif not isinstance(v, str) or not v.strip():
            problems.append(Problem(where, f"contact: {key} must be text, not blank"))
            ok = False
    if ok and "name" not in raw:
        problems.append(Problem(where, "contact: name is required (who answers questions about the reports)"))
        ok = False
    if ok and not ({"email", "website"} & set(raw)):
        problems.append(Problem(where, "contact needs an email or a website, so a reader can get in touch"))
        ok = False
    email = str(raw.get("email", "")).strip()
    if ok and email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        problems.append(Problem(where, f'contact: email "{email}" is not an email address'))
        ok = False
    website = str(raw.get("website", "")).strip()
    if ok and website and not re.match(r"https?://\S+$", website):
        problems.append(Problem(where, f'contact: website "{website}" must begin http:// or https://'))
        ok = False
    return Contact(raw["name"].strip(), email, website) if ok else None


def read_glossary(raw, where: str, problems: list[Problem]) -> tuple[tuple[str, str], ...]:
    """partnership.yaml's optional glossary: the partnership's own abbreviations and what they stand for, added
    to the report's glossary (which already explains national terms such as RAG, CSPR and ICB).

        glossary:
          PQA: Performance and Quality Assurance sub-group
    """
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        problems.append(Problem(where, "glossary must be a mapping of each term to what it means (e.g. PQA: "
                                       "Performance and Quality Assurance sub-group)"))
        return ()
    out = []
    for term, meaning in raw.items():
        if not isinstance(term, str) or not term.strip() or not isinstance(meaning, str) or not meaning.strip():
            problems.append(Problem(where, f'glossary: "{term}" needs a term and its meaning, both text'))
            continue
        out.append((term.strip(), meaning.strip()))
    return tuple(out)


def _distinct_grades(scale: tuple[str, ...], where: str, problems: list[Problem]) -> None:
    """Grades on a scale (as typed) must differ by more than capitals, spaces or look-alike characters: data
    cells are matched to the scale that way, so "Good" and "good " would be one grade counted twice."""
    seen: dict[str, str] = {}
    for g in scale:
        other = seen.setdefault(fold(g), g)
        if other is not g:
            problems.append(Problem(where, f'grade_scale lists "{other}" and "{g}", the same grade (grades are '
                                           "compared ignoring capitals and spaces): list each grade once"))


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
