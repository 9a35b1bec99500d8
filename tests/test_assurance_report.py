"""The rendered reports carry both assurance sections: actions from audits and reviews (status in words)
and Section 11 self-assessments. Uses the session's rendered reports; renders nothing itself."""
from __future__ import annotations

import csv
import re
from html import unescape

Y = "2023-24"


def text(folder) -> str:
    """The report's visible text, tags removed, entities decoded, spaces collapsed."""
    html = (folder / "report.html").read_text(encoding="utf-8")
    html = re.sub(r"<svg.*?</svg>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def section(page: str, heading: str, following: str) -> str:
    return page[page.index(heading):page.index(following, page.index(heading) + len(heading))]


def figures(folder) -> dict[tuple[str, str], dict]:
    with (folder / "figures.csv").open(encoding="utf-8") as f:
        return {(r["id"], r["period"]): r for r in csv.DictReader(f)}


def test_walsall_annual_report_has_both_sections(rendered):
    html = (rendered / "report.html").read_text(encoding="utf-8")
    headings = re.findall(r"<h2[^>]*>(.*?)<", html)
    assert "Actions from audits and reviews" in headings and "Section 11 self-assessments" in headings
    page = text(rendered)
    key = section(page, "Key messages", "Audits Each quarter")
    acts = section(page, "Actions from audits and reviews Each audit", "Section 11 self-assessments Agencies")
    said = ("Audits and reviews raised 10 actions in 2023-24: five completed, two ongoing and three whose status is "
            "not stated.")
    assert said in key and said not in acts  # a key message, said once: the section opens with what it adds
    assert "71% of the seven with a stated status are completed (5 of 7)" in acts
    assert "SCR W6: all its actions are reported completed; their number is not given" in acts
    # the tables (by source, each action with its status in words, not colour alone) and the attendance list
    # are in the appendix: the section says it in words
    appendix = section(page, "Appendix: detailed tables The tables", "About these figures Every")
    assert "SCR W6 [x] [x] [x] [x] 100.0% [x] All reported completed; number not given" not in acts
    assert "SCR W6 [x] [x] [x] [x] 100.0% [x] All reported completed; number not given" in appendix
    assert "By source: Q1 audit: Child Sexual Abuse (four actions: two completed and two ongoing)" in acts
    assert "Develop a CSA pathway" not in acts
    assert "Develop a CSA pathway CSA Sub-Group [x] Ongoing" in appendix
    assert "Promote the school nursing offer and how to refer to it School nursing service [x] Status not stated" in appendix
    s11 = section(page, "Section 11 self-assessments Agencies", "Appendix: detailed tables The tables")
    assert ("The Section 11 assurance event on 9 August 2023 was attended by 17 organisations, listed in the "
            "appendix.") in s11
    assert "Their self-assessment grades are not published" in s11
    # one event: its date once, in the title, not on each of the 17 rows
    assert "Organisations that attended the Section 11 assurance event on 9 August 2023" in appendix
    assert appendix.count("9 August 2023") == 2  # the title as shown and as the caption, and on no row
    for org in ("Black Country Healthcare NHS Foundation Trust", "Street Teams",
                "Probation Service (Walsall and Wolverhampton)", "Walsall Council Sports, Culture & Leisure"):
        assert org in appendix and org not in s11, org


def test_walsall_annual_figures_csv_holds_the_assurance_figures(rendered):
    f = figures(rendered)
    assert [f[(k, Y)]["value"] for k in ("actions.raised", "actions.completed", "actions.ongoing",
                                         "actions.not_stated")] == ["10", "5", "2", "3"]
    share = f[("actions.completed_share", Y)]
    assert (share["numerator"], share["denominator"], share["unit"]) == ("5", "7", "proportion")
    assert share["ci_low"] and share["ci_high"]
    assert f[("actions.overdue", Y)]["value"] == ""  # no due dates: not available, never 0
    assert f[("section11.attended", Y)]["value"] == "17"
    assert f[("section11.agencies", Y)]["value"] == ""
    assert f[("actions.raised", Y)]["source"] == "data/walsall/actions.csv"
    assert f[("section11.attended", Y)]["source"] == "data/walsall/section11_attendance.csv"


def test_walsall_quarter_shows_the_quarters_actions_and_the_year_to_date(batch):
    folder = batch / "walsall" / f"{Y}-Q3"
    page = text(folder)
    assert "Audits and reviews raised three actions in Q3 2023-24: no status stated for any of them." in page
    assert "Year to date: audits and reviews raised 10 actions in 2023-24 to the end of Q3" in page
    assert "Actions raised 3 10" in page
    f = figures(folder)
    assert f[("actions.raised", f"{Y}-Q3")]["value"] == "3"
    assert f[("actions.raised.ytd", f"{Y}-Q3")]["value"] == "10"
    assert f[("section11.attended.ytd", f"{Y}-Q3")]["value"] == "17"


def test_demoshire_annual_report_shows_synthetic_grades_and_who_was_moderated_lower(batch):
    folder = batch / "demoshire" / Y
    page = text(folder)
    s11 = section(page, "Section 11 self-assessments Agencies", "Appendix: detailed tables The tables")
    appendix = section(page, "Appendix: detailed tables The tables", "About these figures Every")
    assert "In the 2023-24 round, 10 agencies graded themselves against the Section 11 standards" in s11
    assert "It moderated eight grades lower than the agency's own (27%; 8 of 30)" in s11
    assert "Demoshire Housing (three)" in s11
    assert "Demoshire Housing 6 Information sharing Partially met Not met" in appendix  # grades in words
    assert "up seven percentage points from 43% in the 2021-22 round" in s11
    acts = section(page, "Actions from audits and reviews Each audit", "Section 11 self-assessments Agencies")
    assert "At 31 March 2024, two of the 14 actions with a due date were overdue" in acts
    assert " Overdue" in appendix and "Not overdue" in appendix
    f = figures(folder)
    assert f[("actions.overdue", Y)]["value"] == "2"
    assert f[("section11.moderated_lower", Y)]["value"] == "8"
    assert f[("section11.agencies_moderated_lower", Y)]["value"] == "4"
