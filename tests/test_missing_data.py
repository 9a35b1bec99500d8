"""Every report kind is built from whatever a partnership has, and each page is honest about what it lacks
(issue 14): a section with no data says so in one sentence, with no chart and no table of [x]; no table is
empty; no bullet is repeated; and no sentence says an area is not available above a table that shows it.

The failures seen are tests here, one by one; then a generated test builds every section of every report
kind for each table of Walsall, Demoshire and Triton emptied in turn, and for folders holding only one
table. Walsall's own years and quarters are rendered through run-all (test_render_every_walsall_year...).
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import openpyxl
import pytest
from conftest import REPO, run_cli

import wsp_analysis as wsp
from wsp_analysis.report import (annual, charts, dashboard, glance, glance_quarterly, messages, publication,
                                 quarterly, scrutiny)
from wsp_analysis import format as fmt
from wsp_analysis.report import tables as datatables
from wsp_analysis.report.sections import Section, has_values, section

Y = "2023-24"
ANNUAL = {"audits": "audits", "training": "training", "impact": "impact", "referrals": "referrals",
          "budget": "budget", "actions": "actions", "section11": "section11"}  # section -> its family
QUARTERLY = ("audits", "training", "referrals", "budget", "actions", "section11")
PUBLICATION = ("audits", "training", "referrals", "budget")
SUBJECTS = {subject.lower() for subject, _ in messages.AREAS.values()}
_NOT_AVAILABLE = re.compile(r"^(?P<subject>.+?) for (?P<when>Q\d(?: \d{4}-\d{2})?|\d{4}-\d{2}) (?:is|are) not "
                            r"available \[x\]")


# --- the checks every built section passes -----------------------------------------------------------------

def contradictions(s: Section) -> list[str]:
    """Sentences that say an area is not available for a period above a table showing a value for that period
    (in a column headed by it, "Q1" or "Q1 (number)", or a row headed by it, "2022-23")."""
    out = []
    for sentence in s.sentences:
        m = _NOT_AVAILABLE.match(sentence)
        if not m or m["subject"].lower() not in SUBJECTS:
            continue
        labels = {m["when"], m["when"].split()[0]}
        for t in s.data:
            shown = t.display_rows()
            for j, col in enumerate(t.columns):
                if j >= t.row_headers and (col in labels or col.split(" (")[0] in labels):
                    values = [r[j] for r in shown if r[j] not in fmt.SYMBOLS]
                    if values:
                        out.append(f"{sentence!r} above column {col!r} of {t.title!r} showing {values}")
            for r in shown:
                if r[0] in labels and any(c not in fmt.SYMBOLS for c in r[t.row_headers:]):
                    out.append(f"{sentence!r} above row {r} of {t.title!r}")
    return out


def check(name: str, s: Section, reg=None, family: str | None = None, span: str | None = None,
          appendix: set[str] = frozenset()) -> None:
    """The rules every section keeps; with `family` and `span`, also the rule for an area with no data.
    `appendix`: the titles of the tables the page's appendix shows, which a section's chart may draw."""
    # a section with data may say nothing more than the key messages: it shows its table
    assert s.sentences or s.data, f"{name}: shows nothing"
    assert len(set(s.sentences)) == len(s.sentences), f"{name}: a bullet is repeated: {s.sentences}"
    for t in s.data:
        assert len(t.frame), f"{name}: table {t.title!r} has no rows"
        assert has_values(t), f"{name}: table {t.title!r} shows nothing but [x]"
    if s.chart is not None:
        assert s.chart.table in {t.title for t in s.data} | appendix, f"{name}: chart without its table"
        if s.chart.table not in {t.title for t in s.data}:  # its caption sends the reader to the appendix
            assert s.chart.data_at == f"in the appendix, in the table {s.chart.table}", s.chart.data_at
        values = [v for _, _, v in s.chart.points if not isinstance(v, str) and not fmt.is_missing(v) and v != 0]
        assert values, f"{name}: a chart with no data"
    assert not contradictions(s), f"{name}: {contradictions(s)}"
    if family and not reg.has_data(family, span):
        assert (len(s.sentences), s.chart, s.data) == (1, None, []), \
            f"{name}: {family} has no data in {span}, yet the section shows {s.sentences}, {s.chart}, {s.data}"
        assert "not available [x]" in s.sentences[0], f"{name}: {s.sentences[0]}"


class QuarterlyRegisterFailed(Exception):
    """wsp.figures raised computing a quarterly register (not a report-layer failure)."""


def build_every_kind(folder: Path, year: str = Y, quarter: str = "Q3") -> dict[str, Section]:
    """Every section of every report kind for one folder, checked as it is built."""
    ds = wsp.load(folder)
    out = {}
    reg = wsp.figures(ds, year, kind="annual")
    in_appendix = {part.data.title for part in annual.appendix(reg, year) if getattr(part, "data", None) is not None}
    for name, family in ANNUAL.items():
        out[f"annual {name}"] = s = getattr(annual, name)(reg, year)
        check(f"annual {name}", s, reg, family, year, in_appendix)
    out["annual key messages"] = key = section(messages.key_messages(reg, year))
    check("annual key messages", key)
    tiles = glance.annual(reg, year)  # at a glance: a tile only for an area with data, never a 0 made up
    glance.block(tiles)
    assert {t.area.lower() for t in tiles} <= {f for f in ("audits", "training", "referrals", "budget", "actions")
                                               if reg.has_data(f, year)}
    assert all(t.headline != "0" or t.area in ("Referrals", "Budget") for t in tiles), tiles
    for name in ANNUAL:  # each key message said once on the page: no section repeats one
        shown = out[f"annual {name}"]
        assert shown.data == [] or not set(shown.sentences) & set(key.sentences), name  # unless it would be empty
    p = wsp.figures(ds, year, kind="publication")
    for name in PUBLICATION:
        out[f"publication {name}"] = s = getattr(publication, name)(p, year)
        check(f"publication {name}", s, p, name, year)
    sc = wsp.figures(ds, year, kind="scrutiny")
    glance.block(glance.annual(p, year))
    scrutiny.at_a_glance(sc, year)
    for name, s in (("reconciliation", scrutiny.reconciliation(sc, year)),
                    ("consistency", scrutiny.consistency_findings(sc, year))):
        out[f"scrutiny {name}"] = s
        check(f"scrutiny {name}", s)
    # last: a quarterly register of a folder without budget rows fails in calc.budget (see _variants)
    try:
        q = wsp.figures(ds, year, quarter, kind="quarterly")
    except ValueError as e:
        raise QuarterlyRegisterFailed(str(e)) from e
    span = f"{year}:Q1-{quarter}" if quarter != "Q1" else f"{year}:Q1"
    for name in QUARTERLY:
        out[f"quarterly {name}"] = s = getattr(quarterly, name)(q, year, quarter)
        check(f"quarterly {name}", s, q, name, year if name == "section11" else span)
    out["quarterly key messages"] = key = section(quarterly.key_messages(q, year, quarter))
    check("quarterly key messages", key)
    glance.block(glance_quarterly.tiles(q, year, quarter))
    for name in QUARTERLY:
        shown = out[f"quarterly {name}"]
        assert shown.data == [] or not set(shown.sentences) & set(key.sentences), name  # unless it would be empty
    check_dashboard(wsp.figures(ds, year, quarter, kind="dashboard"), year, quarter)
    return out


def check_dashboard(reg, year: str, quarter: str) -> None:
    """The dashboard's summary, messages and every chart's table build; an indicator with no value shows no
    table (and so no chart), and one with values shows a table holding them."""
    summary = dashboard.summary_table(reg, year, quarter)
    rows = reg.detail("dashboard.indicators")
    assert len(summary.frame) == len(rows) and dashboard.key_messages(reg, year, quarter)
    taken: set[str] = set()
    for r in rows.itertuples(index=False):
        if r.chart == "none":
            assert r.why.startswith("No value up to"), r
            continue
        table = dashboard.points_table(reg, r, f"{year}-{quarter}", taken)
        assert has_values(table), (r.indicator, table.title)


def copy_with(partnership: str, tmp_path: Path, empty=(), keep=None) -> Path:
    """A copy of data/<partnership> with the CSVs in `empty` (or, with `keep`, every CSV but that one) cut to
    their header row."""
    dest = tmp_path / "data" / partnership
    shutil.copytree(REPO / "data" / partnership, dest)
    # the indicators' values need their definitions: emptied with them, kept with them
    empty = set(empty) | ({"indicators.csv"} if "indicator_definitions.csv" in empty else set())
    kept = {keep} | ({"indicator_definitions.csv"} if keep == "indicators.csv" else set())
    for csv in dest.glob("*.csv"):
        if csv.name in empty or (keep is not None and csv.name not in kept):
            csv.write_text(csv.read_text(encoding="utf-8").splitlines(keepends=True)[0], encoding="utf-8")
    return dest


# --- the failures seen -----------------------------------------------------------------------------------------

def test_no_audits_at_all_the_annual_report_says_so_once(tmp_path):
    """Failure 1: audits.csv and audit_shares.csv header-only failed with KeyError in the key messages."""
    folder = copy_with("walsall", tmp_path, empty=("audits.csv", "audit_shares.csv"))
    reg = wsp.figures(wsp.load(folder), Y)
    s = annual.audits(reg, Y)
    assert s.sentences == ("Audit grades for 2023-24 are not available [x]: the data holds none.",)
    assert (s.chart, s.data) == (None, [])
    key = messages.key_messages(reg, Y)
    assert key[0].startswith("82% of training bookings were attended")  # the first area with data leads
    assert key[-1] == ("The data holds nothing for 2023-24 on audit grades or training impact (evaluation forms): "
                       "their figures are not available [x].")


def test_no_referrals_no_chart_and_one_sentence(tmp_path):
    """Failure 2: a header-only referrals.csv drew a chart with NaN axis limits."""
    folder = copy_with("walsall", tmp_path, empty=("referrals.csv",))
    reg = wsp.figures(wsp.load(folder), Y)
    s = annual.referrals(reg, Y)
    assert s.sentences == ("Referral counts for 2023-24 are not available [x]: the data holds none.",)
    assert (s.chart, s.data) == (None, [])
    q = quarterly.referrals(wsp.figures(wsp.load(folder), Y, "Q3"), Y, "Q3")
    assert (len(q.sentences), q.chart, q.data) == (1, None, [])


def test_a_chart_of_nothing_is_refused():
    t = datatables.build("Nothing", [["A", None], ["B", 0]], ["Thing", "Number"], {"Number": "count"})
    assert not charts.drawable(t, ["A", "B"], ["Number"])
    assert not charts.drawable(t, [], ["Number"])  # no rows: what made the NaN axis
    with pytest.raises(ValueError, match="nothing to draw"):
        charts.table_bars(t, ["A", "B"], "Number", "t", "s", "a")
    with pytest.raises(ValueError, match="nothing to draw"):
        charts.table_paired_bars(t, [], ["Number"], "t", "s", "a")


def test_walsall_2022_23_says_what_its_tables_show(walsall):
    """Failure 3 (the page): "audit grades for 2022-23 are not available" above that year's published 35%."""
    reg = wsp.figures(walsall, "2022-23")
    s = annual.audits(reg, "2022-23")
    said = messages.key_messages(reg, "2022-23")[0]  # the key message, said once: the section opens after it
    assert said.startswith("35% of multi-agency audits were graded good (a published percentage; the counts are not "
                           "published), down 25 percentage points from 60% in 2021-22. Whether the fall is more "
                           "than chance cannot be tested: neither year's counts are published")
    assert said not in s.sentences
    by_year = s.data[0]
    assert by_year.display_rows()[-1] == ["2022-23", "0.0%", "35.0%", "50.0%", "15.0%", "[x]",
                                          "published percentages only"]
    assert [t.title for t in s.data] == ["Share of multi-agency audits in each grade, by financial year"]  # no empty
    assert not contradictions(s)
    for name, family in ANNUAL.items():  # the spreadsheet writer is never handed an empty table
        check(name, getattr(annual, name)(reg, "2022-23"), reg, family, "2022-23")


