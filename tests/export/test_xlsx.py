"""The SheetJS-compatible workbook writer."""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import AsyncIterator, Sequence

import openpyxl
import pytest

from control_tower.export.xlsx import (
    CellTooLong,
    RowWriter,
    SheetLayout,
    StoredZip,
    cases_workbook,
    column_name,
    column_width,
    escape_xml,
    string_cell,
    utf16_length,
)

SHEETJS_ORDER = [
    "xl/_rels/workbook.xml.rels",
    "xl/theme/theme1.xml",
    "xl/styles.xml",
    "xl/worksheets/sheet1.xml",
    "xl/metadata.xml",
    "xl/workbook.xml",
    "_rels/.rels",
    "docProps/app.xml",
    "docProps/core.xml",
    "[Content_Types].xml",
]


async def _batches(
    rows: Sequence[Sequence[str | None]], size: int
) -> AsyncIterator[Sequence[Sequence[str | None]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


async def workbook(
    header: Sequence[str], rows: Sequence[Sequence[str | None]], *, batch: int = 2
) -> bytes:
    chunks = [
        chunk
        async for chunk in cases_workbook(
            header, _batches(rows, batch), data_rows=len(rows), widths=[15] * len(header)
        )
    ]
    return b"".join(chunks)


class TestStringCell:
    def test_plain_value(self) -> None:
        assert string_cell("A2", "KFC") == '<c r="A2" t="str"><v>KFC</v></c>'

    def test_xml_entities_and_controls_are_escaped_as_sheetjs_does(self) -> None:
        assert escape_xml("a&b<c>'\"") == "a&amp;b&lt;c&gt;&apos;&quot;"
        assert escape_xml("x\ry\x01\x1f") == "x_x000d_y_x0001__x001f_"
        assert escape_xml("tab\tkept") == "tab\tkept"

    def test_outer_whitespace_preserves_the_value_only(self) -> None:
        assert string_cell("B3", " lead") == (
            '<c r="B3" t="str"><v xml:space="preserve"> lead</v></c>'
        )
        assert string_cell("B3", "nbsp\u00a0") == (
            '<c r="B3" t="str"><v xml:space="preserve">nbsp\u00a0</v></c>'
        )

    def test_newline_preserves_value_and_cell(self) -> None:
        assert string_cell("C4", "a\nb") == (
            '<c r="C4" t="str" xml:space="preserve"><v xml:space="preserve">a\nb</v></c>'
        )

    def test_empty_string_is_an_empty_value(self) -> None:
        assert string_cell("P2", "") == '<c r="P2" t="str"><v></v></c>'

    def test_too_long_value_is_refused(self) -> None:
        string_cell("A1", "x" * 32_767)
        with pytest.raises(CellTooLong):
            string_cell("A1", "x" * 32_768)
        with pytest.raises(CellTooLong):
            string_cell("A1", "\U0001f600" * 16_384)

    def test_utf16_length_counts_astral_characters_twice(self) -> None:
        assert utf16_length("abc") == 3
        assert utf16_length("ก\U0001f600") == 3


class TestRowWriter:
    def test_null_cells_are_skipped_and_rows_numbered_by_position(self) -> None:
        writer = RowWriter(3)
        assert writer.row(["a", None, "c"]) == (
            '<row r="1"><c r="A1" t="str"><v>a</v></c><c r="C1" t="str"><v>c</v></c></row>'
        )
        assert writer.row([None, None, None]) == ""
        assert writer.row([None, "b", None]).startswith('<row r="3">')

    def test_newline_marks_the_row_space_preserving(self) -> None:
        assert RowWriter(1).row(["x\ny"]).startswith('<row r="1" xml:space="preserve">')


class TestLayout:
    def test_column_names(self) -> None:
        assert [column_name(i) for i in (0, 16, 25, 26, 701, 702)] == [
            "A",
            "Q",
            "Z",
            "AA",
            "ZZ",
            "AAA",
        ]

    def test_width_of_fifteen_characters(self) -> None:
        assert column_width(15) == "15.83203125"
        assert column_width(10) == "10.83203125"

    def test_dimension_covers_header_and_rows(self) -> None:
        layout = SheetLayout(columns=17, rows=102, widths=[15] * 17)
        assert '<dimension ref="A1:Q102"/>' in layout.head()
        assert 'sqref="A1:Q102"' in layout.tail()


class TestStoredZip:
    async def test_entries_are_stored_in_sheetjs_order_without_timestamps(self) -> None:
        data = await workbook(["H1", "H2"], [["a", "b"], [None, "d"]])
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            assert [info.filename for info in infos] == SHEETJS_ORDER
            assert {info.compress_type for info in infos} == {zipfile.ZIP_STORED}
            assert {info.date_time for info in infos} == {(1980, 0, 0, 0, 0, 0)}
            assert archive.testzip() is None

    def test_entry_past_four_gib_uses_zip64_fields(self) -> None:
        archive = StoredZip()
        header = archive.local_header("big.xml", 0x12345678, 5 * 2**30)
        signature, version, *_, size32, usize32, name_len, extra_len = struct.unpack(
            "<IHHHIIIIHH", header[:30]
        )
        assert (signature, version, size32, usize32) == (0x04034B50, 45, 0xFFFFFFFF, 0xFFFFFFFF)
        extra = header[30 + name_len : 30 + name_len + extra_len]
        assert struct.unpack("<HHQQ", extra) == (1, 16, 5 * 2**30, 5 * 2**30)
        directory = archive.central_directory()
        assert struct.pack("<I", 0x06064B50) in directory  # ZIP64 end of central directory
        assert directory.endswith(struct.pack("<HHIIH", 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0))


class TestCasesWorkbook:
    async def test_cells_read_back_with_openpyxl(self) -> None:
        rows = [["CC-1", "x & <y>", None], ["CC-2", " spaced ", "ก"], [None, None, None]]
        data = await workbook(["Case", "Text", "Thai"], rows)
        sheet = openpyxl.load_workbook(io.BytesIO(data)).active
        assert sheet is not None
        assert sheet.title == "Cases"
        assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
            ["Case", "Text", "Thai"],
            ["CC-1", "x & <y>", None],
            ["CC-2", " spaced ", "ก"],
        ]

    async def test_batching_does_not_change_the_bytes(self) -> None:
        rows = [[f"CC-{i}", "v" * (i % 5), None if i % 3 else "z"] for i in range(50)]
        assert await workbook(["A", "B", "C"], rows, batch=1) == await workbook(
            ["A", "B", "C"], rows, batch=50
        )

    async def test_rows_beyond_the_counted_total_are_not_written(self) -> None:
        chunks = [
            chunk
            async for chunk in cases_workbook(
                ["A"], _batches([["1"], ["2"], ["3"]], 2), data_rows=2, widths=[15]
            )
        ]
        sheet = openpyxl.load_workbook(io.BytesIO(b"".join(chunks))).active
        assert sheet is not None
        assert [row[0].value for row in sheet.iter_rows()] == ["A", "1", "2"]
