"""The rendered reports in a real browser: Debian's chromium, driven by playwright, offline.

Every request the page makes is recorded and only file: and data: URLs are let through; axe-core
checks WCAG 2.2 AA; screenshots (a laptop at 1280x800, a phone at 390 pixels wide, the first printed
page) are written for a person to look at. The page is read as a board member would: the answer at a
glance in the first screen, nothing wider than a phone, and page numbers and the status on every
printed page (Chromium's own header and footer off: they come from the page's CSS). These tests fail,
never skip, when chromium or poppler-utils is missing: `.ci/run` installs them.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from conftest import REPO, YEAR
from playwright.sync_api import sync_playwright

import wsp_analysis as wsp
from wsp_analysis.report import annual as sections
from wsp_analysis import format as fmt
from wsp_analysis.report import glance, glance_quarterly, glossary

LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--no-first-run"]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
ARTIFACTS = REPO / "reports" / "test-artifacts"
SIZE_BUDGET = 300_000  # bytes, the annual Walsall report (issue 4)


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail("chromium is not installed: `apt-get install -y chromium` (Debian); .ci/run does this")
    return path


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=LAUNCH_ARGS)
        yield b
        b.close()


def open_offline(browser, path: Path, viewport=(1024, 1400), **context_options):
    """Open a file with every request recorded and only file: and data: URLs let through.
    Returns the page, the URLs refused, and every URL requested."""
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]}, **context_options)
    page = context.new_page()
    blocked, seen = [], []

    def gate(route):
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    page.route("**/*", gate)
    page.on("request", lambda request: seen.append(request.url))
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_load_state("networkidle")
    return page, blocked, seen


@pytest.fixture(scope="module")
def report(browser, rendered):
    """The annual report opened once, offline."""
    page, blocked, seen = open_offline(browser, rendered / "report.html")
    yield page, blocked, seen
    page.context.close()


def run_axe(page) -> list[dict]:
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS},
                                       "resultTypes": ["violations"]})
    assert results.response["testEngine"]["version"].startswith("4.")  # axe-core really ran
    return results.response["violations"]


def readable(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']}\n" + "\n".join(
            f"    {', '.join(map(str, n['target']))}: {n.get('failureSummary', '').replace(chr(10), ' ')}"
            for n in v["nodes"])
        for v in violations)


def test_the_checks_catch_a_bad_page(browser, tmp_path):
    """The harness itself: a page that fetches from the network and fails WCAG is caught on both counts."""
    bad = tmp_path / "bad.html"
    bad.write_text('<!DOCTYPE html><html><head><title>x</title></head><body>'
                   '<img src="http://wsp-test.invalid/chart.png"><p style="color:#ccc">faint</p></body></html>')
    page, blocked, _ = open_offline(browser, bad)
    assert blocked == ["http://wsp-test.invalid/chart.png"]
    ids = {v["id"] for v in run_axe(page)}
    assert {"image-alt", "html-has-lang", "color-contrast"} <= ids, ids
    page.context.close()


def test_nothing_is_requested_from_the_network(report):
    page, blocked, seen = report
    assert blocked == []
    assert [u for u in seen if not u.startswith(("file:", "data:"))] == []
    assert seen and seen[0].startswith("file:")  # the recorder did see the page itself


def test_axe_finds_no_wcag_22_aa_violations(report):
    page, _, _ = report
    violations = run_axe(page)
    assert violations == [], f"axe-core found {len(violations)} violation(s):\n{readable(violations)}"


def test_screenshot_is_written(report):
    page, _, _ = report
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / f"walsall-{YEAR}-annual.png"
    page.screenshot(path=str(shot), full_page=True)
    print(f"\nscreenshot: {shot}")
    assert shot.stat().st_size > 50_000  # a whole page of text and four charts, not a blank frame
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_report_reads_without_javascript(browser, rendered):
    html = (rendered / "report.html").read_text(encoding="utf-8")
    assert "<script" not in html.lower()
    page, blocked, _ = open_offline(browser, rendered / "report.html", java_script_enabled=False)
    assert blocked == []
    assert page.locator("h1").inner_text() == f"Walsall Safeguarding Partnership: annual report {YEAR}"
    assert page.get_by_role("img").count() == 4
    assert "82% of training bookings were attended (1,333 of 1,617)" in page.locator("main").inner_text()
    page.context.close()


def test_report_is_under_the_size_budget(rendered):
    size = (rendered / "report.html").stat().st_size
    print(f"\nreport.html: {size:,} bytes")
    assert size < SIZE_BUDGET


def test_page_structure(report):
    page, _, _ = report
    assert page.evaluate("document.documentElement.lang") == "en-GB"
    assert page.title() == f"Walsall Safeguarding Partnership: annual report {YEAR}"
    levels = page.evaluate("[...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => +h.tagName[1])")
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:])), levels  # no level skipped going down
    header = page.locator("header").inner_text()
    for fact in ("Walsall Safeguarding Partnership", "1 April 2023 to 31 March 2024", "Draft", "Published ",
                 "Contact: Walsall Safeguarding Partnership, https://www.walsallsp.co.uk"):
        assert fact in header, fact
    contents = page.locator("nav.contents a").all_inner_texts()
    assert contents[:5] == ["At a glance", "Audits", "Training", "Referrals", "Budget"]
    assert contents[-3:] == ["Appendix: detailed tables", "About these figures", "Glossary"]
    for href in page.locator("nav.contents a").evaluate_all("links => links.map(a => a.getAttribute('href'))"):
        assert page.locator(href).count() == 1  # every contents entry leads somewhere
    first_section = page.locator("main section").first.locator("h2").inner_text()
    assert first_section == "At a glance"


def test_print_layout_keeps_headings_with_their_sections_and_rows_whole(report):
    page, _, _ = report
    page.emulate_media(media="print")
    try:
        style = lambda sel, prop: page.locator(sel).evaluate_all(  # noqa: E731
            f"es => [...new Set(es.map(e => getComputedStyle(e).{prop}))]")
        assert style("main h2", "breakAfter") == ["avoid"] and style("main h3", "breakAfter") == ["avoid"]
        assert style("tr", "breakInside") == ["avoid"] and style("table", "breakInside") == ["avoid"]
        assert style("#appendix-detailed-tables, #glossary", "breakBefore") == ["page"]
        assert style("figure.chart .chart-narrow", "display") == ["none"]  # paper gets the laptop's drawing
    finally:
        page.emulate_media(media="screen")


@pytest.fixture(scope="module")
def library_sections(register):
    """The four sections as the library makes them: the values the page must show."""
    return [f(register, YEAR) for f in (sections.audits, sections.training, sections.referrals, sections.budget)]


def _source_table(section):
    return next(d for d in section.data if d.title == section.chart.table)


def _figures_in_page(page) -> list[dict]:
    """Each chart as the browser exposes it: its accessible name, and the table that follows it."""
    return page.evaluate("""() => [...document.querySelectorAll('figure.chart')].map(fig => {
        const img = fig.querySelector('[role=img], img');
        const name = img.tagName === 'IMG' ? img.alt :
            img.getAttribute('aria-labelledby').split(' ').map(id => document.getElementById(id).textContent).join(' ');
        let next = fig.nextElementSibling;
        while (next && !next.querySelector('table')) next = next.nextElementSibling;
        const table = next.querySelector('table');
        const head = [...table.tHead.rows[0].cells].map(c => c.textContent);
        const rows = [...table.tBodies[0].rows].map(r => [...r.cells].map(c => c.textContent));
        return {name, caption: table.caption.textContent, head, rows};
    })""")


def test_every_chart_has_alt_text_naming_its_numbers(report, library_sections):
    page, _, _ = report
    shown = _figures_in_page(page)
    assert len(shown) == len(library_sections) == 4
    for section, fig in zip(library_sections, shown):
        chart, table, name = section.chart, _source_table(section), fig["name"]
        assert name.startswith(chart.title)
        assert len(chart.points) >= 3
        for row, column, value in chart.points:
            # prose style, as the key messages say it: "2,412", "20%", "£301,521", or [x] when not available
            kind = table.kind(table.row_index(row), column)
            said = fmt.NOT_AVAILABLE if fmt.is_missing(value) else {
                "count": fmt.count, "proportion": fmt.pct, "gbp": fmt.gbp}[kind](value)
            assert any(f"{label}{sep}{said}" in name for label in (row, column) for sep in (" ", ": ")), \
                (row, column, said, name)


def test_every_chart_has_a_table_with_the_same_values(report, library_sections):
    page, _, _ = report
    shown = _figures_in_page(page)
    for section, fig in zip(library_sections, shown):
        chart, table = section.chart, _source_table(section)
        assert section.data[0] is table  # the chart's own table comes first, right beside it
        assert re.fullmatch(rf"Table \d+: {re.escape(chart.table)}", fig["caption"])
        for row, column, value in chart.points:
            stored = table.value(row, column)
            assert (fmt.is_missing(value) and fmt.is_missing(stored)) or stored == value
            cells = next(r for r in fig["rows"] if r[0] == row)
            assert cells[fig["head"].index(column)] == fmt.cell(value, table.kind(table.row_index(row), column)), \
                (row, column)


@pytest.mark.parametrize("partnership, period", [("walsall", "2023-24-Q3"), ("demoshire", "2023-24-Q3"),
                                                 ("demoshire", "2023-24")])
def test_other_reports_are_offline_and_pass_axe(browser, batch, partnership, period):
    """Quarterly reports, and a synthetic partnership's annual report, meet the same bar as Walsall's."""
    page, blocked, seen = open_offline(browser, batch / partnership / period / "report.html")
    try:
        assert blocked == [] and all(u.startswith(("file:", "data:")) for u in seen)
        violations = run_axe(page)
        assert violations == [], readable(violations)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shot = ARTIFACTS / f"{partnership}-{period}.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000
        assert len(page.query_selector_all("h1")) == 1
    finally:
        page.context.close()


def test_scrutiny_report_is_offline_and_passes_axe(browser, scrutiny_rendered):
    """The scrutineer's report (reconciliation, consistency, manifest) meets the executive report's bar."""
    page, blocked, seen = open_offline(browser, scrutiny_rendered / "report.html")
    try:
        assert blocked == [] and all(u.startswith(("file:", "data:")) for u in seen)
        violations = run_axe(page)
        assert violations == [], readable(violations)
        assert page.locator("h1").all_inner_texts() == [f"Walsall Safeguarding Partnership: scrutiny report {YEAR}"]
        assert page.locator("nav.contents a").all_inner_texts()[:5] == [
            "At a glance", "About this report", "Reconciliation with the published report",
            "Counts behind rounded percentages", "Manifest"]
        main = page.locator("main").inner_text()
        assert "percent_for_points" in main and "If the counts were" in main
        footer = page.locator("footer").inner_text()
        assert f"wsp-analysis report --partnership walsall --year {YEAR} --notebook scrutiny" in footer
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shot = ARTIFACTS / f"walsall-{YEAR}-scrutiny.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 50_000
    finally:
        page.context.close()


def test_publication_report_is_offline_and_passes_axe(browser, publication_rendered):
    page, blocked, seen = open_offline(browser, publication_rendered / "report.html")
    try:
        assert blocked == []
        violations = run_axe(page)
        assert violations == [], readable(violations)
        assert len(page.query_selector_all("h1")) == 1
        assert not page.query_selector_all("svg, img")  # tables only: no bar can show a suppressed value
    finally:
        page.context.close()


@pytest.mark.parametrize("which", ["dashboard", "benchmark"])
def test_dashboard_and_benchmark_are_offline_pass_axe_and_fit_the_budget(browser, which, dashboard_rendered,
                                                                         benchmark_rendered):
    """The dashboard (Demoshire, 2023-24 Q4) and the benchmark meet every page's bar: no request leaves the
    page, axe-core finds no WCAG 2.2 AA violation, one h1, no level skipped, under 300 KB."""
    folder = dashboard_rendered if which == "dashboard" else benchmark_rendered
    assert (folder / "report.html").stat().st_size < SIZE_BUDGET
    page, blocked, seen = open_offline(browser, folder / "report.html")
    try:
        assert blocked == [] and all(u.startswith(("file:", "data:")) for u in seen)
        violations = run_axe(page)
        assert violations == [], readable(violations)
        levels = page.evaluate("[...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => +h.tagName[1])")
        assert levels.count(1) == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:])), levels
        charts = page.locator("figure.chart [role=img]")
        assert charts.count() >= 4
        names = charts.evaluate_all("cs => cs.map(c => c.getAttribute('aria-labelledby').split(' ')"
                                    ".map(id => document.getElementById(id).textContent).join(' '))")
        said = "Funnel plot of " if which == "benchmark" else " chart of "  # XmR or run chart
        assert all(said in name and re.search(r"\d", name) for name in names), names  # alt text names numbers
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shot = ARTIFACTS / f"{which}-{YEAR}-Q4.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 50_000
    finally:
        page.context.close()


# --- the executive's page: at a glance, a phone, paper (issue 17) --------------------------------------------

LAPTOP, PHONE = (1280, 800), (390, 844)
PHONE_TEXT_PX = 11  # the smallest chart text a phone shows, in CSS pixels
SCREENS_BEFORE_APPENDIX = 8  # the annual page's length on a laptop before its appendix


@pytest.fixture(scope="module")
def pages(rendered, batch, scrutiny_rendered, publication_rendered):
    """Every report kind's folder, by name: annual, quarterly, publication and scrutiny, Walsall's and Demoshire's."""
    return {"walsall-annual": rendered, "walsall-Q3": batch / "walsall" / f"{YEAR}-Q3",
            "demoshire-annual": batch / "demoshire" / YEAR, "demoshire-Q3": batch / "demoshire" / f"{YEAR}-Q3",
            "walsall-publication": publication_rendered, "walsall-scrutiny": scrutiny_rendered}


