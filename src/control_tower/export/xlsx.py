"""A streaming XLSX writer whose output is byte-identical to SheetJS ``xlsx@0.18.5``.

The original built its export with ``aoa_to_sheet`` + ``XLSX.write(wb, {type: "buffer",
bookType: "xlsx"})``. For a one-sheet workbook of strings that produces:

* a ZIP of *stored* (uncompressed) entries in a fixed order, every timestamp zero, no extra
  fields, no data descriptors (so each local header carries the CRC-32 and size up front);
* inline ``t="str"`` cells (no shared-strings part), null cells omitted, the XML escaping
  and ``xml:space="preserve"`` rule of SheetJS;
* fixed theme, styles, metadata, workbook, relationship and property parts.

Only the worksheet depends on the data. It is written once to a spooled temporary file
(memory up to a small limit, then disk) while its CRC-32 and size are computed, then sent;
rows are never held in memory. Past 4 GiB the archive switches to ZIP64 records, which
SheetJS could not write at all.
"""

from __future__ import annotations

import re
import struct
import tempfile
import zlib
from collections.abc import AsyncIterable, AsyncIterator, Sequence
from dataclasses import dataclass

from control_tower.export import xlsx_parts

XML_HEADER = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'

#: Excel's limit on the characters (UTF-16 code units) of one cell; SheetJS refuses more.
MAX_CELL_LENGTH = 32_767
#: Rows in one worksheet (header included).
MAX_SHEET_ROWS = 1_048_576

_SPOOL_MEMORY_BYTES = 4 * 1024 * 1024
_READ_CHUNK_BYTES = 256 * 1024
_ZIP32_LIMIT = 0xFFFFFFFF

# SheetJS ``escapexml``: the five XML entities, then C0 controls except TAB and LF as _xHHHH_.
_XML_ESCAPES: dict[int, str] = {
    ord("&"): "&amp;",
    ord("<"): "&lt;",
    ord(">"): "&gt;",
    ord("'"): "&apos;",
    ord('"'): "&quot;",
}
_XML_ESCAPES.update({code: f"_x{code:04x}_" for code in [*range(0x00, 0x09), *range(0x0B, 0x20)]})

