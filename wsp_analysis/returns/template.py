"""The agency return template: an Excel workbook partner agencies fill in, and what import reads back.

    wsp-analysis template --partnership walsall returns.xlsx

One sheet per table the partnership collects (`Audits`, `Audit_shares`, `Training`, ...: the table's
name with a capital), row 1 holding the column names exactly as the CSVs spell them, then one row
per record. A `Notes` sheet explains every column (from the schemas' docs, as docs/data.md does); a
hidden `Lists` sheet holds the drop-downs: the partnership's grade scale, quarters, financial years,
its audit themes (partnership.yaml `audit_themes`, then the themes already in its audits), and each
column that takes one of a fixed list of words (booking statuses, budget sections, ...).

Hostile text: every text cell is written as text, never as a formula: a value beginning =, +, - or @
(a theme called "=HYPERLINK(...)") is stored as a string and marked with a quote prefix, so no
spreadsheet program evaluates it.
"""
from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from wsp_analysis.data import load as dataset
from wsp_analysis.data import docs
from wsp_analysis.data import paths
from wsp_analysis.data import periods
from wsp_analysis.data import rules
from wsp_analysis.data import schema as schemas
from wsp_analysis.errors import UsageError

NOTES_SHEET = "Notes"
LISTS_SHEET = "Lists"
HELPER_SHEETS = (NOTES_SHEET, LISTS_SHEET)  # sheets import skips: they hold no records
LAST_ROW = 5001  # drop-downs and checks cover rows 2 to LAST_ROW (5,000 records a sheet)
FORMULA_STARTS = ("=", "+", "-", "@")


def sheet_name(table: str) -> str:
    """The sheet a table is filled in on: "audits" -> "Audits", "audit_shares" -> "Audit_shares"."""
    return (table[:1].upper() + table[1:])[:31]  # Excel allows 31 characters


def table_sheets(specs: dict[str, schemas.Table]) -> dict[str, schemas.Table]:
    """Sheet name -> table specification, in the tables' order."""
    return {sheet_name(name): spec for name, spec in specs.items()}


def quoted(sheet: str) -> str:
    """A sheet name as a formula writes it: Audits, or 'Audit shares' (quotes doubled inside) when needed."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", sheet) and not re.fullmatch(r"[A-Za-z]{1,3}[0-9]+", sheet):
        return sheet
    return "'" + sheet.replace("'", "''") + "'"


def cell_ref(sheet: str, cell: str) -> str:
    """A cell as spreadsheets write it: Audits!C7, or 'Audit shares'!C7 when the name needs quotes."""
    return f"{quoted(sheet)}!{cell}"


# --- what kind of value each column holds ---------------------------------------------------------

@dataclass(frozen=True)
class Kind:
    """How the template formats and checks a column."""

    name: str  # text, year, quarter, grade, theme, count, money, percent, number, date, rating, choice
    number_format: str
    choices: tuple[str, ...] = ()  # for "choice": the words the column's rule allows


def fixed_words(rule) -> tuple[str, ...]:
    """The words a rules.one_of rule allows (its docstring lists them: "One of: a, b, c."), else ()."""
    doc = getattr(rule, "__doc__", None) or ""
    if getattr(rule, "__qualname__", "").startswith("one_of.") and doc.startswith("One of: ") and doc.endswith("."):
        return tuple(doc[len("One of: "):-1].split(", "))
    return ()


def kind(table: schemas.Table, column: schemas.Column) -> Kind:
    """What a column holds, for the template's cell formats and drop-downs (a Kind: year, quarter, grade,
    theme, a count, an amount, a date, a choice or text)."""
    rule = column.rule
    if column.name == "grade":
        return Kind("grade", "@")
    if column.name == "theme":
        return Kind("theme", "@")
    if rule is rules.year:
        return Kind("year", "@")
    if rule is rules.quarter:
        return Kind("quarter", "@")
    if rule is rules.count:
        return Kind("count", "#,##0")
    if rule is rules.money:
        return Kind("money", "#,##0.00")
    if rule is rules.percent:
        return Kind("percent", "0.0")
    if rule is rules.number:
        return Kind("number", "General")
    if rule is rules.iso_date:
        return Kind("date", "yyyy-mm-dd")
    if rule is schemas.rating:
        return Kind("rating", "0")
    words = fixed_words(rule)
    if words:
        return Kind("choice", "@", words)
    return Kind("text", "@")


# --- writing text safely --------------------------------------------------------------------------

def put_text(ws, row: int, col: int, value: str, bold: bool = False):
    """Write `value` as a text cell, never a formula or an error code, whatever it begins with."""
    text = ILLEGAL_CHARACTERS_RE.sub("?", str(value))  # control characters cannot be stored in a workbook
    cell = ws.cell(row=row, column=col)
    cell.value = text
    cell.data_type = "s"  # openpyxl makes "=..." a formula and "#N/A" an error; a string it stays
    if text.startswith(FORMULA_STARTS) or text.startswith("#"):
        cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
    if bold:
        cell.font = Font(bold=True)
    return cell


# --- the lists behind the drop-downs --------------------------------------------------------------

def year_choices(ds: dataset.Dataset, today: date | None = None) -> list[str]:
    """Financial years from the earliest in the data (or four years back) to next year."""
    this_year = periods.of_date(today or date.today())[0]
    first = periods.start_year(this_year) - 4
    for frame in ds.tables.values():
        if "year" in frame and frame["year"].notna().any():
            first = min(first, min(periods.start_year(y) for y in frame["year"].dropna()))
    last = periods.start_year(this_year) + 1
    return [f"{y}-{(y + 1) % 100:02d}" for y in range(first, last + 1)]


def theme_choices(ds: dataset.Dataset) -> list[str]:
    """partnership.yaml's audit_themes, then any other theme already in the audits, as first written."""
    out = list(ds.partnership.audit_themes)
    for theme in ds.audits["theme"].dropna():
        if theme not in out:
            out.append(theme)
    return out