EVERY_KIND = ["walsall-annual", "walsall-Q3", "demoshire-annual", "demoshire-Q3", "walsall-publication",
              "walsall-scrutiny"]


def expected_tiles(name: str) -> list:
    """The tiles the library makes for a page (report.glance), from the register as the notebook computes it."""
    partnership, kind = name.split("-")
    ds = wsp.load(REPO / "data" / partnership)
    if kind.startswith("Q"):
        return glance_quarterly.tiles(wsp.figures(ds, YEAR, kind, kind="quarterly"), YEAR, kind)
    if kind == "scrutiny":
        from wsp_analysis.report import scrutiny
        return scrutiny.tiles(wsp.figures(ds, YEAR, kind="scrutiny"), YEAR)
    return glance.annual(wsp.figures(ds, YEAR, kind=kind), YEAR)


def page_words(page) -> str:
    """Every text node of the page's body joined by spaces (charts' words included), as glossary.unexplained reads
    a page; unlike innerText it ignores CSS capitals (the status tag shows "Draft" as DRAFT)."""
    return page.evaluate("""() => { const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        const out = []; while (w.nextNode()) out.push(w.currentNode.textContent); return out.join(' '); }""")


@pytest.mark.parametrize("name", EVERY_KIND)
def test_the_answer_is_in_the_first_screen(browser, pages, name):
    """At 1280x800 every tile's headline number, its words and the overall judgement are inside the first
    viewport, without scrolling; the numbers are the library's, in the report's number style."""
    page, _, _ = open_offline(browser, pages[name] / "report.html", LAPTOP)
    try:
        tiles = expected_tiles(name)
        assert tiles, name
        shown = page.locator(".tile-number").all_inner_texts()
        assert shown == [t.headline for t in tiles]
        for sel in (".tile-number", ".tile-judgement", ".overall"):
            boxes = page.locator(sel).evaluate_all("es => es.map(e => e.getBoundingClientRect())")
            assert boxes and all(0 <= b["top"] and b["bottom"] <= LAPTOP[1] and b["right"] <= LAPTOP[0]
                                 for b in boxes), (name, sel, boxes)
        assert page.evaluate("scrollY") == 0
        if name in ("walsall-annual", "walsall-Q3", "demoshire-annual"):
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"{name}-laptop.png"))
    finally:
        page.context.close()


