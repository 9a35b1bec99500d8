"""The one CSV reader (data/read.py, data/table.py): encodings as Excel saves them, records and cells as the
standard library's csv module splits a well-formed file, and every irregular file read or refused at its row,
with the message it gives."""
from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from conftest import REPO
from hypothesis import assume, HealthCheck, given, settings
from hypothesis import strategies as st

from wsp_analysis.data import read
from wsp_analysis.data import schema as schemas
from wsp_analysis.data.bookings import bookings_summary
from wsp_analysis.data.checks import training_matches_bookings
from wsp_analysis.data.load import load
from wsp_analysis.data.table import read_table
from wsp_analysis.errors import Problem

GRADES = ("Outstanding", "Good", "Requires Improvement", "Inadequate")
SPECS = schemas.tables(GRADES)
AUDITS = "year,quarter,theme,grade,count,source\n"


def read_audits(tmp_path: Path, data: str | bytes):
    """(problems as text, warnings as text, [(row, theme, count)] or None) of an audits.csv holding `data`."""
    path = tmp_path / "audits.csv"
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    problems, warnings = [], []
    frame = read_table(path, SPECS["audits"], "x/audits.csv", problems, warnings)
    rows = None if frame is None else [(r.row, r.theme, None if pd.isna(r.count) else int(r.count))
                                       for r in frame.itertuples()]
    return [str(p) for p in problems], [str(w) for w in warnings], rows


OK1 = (2, "T", 1)
QUOTES = ("; a cell holding quote marks, delimiters or line breaks must be wholly in quotes, each quote mark in it "
          'doubled ("it""s"), as spreadsheets save it')
