"""Files to records: the original's CSV quirks, encodings, XLSX reading and its guards."""

from __future__ import annotations

import io
import time
import zipfile
from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from control_tower.core.js import js_trim
from control_tower.uploads.parsing import (
    InvalidSpreadsheet,
    SpreadsheetTooLarge,
    TooManyRows,
    cell_text,
    check_xlsx_archive,
    decode_text,
    parse_csv_records,
    parse_xlsx_records,
    reference_parse_csv,
)
from tests.uploads.factories import xlsx_bytes

THAI = "สมชาย ใจดี แอปค้างระหว่างชำระเงิน"


class TestCsvQuirks:
    def test_quote_opens_anywhere_in_a_field(self) -> None:
        assert parse_csv_records('a,x"y,z"w,b\n') == [["a", "xy,zw", "b"]]

    def test_doubled_quote_inside_quotes_is_literal(self) -> None:
        assert parse_csv_records('"He said ""hi""",O""Brien\n') == [['He said "hi"', "OBrien"]]

    def test_newlines_inside_quotes_are_kept(self) -> None:
        text = 'a,"line one\nline two",b\nc,d,e\n'
        assert parse_csv_records(text) == [["a", "line one\nline two", "b"], ["c", "d", "e"]]

    def test_fields_are_trimmed_including_quoted_ones(self) -> None:
        assert parse_csv_records('  a  ,"  padded  ",\u00a0b\ufeff\n') == [["a", "padded", "b"]]

    def test_blank_records_are_dropped(self) -> None:
        text = "h1,h2\n\n , \n,,\nx,y\n"
        assert parse_csv_records(text) == [["h1", "h2"], ["x", "y"]]

    def test_bom_crlf_and_lone_cr(self) -> None:
        text = "\ufeffh1,h2\r\na,b\rc,d\r\n"
        assert parse_csv_records(text) == [["h1", "h2"], ["a", "b"], ["c", "d"]]

    def test_unterminated_quote_swallows_the_rest_of_the_file(self) -> None:
        text = 'h\nGLD-1,"open summary\nGLD-2,2026-01-15\n'
        assert parse_csv_records(text) == [["h"], ["GLD-1", "open summary\nGLD-2,2026-01-15"]]

    def test_semicolons_are_not_delimiters(self) -> None:
        assert parse_csv_records("a;b;c\n") == [["a;b;c"]]

    def test_row_limit_counts_data_rows(self) -> None:
        text = "h\n1\n2\n3\n"
        assert len(parse_csv_records(text, max_rows=3)) == 4
        with pytest.raises(TooManyRows):
            parse_csv_records(text, max_rows=2)

    @given(st.text(alphabet='ab ,"\n\r\ufeff\u00a0ก\t', max_size=60))
    def test_fast_parser_equals_the_original_state_machine(self, text: str) -> None:
        assert parse_csv_records(text) == reference_parse_csv(text)

    @given(
        table=st.lists(
            st.lists(st.text(alphabet='ab ,"\nกข', max_size=6), min_size=1, max_size=4),
            min_size=1,
            max_size=6,
        ),
        line_end=st.sampled_from(["\n", "\r\n", "\r"]),
        bom=st.booleans(),
        trailing_newline=st.booleans(),
        quote_all=st.booleans(),
    )
    def test_generated_csv_round_trips(
        self,
        table: list[list[str]],
        line_end: str,
        bom: bool,
        trailing_newline: bool,
        quote_all: bool,
    ) -> None:
        def encode(cell: str) -> str:
            if quote_all or any(char in cell for char in ',"\n'):
                return '"' + cell.replace('"', '""') + '"'
            return cell

        text = line_end.join(",".join(encode(cell) for cell in cells) for cells in table)
        text = ("\ufeff" if bom else "") + text + (line_end if trailing_newline else "")
        expected = [[js_trim(cell) for cell in cells] for cells in table]
        expected = [cells for cells in expected if any(cells)]
        assert parse_csv_records(text) == expected


class TestDecoding:
    def test_utf8(self) -> None:
        assert decode_text(THAI.encode("utf-8")) == (THAI, "utf-8")

    def test_utf8_bom_is_dropped_once(self) -> None:
        assert decode_text(b"\xef\xbb\xbf" + THAI.encode()) == (THAI, "utf-8")
        text, _ = decode_text(b"\xef\xbb\xbf\xef\xbb\xbfh")
        assert text == "\ufeffh"  # the CSV parser drops the second one, as the original did

    def test_thai_windows_874(self) -> None:
        assert decode_text(THAI.encode("cp874")) == (THAI, "cp874")

    def test_tis620_bytes_read_as_cp874(self) -> None:
        assert decode_text(THAI.encode("tis-620")) == (THAI, "cp874")

    def test_undecodable_bytes_never_fail(self) -> None:
        text, encoding = decode_text(b"\xff\xfe\xdb")
        assert encoding == "cp874"
        assert "\ufffd" in text


