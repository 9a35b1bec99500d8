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

import json
import platform
import re
import sys
from datetime import datetime, timezone
from pathlib import Path

from wsp_analysis.data.provenance import (PACKAGE, command, dependencies, describe_inputs, git_info, input_files,
                                          package_version, sha256, shown_path)

FILE = "manifest.json"
MANIFEST_VERSION = 2  # 2: outputs and their SHA-256 recorded
OUTPUTS = ("report.html", "report.ipynb", "figures.csv", "tables.xlsx", "tables.ods")  # what readers see
SHORT = 12  # characters of a SHA-256 shown in the report's footer


def describe_outputs(folder: str | Path) -> list[dict]:
    """[{"path": file name, "sha256", "bytes"}] for each of OUTPUTS present in the report folder, in
    OUTPUTS' order (the spreadsheets are absent when a report shows no tables)."""
    folder = Path(folder)
    return [{"path": name, "sha256": sha256(folder / name), "bytes": (folder / name).stat().st_size}
            for name in OUTPUTS if (folder / name).is_file()]


def now() -> datetime:
    """The time now, in UTC, as an ISO 8601 string to the second."""
    return datetime.now(timezone.utc)


def start(ds, *, year: str, quarter: str | None, period: str, kind: str, notebook: str | None,
          notebook_path: Path, output_dir: str | Path, started: datetime | None = None,
          release: dict | None = None) -> dict:
    """Everything the manifest says except when the run finished: call before the notebook runs, so the
    input hashes are of the files as the run read them. `release` holds the status, publication date and
    next update the run was given (render.render), recorded with the parameters."""
    parameters = {"partnership": ds.partnership.slug, "year": year, "quarter": quarter, "notebook": notebook,
                  "data_dir": shown_path(ds.folder.parent), "output_dir": shown_path(output_dir), **(release or {})}
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
