"""Where things are: the repository's data/ and notebooks/ folders, and report folders."""
from __future__ import annotations

from pathlib import Path

from .errors import UsageError

PACKAGE_DIR = Path(__file__).resolve().parent


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


def report_dir(output_dir: str | Path, partnership: str, period: str) -> Path:
    """reports/<partnership>/<period>/ (period: 2023-24 or 2023-24-Q3)."""
    return Path(output_dir).expanduser().resolve() / partnership / period