def test_walsall_q3_draws_no_empty_chart_has_key_messages_and_repeats_nothing(walsall):
    """Failure 4: Q3 drew a training chart (axis 0 0 0 1 1 1) and a £0-£1 budget chart, had no key messages
    and repeated a bullet under Actions."""
    reg = wsp.figures(walsall, Y, "Q3")
    for name in ("training", "budget"):
        s = getattr(quarterly, name)(reg, Y, "Q3")
        assert (len(s.sentences), s.chart, s.data) == (1, None, []), name
    assert quarterly.training(reg, Y, "Q3").sentences == (
        "Training counts for Q3 are not available [x]: the data holds none for Q3 2023-24, only for the year as a "
        "whole or for other quarters.",)
    acts = quarterly.actions(reg, Y, "Q3").sentences
    assert len(acts) == len(set(acts))
    assert sum("whether any was overdue at 31 December 2023" in m for m in acts) == 1  # said once, not twice
    assert quarterly.key_messages(reg, Y, "Q3") == [
        "The Q3 audit round (Adolescents and Early Help) graded 5 cases: 1 good, 4 requires improvement.",
        "Referrals to the self-neglect panel received: 9 in Q3, [x] year to date.",
        "Audits and reviews raised three actions in Q3 2023-24: no status stated for any of them.",
        "The data holds nothing for Q3 2023-24 on training or the budget: their figures are not available [x].",
    ]