def test_walsall_tiles_say_the_year_in_numbers_and_words(browser, rendered):
    """The headlines as the annual report states them: 20% graded good, 82% attended, 5 referrals, £192,908 (51%)
    over budget, 71% of actions completed (5 of 7); each with its change and a judgement in words."""
    page, _, _ = open_offline(browser, rendered / "report.html", LAPTOP)
    try:
        tiles = page.locator(".tile").all_inner_texts()
        assert [[line for line in t.split("\n") if line][:2] for t in tiles] == [["Audits", "20%"], ["Training", "82%"], ["Referrals", "5"],
                                                      ["Budget", "£192,908"], ["Actions", "71%"]]
        assert "of audits graded good (4 of 20)" in tiles[0] and "Down 15 percentage points from 35%" in tiles[0]
        assert "51% over budget on spending" in tiles[3] and "Needs attention: adverse, rated red" in tiles[3]
        assert "of actions completed (5 of 7)" in tiles[4]
        overall = page.locator(".overall").inner_text()
        assert overall.startswith("Overall judgement: One of the five areas needs attention: the budget.")
        # the key messages follow, each once on the page: no section opens with one
        key = page.locator("h3:has-text('Key messages') + ul li").all_inner_texts()
        assert len(key) == 6
        firsts = page.locator("main section").evaluate_all(
            "ss => ss.map(s => s.querySelector('ul.messages li')).filter(Boolean).map(li => li.innerText)")
        assert not set(key) & set(firsts[1:])
        words = page.locator("body").inner_text()
        assert [words.count(k) for k in key] == [1] * len(key)
    finally:
        page.context.close()