class TestCellText:
    @pytest.mark.parametrize(
        ("value", "text"),
        [
            (None, ""),
            ("x", "x"),
            (True, "TRUE"),
            (1001, "1001"),
            (1001.0, "1001"),
            (0.1, "0.1"),
            (datetime(2026, 1, 14), "2026-01-14"),
            (datetime(2026, 1, 14, 8, 30, 5), "2026-01-14T08:30:05"),
            (datetime(2026, 1, 14, 8, 30, 5, 250000), "2026-01-14T08:30:05.250"),
            (date(2026, 1, 14), "2026-01-14"),
        ],
    )
    def test_values_become_csv_text(self, value: object, text: str) -> None:
        assert cell_text(value) == text


class TestXlsx:
    def test_first_sheet_rows_as_trimmed_text(self) -> None:
        data = xlsx_bytes(
            [
                ["caseNumber", "createdAt", "bu", "channel"],
                [1001, datetime(2026, 1, 14), " Cards ", "phone"],
                [None, None, None, None],
                ["X-2", "2026-01-13T10:00:00Z", "Support", "web"],
            ]
        )
        records = parse_xlsx_records(data, max_uncompressed=10_000_000)
        assert records == [
            ["caseNumber", "createdAt", "bu", "channel"],
            ["1001", "2026-01-14", "Cards", "phone"],
            ["X-2", "2026-01-13T10:00:00Z", "Support", "web"],
        ]

    def test_not_a_zip_is_invalid(self) -> None:
        with pytest.raises(InvalidSpreadsheet, match="not a zip"):
            parse_xlsx_records(b"caseNumber,createdAt\n", max_uncompressed=10_000_000)

    def test_zip_without_a_workbook_is_invalid(self) -> None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("hello.txt", "not a workbook")
        with pytest.raises(InvalidSpreadsheet, match="not a readable XLSX"):
            parse_xlsx_records(buffer.getvalue(), max_uncompressed=10_000_000)

    def test_declared_size_over_the_limit_is_refused_before_inflating(self) -> None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("xl/worksheets/sheet1.xml", b"\0" * 3_000_000)
        assert len(buffer.getvalue()) < 10_000
        with pytest.raises(SpreadsheetTooLarge) as caught:
            check_xlsx_archive(buffer.getvalue(), max_uncompressed=1_000_000)
        assert caught.value.declared_bytes == 3_000_000

    def test_absurd_compression_ratio_is_refused(self) -> None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("xl/sharedStrings.xml", b"A" * 5_000_000)
        with pytest.raises(SpreadsheetTooLarge, match="500:1"):
            check_xlsx_archive(buffer.getvalue(), max_uncompressed=100_000_000)

    def test_a_false_dimension_claim_is_ignored(self) -> None:
        data = xlsx_bytes([["caseNumber", "createdAt"], ["X-1", "2026-01-14"]])
        source = zipfile.ZipFile(io.BytesIO(data))
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
            for entry in source.infolist():
                content = source.read(entry)
                if entry.filename == "xl/worksheets/sheet1.xml":
                    assert b'<dimension ref="A1:B2"' in content
                    content = content.replace(b"A1:B2", b"A1:XFD1048576")
                target.writestr(entry, content)
        started = time.perf_counter()
        records = parse_xlsx_records(buffer.getvalue(), max_uncompressed=10_000_000)
        assert records == [["caseNumber", "createdAt"], ["X-1", "2026-01-14"]]
        assert time.perf_counter() - started < 2

    def test_cells_right_of_column_iv_are_ignored(self) -> None:
        wide = ["h", *([None] * 300), "far"]
        records = parse_xlsx_records(xlsx_bytes([wide, ["x"]]), max_uncompressed=10_000_000)
        assert records == [["h", *([""] * 255)], ["x"]]

    def test_row_limit(self) -> None:
        data = xlsx_bytes([["h"], [1], [2], [3]])
        with pytest.raises(TooManyRows):
            parse_xlsx_records(data, max_uncompressed=10_000_000, max_rows=2)
