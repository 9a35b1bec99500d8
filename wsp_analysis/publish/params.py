"""Parameter files for scheduled runs: params/<partnership>/<year>[-Qn].yaml.

Besides what to render (partnership, year, quarter, ...), a run may say how it is released: `status`
(draft or final; draft unless set), `published` (the publication date, YYYY-MM-DD; the render date
unless set) and `next_update` (a date, or words such as "March 2025"). The report's header, its printed
pages and the spreadsheets' cover carry them.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from wsp_analysis.data import paths, periods
from wsp_analysis.errors import UsageError

KEYS = ("partnership", "year", "quarter", "data_dir", "output_dir", "notebook", "publication", "status", "published",
        "next_update")
STATUSES = ("draft", "final")
REQUIRED = ("partnership", "year")
PUBLICATION_NOTEBOOK = "publication_report"  # publication: true renders it, into <period>-publication/


def check(params: dict, where: str = "parameters") -> dict:
    """Validate and normalise a parameter mapping ({key: text}, keys from KEYS); UsageError names every
    problem. The partnership must be a plain folder name (paths.check_partnership)."""
    problems = []
    for k in params:
        if k not in KEYS:
            problems.append(f'{where}: "{k}" is not a parameter (expected: {", ".join(KEYS)})')
    for k in REQUIRED:
        if params.get(k) in (None, ""):
            problems.append(f"{where}: {k} is required")
    out = {}
    for k, v in params.items():
        if k not in KEYS or v is None:
            continue
        if k == "publication":
            if not isinstance(v, bool):
                problems.append(f"{where}: publication must be true or false, not {v!r}")
            elif v and params.get("notebook"):
                problems.append(f"{where}: publication: true chooses the notebook itself; leave notebook out")
            elif v and params.get("quarter"):
                problems.append(f"{where}: publication reports are annual; leave quarter out")
            elif v:
                out["notebook"] = PUBLICATION_NOTEBOOK
            continue
        if k in ("published", "next_update") and isinstance(v, dt.date):
            v = v.isoformat()  # YAML reads 2024-11-30 as a date
        if not isinstance(v, str):
            problems.append(f"{where}: {k} must be text, not {type(v).__name__} ({v!r}); quote it in YAML")
            continue
        out[k] = v.strip()
    if "partnership" in out and params.get("partnership") not in (None, ""):  # blank: "is required" above
        try:
            paths.check_partnership(out["partnership"], f"{where}: partnership")
        except UsageError as e:
            problems.append(str(e))
    if out.get("status") is not None:
        out["status"] = out["status"].lower()
        if out["status"] not in STATUSES:
            problems.append(f'{where}: status must be draft or final, not "{params["status"]}"')
    if out.get("published"):
        try:
            out["published"] = dt.date.fromisoformat(out["published"]).isoformat()
        except ValueError:
            problems.append(f'{where}: published must be a date written YYYY-MM-DD (2024-11-30), not '
                            f'"{out["published"]}"')
    try:
        if "year" in out:
            out["year"] = periods.parse_year(out["year"])
        if out.get("quarter"):
            out["quarter"] = periods.parse_quarter(out["quarter"])
    except ValueError as e:
        problems.append(f"{where}: {e}")
    if problems:
        raise UsageError("\n".join(problems))
    return out


def read(path: str | Path) -> dict:
    """A parameter file (YAML mapping) read and checked as `check` does; UsageError when it is missing,
    not YAML, not a mapping or holds a bad parameter."""
    path = Path(path)
    if not path.is_file():
        raise UsageError(f"{path}: parameter file not found")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8-sig")) or {}
    except yaml.YAMLError as e:
        raise UsageError(f"{path}: not valid YAML: {e}") from None
    if not isinstance(raw, dict):
        raise UsageError(f"{path}: must be a mapping of parameters ({', '.join(KEYS)})")
    return check(raw, str(path))