@pytest.mark.parametrize("name", EVERY_KIND)
def test_a_phone_shows_everything_without_sideways_scrolling(browser, pages, name):
    """At 390 pixels wide nothing overflows the page; each table sits in a labelled region a keyboard can
    scroll; every chart's smallest text is at least 11 pixels."""
    page, _, _ = open_offline(browser, pages[name] / "report.html", PHONE, is_mobile=True, has_touch=True)
    try:
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]
        regions = page.locator("table").evaluate_all("""ts => ts.map(t => { const r = t.closest('.table-wrap');
            return r && [r.getAttribute('role'), !!r.getAttribute('aria-label'), r.getAttribute('tabindex')]; })""")
        assert regions and all(r == ["region", True, "0"] for r in regions), regions
        smallest = page.evaluate("""() => { let least = Infinity;
            for (const svg of document.querySelectorAll('svg')) {
                if (!svg.getBoundingClientRect().width) continue;  // the laptop's drawing, hidden here
                const k = svg.getScreenCTM().a;
                for (const t of svg.querySelectorAll('text'))
                    least = Math.min(least, parseFloat(getComputedStyle(t).fontSize) * k);
            } return least; }""")
        if name in ("walsall-publication", "walsall-scrutiny"):  # tables only: no chart to read
            assert smallest == float("inf")
        else:
            assert PHONE_TEXT_PX <= smallest < 40, smallest
        if name in ("walsall-annual", "walsall-Q3", "demoshire-annual"):
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"{name}-phone.png"), full_page=True)
    finally:
        page.context.close()


