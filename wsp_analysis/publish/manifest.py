"""manifest.json: what a report was made from, so that a scrutineer can reproduce and verify it.

Every rendered report folder holds one, written by render.write_outputs into the staging folder
(so it is published with the report, or not at all):

    {
      "manifest_version": 2,
      "report": {"partnership": "walsall", "period": "2023-24", "kind": "annual",
                 "notebook": "notebooks/annual_report.ipynb", "notebook_sha256": "..."},
      "parameters": {"partnership": "walsall", "year": "2023-24", "quarter": null,
                     "notebook": "annual_report", "data_dir": "data", "output_dir": "reports"},
      "command": "wsp-analysis report --partnership walsall --year 2023-24",
      "inputs": [{"path": "data/walsall/partnership.yaml", "sha256": "...", "bytes": 612}, ...],
      "outputs": [{"path": "report.html", "sha256": "...", "bytes": 181234}, ...],
      "package": {"name": "wsp-analysis", "version": "0.1.0"},
      "python": {"version": "3.12.3", "implementation": "CPython"},
      "platform": "Linux-6.1-x86_64",
      "dependencies": {"pandas": "2.2.3", ...},
      "git": {"commit": "8e26d2b...", "dirty": false},      (null outside a git checkout)
      "started": "2024-06-01T09:00:00.123+00:00", "finished": "...", "seconds": 4.2
    }

Paths are relative to the repository (the folder holding pyproject.toml beside this package) when the
file is inside it, and absolute otherwise. `inputs` lists the files the figures are computed from:
partnership.yaml and every table's CSV (an optional table's when the folder has it; for the scrutiny
report, published_figures.csv too).
`outputs` lists what readers see, each file beside the manifest by its name: report.html,
report.ipynb, figures.csv and, when the report shows tables, tables.xlsx and tables.ods. `write`
hashes them itself from the folder it writes into, so the manifest, written last, covers every other
file of the report. Version 1 manifests had no outputs; verify refuses them (render the report again).
"""
from __future__ import annotations

import hashlib
import json
import shlex
import platform
import re
import subprocess
import sys
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, requires, version
from pathlib import Path

from wsp_analysis import __version__
from wsp_analysis.data import paths
from wsp_analysis.data import published
from wsp_analysis.data.load import CONFIG_FILE
from wsp_analysis.data.schema import tables

FILE = "manifest.json"
MANIFEST_VERSION = 2  # 2: outputs and their SHA-256 recorded
OUTPUTS = ("report.html", "report.ipynb", "figures.csv", "tables.xlsx", "tables.ods")  # what readers see
PACKAGE = "wsp-analysis"
# The libraries a figure or the page depends on; the package's own declared dependencies are added too.
KEY_DEPENDENCIES = ("pandas", "numpy", "scipy", "statsmodels", "matplotlib", "seaborn", "papermill", "nbconvert",
                    "nbformat", "ipykernel", "jinja2", "pyyaml", "xlsxwriter", "odfpy")
SHORT = 12  # characters of a SHA-256 shown in the report's footer


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


def describe_outputs(folder: str | Path) -> list[dict]:
    """[{"path": file name, "sha256", "bytes"}] for each of OUTPUTS present in the report folder, in
    OUTPUTS' order (the spreadsheets are absent when a report shows no tables)."""
    folder = Path(folder)
    return [{"path": name, "sha256": sha256(folder / name), "bytes": (folder / name).stat().st_size}
            for name in OUTPUTS if (folder / name).is_file()]


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
    return " ".join(_quote(p) for p in parts)


def _quote(part: str) -> str:
    return shlex.quote(str(part))


def now() -> datetime:
    """The time now, in UTC, as an ISO 8601 string to the second."""
    return datetime.now(timezone.utc)


