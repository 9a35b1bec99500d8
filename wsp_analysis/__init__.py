"""wsp-analysis: audit, training, referral, budget, actions and Section 11 figures for UK safeguarding
partnerships, from tidy CSV tables, rendered as accessible reports.

    import wsp_analysis as wsp
    ds = wsp.load("data/walsall")                 # validated tables (DataValidationError lists problems)
    reg = wsp.figures(ds, "2023-24")              # every figure the annual report states (a Register)
    reg = wsp.figures(ds, "2023-24", "Q3")        # the quarterly report's
    reg = wsp.figures(ds, "2023-24", "Q4", kind="dashboard")   # every indicator judged by SPC (calc.dashboard)
    reg.frame()                                   # as a DataFrame with figures.csv's columns
    frame = wsp.every(wsp.load_all("data"))       # every annual figure of every partnership and year

The layout follows the data flow: data/ (read and check the tables), calc/ (the figures, once),
report/ (what a page says and shows), publish/ (render, spreadsheets, manifest, run-all), scrutiny/
(verify), returns/ (agency returns), cli.py.
"""
__version__ = "0.1.0"

import importlib

from wsp_analysis.errors import DataValidationError, NotebookFailed, UsageError, WspError  # noqa: E402

# The API, imported when first used (PEP 562): `wsp-analysis report` renders in a kernel and its own
# process reads only data/ and publish/, so importing calc/ (scipy) up front would cost every report about
# half a second for nothing.
_LAZY = {"every": "wsp_analysis.calc.compute", "KINDS": "wsp_analysis.calc.kinds", "figures": "wsp_analysis.calc.kinds",
         "Figure": "wsp_analysis.calc.register", "Register": "wsp_analysis.calc.register",
         "read_csv": "wsp_analysis.calc.register", "Dataset": "wsp_analysis.data.load", "load": "wsp_analysis.data.load",
         "validate": "wsp_analysis.data.load", "Tables": "wsp_analysis.data.partnerships",
         "load_all": "wsp_analysis.data.partnerships"}

__all__ = ["Dataset", "DataValidationError", "Figure", "KINDS", "NotebookFailed", "Register", "Tables",
           "UsageError", "WspError", "every", "figures", "load", "load_all", "read_csv", "validate"]


def __getattr__(name: str):
    """wsp.load, wsp.figures, ...: the API's names, each imported from its module when first used."""
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'wsp_analysis' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
