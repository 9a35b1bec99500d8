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

from wsp_analysis.calc.compute import every  # noqa: E402
from wsp_analysis.calc.kinds import KINDS, figures  # noqa: E402
from wsp_analysis.calc.register import Figure, Register, read_csv  # noqa: E402
from wsp_analysis.data.load import Dataset, load, validate  # noqa: E402
from wsp_analysis.data.partnerships import Tables, load_all  # noqa: E402
from wsp_analysis.errors import DataValidationError, NotebookFailed, UsageError, WspError  # noqa: E402

__all__ = ["Dataset", "DataValidationError", "Figure", "KINDS", "NotebookFailed", "Register", "Tables",
           "UsageError", "WspError", "every", "figures", "load", "load_all", "read_csv", "validate"]
