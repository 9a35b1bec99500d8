"""Missing is not zero, as a rule of the core: a figure whose inputs are absent (a table with only its header,
a year or quarter with no rows) is blank, never 0, whichever family it belongs to; a count that really is
zero stays 0."""
from __future__ import annotations

import shutil

import pytest
from conftest import REPO

import wsp_analysis as wsp
from wsp_analysis.calc.compute import FAMILIES
from wsp_analysis.data.schema import tables as table_specs

Y = "2023-24"


def emptied(tmp_path, partnership: str, names) -> wsp.Dataset:
    """A copy of a committed partnership with these tables cut to their header row."""
    folder = tmp_path / partnership
    shutil.copytree(REPO / "data" / partnership, folder)
    specs = table_specs(("x",))
    for name in names:
        path = folder / specs[name].file
        if specs[name].optional and not path.exists():
            continue  # an optional table the folder leaves out holds no rows already
        path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    return wsp.load(folder)


@pytest.mark.parametrize("family", list(FAMILIES))
def test_a_family_whose_tables_hold_only_their_header_is_blank(tmp_path, family):
    ds = emptied(tmp_path, "demoshire", FAMILIES[family].TABLES)
    for quarter in (None, "Q3"):
        reg = wsp.figures(ds, Y, quarter)
        mine = [f for f in reg.frame().itertuples() if f.id.split(".")[0] == {"audits": "audit"}.get(family, family)]
        assert all(f.value is None or f.value != f.value for f in mine), [(f.id, f.value) for f in mine
                                                                          if f.value == f.value][:5]
        assert not any(reg.has_data(family, s) for s in reg.coverage["span"])


def test_every_table_header_only_gives_no_zero_anywhere(tmp_path):
    ds = emptied(tmp_path, "demoshire", [n for n in table_specs(("x",))])
    reg = wsp.figures(ds, Y)
    assert len(reg) > 0
    assert [f.id for f in reg if f.value is not None] == []


@pytest.mark.parametrize("partnership", ["walsall", "demoshire", "triton"])
@pytest.mark.parametrize("quarter", [None, "Q1", "Q4"])
def test_a_year_with_no_data_is_blank(partnership, quarter):
    reg = wsp.figures(wsp.load(REPO / "data" / partnership), "2025-26", quarter)
    stated = [f for f in reg if f.period.startswith("2025-26")]
    assert stated and all(f.value is None for f in stated), [f.id for f in stated if f.value is not None][:5]
    assert "actions.raised" in {f.id for f in stated} or quarter  # the example: never 0


def test_a_header_only_budget_gives_blank_unbudgeted_spend(tmp_path):
    reg = wsp.figures(emptied(tmp_path, "walsall", ["budget"]), Y)
    for id_ in ("budget.unbudgeted_spend", "budget.unbudgeted_income", "budget.net_position",
                "budget.expenditure.variance"):
        assert reg.value(id_, Y) is None, id_
    assert reg.value("budget.reserve.brought_forward", Y) == 299260  # reserves.csv still holds it


def test_a_real_zero_stays_zero(register):
    # Walsall 2023-24: 20 audits graded, none outstanding and none inadequate
    assert register.value("audit.share.inadequate", Y) == 0 and register.get("audit.share.inadequate", Y).numerator == 0
    assert register.value("actions.ongoing", f"{Y}") == 2


def test_coverage_says_which_spans_had_data(register):
    assert register.has_data("training", Y) and register.has_data("audits", Y)
    assert not register.has_data("impact", Y)  # Walsall has no evaluation forms
    assert register.has_data("audits", "2022-23")  # published percentages count as data
