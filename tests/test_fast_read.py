"""The column-at-a-time reading of a table (pandas' C reader, each rule applied once per distinct cell) gives
exactly what the row-by-row reading (the csv module, each rule applied to each cell) gives: the same typed
frame, the same problems and warnings, in the same order. Every case is read both ways and compared."""
from __future__ import annotations

import math
import shutil
from pathlib import Path

import pandas as pd
import pytest
from conftest import REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wsp_analysis.data import load as dataset
from wsp_analysis.data import schema as schemas
from wsp_analysis.errors import DataValidationError

GRADES = ("Outstanding", "Good", "Requires Improvement", "Inadequate")
SPECS = schemas.tables(GRADES)


def row_by_row(monkeypatch):
    monkeypatch.setattr(dataset, "_fast_records", lambda *a: None)


def read_both(path: Path, spec, monkeypatch, where: str = "data/x/t.csv"):
    """(frame, problems, warnings) read column at a time, the same read row by row, and whether the fast
    reader took the file (rather than leaving it to the row-by-row reading)."""
    real, taken = dataset._fast_records, []

    def spy(*args):
        taken.append(real(*args))
        return taken[-1]

    out = []
    for fake in (spy, lambda *a: None):
        with monkeypatch.context() as m:
            m.setattr(dataset, "_fast_records", fake)
            problems, warnings = [], []
            try:
                frame = dataset.read_table(path, spec, where, problems, warnings)
            except Exception as e:  # noqa: BLE001 - a check that raises must raise the same both ways
                frame = f"raised {type(e).__name__}: {e}"
            out.append((frame, problems, warnings))
    return out[0], out[1], bool(taken) and taken[0] is not None


def cell_same(a, b) -> bool:
    if a is None or b is None:
        return a is b
    if a is pd.NA or b is pd.NA:
        return a is b
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return type(a) is type(b) and a == b


def assert_same_frame(a: pd.DataFrame | None, b: pd.DataFrame | None) -> None:
    if not isinstance(a, pd.DataFrame) or not isinstance(b, pd.DataFrame):
        assert a == b  # both None, or the same exception
        return
    assert list(a.columns) == list(b.columns)
    assert a.dtypes.to_dict() == b.dtypes.to_dict()
    assert list(a.index) == list(b.index)
    for c in a.columns:
        left, right = a[c].tolist(), b[c].tolist()
        assert len(left) == len(right)
        bad = [(i, x, y) for i, (x, y) in enumerate(zip(left, right)) if not cell_same(x, y)]
        assert not bad, (c, bad[:5])


def assert_same(fast, slow) -> None:
    assert_same_frame(fast[0], slow[0])
    assert fast[1] == slow[1]
    assert fast[2] == slow[2]


def partnership_files():
    for folder in sorted((REPO / "data").iterdir()):
        if (folder / "partnership.yaml").is_file():
            for name in SPECS:
                if (folder / f"{name}.csv").is_file():
                    yield folder, name


@pytest.mark.parametrize("folder, table", list(partnership_files()), ids=lambda v: getattr(v, "name", v))
def test_committed_tables_read_the_same_both_ways(folder, table, monkeypatch):
    from wsp_analysis.data.config import read_partnership

    p = read_partnership(folder, [])
    spec = schemas.tables(p.grade_scale)[table]
    fast, slow, took = read_both(folder / spec.file, spec, monkeypatch, f"data/{folder.name}/{spec.file}")
    assert_same(fast, slow)
    assert took  # the committed files are regular: the fast reader reads them all


def bad_input_cases():
    from test_bad_input import ACCEPTED, REFUSED

    return [(c.name, c.edit) for c in REFUSED + ACCEPTED]