def pdf_pages(pdf: Path) -> list[str]:
    """The text of each page of a PDF, by poppler's pdftotext."""
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    n = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    return [subprocess.run(["pdftotext", "-layout", "-f", str(i), "-l", str(i), str(pdf), "-"], capture_output=True,
                           text=True, check=True).stdout for i in range(1, n + 1)]


@pytest.mark.parametrize("name", ["walsall-annual", "walsall-Q3", "demoshire-annual", "walsall-scrutiny"])
def test_every_printed_page_has_its_number_and_the_status(browser, pages, name):
    """Printed by Chromium on A4 with its own header and footer off, every page carries "Page n of N" and the
    status (DRAFT) from the page's own CSS, and the report's title as a running header."""
    if not shutil.which("pdftotext") or not shutil.which("pdftoppm"):
        pytest.fail("poppler-utils is not installed: `apt-get install -y poppler-utils`; .ci/run does this")
    page, _, _ = open_offline(browser, pages[name] / "report.html")
    try:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        pdf = ARTIFACTS / f"{name}.pdf"
        pdf.write_bytes(page.pdf(format="A4", display_header_footer=False, print_background=True))
        title = page.locator("h1").inner_text()
    finally:
        page.context.close()
    texts = pdf_pages(pdf)
    assert len(texts) >= 2
    for n, text in enumerate(texts, start=1):
        assert f"Page {n} of {len(texts)}" in text, (n, text[-300:])
        assert "DRAFT" in text, n
        assert title.split(":")[0] in text, n  # the partnership, in the running header
    subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                    str(ARTIFACTS / f"{name}-print-page-1")], check=True)
    assert (ARTIFACTS / f"{name}-print-page-1.png").stat().st_size > 20_000
    print(f"\n{name}: {len(texts)} A4 pages")


