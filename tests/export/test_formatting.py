"""The original's export formatting: dates, capitalisation, flags, CSV quoting."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from control_tower.export.repository import cases
from control_tower.export.service import (
    HEADERS,
    capitalize,
    csv_field,
    csv_line,
    format_date,
    format_flag,
    format_status,
    neutralise_formula,
    row_cells,
)
from tests.export.factories import case_row


class TestFormatDate:
    def test_stored_timestamp_gives_its_utc_date(self) -> None:
        assert format_date("2026-01-15T23:59:59.999Z") == "2026-01-15"

    def test_day_overflow_rolls_over_like_javascript(self) -> None:
        assert format_date("2024-02-30T10:00:00.000Z") == "2024-03-01"
        assert format_date("2024-01-15T24:00:00.000Z") == "2024-01-16"

    def test_date_only_and_local_forms_parse(self) -> None:
        assert format_date("2024-01-15") == "2024-01-15"
        assert format_date("2024-01-15T10:30:00") == "2024-01-15"  # local time, TZ=UTC
        assert format_date("2024-01-15T23:30:00-02:00") == "2024-01-16"

    def test_falsy_values_are_empty(self) -> None:
        assert format_date(None) == ""
        assert format_date("") == ""

    def test_unparsable_value_is_kept(self) -> None:
        assert format_date("not a date") == "not a date"
        assert format_date("2024-13-01T00:00:00.000Z") == "2024-13-01T00:00:00.000Z"


class TestCapitalize:
    def test_first_letter_upper_rest_lower(self) -> None:
        assert capitalize("phone") == "Phone"
        assert capitalize("CRITICAL") == "Critical"

    def test_empty_and_null_are_empty(self) -> None:
        assert capitalize("") == ""
        assert capitalize(None) == ""

    def test_non_bmp_first_character_is_left_alone(self) -> None:
        # JavaScript's charAt(0) takes half a surrogate pair, which toUpperCase keeps.
        assert capitalize("\U00010428ABC") == "\U00010428abc"


class TestFormatStatus:
    def test_words_split_on_underscore_are_title_cased(self) -> None:
        assert format_status("in_progress") == "In Progress"
        assert format_status("closed") == "Closed"

    def test_empty_words_are_kept(self) -> None:
        assert format_status("IN__PROGRESS") == "In  Progress"

    def test_empty_is_empty(self) -> None:
        assert format_status("") == ""


class TestFormatFlag:
    def test_one_is_yes_anything_else_no(self) -> None:
        assert format_flag(1) == "Yes"
        assert format_flag(0) == "No"
        assert format_flag(None) == "No"


class TestCsvField:
    def test_plain_text_is_unquoted(self) -> None:
        assert csv_field("KFC Delivery") == "KFC Delivery"

    def test_comma_quote_and_line_breaks_are_quoted(self) -> None:
        assert csv_field("a,b") == '"a,b"'
        assert csv_field('say "hi"') == '"say ""hi"""'
        assert csv_field("two\nlines") == '"two\nlines"'
        assert csv_field("cr\rhere") == '"cr\rhere"'

    def test_null_is_empty(self) -> None:
        assert csv_field(None) == ""

    def test_formula_triggers_get_a_quote_prefix(self) -> None:
        assert csv_field("=1+1") == "'=1+1"
        assert csv_field("+66 2 123") == "'+66 2 123"
        assert csv_field("-5") == "'-5"
        assert csv_field("@SUM(A1)") == "'@SUM(A1)"
        assert csv_field("\tindent") == "'\tindent"
        assert csv_field('=HYPERLINK("x","y")') == '"\'=HYPERLINK(""x"",""y"")"'

    def test_leading_carriage_return_is_neutralised_and_quoted(self) -> None:
        assert csv_field("\r=1") == '"\'\r=1"'

    def test_trigger_later_in_the_text_is_harmless(self) -> None:
        assert csv_field("Chang buy 2 - get 1") == "Chang buy 2 - get 1"

    @given(st.lists(st.text(), min_size=1, max_size=6))
    def test_line_parses_back_to_the_neutralised_values(self, values: list[str]) -> None:
        parsed = next(csv.reader(io.StringIO(csv_line(values), newline="")), [""])
        assert parsed == [neutralise_formula(value) for value in values]


class TestRowCells:
    def test_case_row_becomes_the_seventeen_columns(self) -> None:
        row = case_row(
            1,
            customer_name="มาลี สุวรรณ",
            resolved_at="2026-01-20T08:00:00.000Z",
            risk_flag=1,
        )
        values = tuple(row[column.name] for column in cases.columns)
        assert len(HEADERS) == 17
        assert row_cells(values) == [
            "CC-T00001",
            "2026-01-15",
            "Test Unit",
            "Email",
            "In Progress",
            "Testing",
            None,
            "Low",
            "Neutral",
            "A test case",
            "มาลี สุวรรณ",
            None,
            None,
            "Yes",
            "Yes",
            "2026-01-20",
            "2026-01-15",
        ]
