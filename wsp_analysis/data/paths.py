"""Where things are: the repository's data/ and notebooks/ folders, and report folders.

A partnership is a plain folder name wherever one is given (command line, parameter files, run-all,
import, template, new-partnership, figures, the notebooks' parameters): `check_partnership` is the one
test, and partnership_dir and report_dir apply it, so nothing is read from outside the data folder or
written outside the output folder whatever a caller passes.
"""
from __future__ import annotations

import re
from pathlib import Path

from wsp_analysis.errors import UsageError

PACKAGE_DIR = Path(__file__).resolve().parent.parent  # wsp_analysis/


# "/" and "\\" separate folders (Windows takes both), ":" names a drive or a stream on Windows; a leading
# "." is a hidden folder (.history, a report's staging), and a leading "_" is reserved for the library.
_SEPARATORS = ("/", "\\", ":")
MAX_NAME = 255  # bytes most file systems allow in one name


def check_partnership(name, what: str = "partnership") -> str:
    """`name` itself when it is a plain folder name, else UsageError saying why.

    A plain folder name is one path component: not empty, no "/", "\\" or ":", not "." or "..", not
    beginning with "." or "_" (reserved), no control characters, no space at either end, at most 255
    bytes. `what` names the value in the message ("partnership", "parameters file x: partnership").
    """
    if not isinstance(name, str):
        raise UsageError(f"{what} must be a folder name (text), not {type(name).__name__}")
    # a control character is shown as an escape, never printed (it could rewrite a terminal's line)
    shown = "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in name)
    shown = shown if len(shown) <= 80 else shown[:77] + "..."
    why = None
    if not name.strip():
        why = "it is empty"
    elif any(sep in name for sep in _SEPARATORS):
        why = 'it holds "/", "\\" or ":", so it names a path, not one folder'
    elif name in (".", ".."):
        why = "it names a folder by its position, not one folder"
    elif name[0] in "._":
        why = 'it begins with "." (hidden) or "_" (reserved for the library)'
    elif not name.isprintable():
        why = "it holds a control character"
    elif name != name.strip():
        why = "it begins or ends with a space"
    elif len(name.encode("utf-8")) > MAX_NAME:
        why = f"it is longer than {MAX_NAME} bytes"
    if why:
        raise UsageError(f'{what} "{shown}" is not a safe folder name for a partnership ({why}); give the name '
                         "of a folder in the data folder, such as walsall")
    return name


def inside(path: Path, root: Path) -> Path:
    """`path` resolved, when it lies inside `root` (resolved); else UsageError. A last guard: callers check
    names first, so this only fires on a folder that a link leads elsewhere."""
    resolved, base = Path(path).resolve(), Path(root).resolve()
    if resolved != base and base not in resolved.parents:
        raise UsageError(f"{path} leads outside {base}; a partnership's folder and its reports stay inside "
                         "the data and output folders")
    return resolved


def _candidates(name: str) -> list[Path]:
    cwd = Path.cwd()
    # cwd/<name> from the repository root; ../<name> from notebooks/ (how JupyterLab runs a notebook);
    # then beside the installed package (an editable install, as make sets up).
    return [cwd / name, cwd.parent / name, PACKAGE_DIR.parent / name]


def data_dir(explicit: str | Path | None = None) -> Path:
    """The data folder: `explicit` when given, else the repository's data/."""
    if explicit:
        return Path(explicit).expanduser().resolve()
    for c in _candidates("data"):
        if c.is_dir():
            return c.resolve()
    raise UsageError("cannot find the data/ folder; pass data_dir (or --data-dir) explicitly")


def partnerships(root: Path) -> list[str]:
    """The partnership folders (those holding partnership.yaml) under a data folder, by name, sorted; empty
    when the folder is not there."""
    return sorted(p.name for p in root.iterdir() if (p / "partnership.yaml").is_file()) if root.is_dir() else []