# name: (file after the header, problems, warnings, records as (row, theme, count); None: nothing read)
CASES = {
    "blank lines between and after": ("2023-24,Q1,T,Good,1,s\n\n2023-24,Q2,T,Good,2,s\n\n\n", [], [],
                                      [OK1, (4, "T", 2)]),
    "whitespace-only and comma-only lines": ("2023-24,Q1,T,Good,1,s\n   \n,,,,,\n , , , , , \n", [], [], [OK1]),
    "too few cells": ("2023-24,Q1,T,Good,1\n2023-24,Q2,T,Good,2,s\n",
                      ["x/audits.csv, row 2: has 5 cells but the header has 6 columns"], [], [(3, "T", 2)]),
    "too many cells in the first row": ("2023-24,Q1,T,Good,1,s,x\n2023-24,Q2,T,Good,2,s\n",
                                        ["x/audits.csv, row 2: has 7 cells but the header has 6 columns"], [],
                                        [(3, "T", 2)]),
    "too many cells later": ("2023-24,Q1,T,Good,1,s\n2023-24,Q2,T,Good,2,s,x\n",
                             ["x/audits.csv, row 3: has 7 cells but the header has 6 columns"], [], [OK1]),
    "extra cells that are empty (Excel's trailing columns)": ("2023-24,Q1,T,Good,1,s,,,\n", [], [], [OK1]),
    "one cell only": ("hello\n", ["x/audits.csv, row 2: has 1 cells but the header has 6 columns"], [], []),
    "lone CR line ends": ("2023-24,Q1,T,Good,1,s\r", [], [], [OK1]),
    "CR inside a cell ends its line": ("2023-24,Q1,T\rx,Good,1,s\n",
                                       ["x/audits.csv, row 2: has 3 cells but the header has 6 columns",
                                        "x/audits.csv, row 3: has 4 cells but the header has 6 columns"], [], []),
    "quoted comma and doubled quotes": ('2023-24,Q1,"Neglect, ""early"" help",Good,1,"a, b"\n', [], [],
                                        [(2, 'Neglect, "early" help', 1)]),
    "quoted line break in a name": ('2023-24,Q1,"two\nlines",Good,1,s\n2023-24,Q2,T,Good,2,s\n', [],
                                    ['x/audits.csv, row 2, column theme: "two\\nlines" read as "two lines": unusual '
                                     "or repeated spaces and line breaks (and look-alike characters) are read as plain "
                                     "ones, so that it groups with the same name typed plainly"],
                                    [(2, "two lines", 1), (3, "T", 2)]),
    "quoted line break in the header": ('"ye\nar",quarter,theme,grade,count,source\n2023-24,Q1,T,Good,1,s\n', None,
                                        None, None),
    "quote inside an unquoted cell": ('2023-24,Q1,it"s,Good,1,s\n',
                                      ['x/audits.csv, row 2, column theme: a quote mark (") in the middle of a cell '
                                       '(at: 2023-24,Q1,it"s,Good,1,s)' + QUOTES], [], None),
    "text after a closing quote": ('2023-24,Q1,"a"b,Good,1,s\n',
                                   ['x/audits.csv, row 2, column theme: text follows the quote mark (") that closes a '
                                    'quoted cell (at: 2023-24,Q1,"a"b,Good,1,s)' + QUOTES], [], None),
    "space before a quote": ('2023-24,Q1,T,Good,1,s\n2023-24,Q1, "a,b",Good,1,s\n',
                             ['x/audits.csv, row 3, column theme: a quote mark (") in the middle of a cell (at: '
                              '2023-24,Q1, "a,b",Good,1,s)' + QUOTES], [], None),
    "unterminated quote": ('2023-24,Q1,"open,Good,1,s\n2023-24,Q2,T,Good,2,s\n',
                           ['x/audits.csv, row 2, column theme: a quote mark (") opens a quoted cell that is never '
                            'closed (at: 2023-24,Q1,"open,Good,1,s)' + QUOTES], [], None),
    "no final newline": ("2023-24,Q1,T,Good,1,s", [], [], [OK1]),
    "NUL and a control character in a cell": ("2023-24,Q1,T\x00x,Good,1,s\n2023-24,Q2,T\x01x,Good,2,s\n", [], [],
                                              [(2, "T\x00x", 1), (3, "T\x01x", 2)]),
    "blank and broken cells, duplicates": ("2023-24,Q1,T,Good,,s\n,Q1,T,Good,1,s\n2023-24,Q9,T,Good,x,s\n"
                                           "2023-24,Q1,T,Good,3,s\n2023-24,Q9,T,Good,4,s\n",
                                           ["x/audits.csv, row 3, column year: is blank; this column must be filled in",
                                            'x/audits.csv, row 4, column quarter: "Q9" is not a quarter (Q1, Q2, Q3 or '
                                            "Q4)",
                                            'x/audits.csv, row 4, column count: "x" is not a whole number',
                                            'x/audits.csv, row 6, column quarter: "Q9" is not a quarter (Q1, Q2, Q3 or '
                                            "Q4)",
                                            "x/audits.csv, row 5: repeats row 2 (year 2023-24, quarter Q1, theme T, "
                                            "grade Good); each row must be unique on year, quarter, theme, grade",
                                            "x/audits.csv, row 6: repeats row 4 (year 2023-24, quarter (blank), theme "
                                            "T, grade Good); each row must be unique on year, quarter, theme, grade"],
                                           [], [(2, "T", None), (3, "T", 1), (4, "T", None), (5, "T", 3),
                                                (6, "T", 4)]),
    "unicode spaces around a name": ("2023-24,Q1,\u00a0T\u2003,Good,1,s\n", [],
                                     ['x/audits.csv, row 2, column theme: "\\xa0T\\u2003" read as "T": spaces around '
                                      "a value are removed"], [OK1]),
    "semicolons": (AUDITS.replace(",", ";") + "2023-24;Q1;T,x;Good;1;s\n", [], ["x/audits.csv: is semicolon-separated; read with ; as the "
                                                     "delimiter"], [(2, "T,x", 1)]),
    "hash and equals": ("2023-24,Q1,#T,Good,1,=s\n", [], [], [(2, "#T", 1)]),
    "only blank records": ("\n\n", [], [], []),
}


@pytest.mark.parametrize("name", list(CASES))
def test_irregular_files_are_read_or_refused_at_their_row(name, tmp_path):
    body, problems, warnings, rows = CASES[name]
    text = body if body.startswith(('"ye', "year")) else AUDITS.replace("\n", "\r" if "lone CR" in name else "\n") + body
    got = read_audits(tmp_path, text)
    if problems is None:  # the header with a line break: named with the break escaped, on one line
        assert got[0] == ['x/audits.csv, row 1, column ye\\nar: "ye\\nar" is not a column of audits.csv (expected: '
                          "year, quarter, theme, grade, count, source)",
                          "x/audits.csv, row 1, column year: required column is missing from the header"]
        return
    assert got == (problems, warnings, rows)


def test_header_only_and_empty_files(tmp_path):
    assert read_audits(tmp_path, AUDITS.rstrip("\n")) == ([], [], [])
    assert read_audits(tmp_path, "") == (["x/audits.csv: file is empty; it needs at least the header row: year, "
                                          "quarter, theme, grade, count, source"], [], None)
    assert read_audits(tmp_path, "\n\n" + AUDITS)[0] == [
        "x/audits.csv, row 1: the header row is blank; row 1 holds the column names: year, quarter, theme, grade, "
        "count, source"]
    spaced = " year , quarter,theme,grade,count,source\n2023-24,Q1,T,Good,1,s\n"
    assert read_audits(tmp_path, spaced) == ([], [], [OK1])


