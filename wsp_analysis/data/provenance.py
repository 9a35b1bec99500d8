"""Provenance: what a report was made from, as manifest.json records it and the scrutiny page shows it:
each input file's SHA-256, the software's versions, the git commit and the command that renders the report
again. Used by publish.manifest (which writes manifest.json) and report.scrutiny (which shows it).

Paths are relative to the repository (the folder holding pyproject.toml beside this package) when the
file is inside it, and absolute otherwise.
"""
from __future__ import annotations

import hashlib
import shlex
import subprocess
from importlib.metadata import PackageNotFoundError, requires, version
from pathlib import Path

from wsp_analysis import __version__
from wsp_analysis.data import paths, published
from wsp_analysis.data.config import CONFIG_FILE
from wsp_analysis.data.schema import tables

PACKAGE = "wsp-analysis"
# The libraries a figure or the page depends on; the package's own declared dependencies are added too.
KEY_DEPENDENCIES = ("pandas", "numpy", "scipy", "statsmodels", "matplotlib", "seaborn", "papermill", "nbconvert",
                    "nbformat", "ipykernel", "jinja2", "pyyaml", "xlsxwriter", "odfpy")
def sha256(path: str | Path) -> str:
    """The SHA-256 of a file's bytes, in hex."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 16), b""):
            h.update(block)
    return h.hexdigest()


def repo_root() -> Path:
    """The repository this package runs from (the folder holding pyproject.toml), else the working folder."""
    root = paths.PACKAGE_DIR.parent
    return root if (root / "pyproject.toml").is_file() else Path.cwd().resolve()


def shown_path(path: str | Path) -> str:
    """A path as the manifest records it: relative to the repository when inside it, else absolute."""
    p = Path(path).resolve()
    try:
        return p.relative_to(repo_root()).as_posix()
    except ValueError:
        return p.as_posix()


def resolve(recorded: str) -> Path:
    """A recorded path back to a file: absolute as it is, relative against the repository."""
    p = Path(recorded)
    return p if p.is_absolute() else repo_root() / p


def input_files(folder: Path, grade_scale, kind: str) -> list[Path]:
    """The files a report's figures are computed from, in a fixed order (an optional table's file only when
    the folder has it: left out, it reads as its header alone)."""
    files = [folder / CONFIG_FILE] + [folder / spec.file for spec in tables(grade_scale).values()
                                      if not spec.optional or (folder / spec.file).exists()]
    if kind == "scrutiny" and published.path(folder).is_file():
        files.append(published.path(folder))
    return files


def describe_inputs(files: list[Path]) -> list[dict]:
    """[{"path": as shown_path gives it, "sha256": 64 hex digits, "bytes": size}] for each file, in order."""
    return [{"path": shown_path(f), "sha256": sha256(f), "bytes": f.stat().st_size} for f in files]


def dependencies() -> dict[str, str]:
    """The installed version of each library the figures and pages depend on, by name."""
    names = list(KEY_DEPENDENCIES)
    try:
        for req in requires(PACKAGE) or []:
            if "extra ==" not in req:
                name = req.split(";")[0].strip()
                for sep in "<>=!~[ ":
                    name = name.split(sep)[0]
                if name.lower() not in (n.lower() for n in names):
                    names.append(name)
    except PackageNotFoundError:
        pass
    out = {}
    for n in names:
        try:
            out[n] = version(n)
        except PackageNotFoundError:
            out[n] = None
    return dict(sorted(out.items(), key=lambda kv: kv[0].lower()))


def package_version() -> str:
    """This package's version, as installed (or as the source says, when not installed)."""
    try:
        return version(PACKAGE)
    except PackageNotFoundError:
        return __version__


def git_info(root: Path | None = None) -> dict | None:
    """The commit checked out, and whether tracked files differ from it; None outside a git checkout."""
    root = root or repo_root()
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=10)
        if commit.returncode != 0:
            return None
        status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root,
                                capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return {"commit": commit.stdout.strip(), "dirty": bool(status.stdout.strip()) if status.returncode == 0 else None}


def command(parameters: dict) -> str:
    """The command that renders the same report again (output folder left to its default)."""
    parts = ["wsp-analysis", "report", "--partnership", parameters["partnership"], "--year", parameters["year"]]
    if parameters.get("quarter"):
        parts += ["--quarter", parameters["quarter"]]
    if parameters.get("notebook"):
        parts += ["--notebook", parameters["notebook"]]
    if parameters.get("data_dir") and parameters["data_dir"] != "data":
        parts += ["--data-dir", parameters["data_dir"]]
    for key in ("status", "published", "next_update"):
        if parameters.get(key):
            parts += ["--" + key.replace("_", "-"), parameters[key]]
    return " ".join(_quote(p) for p in parts)


def _quote(part: str) -> str:
    return shlex.quote(str(part))
