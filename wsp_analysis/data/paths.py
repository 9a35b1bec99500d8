"""Where things are: the repository's data/ and notebooks/ folders, and report folders."""
from __future__ import annotations

import re
from pathlib import Path

from wsp_analysis.errors import UsageError

PACKAGE_DIR = Path(__file__).resolve().parent.parent  # wsp_analysis/


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
    return sorted(p.name for p in root.iterdir() if (p / "partnership.yaml").is_file()) if root.is_dir() else []


def partnership_dir(partnership: str, explicit_data_dir: str | Path | None = None) -> Path:
    """data/<partnership>, refusing an unknown partnership by naming the known ones."""
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


def report_dir(output_dir: str | Path, partnership: str, period: str, notebook: str | None = None) -> Path:
    """reports/<partnership>/<period>[-<suffix>]/ (period: 2023-24 or 2023-24-Q3). The period's default
    notebook has no suffix; another notebook adds its name: --notebook scrutiny -> 2023-24-scrutiny."""
    suffix = notebook_suffix(notebook, _quarterly(period))
    return Path(output_dir).expanduser().resolve() / partnership / (f"{period}-{suffix}" if suffix else period)