@pytest.mark.parametrize("name, edit", bad_input_cases(), ids=[c[0] for c in bad_input_cases()])
def test_bad_input_catalogue_reads_the_same_both_ways(name, edit, tmp_path, monkeypatch):
    folder = tmp_path / "data" / "walsall"
    shutil.copytree(REPO / "data" / "walsall", folder)
    edit(folder)

    def load():
        try:
            ds = dataset.load(folder)
        except DataValidationError as e:
            return e.problems, None, None
        return [], ds.warnings, ds.tables

    fast = load()
    with monkeypatch.context() as m:
        row_by_row(m)
        slow = load()
    assert fast[0] == slow[0]
    assert fast[1] == slow[1]
    if fast[2] is not None:
        assert fast[2].keys() == slow[2].keys()
        for t in fast[2]:
            assert_same_frame(fast[2][t], slow[2][t])


AUDITS = "year,quarter,theme,grade,count,source\n"
TRICKY = {
    "blank lines between and after": AUDITS + "2023-24,Q1,T,Good,1,s\n\n2023-24,Q2,T,Good,2,s\n\n\n",
    "whitespace-only and comma-only lines": AUDITS + "2023-24,Q1,T,Good,1,s\n   \n,,,,,\n , , , , , \n",
    "too few cells": AUDITS + "2023-24,Q1,T,Good,1\n2023-24,Q2,T,Good,2,s\n",
    "too many cells in the first row": AUDITS + "2023-24,Q1,T,Good,1,s,x\n2023-24,Q2,T,Good,2,s\n",
    "too many cells later": AUDITS + "2023-24,Q1,T,Good,1,s\n2023-24,Q2,T,Good,2,s,x\n",
    "one cell only": AUDITS + "hello\n",
    "CRLF line ends": AUDITS.replace("\n", "\r\n") + "2023-24,Q1,T,Good,1,s\r\n2023-24,Q2,T,Good,2,s\r\n",
    "lone CR line ends": AUDITS.replace("\n", "\r") + "2023-24,Q1,T,Good,1,s\r",
    "CR inside a cell": AUDITS + "2023-24,Q1,T\rx,Good,1,s\n",
    "quoted comma and doubled quotes": AUDITS + '2023-24,Q1,"Neglect, ""early"" help",Good,1,"a, b"\n',
    "quoted newline": AUDITS + '2023-24,Q1,"two\nlines",Good,1,s\n2023-24,Q2,T,Good,2,s\n',
    "quote inside an unquoted cell": AUDITS + '2023-24,Q1,it"s,Good,1,s\n',
    "text after a closing quote": AUDITS + '2023-24,Q1,"a"b,Good,1,s\n',
    "space before a quote": AUDITS + '2023-24,Q1, "a,b",Good,1,s\n',
    "unterminated quote": AUDITS + '2023-24,Q1,"open,Good,1,s\n2023-24,Q2,T,Good,2,s\n',
    "no final newline": AUDITS + "2023-24,Q1,T,Good,1,s",
    "header only, no newline": AUDITS.rstrip("\n"),
    "NUL in a cell": AUDITS + "2023-24,Q1,T\x00x,Good,1,s\n",
    "marker character in a cell": AUDITS + "2023-24,Q1,T\x01x,Good,1,s\n",
    "spaces and capitals to normalise": AUDITS + "2023/24, q1 , T ,good, 1 , s \n2023-2024,Q2,T,GOOD,2,s\n",
    "blank and broken cells, duplicates": AUDITS + "2023-24,Q1,T,Good,,s\n,Q1,T,Good,1,s\n2023-24,Q9,T,Good,x,s\n"
                                                   "2023-24,Q1,T,Good,3,s\n2023-24,Q9,T,Good,4,s\n",
    "unicode spaces": AUDITS + "2023-24,Q1,\u00a0T\u2003,Good,1,s\n",
    "header with spaces": " year , quarter,theme,grade,count,source\n2023-24,Q1,T,Good,1,s\n",
    "header with a quoted newline": '"ye\nar",quarter,theme,grade,count,source\n2023-24,Q1,T,Good,1,s\n',
    "double byte-order mark": "\ufeff" + AUDITS + "2023-24,Q1,T,Good,1,s\n",
    "semicolons": AUDITS.replace(",", ";") + "2023-24;Q1;T,x;Good;1;s\n",
    "hash and equals": AUDITS + "2023-24,Q1,#T,Good,1,=s\n",
    "only blank records": AUDITS + "\n\n",
}


