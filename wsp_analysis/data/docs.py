"""docs/data.md, written from the table specifications so the docs cannot drift from the code.

    python -m wsp_analysis.data.docs > docs/data.md
"""
from __future__ import annotations

from wsp_analysis.data.published import SPEC as PUBLISHED_FIGURES  # optional, outside the required tables
from wsp_analysis.data.schema import REFUSE, tables

INTRO = """# Data tables

Each partnership is a folder `data/<partnership>/` holding `partnership.yaml` and one CSV per
table below. Every table is required unless it says it is optional; a partnership with no records for a
required one keeps its header row, and an optional one left out reads as its header alone.
Each file has a header row; column order is free. Each file must be in the folder itself: a file that
is a link to one outside the partnership folder (`partnership.yaml` too) is refused without being read.

Files, as Excel saves them (each way but the first gives one warning line naming the file):

- "CSV UTF-8 (Comma delimited)": UTF-8, with a byte-order mark or without. The way to save.
- "CSV (Comma delimited)": Windows-1252; read as such, so £ and accented letters are kept.
- "Unicode Text": UTF-16 with a byte-order mark and tabs between cells; read as such.
- "CSV (Macintosh)": Mac Roman, each line ending in a carriage return alone; read as such (a file that
  is not UTF-8 and whose lines end that way is taken to be one).
- Anything else is refused in one line saying how to save the file: UTF-16 without its byte-order
  mark, bytes that are no character in Windows-1252, UTF-8 broken after its byte-order mark.
- Cells are separated by commas; by semicolons when the header row has no comma, or by tabs when it
  has neither (a warning). A cell holding a separator, a line break or a quote mark is wholly in quotes,
  each quote mark in it doubled (`"it""s"`), as spreadsheets save it; a quote mark anywhere else is
  refused at its row and column, because programs read such a cell differently.
- Wholly empty rows (`,,,` included) and empty columns at the right of the header (`a,b,,,`, as
  Excel leaves after a formatted cell) are not data and are read as absent; a column with no name in
  the header that holds a value is refused.
- Messages show a character that would not print (a control character, a line break, a non-breaking
  space) escaped as Python writes it (`\\n`, `\\xa0`), so each problem is one line.

Cells:

- A blank cell means **not available** and is never read as 0. Where a source leaves a cell blank
  but its own totals show the blank is 0 (Walsall's Table 1 grade cells; two income budget lines),
  record 0 and say so in `source`.
- Counts are whole numbers, 0 or more; thousands separators are allowed (`1,617`).
- Money is pounds: `33988`, `£33,988`, `33,988.00`; `(1,500)` is -1,500. Refused: a minus sign in
  brackets (`(-5)`, negative twice), and a single full stop followed by exactly three digits
  (`£299.260`, as Walsall's report prints its reserve), which could be a thousands separator or pence:
  write `299260` or `299.26`. A budget (budget.csv) is 0 or more, unless its line is listed under
  `negative_budget_lines` in partnership.yaml; an actual may be negative (a refund).
- Years are financial years, April to March, written `2023-24`; quarters `Q1` (April-June) to `Q4`
  (January-March).
- Names that group rows (themes, courses, agencies, organisations, budget lines and categories,
  referral types and measures, standards, who raised an action: listed under each table) are compared
  after normalising Unicode (NFKC), spaces (non-breaking, repeated, line breaks) and capitals, and
  written one way: with plain single spaces, in the capitals of the first row that has the name. A
  grade is written as `grade_scale` writes it, and a word from a fixed list as the list writes it.
  Each cell so changed gives a warning naming it; the file is left as it is.
- `source` says where the row comes from: the document and its table or section.
- A column not listed here is refused, so a misspelt column is never silently ignored.

## partnership.yaml

A key not listed here is refused, naming the nearest one listed (a misspelt key would otherwise be
ignored). A value written `<...>`, as `wsp-analysis new-partnership` writes its placeholders, is
refused until it is replaced.

| key | required | meaning |
| --- | --- | --- |
| `name` | yes | the partnership's name, as reports print it |
| `short_name` | no | abbreviation (e.g. WSP) |
| `statutory_partners` | yes | list: the local authority, police and integrated care board |
| `priorities` | no | list of the partnership's priorities |
| `grade_scale` | when audits are recorded | list of audit grades, best first: any ordered list of two or more (Triton's has three), each different after capitals and spaces are ignored; needed once `audits.csv` or `audit_shares.csv` has rows, and may be left out until then |
| `headline_grade` | no | the grade key messages lead with, one of `grade_scale` (default: `Good` where the scale has it, else the best grade) |
| `audit_themes` | no | list of the partnership's own audit themes: the Excel template's drop-down for `theme` (other themes may still be typed) |
| `synthetic` | no | `true` when the data is generated; reports then say so at the top |
| `source` | no | the document the facts come from |
| `budget_thresholds` | no | RAG thresholds in percent of budget, local choices: `green` (default 2: an adverse variance up to and including 2% is green), `amber` (default 5: up to and including 5% amber, beyond red), `underspend` (default 5: a favourable spending variance beyond 5% is named an underspend) |
| `suppression_threshold` | no | disclosure control: counts below it may be suppressed in published tables, shown `[c]` (a whole number, 0 or more; default 5) |
| `negative_budget_lines` | no | list of budget lines (as `budget.csv` names them in `line`) whose budget is really below 0, such as a recharge to partners; any other negative budget is refused as a likely typing slip |
| `contact` | no | who answers questions about the reports, printed under the report's title and on the spreadsheets' cover: `name`, with an `email` or a `website` (or both) |
| `glossary` | no | the partnership's own abbreviations and what they stand for (`PQA: the partnership's Performance and Quality Assurance sub-groups`), added to the report's glossary, which explains national terms (RAG, CSPR, ICB, ...) itself |

"""