@pytest.mark.parametrize("name", EVERY_KIND)
def test_the_glossary_explains_every_abbreviation_and_named_test(browser, pages, name):
    """Every abbreviation (two or more capitals) and named test the page uses is in its glossary, and each term
    is a link from its first use to its entry."""
    page, _, _ = open_offline(browser, pages[name] / "report.html")
    try:
        entries = page.locator("dl.glossary div").evaluate_all(
            "ds => ds.map(d => [d.querySelector('dt').textContent, d.querySelector('dd').textContent, "
            "d.querySelector('dt').id])")
        terms = tuple(glossary.Term(t, m) for t, m, _ in entries)
        assert glossary.unexplained(page_words(page), terms) == []
        names = {t for t, _, _ in entries}
        for must in (["RAG", "CSPR", "SAR", "SCR", "S31", "CAMHS", "PQA", "[x]", "[z]", "percentage points",
                      "95% interval", "Wilson score interval"] if name == "walsall-annual" else
                     ["Fisher's exact test", "linear-by-linear trend test", "two-proportion z-test",
                      "Wilcoxon signed-rank test", "p-value"] if name == "demoshire-annual" else []):
            assert must in names, must
        links = page.locator("a.term").evaluate_all("as => as.map(a => a.getAttribute('href'))")
        assert len(links) == len(set(links))  # each term linked once: at its first use
        for href in links:
            assert page.locator(href).count() == 1
    finally:
        page.context.close()


def test_downloads_sit_beside_the_title_as_relative_links(browser, rendered):
    page, blocked, _ = open_offline(browser, rendered / "report.html", LAPTOP)
    try:
        hrefs = page.locator("nav.downloads a").evaluate_all("as => as.map(a => a.getAttribute('href'))")
        assert hrefs == ["figures.csv", "tables.xlsx", "tables.ods", "report.ipynb"]
        assert all((rendered / h).is_file() for h in hrefs)
        box = page.locator("nav.downloads").bounding_box()
        assert box["y"] + box["height"] <= LAPTOP[1] / 2  # beside the title, in the top half of the first screen
        assert blocked == []
    finally:
        page.context.close()


def test_the_annual_page_reads_in_eight_laptop_screens_before_its_appendix(browser, rendered, batch):
    """Detail tables (actions by source and each action, training impact by course, the intervals, audit
    rounds) are in the appendix, so the annual page is at most eight 1280x800 screens before it: Walsall's,
    and Demoshire's, which has more courses, budget lines and actions."""
    for folder in (rendered, batch / "demoshire" / YEAR):
        page, _, _ = open_offline(browser, folder / "report.html", LAPTOP)
        try:
            top = page.locator("#appendix-detailed-tables").evaluate("h => h.getBoundingClientRect().top + scrollY")
            screens = top / LAPTOP[1]
            total = page.evaluate("document.documentElement.scrollHeight") / LAPTOP[1]
            words = len(page.locator("body").inner_text().split())
            print(f"\n{folder.parent.name}: {screens:.1f} screens before the appendix, {total:.1f} in all, "
                  f"{words:,} words")
            assert screens <= SCREENS_BEFORE_APPENDIX
            appendix = page.locator("section:has(#appendix-detailed-tables)").inner_text()
            assert "Each action from audits and reviews" in appendix
        finally:
            page.context.close()


@pytest.mark.parametrize("name", EVERY_KIND)
def test_every_kind_is_under_the_size_budget(pages, name):
    size = (pages[name] / "report.html").stat().st_size
    print(f"\n{name}: {size:,} bytes")
    assert size < SIZE_BUDGET
