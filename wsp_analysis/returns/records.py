"""The records of a table's CSV: the period each belongs to, and the file kept exactly as written, so an
import appends rows and leaves every other byte as it was."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from wsp_analysis.data import periods
from wsp_analysis.data import schema as schemas


# --- periods -------------------------------------------------------------------------------------------

def period_of(spec: schemas.Table, rec) -> tuple[str, str | None]:
    """The period a record belongs to: (year, quarter or None for a whole year); row-level tables by date; a
    table with neither (indicator_definitions) by its key, so a definition given again is a period again."""
    names = spec.column_names
    if "year" not in names and "date" not in names:
        return tuple(rec[k] for k in spec.key)
    if "year" in names:
        q = rec.get("quarter") if "quarter" in names else None
        return rec["year"], (None if q is None or (not isinstance(q, str) and pd.isna(q)) else q)
    d = rec["date"]
    return periods.of_date(d if isinstance(d, date) else date.fromisoformat(str(d)))


def period_words(spec: schemas.Table, period: tuple) -> str:
    """A period in words for messages: 2023-24 Q1, or 2023-24 for a whole year (a table with no year or
    date, such as indicator_definitions.csv, names its key instead)."""
    if "year" not in spec.column_names and "date" not in spec.column_names:
        return ", ".join(f"{k} {v}" for k, v in zip(spec.key, period))
    year, q = period
    if q:
        return f"{year} {q}"
    return f"{year} (whole year)" if "quarter" in spec.column_names else year



# --- CSV files, kept as written ---------------------------------------------------------------------

@dataclass
class CsvFile:
    """A table's CSV: its records with their exact text, so unchanged rows are written back byte for byte."""

    path: Path
    raw: bytes
    bom: bool
    newline: str
    delimiter: str
    header: list[str]
    header_text: str
    records: list[tuple[list[str], str]]  # (cells, exact text with its line ending), header excluded

    def now(self) -> bytes:
        """The file's bytes as they are now (b"" when it is not there)."""
        return self.path.read_bytes() if self.path.exists() else b""

    @classmethod
    def read(cls, path: Path, columns: list[str] | None = None) -> CsvFile:
        """The file as the data folder holds it: its text (UTF-8, else Windows-1252), delimiter, line ends and
        byte-order mark, so that rows can be added keeping its form. One that is not there (an optional
        table left out) reads as a header of `columns`, with no bytes of its own, so an import writes it new."""
        if not path.exists() and columns is not None:
            return cls(path, b"", False, "\n", ",", list(columns), ",".join(columns) + "\n", [])
        raw = path.read_bytes()
        try:
            text, bom = raw.decode("utf-8-sig"), raw.startswith(b"\xef\xbb\xbf")
        except UnicodeDecodeError:
            text, bom = raw.decode("cp1252", errors="replace"), False
        first = text.split("\n", 1)[0]
        delimiter = ";" if ";" in first and "," not in first else ","
        newline = "\r\n" if first.endswith("\r") else "\n"
        parts = text.split("\n")
        lines = [p + "\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])
        reader = csv.reader(iter(lines), delimiter=delimiter)
        records, start = [], 0
        for cells in reader:
            end = reader.line_num
            records.append((cells, "".join(lines[start:end])))
            start = end
        header_cells, header_text = records[0] if records else ([], "")
        return cls(path, raw, bom, newline, delimiter, [h.strip() for h in header_cells], header_text, records[1:])

    def merged(self, drop_rows: set[int], new_rows: list[dict[str, str]], columns: list[str]) -> bytes:
        """The file with the records at spreadsheet rows `drop_rows` removed and `new_rows` appended;
        `columns` the full header (the file's own, then any column the new rows fill that it lacks)."""
        extra = columns[len(self.header):]

        def line(cells: list[str]) -> str:
            buf = io.StringIO()
            csv.writer(buf, delimiter=self.delimiter, lineterminator=self.newline).writerow(cells)
            return buf.getvalue()

        def ended(text: str) -> str:
            return text if text.endswith("\n") else text + self.newline

        out = []
        if extra:
            body = self.header_text.rstrip("\r\n")
            out.append(body + self.delimiter + line(extra))
        else:
            out.append(ended(self.header_text))
        for i, (cells, text) in enumerate(self.records, start=2):
            if i in drop_rows:
                continue
            if extra and any(c.strip() for c in cells):
                body = text[: len(text.rstrip("\r\n"))]
                text = body + self.delimiter * len(extra) + self.newline
            out.append(ended(text))
        for rec in new_rows:
            out.append(line([rec.get(c, "") for c in columns]))
        text = "".join(out)
        return (b"\xef\xbb\xbf" if self.bom else b"") + text.encode("utf-8")