def _lists(ds: dataset.Dataset, specs: dict[str, schemas.Table], today: date | None) -> dict[str, tuple[str, list[str]]]:
    """Every drop-down's list: key -> (heading on the Lists sheet, values)."""
    out = {"grade": ("Grades (best first)", list(ds.partnership.grade_scale)),
           "quarter": ("Quarters", list(periods.QUARTERS)),
           "year": ("Financial years", year_choices(ds, today)),
           "theme": ("Audit themes", theme_choices(ds))}
    for spec in specs.values():
        for column in spec.columns:
            k = kind(spec, column)
            if k.name == "choice":
                out.setdefault(_list_key(k), (f"{spec.name}.{column.name}", list(k.choices)))
    return out


def _list_key(k: Kind) -> str:
    return "choice:" + "|".join(k.choices) if k.name == "choice" else k.name


def _validation(k: Kind, ranges: dict[str, str]) -> DataValidation | None:
    """The drop-down or check for a column of this kind (None for free text)."""
    if _list_key(k) in ranges:
        strict = k.name in ("grade", "quarter", "choice")  # themes and years: others may be typed
        what = {"grade": "a grade on the partnership's scale", "quarter": "a quarter, Q1 (April-June) to Q4",
                "year": "a financial year written like 2023-24", "theme": "an audit theme"}.get(
            k.name, "one of the words on the list")
        return DataValidation(type="list", formula1=ranges[_list_key(k)], allow_blank=True, showDropDown=False,
                              showErrorMessage=True, errorStyle="stop" if strict else "warning",
                              errorTitle="Not on the list", error=f"Choose {what} from the list.",
                              showInputMessage=True, promptTitle="Choose from the list",
                              prompt=f"Choose {what}.")
    checks = {
        "count": dict(type="whole", operator="greaterThanOrEqual", formula1="0",
                      error="A whole number, 0 or more. Leave it blank when not available (never 0)."),
        "rating": dict(type="whole", operator="between", formula1="1", formula2="5",
                       error="A whole number from 1 (none) to 5 (expert); blank when the form was not returned."),
        "percent": dict(type="decimal", operator="between", formula1="0", formula2="100",
                        error="A percentage from 0 to 100 (type 35 for 35%)."),
        "number": dict(type="decimal", operator="between", formula1="-1000000000000", formula2="1000000000000",
                       error="A number, in the indicator's unit (a proportion from 0 to 1, a percent 0-100)."),
        "money": dict(type="decimal", operator="between", formula1="-1000000000000", formula2="1000000000000",
                      error="An amount in pounds, e.g. 33988 or 33988.50."),
        "date": dict(type="date", operator="greaterThan", formula1="1",
                     error="A date, typed as a date (e.g. 2024-04-30), not as text."),
    }
    if k.name not in checks:
        return None
    spec = checks[k.name]
    return DataValidation(allow_blank=True, showErrorMessage=True, errorStyle="stop", errorTitle="Not allowed here",
                          **spec)


# --- the workbook -----------------------------------------------------------------------------------

NOTES_INTRO = (
    "Fill in one row per record on each sheet. Row 1 holds the column names: do not rename, move, "
    "merge or delete them. A sheet with nothing to report can stay empty.",
    "Leave a cell blank when a value is not available: a blank is never read as 0. Type 0 only when "
    "the answer is none.",
    "Type values, not formulas: a cell holding a formula is refused on import. Do not merge cells.",
    "Years are financial years, April to March, written like 2023-24. Quarters: Q1 (April-June), Q2 "
    "(July-September), Q3 (October-December), Q4 (January-March). Dates are typed as dates.",
    "The source column says where the row comes from (the document and its table or section); if you "
    "leave it blank, import records the workbook's name, sheet and row.",
    "Send the workbook back to the partnership's business unit. It is read with: wsp-analysis import "
    "FILE.xlsx --partnership {slug}",
)