# JavaScript ``\s`` (WhiteSpace + LineTerminator), used by SheetJS to decide xml:space.
_JS_SPACE = frozenset(
    "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)


_PRESERVE = 'xml:space="preserve"'


class CellTooLong(ValueError):
    """A cell holds more than ``MAX_CELL_LENGTH`` UTF-16 code units."""


def utf16_length(text: str) -> int:
    """``String.prototype.length``: characters outside the BMP count twice."""
    if text.isascii():
        return len(text)
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def escape_xml(text: str) -> str:
    """SheetJS ``escapexml``."""
    return text.translate(_XML_ESCAPES)


def column_name(index: int) -> str:
    """``0 -> A``, ``25 -> Z``, ``26 -> AA``."""
    name = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        name = chr(65 + remainder) + name
    return name


def column_width(wch: float) -> str:
    """SheetJS ``char2width`` (max digit width 6 px) printed as JavaScript prints numbers."""
    width = _js_round((wch * 6 + 5) / 6 * 256) / 256
    return str(int(width)) if width.is_integer() else repr(width)


def _js_round(value: float) -> int:
    return int(value + 0.5) if value >= 0 else -int(-value + 0.5)


def string_cell(ref: str, value: str) -> str:
    """One ``t="str"`` cell exactly as SheetJS writes it."""
    if utf16_length(value) > MAX_CELL_LENGTH:
        raise CellTooLong(f"cell {ref} has more than {MAX_CELL_LENGTH} characters")
    text = value.translate(_XML_ESCAPES)
    # SheetJS tests every element's content for a newline, so a line break marks the
    # <v>, its <c> and (see RowWriter) the enclosing <row> as space-preserving.
    if "\n" in text:
        return f'<c r="{ref}" t="str" {_PRESERVE}><v {_PRESERVE}>{text}</v></c>'
    if text and (text[0] in _JS_SPACE or text[-1] in _JS_SPACE):
        return f'<c r="{ref}" t="str"><v {_PRESERVE}>{text}</v></c>'
    return f'<c r="{ref}" t="str"><v>{text}</v></c>'


@dataclass(frozen=True, slots=True)
class SheetLayout:
    """The grid of one worksheet: column count, row count (header included), widths."""

    columns: int
    rows: int
    widths: Sequence[float]

    @property
    def ref(self) -> str:
        return f"A1:{column_name(self.columns - 1)}{self.rows}"

    def head(self) -> str:
        cols = "".join(
            f'<col min="{i + 1}" max="{i + 1}" width="{column_width(wch)}" customWidth="1"/>'
            for i, wch in enumerate(self.widths)
        )
        return (
            XML_HEADER + '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
            'main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f'<dimension ref="{self.ref}"/><sheetViews><sheetView workbookViewId="0"/>'
            f"</sheetViews><cols>{cols}</cols><sheetData>"
        )

    def tail(self) -> str:
        return (
            '</sheetData><ignoredErrors><ignoredError numberStoredAsText="1" '
            f'sqref="{self.ref}"/></ignoredErrors></worksheet>'
        )


# Values that need nothing but the plain <v> wrapper skip string_cell's slower path.
_NEEDS_WORK = re.compile("[&<>'\"\x00-\x08\x0a-\x1f]")
_SURELY_SHORT = MAX_CELL_LENGTH // 2


class RowWriter:
    """Turns rows of ``str | None`` into ``<row>`` elements (null cells are left out)."""

    def __init__(self, columns: int) -> None:
        self._letters = [column_name(i) for i in range(columns)]
        self.written = 0

    def row(self, cells: Sequence[str | None]) -> str:
        self.written += 1
        number = str(self.written)
        parts = []
        newline = False
        for letter, value in zip(self._letters, cells, strict=True):
            if value is None:
                continue
            if (
                len(value) > _SURELY_SHORT
                or _NEEDS_WORK.search(value)
                or (value and (value[0] in _JS_SPACE or value[-1] in _JS_SPACE))
            ):
                parts.append(string_cell(letter + number, value))
                newline = newline or "\n" in value
            else:
                parts.append(f'<c r="{letter}{number}" t="str"><v>{value}</v></c>')
        if not parts:
            return ""
        # SheetJS marks an element space-preserving when its content has a line break.
        if newline:
            return f'<row r="{number}" {_PRESERVE}>{"".join(parts)}</row>'
        return f'<row r="{number}">{"".join(parts)}</row>'


@dataclass(slots=True)
class _Entry:
    name: bytes
    crc: int
    size: int
    offset: int


class StoredZip:
    """Lays out a ZIP of stored entries the way SheetJS' CFB ``write_zip`` does."""

    def __init__(self) -> None:
        self.offset = 0
        self.entries: list[_Entry] = []

    def local_header(self, name: str, crc: int, size: int) -> bytes:
        """Header of the next entry; the caller sends ``size`` bytes of data after it."""
        encoded = bytes(ord(char) & 0x7F for char in name)
        entry = _Entry(encoded, crc, size, self.offset)
        self.entries.append(entry)
        big = size >= _ZIP32_LIMIT
        extra = struct.pack("<HHQQ", 1, 16, size, size) if big else b""
        header = struct.pack(
            "<IHHHIIIIHH",
            0x04034B50,
            45 if big else 20,
            0,
            0,
            0,
            crc,
            _ZIP32_LIMIT if big else size,
            _ZIP32_LIMIT if big else size,
            len(encoded),
            len(extra),
        )
        block = header + encoded + extra
        self.offset += len(block) + size
        return block

    def entry(self, name: str, data: bytes) -> bytes:
        """Header and data of a whole entry."""
        return self.local_header(name, zlib.crc32(data), len(data)) + data

    def central_directory(self) -> bytes:
        start = self.offset
        records = []
        for entry in self.entries:
            big_size = entry.size >= _ZIP32_LIMIT
            big_offset = entry.offset >= _ZIP32_LIMIT
            fields = b""
            if big_size:
                fields += struct.pack("<QQ", entry.size, entry.size)
            if big_offset:
                fields += struct.pack("<Q", entry.offset)
            extra = struct.pack("<HH", 1, len(fields)) + fields if fields else b""
            size = _ZIP32_LIMIT if big_size else entry.size
            records.append(
                struct.pack(
                    "<IHHHHIIIIHHHHHII",
                    0x02014B50,
                    0,
                    45 if extra else 20,
                    0,
                    0,
                    0,
                    entry.crc,
                    size,
                    size,
                    len(entry.name),
                    len(extra),
                    0,
                    0,
                    0,
                    0,
                    _ZIP32_LIMIT if big_offset else entry.offset,
                )
                + entry.name
                + extra
            )
        directory = b"".join(records)
        count = len(self.entries)
        tail = b""
        if start >= _ZIP32_LIMIT or len(directory) >= _ZIP32_LIMIT or count >= 0xFFFF:
            zip64_end = start + len(directory)
            tail += struct.pack(
                "<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, count, count, len(directory), start
            )
            tail += struct.pack("<IIQI", 0x07064B50, 0, zip64_end, 1)
            tail += struct.pack(
                "<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF, _ZIP32_LIMIT, _ZIP32_LIMIT, 0
            )
        else:
            tail += struct.pack(
                "<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(directory), start, 0
            )
        self.offset += len(directory) + len(tail)
        return directory + tail


def _part(body: str) -> bytes:
    return (XML_HEADER + body).encode("utf-8")


# Archive order of SheetJS 0.18.5 (its CFB container sorts the paths this way).
_PARTS_BEFORE_SHEET: tuple[tuple[str, bytes], ...] = (
    ("xl/_rels/workbook.xml.rels", _part(xlsx_parts.WORKBOOK_RELS)),
    ("xl/theme/theme1.xml", _part(xlsx_parts.THEME)),
    ("xl/styles.xml", _part(xlsx_parts.STYLES)),
)
_SHEET_PATH = "xl/worksheets/sheet1.xml"
_PARTS_AFTER_SHEET: tuple[tuple[str, bytes], ...] = (
    ("xl/metadata.xml", _part(xlsx_parts.METADATA)),
    ("xl/workbook.xml", _part(xlsx_parts.WORKBOOK)),
    ("_rels/.rels", _part(xlsx_parts.ROOT_RELS)),
    ("docProps/app.xml", _part(xlsx_parts.APP_PROPS)),
    ("docProps/core.xml", _part(xlsx_parts.CORE_PROPS)),
    ("[Content_Types].xml", _part(xlsx_parts.CONTENT_TYPES)),
)


async def cases_workbook(
    header: Sequence[str],
    batches: AsyncIterable[Sequence[Sequence[str | None]]],
    *,
    data_rows: int,
    widths: Sequence[float],
) -> AsyncIterator[bytes]:
    """Stream the one-sheet ``Cases`` workbook: ``header`` then at most ``data_rows`` rows.

    ``data_rows`` (known from a count beforehand) sets the sheet's dimension, which SheetJS
    writes before the cells.
    """
    layout = SheetLayout(columns=len(header), rows=data_rows + 1, widths=widths)
    archive = StoredZip()
    for name, data in _PARTS_BEFORE_SHEET:
        yield archive.entry(name, data)

    with tempfile.SpooledTemporaryFile(max_size=_SPOOL_MEMORY_BYTES) as spool:
        crc = 0
        size = 0

        def write(text: str) -> None:
            nonlocal crc, size
            data = text.encode("utf-8")
            crc = zlib.crc32(data, crc)
            size += len(data)
            spool.write(data)

        rows = RowWriter(layout.columns)
        write(layout.head() + rows.row(header))
        remaining = data_rows
        async for batch in batches:
            if remaining <= 0:
                break
            chunk = batch[:remaining] if len(batch) > remaining else batch
            remaining -= len(chunk)
            write("".join([rows.row(cells) for cells in chunk]))
        write(layout.tail())

        yield archive.local_header(_SHEET_PATH, crc, size)
        spool.seek(0)
        while data := spool.read(_READ_CHUNK_BYTES):
            yield data

    for name, data in _PARTS_AFTER_SHEET:
        yield archive.entry(name, data)
    yield archive.central_directory()
