"""A CSV file's bytes to a grid of cell text: its encoding, its delimiter, its records and their cells.

One reader for every table: pandas' C parser splits the file into cells. Where pandas would guess
(it fills a short row with empty cells, and stops at a row longer than the first), the file's layout
is worked out from its bytes with numpy (where each record ends, how many cells it has), so that a
short or long row is reported at its row, as a spreadsheet counts rows (the header is row 1).

Encodings, as Excel saves a CSV:

- "CSV UTF-8" (UTF-8 with a byte-order mark) and plain UTF-8: read as they are.
- "CSV (Comma delimited)", Windows-1252: read as such, with a warning.
- "Unicode Text", UTF-16 with a byte-order mark and tabs between cells: read as such, with a warning.
- "CSV (Macintosh)", Mac Roman with lines ending in a carriage return alone: read as such, with a warning.
- Anything else (UTF-16 without its byte-order mark, bytes that are no character in Windows-1252,
  UTF-8 broken after its byte-order mark) is refused in one line that says how to save the file.

Quoting is as spreadsheets write it: a cell holding a delimiter, a line break or a quote mark is wholly
in quotes, each quote mark in it doubled ("it""s"). A quote mark anywhere else (in the middle of a cell,
or text after a closing quote) is refused at its row and column: programs read such a cell differently.
"""
from __future__ import annotations

import codecs
import io
import warnings as warnings_module
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

SAVE_AS = 'save it from Excel as "CSV UTF-8 (Comma delimited)"'
QUOTE, LF, CR = ord('"'), ord("\n"), ord("\r")


class Unreadable(Exception):
    """The file cannot be read as a table; the message says why (and how to save it instead), in one line.
    `row` and `column` (a 0-based cell position in the record) locate it where they can be."""

    def __init__(self, message: str, row: int | None = None, column: int | None = None):
        super().__init__(message)
        self.message, self.row, self.column = message, row, column


