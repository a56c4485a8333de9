"""Uploaded files to records: lists of trimmed cell texts, blank records dropped.

CSV follows the original's hand-written parser exactly: one leading BOM stripped, CRLF and
lone CR read as LF, comma the only delimiter, a ``"`` outside quotes opening a quoted
section anywhere in a field (``x"y,z"w`` is one field ``xy,zw``), ``""`` inside quotes a
literal quote, newlines inside quotes kept, every field trimmed like ``String.trim``, and a
record whose cells are all empty dropped. Bytes are read as UTF-8 (with or without BOM)
when they are valid UTF-8, otherwise as Thai Windows-874 (a superset of TIS-620).

XLSX workbooks are read from their first worksheet with openpyxl in read-only mode, after
checking the archive's declared sizes so that a zip bomb is refused before anything is
inflated. Cell values become the text a CSV export would hold, and from there on the rows
go through the very same rules as CSV rows.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time
from typing import Any, Final

from control_tower.core.js import js_number_to_string, js_trim

Record = list[str]

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A workbook may inflate to this many times the upload limit, and no more.
XLSX_MAX_EXPANSION = 10
XLSX_MAX_ENTRIES = 1000
XLSX_MAX_SHEET_ROWS = 1_048_576  # Excel's own limit
# Cells right of column IV are ignored: no upload needs them, and unbounded rows (up to
# column XFD) would let a crafted sheet cost minutes of CPU.
XLSX_MAX_COLUMNS = 256
# DEFLATE cannot legitimately exceed ~1032:1; anything near it is a crafted archive.
XLSX_MAX_RATIO = 500
_RATIO_FLOOR_BYTES = 1 << 20

_PLAIN_RUN = re.compile(r'[^",]*')
# The characters String.prototype.trim removes (as core.js.js_trim); used with str.strip
# directly in the per-cell loop, where a function call per cell would dominate.
_TRIM: Final = (
    "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)


class TooManyRows(Exception):
    """The file holds more data rows than the configured limit."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"more than {limit} data rows")
        self.limit = limit


class InvalidSpreadsheet(Exception):
    """The bytes are not a readable XLSX workbook; the message says why."""


class SpreadsheetTooLarge(Exception):
    """The workbook would inflate to an unreasonable size (a zip bomb or close to one)."""

    def __init__(self, message: str, *, declared_bytes: int, limit_bytes: int) -> None:
        super().__init__(message)
        self.declared_bytes = declared_bytes
        self.limit_bytes = limit_bytes


# -- text -------------------------------------------------------------------------------