RETURNS = """## Agency returns (Excel)

`wsp-analysis template --partnership P OUT.xlsx` writes the workbook agencies fill in: a `Notes` sheet
(how to fill it in, the grade scale, the themes, then every column above with its meaning), one sheet
per table named after it with a capital (`Audits`, `Audit_shares`, `Training`, ...) whose row 1 holds
the column names, and a hidden `Lists` sheet behind the drop-downs (grades, quarters, financial years,
the partnership's themes, and each column that takes one of a fixed list of words). Text is written as
text: a value beginning `=`, `+`, `-` or `@` never becomes a formula.

`wsp-analysis import FILE.xlsx --partnership P [--replace]` reads it back. Each sheet is checked with the
rules above, worded as `validate` words them, and each problem names its cell (`Audits!D7`). A workbook
can also break rules a CSV cannot, and each is refused at its cell: a formula (type the value), merged
cells, a date typed as text (type it as a date), a number in a date column, a sheet that is not the
template's, values under a column with no name. A cell formatted as a percentage (0.35 shown as 35%)
is read as 35. A blank `source` is filled with the workbook's file name, sheet and row. Accepted
changes (a grade in other capitals, a year written 2023/24) are written as the table writes them, with
a warning naming the cell.

A period is a year and quarter (a whole-year row is the year), a year for tables without a quarter,
and the quarter of the date for `bookings` and `evaluations`. A period that already has rows in a table
is refused unless `--replace`, which removes those rows and first copies each file it changes to
`data/P/.history/<timestamp>/`. `data/P/.history/imports.csv` logs every import with a fingerprint of
its values, so the same data imported again, under any file name, is refused as a duplicate. Rows
already in a file are kept as written and new rows go at its end (a column it lacked is added last,
blank in the rows before). Nothing changes unless everything
is accepted: the merged folder is validated first (cross-table rules too), the files are swapped in
under a lock, and the folder is loaded again, every file put back as it was should that fail.

`wsp-analysis new-partnership NAME [--data-dir D] [--grade G ...] [--name TEXT]` creates `data/NAME/`
with a `partnership.yaml` holding every key above and each table's header row; NAME is lowercase
letters, digits, `-` and `_`, and must not exist yet. The statutory partners (and the name, unless
`--name` gives it) are placeholders written `<...>`: `validate` refuses the folder, naming those keys,
until each is replaced. No grade scale is invented: `--grade` gives one (best first), or it is added
before audits are recorded.

## Triton

`data/triton/` is synthetic (`synthetic: true`), generated by `python -m synthetic
data/triton triton`: three financial years of audits on a three-point scale (Effective, Partly
Effective, Not Effective; six cases a quarter on its own themes), one earlier year published only as
percentages, whole-year training and budget, and its own RAG and suppression thresholds. It exists so
that nothing in the library can assume Walsall's four grades, the grade "Good" or its thresholds. It also
publishes training as many partnerships do: attendance by agency (`training_by_agency.csv`, summing to
`training.csv`'s attended) and, from 2022-23, its evaluation as shares of delegates with the number who
responded (`evaluation_shares.csv`), not as evaluation forms.
Its `indicators.csv`, like Demoshire's, holds 20 quarters (2019-20 Q1 to 2023-24 Q4) of indicators with
planted signals for the dashboard (a trend, a shift, an outlier), two of them with numerators and
denominators that every `synthetic.region` partnership counts too, for the benchmark.
"""

