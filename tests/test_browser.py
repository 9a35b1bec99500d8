"""The rendered annual report in a real browser: Debian's chromium, driven by playwright, offline.

Every request the page makes is recorded and only file: and data: URLs are let through; axe-core
checks WCAG 2.2 AA; a screenshot is written for a person to look at. These tests fail, never skip,
when chromium is missing: `.ci/run` installs it (apt-get install chromium).
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from conftest import REPO, YEAR
from playwright.sync_api import sync_playwright

from wsp_analysis.report import format as fmt
from wsp_analysis.report import annual as sections

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


def open_offline(browser, path: Path, **context_options):
    """Open a file with every request recorded and only file: and data: URLs let through.
    Returns the page, the URLs refused, and every URL requested."""
    context = browser.new_context(viewport={"width": 1024, "height": 1400}, **context_options)
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
    for fact in ("Walsall Safeguarding Partnership", "1 April 2023 to 31 March 2024", "Draft"):
        assert fact in header
    contents = page.locator("nav a").all_inner_texts()
    assert contents[:5] == ["Key messages", "Audits", "Training", "Referrals", "Budget"]
    for href in page.locator("nav a").evaluate_all("links => links.map(a => a.getAttribute('href'))"):
        assert page.locator(href).count() == 1  # every contents entry leads somewhere
    first_section = page.locator("main section").first.locator("h2").inner_text()
    assert first_section == "Key messages"


def test_print_layout_breaks_before_sections_and_keeps_tables_whole(report):
    page, _, _ = report
    page.emulate_media(media="print")
    try:
        breaks = page.locator("main section").evaluate_all("s => s.map(e => getComputedStyle(e).breakBefore)")
        assert breaks[0] != "page" and set(breaks[1:]) == {"page"}
        tables = page.locator("table").evaluate_all("t => t.map(e => getComputedStyle(e).breakInside)")
        assert set(tables) == {"avoid"}
        pdf = page.pdf(format="A4")
        assert pdf[:5] == b"%PDF-"
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
        assert page.locator("nav a").all_inner_texts()[:4] == ["About this report",
                                                               "Reconciliation with the published report",
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