def test_training_for_q1_only(tmp_path):
    """Failure 5: with training counts for Q1 only, "Training counts for Q1 are not available" sat above a table
    showing them."""
    folder = copy_with("walsall", tmp_path)
    training = folder / "training.csv"
    header = training.read_text(encoding="utf-8").splitlines()[0]
    # 400 bookings = 320 attended + 80 no-shows; 320 / 400 = 80%; 320 / 600 places = 53%
    training.write_text(header + "\n2023-24,Q1,40,45,600,400,50,320,80,500,,,,made up for the test\n",
                        encoding="utf-8")
    ds = wsp.load(folder)
    reg1 = wsp.figures(ds, Y, "Q1")
    q1 = quarterly.training(reg1, Y, "Q1")
    said = "80% of training bookings in Q1 were attended (320 of 400)."
    assert said in quarterly.key_messages(reg1, Y, "Q1") and said not in q1.sentences  # said once, as a key message
    assert not any("not available" in m for m in q1.sentences)
    assert ["Training bookings (attended + no-shows)", "400", "400", "[x]"] in q1.data[0].display_rows()
    q2 = quarterly.training(wsp.figures(ds, Y, "Q2"), Y, "Q2")
    assert q2.sentences == ("Training counts for Q2 are not available [x]: the data holds none for Q2 2023-24, only "
                            "for the year as a whole or for other quarters.",)
    assert (q2.chart, q2.data) == (None, [])  # Q2 and the year to date (Q1 + Q2) are both [x]
    reg = wsp.figures(ds, Y)
    year = annual.training(reg, Y)  # a year needs all four quarters: not available, not Q1's
    assert "Training attendance for 2023-24 is not available [x]." in messages.key_messages(reg, Y)
    assert not contradictions(year) and not contradictions(q1) and not contradictions(q2)