def build(ds: dataset.Dataset, today: date | None = None) -> Workbook:
    """The template workbook for the partnership `ds` (a loaded, valid folder)."""
    p = ds.partnership
    specs = schemas.tables(p.grade_scale)
    lists = _lists(ds, specs, today)
    wb = Workbook()
    notes = wb.active
    notes.title = NOTES_SHEET

    # hidden Lists sheet: one column per drop-down, heading in row 1
    lst = wb.create_sheet(LISTS_SHEET)
    ranges: dict[str, str] = {}
    for i, (key, (heading, values)) in enumerate(lists.items(), start=1):
        put_text(lst, 1, i, heading, bold=True)
        for r, v in enumerate(values, start=2):
            put_text(lst, r, i, v)
        if values:
            letter = get_column_letter(i)
            ranges[key] = f"{quoted(LISTS_SHEET)}!${letter}$2:${letter}${len(values) + 1}"
        lst.column_dimensions[get_column_letter(i)].width = max(18, min(60, max(len(v) for v in [*values, "x"]) + 2))
    lst.sheet_state = "hidden"

    # one sheet per table
    for sheet, spec in table_sheets(specs).items():
        ws = wb.create_sheet(sheet)
        for c, column in enumerate(spec.columns, start=1):
            k = kind(spec, column)
            put_text(ws, 1, c, column.name, bold=True)
            letter = get_column_letter(c)
            ws.column_dimensions[letter].width = max(14, min(40, len(column.name) + 4))
            ws.column_dimensions[letter].number_format = k.number_format
            dv = _validation(k, ranges)
            if dv is not None:
                dv.add(f"{letter}2:{letter}{LAST_ROW}")
                ws.add_data_validation(dv)
        ws.freeze_panes = "A2"

    # Notes: how to fill it in, the scale and themes, then every column of every sheet
    wrap = Alignment(wrap_text=True, vertical="top")
    rows: list[tuple[list[str], bool]] = [
        ([f"{p.name}: agency return"], True),
        ([("SYNTHETIC partnership: invented data. " if p.synthetic else "")
          + f"Template for {p.short_name} ({ds.label}), written by wsp-analysis."], False),
        ([], False),
        *[([line.format(slug=p.slug)], False) for line in NOTES_INTRO],
        ([], False),
        (["Grade scale, best first", ", ".join(p.grade_scale)], False),
        (["Audit themes", ", ".join(lists["theme"][1]) or "(none listed yet: type the theme)"], False),
        ([], False),
        (["Sheet", "Column", "Required", "Blank means", "Meaning"], True),
    ]
    for sheet, spec in table_sheets(specs).items():
        rows.append(([sheet, "", "", "", spec.doc + f" Each row is unique on: {', '.join(spec.key)}."], True))
        for column in spec.columns:
            meaning = column.doc
            if column.name == "grade":
                meaning += f" One of: {', '.join(p.grade_scale)}."
            rows.append(([sheet, column.name, "yes" if column.required else "no", docs.blank_means(spec, column),
                          meaning], False))
        for check in docs.rules_across_columns(spec):
            rows.append(([sheet, "(rule)", "", "", check], False))
        if spec.optional:
            rows.append(([sheet, "(optional)", "", "", "Leave this sheet empty if the partnership does not count "
                                                       "training this way."], False))
        if spec.figures:
            rows.append(([sheet, "(figures)", "", "", "Figures: " + spec.figures.replace("`", "")], False))
    for r, (cells, bold) in enumerate(rows, start=1):
        for c, text in enumerate(cells, start=1):
            put_text(notes, r, c, text, bold=bold).alignment = wrap
    for letter, width in zip("ABCDE", (22, 22, 10, 16, 90)):
        notes.column_dimensions[letter].width = width

    wb.move_sheet(lst, offset=len(wb.sheetnames) - 1 - wb.sheetnames.index(LISTS_SHEET))  # last, out of the way
    wb.properties.title = f"{p.name}: agency return template"
    wb.properties.creator = "wsp-analysis"
    return wb


def write_template(partnership: str, out: str | Path, data_dir: str | Path | None = None,
                   today: date | None = None) -> Path:
    """Write the partnership's template to `out` (an .xlsx path that does not exist yet) and return it.

    UsageError when `out` does not end .xlsx, its folder does not exist, or it exists already: the template
    never replaces a file (returns.xlsx may be an agency's filled-in return). The workbook appears at
    `out` only when complete."""
    out = Path(out).expanduser()
    if out.suffix.lower() != ".xlsx":
        raise UsageError(f"{out}: the template is an Excel workbook; give a file name ending .xlsx")
    if not out.parent.is_dir():
        raise UsageError(f"{out.parent} is not a folder; the template cannot be written there")
    if out.exists() or out.is_symlink():
        raise UsageError(f"{out} already exists; the template never replaces a file (it may be a filled-in "
                         "return): give a new file name")
    ds = dataset.load(paths.partnership_dir(partnership, data_dir))
    wb = build(ds, today)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    os.close(fd)
    try:
        wb.save(tmp)
        os.chmod(tmp, 0o644)
        try:
            os.link(tmp, out)  # unlike a rename, fails if a file appeared at `out` meanwhile
        except FileExistsError:
            raise UsageError(f"{out} already exists; the template never replaces a file: give a new file "
                             "name") from None
        except OSError:  # a file system without hard links (some shares): check, then rename
            if out.exists() or out.is_symlink():
                raise UsageError(f"{out} already exists; the template never replaces a file") from None
            os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return out