@pytest.mark.parametrize("text", list(TRICKY.values()), ids=list(TRICKY))
def test_tricky_files_read_the_same_both_ways(text, tmp_path, monkeypatch):
    path = tmp_path / "audits.csv"
    path.write_bytes(text.encode("utf-8"))
    fast, slow, _ = read_both(path, SPECS["audits"], monkeypatch)
    assert_same(fast, slow)


def test_irregular_files_are_left_to_the_row_by_row_reading(tmp_path, monkeypatch):
    for name in ("too few cells", "too many cells later", "quoted newline", "lone CR line ends", "unterminated quote"):
        path = tmp_path / "audits.csv"
        path.write_bytes(TRICKY[name].encode("utf-8"))
        assert read_both(path, SPECS["audits"], monkeypatch)[2] is False, name
    for name in ("blank lines between and after", "CRLF line ends", "quoted comma and doubled quotes"):
        path = tmp_path / "audits.csv"
        path.write_bytes(TRICKY[name].encode("utf-8"))
        assert read_both(path, SPECS["audits"], monkeypatch)[2] is True, name


def test_training_row_checks_and_whole_year_check_the_same_both_ways(tmp_path, monkeypatch):
    head = ("year,quarter,events,occurrences,places_offered,bookings,cancellations,attended,no_shows,"
            "elearning_taken,source\n")
    text = head + ("2023-24,,10,5,100,90,3,95,5,7,s\n"  # attended > bookings; occurrences < events; sum wrong
                   "2023-24,Q1,1,1,10,5,1,4,1,2,s\n"  # repeats a whole year
                   "2022-23,Q1,1,1,10,5,1,x,1,2,s\n"  # a broken cell: no row checks for this row
                   "2022-23,Q1,1,1,10,5,1,4,1,2,s\n")  # a duplicate key
    path = tmp_path / "training.csv"
    path.write_text(text)
    fast, slow, took = read_both(path, SPECS["training"], monkeypatch)
    assert took
    assert_same(fast, slow)
    # row 2: three row checks; row 4: the broken cell; row 5 repeats row 4; row 3 repeats a whole year
    assert [(p.row, p.column) for p in fast[1]] == [(2, "bookings"), (2, "attended"), (2, "occurrences"), (4, "attended"),
                                                   (5, None), (3, "quarter")]


def test_a_large_bookings_file_reads_the_same_both_ways(tmp_path, monkeypatch):
    src = REPO / "data" / "demoshire" / "bookings.csv"
    lines = src.read_text().splitlines()

    def status(line: str, value: str) -> str:
        head, _, source = line.rsplit(",", 2)
        return f"{head},{value},{source}"

    def agency(line: str, value: str) -> str:
        head, _, status_, source = line.rsplit(",", 3)
        return f"{head},{value},{status_},{source}"

    lines[15] = agency(lines[15], " Police ")  # spaces around text in a column of few values: a warning
    lines[16] = agency(lines[16], "")  # not recorded: blank, and allowed
    lines[5] = status(lines[5], "Attended")  # a broken status
    lines[9] = status(lines[9], " no_show ")  # spaces: a warning
    lines[12] = lines[3]  # a repeated booking id
    lines[20] = lines[20].replace("2019-", "2019/", 1)  # a broken date
    path = tmp_path / "bookings.csv"
    path.write_text("\n".join(lines) + "\n")
    fast, slow, took = read_both(path, SPECS["bookings"], monkeypatch)
    assert took
    assert_same(fast, slow)
    assert [p.row for p in fast[1]] == [6, 21, 13]  # cells in row order, then the repeated key
    assert [(p.row, p.column) for p in fast[2]] == [(10, "status"), (16, "agency")]
    assert fast[0].loc[fast[0]["row"] == 17, "agency"].isna().all()