def test_scrutiny_without_audits_does_not_call_them_counts(tmp_path):
    """Failure 6: the scrutiny report of a partnership with no audits said every year's grades "are published as
    counts"."""
    folder = copy_with("walsall", tmp_path, empty=("audits.csv", "audit_shares.csv"))
    reg = wsp.figures(wsp.load(folder), Y, kind="scrutiny")
    part = scrutiny.consistency_findings(reg, Y)
    assert part.sentences == ("No audit grades are recorded for 2023-24 or any year before it [x], so there are no "
                              "published percentages to infer counts from.",)
    demo = wsp.figures(wsp.load(REPO / "data" / "demoshire"), Y, kind="scrutiny")  # counts every year
    assert scrutiny.consistency_findings(demo, Y).sentences == (
        "The audit grades of 2019-20, 2020-21, 2021-22, 2022-23 and 2023-24 are published as counts: there are no "
        "rounded percentages to infer counts from.",)


def test_the_contradiction_check_finds_the_old_wording():
    """The check itself: the two contradictions issue 14 quotes are found."""
    year = datatables.build("Audits by year", [["2022-23", 0.35]], ["Year", "Good"], {"Good": "proportion"})
    assert contradictions(section(["Audit grades for 2022-23 are not available [x]."], None, [year]))
    q = datatables.build("Training", [["Bookings", 400, 400]], ["Measure", "Q1", "Year to date"],
                         {"Q1": "count", "Year to date": "count"})
    assert contradictions(section(["Training counts for Q1 are not available [x]; the data gives training for the "
                                   "whole year only."], None, [q]))
    assert not contradictions(section(["Training counts for Q2 are not available [x]."], None, [q]))


