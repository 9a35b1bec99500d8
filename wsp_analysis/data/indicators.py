"""The optional tables of a partnership's own indicators: indicators.csv (values by quarter or year) and
indicator_definitions.csv (what each is: label, unit, polarity, priority, target). The dashboard
(calc.dashboard) charts them with the built-in series; the benchmark compares partnerships on those with
numerators and denominators. The checks that need both tables are in checks.py
(indicators_match_definitions)."""
from __future__ import annotations

from wsp_analysis.data import rules, units
from wsp_analysis.data.columns import REFUSE, Column, Table
from wsp_analysis.data.table_checks import (numerator_and_denominator_together, one_frequency_per_indicator,
                                            target_in_unit_range)

POLARITIES = ("higher_is_better", "lower_is_better", "neither")  # which way an indicator improves (calc.spc)


def indicator_tables() -> tuple[Table, Table]:
    """indicators.csv and indicator_definitions.csv: any indicator a partnership tracks, no code needed
    (optional: a folder without them validates as before). The checks that need both (every indicator
    defined, each value agreeing with its numerator and denominator in its unit) are in checks.py."""
    doc = "lowercase letters, digits and _, beginning with a letter (it becomes part of figure ids: " \
          "dashboard.<indicator>.mean)."
    name = Column("indicator", rules.identifier, blank=REFUSE, doc="The indicator's name, as "
                  "indicator_definitions.csv defines it: " + doc)
    defined = Column("indicator", rules.identifier, blank=REFUSE, doc="The indicator's name: " + doc)
    return (
        Table(
            "indicators",
            (
                name,
                Column("year", rules.year, blank=REFUSE,
                       doc="Financial year of the value, April to March (2023-24); a value at a date (a count at 31 "
                           "March) belongs to the year or quarter that date ends."),
                Column("quarter", rules.quarter, doc="Q1 (April-June) to Q4 (January-March); blank for a whole-year "
                                                     "value."),
                Column("value", rules.number, dtype="Float64",
                       doc="The value in the indicator's unit (a proportion 0-1, a percent 0-100, a count, ...); "
                           "blank: not available (never 0)."),
                Column("numerator", rules.count, dtype="Int64", required=False,
                       doc="For a rate: the count on top (e.g. plans that were a second plan); blank with the "
                           "denominator when there is none."),
                Column("denominator", rules.count, dtype="Int64", required=False,
                       doc="For a rate: the count it is out of (e.g. plans started)."),
                Column("source", rules.text, blank=REFUSE, doc="Where the row comes from: the document and its table "
                                                              "or section, or the agency's return."),
            ),
            key=("indicator", "year", "quarter"),
            doc="Values of the partnership's own indicators, one row per indicator and period: by quarter, "
                "or by whole year for an indicator only counted yearly. The dashboard charts every value up to its "
                "period; with numerators and denominators, the benchmark compares partnerships.",
            row_checks=(numerator_and_denominator_together,),
            table_checks=(one_frequency_per_indicator,),
            optional=True,
        ),
        Table(
            "indicator_definitions",
            (
                defined,
                Column("label", rules.text, blank=REFUSE, doc="What the indicator measures, as the dashboard names it."),
                Column("unit", rules.one_of(units.UNITS, "a unit of figures.csv"), blank=REFUSE,
                       doc="One of figures.csv's units: " + ", ".join(units.UNITS) + " (proportion 0-1; percent "
                           "0-100)."),
                Column("polarity", rules.one_of(POLARITIES, "a polarity"), blank=REFUSE,
                       doc="Which way is better: higher_is_better, lower_is_better or neither (a volume to watch)."),
                Column("priority", rules.text, blank=REFUSE, folded=True,
                       doc="The priority or sub-group the indicator belongs to (e.g. Neglect); the dashboard groups "
                           "indicators by it."),
                Column("target", rules.number, dtype="Float64", required=False,
                       doc="The target, in the indicator's unit (blank: none, so no assurance is judged)."),
                Column("source_agency", rules.text, doc="The agency that supplies the values (blank: not stated)."),
                Column("definition", rules.text, blank=REFUSE,
                       doc="How the indicator is counted: numerator, denominator, the date it is counted at."),
                Column("source", rules.text, required=False,
                       doc="Where the definition comes from: the document and its section, or the agency (blank: "
                           "not stated)."),
            ),
            key=("indicator",),
            doc="What each indicator in indicators.csv is: one row per indicator.",
            row_checks=(target_in_unit_range,),
            optional=True,
        ),
    )