WALSALL = "## Walsall\n\n`data/walsall/` transcribes the Walsall Safeguarding Partnership Annual Report 2023-2024\n(`../shared/seeds/002_3cfe3ce716ad6625.txt`): Table 1 (audit grades by quarter, as counts), Table 2\n(2019-20 to 2022-23 as published percentages: no counts were published for those years, so none\nare invented), the training statistics panel and text, the neglect e-learning course, the\nrapid-review referral table, self-neglect panel referrals (Q2 and Q4 not published: blank, not 0)\nand Appendix 1 (budget, contributions, the reserve of £299,260, printed `£299.260`).\nEach row's `source` names its table or section. `evaluations.csv` holds only its header: the report\ndescribes pre-course, post-course and eight-week impact evaluation forms but publishes none of their\nratings, so training impact is not available.\n\n`actions.csv` holds the actions the report lists after its Q1, Q2 and Q3 audits (Q4 lists none), with\ntheir status where the report gives one (Q3's it does not: `not_stated`), and SCR W6 as one review-level\nrow: the report says all its actions are completed but not how many there were, so none are invented.\nNo dates are published, so every date is blank. `section11.csv` holds only its header: the report\npublishes no Section 11 grades, only the 17 organisations that attended the assurance event of 9 August\n2023 (`section11_attendance.csv`).\n\n`indicators.csv` holds children registered as electively home educated, 491 at 31 March 2023 and 629\nat 31 March 2024 (section Walsall at a glance): two yearly points, too few for process limits. The\nself-neglect panel's quarters come from `referrals.csv`, as a built-in series.\n"


PUBLISHED = """How each row is reconciled (`wsp-analysis reconcile --partnership P --year Y`, and the scrutiny
report): `match` when the printed number is ours after the report's rounding (within half a unit of its
last printed place), `differs` when it is not, `percent_for_points` when our figure is a change in
percentage points and the report prints the same number as a percent, `not_derivable` when we compute no
such figure or ours is not available. `wsp-analysis validate` checks this file too when it is present.
Walsall's transcribes the 2023-24 report's Table 1 and the 2023-24 row of Table 2, the audit text's
changes ("a reduction by 15%", "an 30% increase"), the training panel and text, the neglect e-learning
course, the rapid-review table, the self-neglect panel's quarters and Appendix 1. Table 2's earlier rows
are not in it: they are the data (`audit_shares.csv`), so comparing them would be circular."""


def blank_means(t, c) -> str:
    """What a blank cell in column `c` of table `t` means, in words (docs/data.md and the Excel template)."""
    return ("refused" if c.blank == REFUSE else
            "whole year" if c.name == "quarter" else
            "the report's year" if c.name in ("year", "period") and t.name == "published_figures" else
            "no target" if c.name == "target" else "not stated" if c.name == "source_agency" else
            "not available")


def rules_across_columns(t) -> list[str]:
    """The table's cross-column rules, in words."""
    checks = [" ".join(f.__doc__.split()) for f in (*t.row_checks, *t.table_checks)]  # a docstring may wrap
    if t.name == "indicators":
        checks.append("Every indicator is defined in indicator_definitions.csv. A value is in its unit's range "
                      "(a proportion from 0 to 1, a count a whole number 0 or more). Where numerator and "
                      "denominator are given, the unit is proportion, percent or ratio, a share's numerator is "
                      "not above its denominator, and the value is numerator / denominator in the unit's scale "
                      "(x 100 for percent), to 0.005 of a proportion or half a percent.")
    if t.name == "training":
        checks.append("Where bookings.csv has rows in a quarter, training.csv's counts for that quarter equal "
                      "their sums (attended less walk-ins: bookings.csv holds bookings only).")
    return checks


def _table(t) -> list[str]:
    folded = [f"`{c}`" for c in getattr(t, "folded_columns", [])]
    names = [f"Names compared ignoring capitals and spaces: {', '.join(folded)}.", ""] if folded else []
    optional = ["Optional: a folder may leave this file out (it reads as holding only its header).", ""] \
        if getattr(t, "optional", False) else []
    figures = [f"Figures: {t.figures}", ""] if getattr(t, "figures", "") else []
    out = [f"## {t.file}", "", t.doc, "", *optional, *figures, f"Unique on: {', '.join(t.key)}.", "", *names,
           "| column | required | blank means | meaning |", "| --- | --- | --- | --- |"]
    for c in t.columns:
        out.append(f"| `{c.name}` | {'yes' if c.required else 'no'} | {blank_means(t, c)} | {c.doc} |")
    return out


def data_reference() -> str:

    """docs/data.md: every table, its columns, what a blank means and the rules across columns, from the table
    specifications."""
    out = [INTRO.rstrip("\n"), ""]
    for t in tables(("Outstanding", "Good", "Requires Improvement", "Inadequate")).values():
        out += _table(t)
        checks = rules_across_columns(t)
        if checks:
            out += ["", "Rules across columns:", ""] + [f"- {c}" for c in checks]
        out.append("")
    out += [*_table(PUBLISHED_FIGURES), "", PUBLISHED, ""]
    return "\n".join(out) + "\n" + RETURNS + "\n" + WALSALL


if __name__ == "__main__":
    print(data_reference(), end="")