def partnership_dir(partnership: str, explicit_data_dir: str | Path | None = None) -> Path:
    """data/<partnership>, refusing a name that is not a plain folder name (check_partnership) and an unknown
    partnership (naming the known ones); UsageError either way."""
    check_partnership(partnership)
    root = data_dir(explicit_data_dir)
    folder = root / partnership
    if not folder.is_dir():
        known = ", ".join(partnerships(root)) or "none"
        raise UsageError(f'unknown partnership "{partnership}": there is no folder {folder} '
                         f"(partnerships in {root}: {known})")
    return folder


def notebook(name: str) -> Path:
    """notebooks/<name>.ipynb of the repository, or `name` itself when it is a path to an .ipynb file."""
    if name.endswith(".ipynb"):
        path = Path(name).expanduser()
        if not path.is_file():
            raise UsageError(f"{name}: no such notebook")
        return path.resolve()
    for c in _candidates("notebooks"):
        path = c / f"{name}.ipynb"
        if path.is_file():
            return path.resolve()
    raise UsageError(f'cannot find the notebook "{name}.ipynb" in the repository\'s notebooks/ folder')


ANNUAL_NOTEBOOK, QUARTERLY_NOTEBOOK = "annual_report", "quarterly_report"


def default_notebook(quarter: str | None) -> str:
    """The notebook a period renders with unless told otherwise."""
    return QUARTERLY_NOTEBOOK if quarter else ANNUAL_NOTEBOOK


def _quarterly(period: str) -> bool:
    return bool(re.search(r"-Q[1-4]$", period))


def notebook_suffix(notebook: str | None, quarterly: bool) -> str:
    """"" for the period's default notebook, else the notebook's name without "_report", hyphenated:
    scrutiny -> "scrutiny", notebooks/board_summary_report.ipynb -> "board-summary"."""
    if not notebook:
        return ""
    stem = Path(notebook).stem if notebook.endswith(".ipynb") else notebook
    if stem == default_notebook("Q" if quarterly else None):
        return ""
    stem = stem[: -len("_report")] if stem.endswith("_report") and stem != "_report" else stem
    return re.sub(r"[^A-Za-z0-9]+", "-", stem).strip("-").lower() or "notebook"


def report_kind(notebook: str | None, quarter: str | None) -> str:
    """What a report is, as its title and verify say: "annual", "quarterly", or the notebook's suffix
    ("scrutiny") for any other notebook."""
    return notebook_suffix(notebook, bool(quarter)) or ("quarterly" if quarter else "annual")


REPORT_MARK = "manifest.json"  # every report folder the library publishes holds one (publish/manifest.py)


def report_dir(output_dir: str | Path, partnership: str, period: str, notebook: str | None = None) -> Path:
    """reports/<partnership>/<period>[-<suffix>]/ (period: 2023-24 or 2023-24-Q3). The period's default
    notebook has no suffix; another notebook adds its name: --notebook scrutiny -> 2023-24-scrutiny.

    UsageError when `partnership` is not a plain folder name, when the folder would lie outside
    `output_dir`, or when something already at that path is not a report folder this library wrote (a
    file, a link, or a folder without manifest.json): a new report replaces only an earlier report."""
    check_partnership(partnership)
    if not re.fullmatch(r"\d{4}-\d{2}(-Q[1-4])?", period):
        raise UsageError(f'period "{period}" is not a financial year (2023-24) or a quarter of one (2023-24-Q3)')
    suffix = notebook_suffix(notebook, _quarterly(period))
    root = Path(output_dir).expanduser().resolve()
    final = root / partnership / (f"{period}-{suffix}" if suffix else period)
    inside(final.parent, root)  # output_dir/<partnership> may itself be a link that leads elsewhere
    if final.is_symlink() or (final.exists() and not (final.is_dir() and (final / REPORT_MARK).is_file())):
        raise UsageError(f"{final} already exists and is not a report folder (it has no {REPORT_MARK}); a report "
                         "replaces only an earlier report, so move it away or choose another --output-dir")
    return final