def decode_text(data: bytes) -> tuple[str, str]:
    """The file's text and the encoding used: UTF-8 when valid (one BOM dropped), else cp874."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp874", errors="replace"), "cp874"
    # Blob.text() drops one BOM while decoding; the CSV parser drops one more.
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, "utf-8"


# -- CSV --------------------------------------------------------------------------------


def _limited(records: Iterator[Record], max_rows: int | None) -> Iterator[Record]:
    """Pass records through, raising ``TooManyRows`` past ``max_rows`` data rows."""
    if max_rows is None:
        yield from records
        return
    # The first record is the header; the limit counts data rows.
    for count, record in enumerate(records):
        if count > max_rows:
            raise TooManyRows(max_rows)
        yield record


def _lines(text: str) -> Iterator[str]:
    start = 0
    while True:
        end = text.find("\n", start)
        if end < 0:
            yield text[start:]
            return
        yield text[start:end]
        start = end + 1


def _quoted_record(line: str, lines: Iterator[str]) -> Record:
    """Parse the record that begins with ``line`` and holds a quote somewhere."""
    row: Record = []
    parts: list[str] = []
    in_quotes = False
    pos = 0
    while True:
        if in_quotes:
            end = line.find('"', pos)
            if end < 0:
                parts.append(line[pos:])
                following = next(lines, None)
                if following is None:
                    break  # the text ends inside quotes: the field ends with it
                parts.append("\n")
                line = following
                pos = 0
                continue
            parts.append(line[pos:end])
            if end + 1 < len(line) and line[end + 1] == '"':
                parts.append('"')
                pos = end + 2
            else:
                in_quotes = False
                pos = end + 1
            continue
        end = _PLAIN_RUN.match(line, pos).end()  # type: ignore[union-attr]
        parts.append(line[pos:end])
        if end >= len(line):
            break
        if line[end] == ",":
            row.append("".join(parts).strip(_TRIM))
            parts = []
        else:
            in_quotes = True
        pos = end + 1
    row.append("".join(parts).strip(_TRIM))
    return row


def _csv_records(text: str) -> Iterator[Record]:
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = _lines(text)
    for line in lines:
        if '"' in line:
            cells = _quoted_record(line, lines)
        else:
            cells = [cell.strip(_TRIM) for cell in line.split(",")]
        if any(cells):
            yield cells


def iter_csv_records(text: str, *, max_rows: int | None = None) -> Iterator[Record]:
    """Every non-blank record of ``text`` as trimmed cells, one at a time (module docstring)."""
    return _limited(_csv_records(text), max_rows)


def parse_csv_records(text: str, *, max_rows: int | None = None) -> list[Record]:
    """Every non-blank record of ``text`` as trimmed cells."""
    return list(iter_csv_records(text, max_rows=max_rows))


def reference_parse_csv(text: str) -> list[Record]:
    """The original's character-by-character state machine (the specification of the above).

    Slow; kept so tests can check the fast parser against it on arbitrary input.
    """
    rows: list[Record] = []
    row: Record = []
    field = ""
    in_quotes = False
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    i = 0
    while i < len(text):
        char = text[i]
        following = text[i + 1] if i + 1 < len(text) else ""
        if in_quotes:
            if char == '"':
                if following == '"':
                    field += '"'
                    i += 1
                else:
                    in_quotes = False
            else:
                field += char
        elif char == '"':
            in_quotes = True
        elif char == ",":
            row.append(js_trim(field))
            field = ""
        elif char == "\n":
            row.append(js_trim(field))
            if any(cell != "" for cell in row):
                rows.append(row)
            row = []
            field = ""
        else:
            field += char
        i += 1
    if field or row:
        row.append(js_trim(field))
        if any(cell != "" for cell in row):
            rows.append(row)
    return rows


# -- XLSX -------------------------------------------------------------------------------


def check_xlsx_archive(data: bytes, *, max_uncompressed: int) -> None:
    """Refuse anything that is not a zip archive, or one that would inflate absurdly."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise InvalidSpreadsheet(
            "the file is not a valid XLSX workbook (not a zip archive)"
        ) from exc
    with archive:
        entries = archive.infolist()
        if len(entries) > XLSX_MAX_ENTRIES:
            raise InvalidSpreadsheet(
                f"the workbook archive holds {len(entries)} entries (at most "
                f"{XLSX_MAX_ENTRIES} are accepted)"
            )
        total = sum(entry.file_size for entry in entries)
        if total > max_uncompressed:
            raise SpreadsheetTooLarge(
                f"the workbook would inflate to {total:,} bytes (limit {max_uncompressed:,} "
                "bytes); it is refused without being decompressed",
                declared_bytes=total,
                limit_bytes=max_uncompressed,
            )
        for entry in entries:
            if entry.file_size > _RATIO_FLOOR_BYTES and entry.file_size > XLSX_MAX_RATIO * max(
                entry.compress_size, 1
            ):
                raise SpreadsheetTooLarge(
                    f"the workbook entry {entry.filename!r} inflates {entry.file_size:,} bytes "
                    f"from {entry.compress_size:,} (more than {XLSX_MAX_RATIO}:1); it is "
                    "refused without being decompressed",
                    declared_bytes=total,
                    limit_bytes=max_uncompressed,
                )


def cell_text(value: Any) -> str:
    """The text a CSV export would hold for one spreadsheet cell (not yet trimmed)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return js_number_to_string(value)
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.strftime("%Y-%m-%d")
        text = value.strftime("%Y-%m-%dT%H:%M:%S")
        if value.microsecond:
            text += f".{value.microsecond // 1000:03d}"
        # Spreadsheet times carry no zone; like an ISO time without Z they are local time.
        return text
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, time):
        return value.strftime("%H:%M:%S")
    return str(value)


def _xlsx_records(data: bytes) -> Iterator[Record]:
    import openpyxl  # type: ignore[import-untyped]  # imported on first use: heavy

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                if not workbook.worksheets:
                    raise InvalidSpreadsheet("the workbook has no worksheet")
                sheet = workbook.worksheets[0]
                # The declared dimension is only a claim; trusting it would pad every row to
                # its width and invent every missing row up to its height.
                sheet.reset_dimensions()
                for position, values in enumerate(sheet.iter_rows(values_only=True)):
                    if position >= XLSX_MAX_SHEET_ROWS:
                        raise InvalidSpreadsheet(
                            f"the worksheet has rows past row {XLSX_MAX_SHEET_ROWS:,}, the most "
                            "Excel allows"
                        )
                    if values.count(None) == len(values):
                        continue
                    cells = [
                        "" if value is None else cell_text(value).strip(_TRIM)
                        for value in values[:XLSX_MAX_COLUMNS]
                    ]
                    if any(cells):
                        yield cells
            finally:
                workbook.close()
    except (InvalidSpreadsheet, TooManyRows, GeneratorExit):
        raise
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise InvalidSpreadsheet(
            f"the file is not a readable XLSX workbook ({type(exc).__name__})"
        ) from exc


def iter_xlsx_records(
    data: bytes, *, max_uncompressed: int, max_rows: int | None = None
) -> Iterator[Record]:
    """Every non-blank row of the workbook's first worksheet as trimmed cells.

    The archive is checked (``check_xlsx_archive``) before anything is inflated.
    """
    check_xlsx_archive(data, max_uncompressed=max_uncompressed)
    return _limited(_xlsx_records(data), max_rows)


def parse_xlsx_records(
    data: bytes, *, max_uncompressed: int, max_rows: int | None = None
) -> list[Record]:
    return list(iter_xlsx_records(data, max_uncompressed=max_uncompressed, max_rows=max_rows))
