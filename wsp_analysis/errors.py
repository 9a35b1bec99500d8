"""Every exception the library raises on purpose, in one place.

The CLI maps them to exit codes: DataValidationError and UsageError -> 2,
RunFailed (NotebookFailed among them) -> 1.
"""
from __future__ import annotations

from dataclasses import dataclass


class WspError(Exception):
    """Base class: an error with a message meant for the person running the tool."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located as a spreadsheet user would find it."""

    file: str
    message: str
    row: int | None = None  # header is row 1, first record row 2
    column: str | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}"


class DataValidationError(WspError):
    """The data failed validation; carries every problem found, not only the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__(self.report())

    def report(self) -> str:
        """Every problem on a line of its own, then a count of problems and files: what validate prints."""
        n = len(self.problems)
        files = len({p.file for p in self.problems})
        lines = [str(p) for p in self.problems]
        lines.append(
            f"{n} problem{'s' if n != 1 else ''} in {files} file{'s' if files != 1 else ''}; "
            "nothing was loaded."
        )
        return "\n".join(lines)


class UsageError(WspError):
    """Bad arguments or parameter file (unknown partnership, malformed year, ...)."""


class RunFailed(WspError):
    """A run failed (the disk was full or read-only, the HTML or spreadsheet step raised, ...); the
    previous report is untouched. The message names the run and the cause in one line."""


class NotebookFailed(RunFailed):
    """The notebook raised, its kernel died or the run's deadline passed; the previous report is
    untouched."""


class VerifyError(WspError):
    """The report cannot be verified: its manifest, figures.csv or an input file is missing or unreadable."""