def test_excel_trailing_empty_columns_and_rows_are_absent(tmp_path):
    text = "year,quarter,theme,grade,count,source,,\r\n2023-24,Q1,T,Good,1,s,,\r\n,,,,,,,\r\n,,,,,,,\r\n"
    assert read_audits(tmp_path, text) == ([], [], [OK1])
    # a column without a name that holds a value is refused, at the header, naming the value
    text = "year,quarter,theme,grade,count,source,\n2023-24,Q1,T,Good,1,s,\n2023-24,Q2,T,Good,2,s,oops\n"
    assert read_audits(tmp_path, text)[0] == [
        'x/audits.csv, row 1: column 7 has no name in row 1 but holds values (row 3: "oops"); name it (year, quarter, '
        "theme, grade, count, source) or delete the column"]


# --- encodings, as Excel saves a CSV ---------------------------------------------------------------------

ROW = "2023-24,Q1,Café £5,Good,1,s\r\n"


@pytest.mark.parametrize("saved, encoded, warning", [
    ('CSV UTF-8', codecs.BOM_UTF8 + (AUDITS.replace("\n", "\r\n") + ROW).encode("utf-8"), None),
    ("CSV (Comma delimited)", (AUDITS.replace("\n", "\r\n") + ROW).encode("cp1252"),
     'x/audits.csv: is not UTF-8; read as Windows-1252 (Excel\'s "CSV" encoding), so £ and accented letters are '
     'kept; save as "CSV UTF-8" to silence this'),
    ("Unicode Text", codecs.BOM_UTF16_LE + (AUDITS + ROW).replace(",", "\t").encode("utf-16-le"),
     'x/audits.csv: is UTF-16 (Excel\'s "Unicode Text"); read as such; has tabs between cells; read with a tab as the '
     'delimiter; save as "CSV UTF-8" to silence this'),
    ("CSV (Macintosh)", (AUDITS + ROW).replace("\r\n", "\r").replace("\n", "\r").encode("mac_roman"),
     'x/audits.csv: is not UTF-8 and its lines end in a carriage return alone, as Excel\'s "CSV (Macintosh)" saves '
     'it; read as Mac Roman, so £ and accented letters are kept; save as "CSV UTF-8" to silence this'),
])
def test_each_excel_save_format_is_read_with_its_text_intact(saved, encoded, warning, tmp_path):
    assert read_audits(tmp_path, encoded) == ([], [warning] if warning else [], [(2, "Café £5", 1)])


@pytest.mark.parametrize("encoded, message", [
    ((AUDITS + ROW).encode("utf-16-le"),
     'x/audits.csv: is mostly NUL bytes, as UTF-16 (Excel\'s "Unicode Text") is without its byte-order mark; save it '
     'from Excel as "CSV UTF-8 (Comma delimited)" instead'),
    (AUDITS.encode() + b"2023-24,Q1,T\x81,Good,1,s\n",
     'x/audits.csv: is neither UTF-8 nor Windows-1252 (Excel\'s "CSV"): byte 51 (0x81) is no character in either; save '
     'it from Excel as "CSV UTF-8 (Comma delimited)" instead'),
    (codecs.BOM_UTF8 + AUDITS.encode() + "2023-24,Q1,£,Good,1,s\n".encode("cp1252"),
     "x/audits.csv: begins as UTF-8 (with its byte-order mark) but byte 53 (0xA3) is not UTF-8, as when files of "
     'two encodings are joined; save it from Excel as "CSV UTF-8 (Comma delimited)" again'),
    (codecs.BOM_UTF16_LE + b"y\x00\x00\xd8",
     'x/audits.csv: begins as UTF-16 (Excel\'s "Unicode Text") but is not valid UTF-16; save it from Excel as "CSV '
     'UTF-8 (Comma delimited)" instead'),
])
def test_other_encodings_are_refused_in_one_line_saying_how_to_save(encoded, message, tmp_path):
    assert read_audits(tmp_path, encoded) == ([message], [], None)