def printable(text: str) -> str:
    """`text` with every character that would not show as itself escaped as Python writes it (a line break
    as \\n, a non-breaking space as \\xa0, a zero-width space as \\u200b), so that a message is one line
    and shows what the cell really holds. Letters, £, accents and plain spaces are kept."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


def inside(path: Path, folder: Path) -> bool:
    """Whether `path`, with every link followed, is inside `folder` (also with links followed)."""
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):  # a loop of links
        return False


# --- encodings ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Decoded:
    """A file's text as UTF-8 bytes (without a byte-order mark), its delimiter, and a warning (or None)
    saying how the file was read when it was not UTF-8 and comma-separated."""

    body: bytes
    delimiter: str
    warning: str | None


def decode(data: bytes) -> Decoded:
    """The file's text and delimiter (see the module's docstring); Unreadable when it cannot be read."""
    encoding = None  # how the file was read, in words, when it was not UTF-8
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as e:
            raise Unreadable(f"begins as UTF-8 (with its byte-order mark) but byte {e.start + 4:,} (0x"
                             f"{data[e.start]:02X}) is not UTF-8, as when files of two encodings are joined; "
                             f"{SAVE_AS} again") from None
        body = data
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            body = data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            raise Unreadable('begins as UTF-16 (Excel\'s "Unicode Text") but is not valid UTF-16; '
                             f"{SAVE_AS} instead") from None
        encoding = 'is UTF-16 (Excel\'s "Unicode Text"); read as such'
    elif data[:4096].count(0) > len(data[:4096]) // 4:
        raise Unreadable("is mostly NUL bytes, as UTF-16 (Excel's \"Unicode Text\") is without its byte-order "
                         f"mark; {SAVE_AS} instead")
    else:
        try:
            data.decode("utf-8")
            body = data
        except UnicodeDecodeError:
            if b"\r" in data and b"\n" not in data:
                body = data.decode("mac_roman").encode("utf-8")
                encoding = ("is not UTF-8 and its lines end in a carriage return alone, as Excel's \"CSV "
                            "(Macintosh)\" saves it; read as Mac Roman, so £ and accented letters are kept")
            else:
                try:
                    body = data.decode("cp1252").encode("utf-8")
                except UnicodeDecodeError as e:
                    raise Unreadable(f"is neither UTF-8 nor Windows-1252 (Excel's \"CSV\"): byte {e.start + 1:,} "
                                     f"(0x{data[e.start]:02X}) is no character in either; {SAVE_AS} instead") from None
                encoding = ("is not UTF-8; read as Windows-1252 (Excel's \"CSV\" encoding), so £ and accented "
                            "letters are kept")
    delimiter = _delimiter(body)
    said = [encoding] if encoding else []
    if delimiter == ";":
        said.append("is semicolon-separated; read with ; as the delimiter")
    elif delimiter == "\t":
        said.append("has tabs between cells; read with a tab as the delimiter")
    if encoding:
        said.append('save as "CSV UTF-8" to silence this')
    return Decoded(body, delimiter, "; ".join(said) if said else None)


def _delimiter(body: bytes) -> str:
    """Comma, unless the first line has none: then semicolon (as Excel saves a CSV where the comma is the
    decimal mark), or tab (Excel's "Unicode Text"), whichever the first line has."""
    cut = [i for i in (body.find(b"\n"), body.find(b"\r")) if i >= 0]
    first = body[: min(cut)] if cut else body
    for d in (b",", b";", b"\t"):
        if d in first:
            return d.decode()
    return ","


# --- records and cells -------------------------------------------------------------------------------

@dataclass
class Grid:
    """The file's records, header first: one array of cell text per cell position (as wide as the widest
    record; "" where a record has no cell there), and the number of cells each record has."""

    columns: list[np.ndarray]
    counts: np.ndarray | None  # None: every record has len(columns) cells

    @property
    def records(self) -> int:
        """How many records the file has, the header and blank records included."""
        return len(self.columns[0]) if self.columns else 0

    def count(self, i: int) -> int:
        """How many cells record i (0: the header) has."""
        return len(self.columns) if self.counts is None else int(self.counts[i])


def grid(body: bytes, delimiter: str) -> Grid:
    """Every record's cells (Unreadable for a quote mark out of place, naming its row and cell position)."""
    if not body.strip(b"\r\n"):
        return Grid([], None)
    b = np.frombuffer(body, dtype=np.uint8)
    d = ord(delimiter)
    quotes = np.flatnonzero(b == QUOTE) if b'"' in body else np.empty(0, dtype=np.int64)
    if len(quotes):
        _check_quotes(b, quotes, d)
    counts = None
    try:
        frame = _read(body, delimiter, None)
    except Exception:  # noqa: BLE001 - a record longer than the first, or anything else: lay the file out first
        counts = _layout(b, quotes, d)
        try:
            frame = _read(body, delimiter, int(counts.max()))
        except Exception as e:  # noqa: BLE001 - reported as the file's problem, in one line
            raise Unreadable(f"could not be read as a CSV file ({str(e).strip().splitlines()[0]})") from None
    if counts is None and (frame.iloc[:, -1].to_numpy(dtype=object) == "").any():
        # pandas fills a short record with empty cells: a record whose last cell is empty may be short
        counts = _layout(b, quotes, d)
    if counts is not None and len(counts) != len(frame):  # the layout and pandas disagree: never guess
        raise Unreadable("could not be read as a CSV file (its records could not be told apart); " + SAVE_AS)
    return Grid([frame[j].to_numpy(dtype=object) for j in range(frame.shape[1])], counts)


def _read(body: bytes, delimiter: str, width: int | None) -> pd.DataFrame:
    with warnings_module.catch_warnings():
        warnings_module.simplefilter("error")  # any doubt pandas has is a reason to lay the file out first
        return pd.read_csv(io.BytesIO(body), sep=delimiter, header=None, names=range(width) if width else None,
                           dtype=object, na_filter=False, skip_blank_lines=False, index_col=False, quotechar='"',
                           doublequote=True, engine="c", encoding="utf-8")


def _line_ends(b: np.ndarray) -> np.ndarray:
    """Where lines end: each line feed, and each carriage return not followed by a line feed."""
    ends = np.flatnonzero(b == LF)
    cr = np.flatnonzero(b == CR)
    if len(cr):
        after = np.minimum(cr + 1, len(b) - 1)
        lone = cr[(cr + 1 >= len(b)) | (b[after] != LF)]
        ends = np.union1d(ends, lone)
    return ends


def _outside_quotes(positions: np.ndarray, quotes: np.ndarray) -> np.ndarray:
    """The positions with an even number of quote marks before them (with quoting checked, not in a cell)."""
    return positions[np.searchsorted(quotes, positions) % 2 == 0] if len(quotes) else positions


def _layout(b: np.ndarray, quotes: np.ndarray, d: int) -> np.ndarray:
    """The number of cells in each record: its delimiters outside quotes, plus one."""
    ends = _outside_quotes(_line_ends(b), quotes)
    records = len(ends) + (0 if len(ends) and ends[-1] == len(b) - 1 else 1)
    delimiters = _outside_quotes(np.flatnonzero(b == d), quotes)
    return np.bincount(np.searchsorted(ends, delimiters), minlength=records) + 1


def _check_quotes(b: np.ndarray, quotes: np.ndarray, d: int) -> None:
    """Quote marks as spreadsheets write them: each opening one begins a cell, each closing one ends it,
    and a doubled one inside a quoted cell stands for one quote mark. Unreadable at the first that is not."""
    n = len(b)
    opens, closes = quotes[0::2], quotes[1::2]
    def ending(positions: np.ndarray) -> np.ndarray:  # a delimiter or a line end at each position
        return np.isin(b[positions], (d, LF, CR))

    before = opens - 1
    after_close = np.r_[-2, closes][: len(opens)]  # the closing quote just before each opening one
    opens_ok = (before < 0) | ending(np.maximum(before, 0)) | (before == after_close)
    after = closes + 1
    next_open = np.r_[opens[1:], -2][: len(closes)]
    closes_ok = (after >= n) | ending(np.minimum(after, n - 1)) | (after == next_open)
    bad = []
    if not opens_ok.all():
        bad.append((int(opens[np.argmin(opens_ok)]), "a quote mark (\") in the middle of a cell"))
    if not closes_ok.all():
        bad.append((int(closes[np.argmin(closes_ok)]), "text follows the quote mark (\") that closes a quoted cell"))
    if not bad and len(quotes) % 2:
        bad.append((int(quotes[-1]), "a quote mark (\") opens a quoted cell that is never closed"))
    if not bad:
        return
    at, what = min(bad)
    ends = _outside_quotes(_line_ends(b[:at]), quotes)
    record = len(ends)
    start = int(ends[-1]) + 1 if record else 0
    cell = int(np.count_nonzero(_outside_quotes(np.flatnonzero(b[start:at] == d) + start, quotes) < at))
    line_end = [i for i in (bytes(b[at:at + 60]).find(b"\n"), bytes(b[at:at + 60]).find(b"\r")) if i >= 0]
    near = bytes(b[max(start, at - 25): at + (min(line_end) if line_end else 25)]).decode("utf-8", errors="replace")
    raise Unreadable(f"{what} (at: {near}); a cell holding quote marks, delimiters or line breaks must be wholly in "
                     "quotes, each quote mark in it doubled (\"it\"\"s\"), as spreadsheets save it",
                     row=record + 1, column=cell)


def any_space(cells: np.ndarray) -> bool:
    """Whether any cell (an object array of text) holds a space of any kind (Unicode spaces included)."""
    joined = "".join(cells.tolist())
    parts = joined.split(maxsplit=1)  # one scan, stopping at the first space: fast for a column of codes
    return not (len(parts) == 1 and len(parts[0]) == len(joined))


def blank(cells: np.ndarray) -> np.ndarray:
    """Per cell (an object array of text): is it empty or only spaces (Unicode spaces included)?"""
    empty = cells == ""
    if not len(cells) or not any_space(cells):
        return empty
    return empty | np.fromiter(map(str.isspace, cells), dtype=bool, count=len(cells))
