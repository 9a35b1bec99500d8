"""Partnership folders built inside a test: every table with its header, the rows a test gives, so that
a figure can be checked against arithmetic on a handful of numbers."""
from __future__ import annotations

import csv
from pathlib import Path

import wsp_analysis as wsp
from wsp_analysis.data.schema import tables as table_specs

SCALE = ("Outstanding", "Good", "Requires Improvement", "Inadequate")
CONFIG = """name: Testshire Safeguarding Partnership
short_name: TSP
statutory_partners:
  - Testshire Council
  - Testshire Police
  - Testshire Integrated Care Board
priorities:
  - Neglect
grade_scale:
{scale}
{extra}"""


def build(root: Path, rows: dict[str, list[dict]] | None = None, scale=SCALE, extra: str = "",
          name: str = "testshire") -> Path:
    """root/<name>/ with partnership.yaml and every table: the header, then `rows[table]` (dicts by column;
    a column left out is blank; source defaults to "test")."""
    folder = root / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "partnership.yaml").write_text(
        CONFIG.format(scale="\n".join(f"  - {g}" for g in scale), extra=extra), encoding="utf-8")
    for table, spec in table_specs(scale).items():
        with (folder / spec.file).open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(spec.column_names)
            for r in (rows or {}).get(table, []):
                r = {"source": "test", **r}
                w.writerow(["" if r.get(c) is None else r[c] for c in spec.column_names])
    return folder


def register(root: Path, rows: dict[str, list[dict]], year: str = "2023-24", quarter: str | None = None, **kw):
    """The register of a folder built from `rows`."""
    return wsp.figures(wsp.load(build(root, rows, **kw)), year, quarter)


def audits(year: str, quarter: str, theme: str, counts, scale=SCALE) -> list[dict]:
    """One round's audits.csv rows: a count per grade, best first."""
    return [{"year": year, "quarter": quarter, "theme": theme, "grade": g, "count": c} for g, c in zip(scale, counts)]