def test_no_message_prints_a_control_character(tmp_path):
    text = 'year,quarter,"the\x1b[31mme",grade,count,source\n2023-24,Q5\x07,T,Good,1,s\n'
    problems, _, _ = read_audits(tmp_path, text)
    assert problems == ['x/audits.csv, row 1, column the\\x1b[31mme: "the\\x1b[31mme" is not a column of audits.csv '
                        "(expected: year, quarter, theme, grade, count, source)",
                        "x/audits.csv, row 1, column theme: required column is missing from the header"]
    problems, _, _ = read_audits(tmp_path, AUDITS + "2023-24,Q\u20285\x07,T,Good,1,s\n")
    assert problems == ['x/audits.csv, row 2, column quarter: "Q\\u20285\\x07" is not a quarter (Q1, Q2, Q3 or Q4)']
    assert all(line.isprintable() for line in problems)


def test_printable_escapes_only_what_would_not_show():
    assert read.printable("Café £5 – “x”") == "Café £5 – “x”"
    assert read.printable("a\nb\u00a0c\u200bd\x00") == "a\\nb\\xa0c\\u200bd\\x00"


# --- the reader against the standard library's, on any well-formed file ----------------------------------

CELL = st.one_of(st.sampled_from(["", " ", "a", "Good", "1,617", "£5", "it's", 'say "hi"', "a\nb", "a\r\nb", "x\ry",
                                  ";", "\t", "Café", "\u00a0"]),
                 st.text(alphabet=st.sampled_from(list('ab ,;"\n\r\t\x00é')), max_size=6))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(CELL, min_size=1, max_size=7), min_size=1, max_size=8), st.sampled_from([",", ";", "\t"]),
       st.sampled_from(["\n", "\r\n"]), st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