def start(ds, *, year: str, quarter: str | None, period: str, kind: str, notebook: str | None,
          notebook_path: Path, output_dir: str | Path, started: datetime | None = None) -> dict:
    """Everything the manifest says except when the run finished: call before the notebook runs, so the
    input hashes are of the files as the run read them."""
    parameters = {"partnership": ds.partnership.slug, "year": year, "quarter": quarter, "notebook": notebook,
                  "data_dir": shown_path(ds.folder.parent), "output_dir": shown_path(output_dir)}
    git = git_info()
    return {
        "manifest_version": MANIFEST_VERSION,
        "report": {"partnership": ds.partnership.slug, "name": ds.partnership.name, "period": period, "kind": kind,
                   "notebook": shown_path(notebook_path), "notebook_sha256": sha256(notebook_path)},
        "parameters": parameters,
        "command": command(parameters),
        "verify_command": "wsp-analysis verify REPORT_DIR",
        "inputs": describe_inputs(input_files(ds.folder, ds.partnership.grade_scale, kind)),
        "package": {"name": PACKAGE, "version": package_version()},
        "python": {"version": platform.python_version(), "implementation": platform.python_implementation(),
                   "executable": sys.executable},
        "platform": platform.platform(),
        "dependencies": dependencies(),
        "git": git,
        "started": (started or now()).isoformat(timespec="milliseconds"),
        "finished": None,
        "seconds": None,
    }


def finish(manifest: dict, finished: datetime | None = None) -> dict:
    """The manifest begun by start, with the time the run finished."""
    finished = finished or now()
    out = dict(manifest)
    out["finished"] = finished.isoformat(timespec="milliseconds")
    out["seconds"] = round((finished - datetime.fromisoformat(manifest["started"])).total_seconds(), 3)
    return out


def write(folder: Path, manifest: dict) -> Path:
    """Write folder/manifest.json: `manifest` with `outputs` set to the SHA-256 of every output already
    in the folder (describe_outputs), so call it last. Returns the path written."""
    path = Path(folder) / FILE
    manifest = {**manifest, "outputs": describe_outputs(folder)}
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


_HEX64 = re.compile(r"[0-9a-f]{64}")


def _file_entries(data: dict, key: str, names: tuple[str, ...] | None = None) -> str | None:
    """What is wrong with the manifest's list `key` of {"path", "sha256"} entries, or None. `names`: the
    only paths allowed (outputs are files beside the manifest, named, never a path elsewhere)."""
    entries = data.get(key)
    if not isinstance(entries, list):
        return f"no list of {key}"
    if not entries:
        return f"its list of {key} is empty, so there is nothing to check the report against"
    for i, item in enumerate(entries, start=1):
        if not (isinstance(item, dict) and isinstance(item.get("path"), str) and item["path"]
                and isinstance(item.get("sha256"), str) and _HEX64.fullmatch(item["sha256"])):
            return f"{key} entry {i} is not a path with a SHA-256 (64 hexadecimal digits)"
        if names is not None and item["path"] not in names:
            return f"{key} entry {i} names {json.dumps(item['path'])}, not one of {', '.join(names)}"
    return None


def read(folder: str | Path) -> dict:
    """The manifest of a report folder (a dict, shaped as this module's docstring shows); ValueError,
    saying what is wrong, when it is missing, not JSON, or lacks the parameters, a non-empty list of
    inputs or a non-empty list of outputs, each with its SHA-256."""
    path = Path(folder) / FILE
    if not path.is_file():
        raise ValueError(f"{path}: missing; every rendered report folder has a manifest.json (render it again "
                         "with wsp-analysis report)")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise ValueError(f"{path}: not valid JSON ({e})") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path}: not a wsp-analysis manifest (not a JSON object)")
    missing = [k for k in ("report", "parameters") if not isinstance(data.get(k), dict)]
    if missing:
        raise ValueError(f"{path}: not a wsp-analysis manifest (missing {', '.join(missing)})")
    params = data["parameters"]
    keys = ("year",) if data["report"].get("kind") == "benchmark" else ("partnership", "year")  # many partnerships
    if not all(isinstance(params.get(k), str) for k in keys):
        raise ValueError(f"{path}: not a wsp-analysis manifest (its parameters lack the partnership or year)")
    for key, names in (("inputs", None), ("outputs", OUTPUTS)):
        wrong = _file_entries(data, key, names)
        if wrong:
            hint = " (a report rendered before outputs were recorded: render it again)" if key == "outputs" \
                and "outputs" not in data else ""
            raise ValueError(f"{path}: cannot be verified: {wrong}{hint}")
    return data


def footer(manifest: dict) -> dict:
    """What the report's footer shows: the command, the data files' short hashes, version and commit."""
    git = manifest.get("git") or {}
    return {"command": manifest["command"],
            "inputs": [{"path": i["path"], "short": i["sha256"][:SHORT]} for i in manifest["inputs"]],
            "version": manifest["package"]["version"],
            "commit": (git.get("commit") or "")[:SHORT] or None,
            "dirty": bool(git.get("dirty")),
            "short_chars": SHORT}