CELL = st.one_of(
    st.sampled_from(["2023-24", "2023/24", "Q1", "q2", "Q5", "Good", " good ", "GOOD", "Inadequate", "1", "1,617",
                     "-3", "x", "", " ", "s", "#N/A", "2023-04-30", "2023-02-30", " 2024-01-01", "attended",
                     "no_show", "Cancelled", "3", "6", "12", "4.5", "£1,500", "(20)"]),
    st.text(alphabet=st.sampled_from(list('ab ,;"\n\r\t\x00Q1-')), max_size=6),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(["audits", "training", "bookings", "evaluations", "budget"]),
       st.lists(st.lists(CELL, min_size=0, max_size=15), max_size=6), st.sampled_from([",", ";"]),
       st.sampled_from(["\n", "\r\n"]), st.booleans(), st.booleans())
def test_any_file_reads_the_same_both_ways(tmp_path, monkeypatch, table, rows, sep, end, quote_all, full_width):
    spec = SPECS[table]

    def cell(c: str) -> str:
        if quote_all or any(ch in c for ch in ',;"\n\r'):
            return '"' + c.replace('"', '""') + '"'
        return c

    header = spec.column_names
    if full_width:  # most rows as wide as the header, so that the fast reader takes the file
        rows = [(r * len(header))[: len(header)] if r else r for r in rows]
    text = sep.join(header) + end
    text += "".join(sep.join(cell(c) for c in r) + end for r in rows)
    path = tmp_path / spec.file
    path.write_bytes(text.encode("utf-8"))
    fast, slow, _ = read_both(path, spec, monkeypatch)
    assert_same(fast, slow)


def test_training_cross_check_with_bookings_as_a_per_quarter_loop_gives_it():
    """training_matches_bookings merges instead of looping over quarters: the same problems, in order."""
    from wsp_analysis.errors import Problem
    from wsp_analysis.calc.training import bookings_summary

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

    ds = dataset.load(REPO / "data" / "demoshire")
    t = ds.training.copy()
    t.loc[3, "bookings"], t.loc[3, "occurrences"] = 5, pd.NA  # a blank count is not compared
    t.loc[7, "no_shows"], t.loc[7, "attended"], t.loc[0, "cancellations"] = 1, 2, 99999
    t.loc[11, "quarter"] = None
    loaded = dict(ds.tables, training=t.drop(index=[10]))
    found = dataset.training_matches_bookings(loaded, "data/demo")
    assert found == per_quarter(loaded, "data/demo")
    assert [str(p) for p in found] == [
        "data/demo/training.csv, row 2, column cancellations: 99,999 cancellations in 2019-20 Q1 but bookings.csv "
        "has 111",
        "data/demo/training.csv, row 5, column bookings: 5 bookings in 2019-20 Q4 but bookings.csv has 379",
        "data/demo/training.csv, row 9, column attended: 2 attended in 2020-21 Q4 but bookings.csv has 377",
        "data/demo/training.csv, row 9, column no_shows: 1 no-shows in 2020-21 Q4 but bookings.csv has 89"]
    assert dataset.training_matches_bookings(ds.tables, "data/demo") == []


def test_bookings_summary_in_integer_codes_equals_the_groupby_it_replaces():
    from wsp_analysis.data import periods
    from wsp_analysis.calc.training import bookings_summary

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

    b = dataset.load(REPO / "data" / "demoshire").bookings
    pd.testing.assert_frame_equal(bookings_summary(b), by_groupby(b), check_exact=True)
    only = b[b["status"] != "no_show"].iloc[::7]  # a status absent, and sparser periods
    pd.testing.assert_frame_equal(bookings_summary(only), by_groupby(only), check_exact=True)
    assert bookings_summary(b.iloc[:0]).empty