def test_any_well_formed_file_splits_as_the_csv_module_splits_it(rows, delimiter, end, quoting):
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator=end, quoting=quoting).writerows(rows)
    text = out.getvalue()
    expected = [r or [""] for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    # a cell holding a lone carriage return is written unquoted before "\n" and read back as a blank line,
    # which is not a record (blank lines are skipped by design): such a file does not hold what was written
    assume(expected == rows)
    g = read.grid(text.encode("utf-8"), delimiter)
    got = [[str(g.columns[j][i]) for j in range(g.count(i))] for i in range(g.records)]
    assert got == expected


# --- checks a column at a time, in row order ---------------------------------------------------------------

def test_training_row_checks_and_whole_year_check_in_row_order(tmp_path):
    head = ("year,quarter,events,occurrences,places_offered,bookings,cancellations,attended,no_shows,"
            "elearning_taken,source\n")
    text = head + ("2023-24,,10,5,100,90,3,95,5,7,s\n"  # attended > bookings; occurrences < events; sum wrong
                   "2023-24,Q1,1,1,10,5,1,4,1,2,s\n"  # repeats a whole year
                   "2022-23,Q1,1,1,10,5,1,x,1,2,s\n"  # a broken cell: no row checks for this row
                   "2022-23,Q1,1,1,10,5,1,4,1,2,s\n")  # a duplicate key
    path = tmp_path / "training.csv"
    path.write_text(text)
    problems = []
    read_table(path, SPECS["training"], "x", problems, [])
    # row 2: three row checks; row 4: the broken cell; row 5 repeats row 4; row 3 repeats a whole year
    assert [(p.row, p.column) for p in problems] == [(2, "bookings"), (2, "attended"), (2, "occurrences"),
                                                    (4, "attended"), (5, None), (3, "quarter")]


def test_a_large_bookings_file_is_checked_at_each_cell(tmp_path):
    src = REPO / "data" / "demoshire" / "bookings.csv"
    lines = src.read_text().splitlines()

    def status(line: str, value: str) -> str:
        head, _, source = line.rsplit(",", 2)
        return f"{head},{value},{source}"

    def agency(line: str, value: str) -> str:
        head, _, status_, source = line.rsplit(",", 3)
        return f"{head},{value},{status_},{source}"

    lines[15] = agency(lines[15], " Police ")  # spaces around a name: a warning
    lines[16] = agency(lines[16], "")  # not recorded: blank, and allowed
    lines[5] = status(lines[5], "Attendd")  # a broken status
    lines[9] = status(lines[9], " no_show ")  # spaces: a warning
    lines[12] = lines[3]  # a repeated booking id
    lines[20] = lines[20].replace("2019-", "2019/", 1)  # a broken date
    path = tmp_path / "bookings.csv"
    path.write_text("\n".join(lines) + "\n")
    problems, warnings = [], []
    frame = read_table(path, SPECS["bookings"], "x", problems, warnings)
    assert len(frame) == len(lines) - 1 > 10_000
    assert [(p.row, p.column) for p in problems] == [(6, "status"), (21, "date"), (13, None)]
    assert [(p.row, p.column) for p in warnings] == [(10, "status"), (16, "agency")]
    assert frame.loc[frame["row"] == 17, "agency"].isna().all()
    assert frame.loc[frame["row"] == 16, "agency"].item() == "Police"


def test_training_cross_check_with_bookings_as_a_per_quarter_loop_gives_it():
    """training_matches_bookings reads each period once instead of looping over quarters: the same problems, in order."""
    def per_quarter(loaded, label):  # the loop it replaces
        out, training = [], loaded["training"]
        for _, s in bookings_summary(loaded["bookings"]).iterrows():
            rows = training[(training["year"] == s["year"]) & (training["quarter"] == s["quarter"])]
            if rows.empty:
                continue
            t = rows.iloc[0]
            for col in ("bookings", "cancellations", "attended", "no_shows", "occurrences"):
                if not pd.isna(t[col]) and int(t[col]) != int(s[col]):
                    out.append(Problem(f"{label}/training.csv", f"{int(t[col]):,} {col.replace('_', '-')} in "
                                       f"{s['year']} {s['quarter']} but bookings.csv has {int(s[col]):,}",
                                       row=int(t["row"]), column=col))
        return out

    ds = load(REPO / "data" / "demoshire")
    t = ds.training.copy()
    t.loc[3, "bookings"], t.loc[3, "occurrences"] = 5, pd.NA  # a blank count is not compared
    t.loc[7, "no_shows"], t.loc[7, "attended"], t.loc[0, "cancellations"] = 1, 2, 99999
    t.loc[11, "quarter"] = None
    loaded = dict(ds.tables, training=t.drop(index=[10]))
    found = training_matches_bookings(loaded, "data/demo")
    assert found == per_quarter(loaded, "data/demo")
    assert [str(p) for p in found] == [
        "data/demo/training.csv, row 2, column cancellations: 99,999 cancellations in 2019-20 Q1 but bookings.csv "
        "has 111",
        "data/demo/training.csv, row 5, column bookings: 5 bookings in 2019-20 Q4 but bookings.csv has 379",
        "data/demo/training.csv, row 9, column attended: 2 attended in 2020-21 Q4 but bookings.csv has 377",
        "data/demo/training.csv, row 9, column no_shows: 1 no-shows in 2020-21 Q4 but bookings.csv has 89"]
    assert training_matches_bookings(ds.tables, "data/demo") == []


def test_bookings_summary_in_integer_codes_equals_the_groupby_it_replaces():
    from wsp_analysis.data import periods

    def by_groupby(bookings):  # the implementation it replaces
        cols = ["year", "quarter", "events", "occurrences", "bookings", "cancellations", "attended", "no_shows"]
        b = bookings.assign(**dict(zip(("year", "quarter"), zip(*[periods.of_date(d) for d in bookings["date"]]))))
        status = b["status"]
        b = b.assign(attended=status.eq("attended"), no_shows=status.eq("no_show"),
                     cancellations=status.eq("cancelled"))
        g = b.groupby(["year", "quarter"])
        out = pd.DataFrame({"events": g["course"].nunique(), "occurrences": g["occurrence"].nunique(),
                            "cancellations": g["cancellations"].sum(), "attended": g["attended"].sum(),
                            "no_shows": g["no_shows"].sum()})
        out["bookings"] = out["attended"] + out["no_shows"]
        return out.reset_index()[cols]

    b = load(REPO / "data" / "demoshire").bookings
    pd.testing.assert_frame_equal(bookings_summary(b), by_groupby(b), check_exact=True)
    only = b[b["status"] != "no_show"].iloc[::7]  # a status absent, and sparser periods
    pd.testing.assert_frame_equal(bookings_summary(only), by_groupby(only), check_exact=True)
    assert bookings_summary(b.iloc[:0]).empty


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.sampled_from(list('ab1 ,;"\n\r\t\x00\x1bQ-£\u00a0')), max_size=80),
       st.sampled_from(["audits", "training", "bookings", "budget"]), st.sampled_from(["utf-8", "cp1252", "utf-16"]))
def test_any_file_is_read_or_refused_in_printable_lines(tmp_path, body, table, encoding):
    spec = SPECS[table]
    path = tmp_path / spec.file
    path.write_bytes((",".join(spec.column_names) + "\n" + body).encode(encoding, errors="replace"))
    problems, warnings = [], []
    frame = read_table(path, spec, "x", problems, warnings)
    assert frame is not None or problems
    assert all(str(p).isprintable() for p in problems + warnings)
