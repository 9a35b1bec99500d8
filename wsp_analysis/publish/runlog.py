"""The log a scheduler reads: one line per event on standard error, each beginning with its time.

    2026-11-30T02:00:03 wsp-analysis: rendering walsall 2023-24 with annual_report.ipynb

Configured once, by the command line (`configure`); the library only calls logging.getLogger
("wsp_analysis"). Only the package's own records are written: papermill, nbclient, jupyter_client and
traitlets narrate every run (unknown parameters, kernel start-up, zmq contexts they could not
destroy), and their failures reach us as exceptions, which the run reports in its own line.
"""
from __future__ import annotations

import logging
import sys

FORMAT = "%(asctime)s wsp-analysis: %(message)s"
DATE_FORMAT = "%Y-%m-%dT%H:%M:%S"  # ISO 8601, local time, to the second


class _Stderr(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (a test's captured stream, a worker's)."""

    def __init__(self):
        super().__init__()

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value):
        pass


class _OwnRecords(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.name == "wsp_analysis" or record.name.startswith("wsp_analysis.")


def configure(level: int = logging.INFO) -> None:
    """Route every log record to standard error through one formatter, keeping only the package's own
    records; Python warnings are logged too (and so dropped unless the package issued them)."""
    handler = _Stderr()
    handler.setFormatter(logging.Formatter(FORMAT, DATE_FORMAT))
    handler.addFilter(_OwnRecords())
    root = logging.getLogger()
    # replace only our own handler: a test runner's capturing handlers stay (the command runs in-process there)
    root.handlers[:] = [h for h in root.handlers if not isinstance(h, _Stderr)] + [handler]
    root.setLevel(level)
    logging.captureWarnings(True)
    quiet("traitlets", "papermill", "nbclient", "jupyter_client", "distributed")


def quiet(*names: str) -> None:
    """Remove the handlers these libraries attach to their own loggers (dask.distributed does on import):
    theirs would bypass the filter and the timestamp format."""
    for name in names:
        logger = logging.getLogger(name)
        logger.handlers[:] = []
        logger.propagate = True