# --- every report kind, each table emptied in turn, and each table alone -------------------------------------

def _variants() -> list[tuple[str, str, str]]:
    out = []
    for p in ("walsall", "demoshire", "triton"):
        filled = sorted(f.name for f in (REPO / "data" / p).glob("*.csv")
                        if len(f.read_text(encoding="utf-8").splitlines()) > 1)
        out += [(p, "empty", name) for name in filled] + [(p, "only", name) for name in filled]
        out.append((p, "nothing", ""))
    return out


@pytest.mark.parametrize("partnership, how, table", _variants())
def test_every_kind_builds_whatever_the_folder_holds(tmp_path, partnership, how, table):
    if how == "empty":
        folder = copy_with(partnership, tmp_path, empty=(table,))
    else:
        folder = copy_with(partnership, tmp_path, keep=table if how == "only" else "none.csv")
    built = build_every_kind(folder)
    assert len(built) == 21


@pytest.mark.parametrize("partnership, year", [("walsall", y) for y in ("2019-20", "2020-21", "2021-22", "2022-23")]
                         + [("demoshire", y) for y in ("2019-20", "2020-21", "2021-22", "2022-23")]
                         + [("triton", y) for y in ("2020-21", "2021-22", "2022-23")])
def test_every_kind_builds_for_every_year_the_data_holds(partnership, year):
    """The years before 2023-24, each with its first quarter (2023-24 is built above with Q3)."""
    assert len(build_every_kind(REPO / "data" / partnership, year, "Q1")) == 21


# --- rendered: every year and quarter of Walsall's data, every kind -----------------------------------------

@pytest.fixture(scope="module")
def walsall_years(tmp_path_factory):
    """Walsall's 2019-20 to 2022-23 annual reports, the four quarters of 2023-24 but Q3 (the session's batch
    renders it), 2019-20's scrutiny report and 2022-23's publication version, rendered through run-all."""
    root = tmp_path_factory.mktemp("walsall-years")
    out, params = root / "reports", root / "params"
    params.mkdir()
    runs = {**{y: f"year: '{y}'\n" for y in ("2019-20", "2020-21", "2021-22", "2022-23")},
            **{f"{Y}-{q}": f"year: '{Y}'\nquarter: {q}\n" for q in ("Q1", "Q2", "Q4")},
            "2019-20-scrutiny": "year: '2019-20'\nnotebook: scrutiny\n",
            "2022-23-publication": "year: '2022-23'\npublication: true\n"}
    for name, body in runs.items():
        (params / f"{name}.yaml").write_text(f"partnership: walsall\n{body}output_dir: '{out}'\n")
    result = run_cli("run-all", str(params), "--workers", "2", "--no-progress")
    assert result.returncode == 0, result.stdout + result.stderr
    return out / "walsall", list(runs)


def test_render_every_walsall_year_and_quarter(walsall_years):
    folder, names = walsall_years
    for name in names:
        page = (folder / name / "report.html").read_text(encoding="utf-8")
        assert "<h1" in page and "Traceback" not in page, name
        if (folder / name / "tables.xlsx").exists():  # every sheet holds a table with at least one row
            book = openpyxl.load_workbook(folder / name / "tables.xlsx", read_only=True)
            for sheet in book.sheetnames[3:]:
                assert book[sheet].max_row >= 3, (name, sheet)
    page = (folder / "2022-23" / "report.html").read_text(encoding="utf-8")
    assert "Audit grades for 2022-23 are not available" not in page
    assert re.search(r"<th scope=\"row\">2022-23</th><td class=\"num\">0.0%</td><td class=\"num\">35.0%</td>"
                     r"<td class=\"num\">50.0%</td><td class=\"num\">15.0%</td>", page)
    q4 = (folder / f"{Y}-Q4" / "report.html").read_text(encoding="utf-8")
    assert ">Key messages</h3>" in q4
    assert q4.count('<figure class="chart">') == 1  # the Q4 audit round; nothing else has data to draw
