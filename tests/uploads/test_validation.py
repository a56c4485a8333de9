"""Row validation: the original's messages, fixes, row numbers and V8 date semantics."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from control_tower.core.clock import DAY_MS, datetime_to_ms, iso_from_ms, parse_js_date
from control_tower.uploads.validation import (
    BUSINESS_UNITS,
    CHANNELS,
    FIELDS,
    MIN_DATE_MS,
    DateChecker,
    map_columns,
    validate_records,
    validate_row,
)
from tests.support.paths import CLOCK_START

NOW_MS = datetime_to_ms(CLOCK_START)
ERROR_KEYS = ["row", "column", "value", "reason", "suggestedFix"]
# The order in which the original reports a row's errors.
ERROR_ORDER = [
    "caseNumber",
    "createdAt",
    "businessUnit",
    "channel",
    "severity",
    "sentiment",
    "status",
    "summary",
    "customerName",
    "category",
]


def valid_data(**overrides: str) -> dict[str, str]:
    data = {
        "caseNumber": "GLD-1",
        "createdAt": "2026-01-14",
        "businessUnit": "Cards",
        "channel": "phone",
    }
    data.update(overrides)
    return data


def errors_of(**overrides: str) -> list[dict[str, Any]]:
    _, errors = validate_row(valid_data(**overrides), 7, DateChecker(NOW_MS))
    return errors


class TestMessages:
    def test_valid_row_is_normalised(self) -> None:
        row, errors = validate_row(
            valid_data(
                channel="PHONE",
                businessUnit="lending",
                severity="HIGH",
                status="IN_PROGRESS",
                sentiment="Negative",
            ),
            3,
            DateChecker(NOW_MS),
        )
        assert errors == []
        assert row is not None
        assert (row.channel, row.business_unit, row.severity, row.status, row.sentiment) == (
            "phone",
            "lending",
            "high",
            "in_progress",
            "negative",
        )
        assert row.created_at == "2026-01-14T00:00:00.000Z"

    def test_missing_case_number(self) -> None:
        assert errors_of(caseNumber="") == [
            {
                "row": 7,
                "column": "caseNumber",
                "value": "",
                "reason": "Case number is required",
                "suggestedFix": "Provide a unique case identifier",
            }
        ]

    def test_long_values_are_cut_to_twenty_characters(self) -> None:
        errors = errors_of(caseNumber="X" * 51, summary="S" * 501)
        assert [(e["column"], e["value"], e["reason"]) for e in errors] == [
            ("caseNumber", "X" * 20 + "...", "Case number exceeds 50 characters"),
            ("summary", "S" * 20 + "...", "Summary exceeds 500 characters"),
        ]

    def test_lengths_count_utf16_units(self) -> None:
        # 25 emoji are 50 UTF-16 units: allowed; one more is 52.
        assert errors_of(caseNumber="😀" * 25) == []
        errors = errors_of(caseNumber="😀" * 26)
        assert errors[0]["value"] == "😀" * 10 + "..."

    def test_enum_suggestions(self) -> None:
        errors = errors_of(businessUnit="Card", channel="PHONES", severity="urgent")
        assert [(e["column"], e["suggestedFix"]) for e in errors] == [
            ("businessUnit", "Did you mean 'Cards'?"),
            ("channel", "Did you mean 'phone'?"),
            ("severity", "Valid values: low, medium, high, critical"),
        ]
        assert errors[0]["reason"] == (
            "Invalid business unit. Must be one of: Cards, Lending, Digital, Wealth, "
            "Insurance, Support"
        )

    @pytest.mark.parametrize(
        ("value", "reason"),
        [
            ("", "Date is required"),
            ("15/01/2026", "Invalid date value"),
            ("2026-13-01", "Invalid date value"),
            ("yesterday", "Invalid date format. Use YYYY-MM-DD or MM/DD/YYYY"),
            ("2026-01-14T08:00:00+07:00", "Invalid date format. Use YYYY-MM-DD or MM/DD/YYYY"),
            ("2026-01-14T08:00", "Invalid date format. Use YYYY-MM-DD or MM/DD/YYYY"),
            ("٢٠٢٦-٠١-١٤", "Invalid date format. Use YYYY-MM-DD or MM/DD/YYYY"),
            ("2019-12-31", "Date is too old. Must be after 2020-01-01"),
            ("2026-01-17T00:00:00Z", "Date cannot be in the future"),
        ],
    )
    def test_date_errors(self, value: str, reason: str) -> None:
        errors = errors_of(createdAt=value)
        assert errors == [
            {
                "row": 7,
                "column": "createdAt",
                "value": value,
                "reason": reason,
                "suggestedFix": "Use format YYYY-MM-DD (e.g., 2024-01-15)",
            }
        ]

    @pytest.mark.parametrize(
        ("value", "iso"),
        [
            ("2026-01-14", "2026-01-14T00:00:00.000Z"),
            ("2026-01-14T08:00:00.123Z", "2026-01-14T08:00:00.123Z"),
            ("2026-01-14T08:00:00", "2026-01-14T08:00:00.000Z"),  # local time, TZ=UTC
            ("01/14/2026", "2026-01-14T00:00:00.000Z"),
            ("2026/1/13", "2026-01-13T00:00:00.000Z"),
            ("1-12-2026", "2026-01-12T00:00:00.000Z"),
            ("2024-02-30", "2024-03-01T00:00:00.000Z"),
            ("2026-01-16T10:05:00Z", "2026-01-16T10:05:00.000Z"),  # exactly now + 24 h
        ],
    )
    def test_accepted_dates(self, value: str, iso: str) -> None:
        row, errors = validate_row(valid_data(createdAt=value), 2, DateChecker(NOW_MS))
        assert errors == []
        assert row is not None and row.created_at == iso


class TestRecords:
    def test_empty_file(self) -> None:
        result = validate_records([], now_ms=NOW_MS)
        assert (result.total_rows, result.valid_rows, result.invalid_rows) == (0, 0, 0)
        assert result.errors[0]["reason"] == "CSV file is empty"
        assert result.errors[0]["row"] == 0

    def test_missing_required_columns_in_field_order(self) -> None:
        result = validate_records([["caseNumber", "bu"], ["1", "Cards"], ["2", "x"]], now_ms=NOW_MS)
        assert [(e["row"], e["column"]) for e in result.errors] == [
            (1, "createdAt"),
            (1, "channel"),
        ]
        assert result.errors[0]["suggestedFix"] == (
            "Add a column with one of these names: created_at, createdat, created at, date, "
            "timestamp, created, creation_date"
        )
        assert (result.total_rows, result.invalid_rows) == (2, 2)

    def test_aliases_first_alias_then_first_header_wins(self) -> None:
        mapping = map_columns(["Case_Number", "Date", "ID", "Business Unit", "Source", " BU "])
        assert mapping == {"caseNumber": 0, "createdAt": 1, "businessUnit": 3, "channel": 4}

    def test_short_rows_read_missing_cells_as_empty(self) -> None:
        result = validate_records(
            [["caseNumber", "createdAt", "bu", "channel"], ["GLD-1", "2026-01-14"]],
            now_ms=NOW_MS,
        )
        assert [e["column"] for e in result.errors] == ["businessUnit", "channel"]
        assert result.errors[0]["row"] == 2


_cell = st.one_of(
    st.sampled_from(["", "Cards", "lending", "PHONE", "web", "fax", "high", "urgent", "open"]),
    st.sampled_from(["2026-01-14", "2019-05-01", "13/13/2026", "2026-02-30", "2027-01-01"]),
    st.text(max_size=8),
    st.text(min_size=45, max_size=120),
)


class TestValidationProperty:
    @given(
        data=st.dictionaries(st.sampled_from(FIELDS), _cell),
        row_number=st.integers(min_value=2, max_value=10**6),
    )
    def test_row_validates_or_names_real_columns_and_its_row(
        self, data: dict[str, str], row_number: int
    ) -> None:
        trimmed = {name: value.strip() for name, value in data.items()}
        row, errors = validate_row(trimmed, row_number, DateChecker(NOW_MS))
        assert (row is None) == bool(errors)
        if row is not None:
            assert row.row == row_number
            assert row.channel in CHANNELS
            assert row.business_unit.lower() in {unit.lower() for unit in BUSINESS_UNITS}
            created = parse_js_date(row.created_at)
            assert created is not None and iso_from_ms(created) == row.created_at
            assert MIN_DATE_MS <= created <= NOW_MS + DAY_MS
            return
        for error in errors:
            assert list(error) == ERROR_KEYS
            assert error["row"] == row_number
            assert error["column"] in FIELDS
            assert all(isinstance(error[key], str) for key in ERROR_KEYS[1:])
        columns = [error["column"] for error in errors]
        assert columns == sorted(columns, key=ERROR_ORDER.index)
        assert len(set(columns)) == len(columns)

    @given(
        records=st.lists(
            st.lists(st.sampled_from(["GLD-1", "2026-01-14", "Cards", "web", "x", ""]), max_size=5),
            max_size=6,
        ),
        header=st.permutations(["caseNumber", "createdAt", "bu", "channel", "summary"]),
    )
    def test_file_errors_point_at_existing_rows(
        self, records: list[list[str]], header: list[str]
    ) -> None:
        all_records = [header, *[cells for cells in records if any(cells)]]
        result = validate_records(all_records, now_ms=NOW_MS)
        assert result.total_rows == len(all_records) - 1
        assert result.valid_rows + result.invalid_rows == result.total_rows
        for error in result.errors:
            assert 2 <= error["row"] <= result.total_rows + 1
            assert error["column"] in FIELDS


NODE = shutil.which("node")

_DATE_ORACLE = r"""
const patterns = [/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d{3})?Z?)?$/,
  /^\d{1,2}\/\d{1,2}\/\d{4}$/, /^\d{4}\/\d{1,2}\/\d{1,2}$/, /^\d{1,2}-\d{1,2}-\d{4}$/,
  /^\d{4}-\d{1,2}-\d{1,2}$/];
require('readline').createInterface({input: process.stdin}).on('line', (line) => {
  const value = JSON.parse(line);
  let out;
  if (!patterns.some((p) => p.test(value))) out = 'format';
  else {
    const t = new Date(value).getTime();
    out = isNaN(t) ? 'value' : new Date(t).toISOString();
  }
  process.stdout.write(JSON.stringify(out) + '\n');
});
"""


@pytest.fixture(scope="module")
def date_oracle() -> Iterator[subprocess.Popen[str]]:
    if NODE is None:
        pytest.skip("node is not installed")
    process = subprocess.Popen(
        [NODE, "-e", _DATE_ORACLE],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={"TZ": "UTC", "PATH": "/usr/bin:/bin"},
    )
    yield process
    process.kill()


_date_like = st.builds(
    lambda y, m, d, sep, tail: f"{y}{sep}{m}{sep}{d}{tail}",
    st.sampled_from(["2024", "2026", "1999"]),
    st.sampled_from(["1", "01", "02", "12", "13", "00"]),
    st.sampled_from(["1", "09", "29", "30", "31", "32", "00"]),
    st.sampled_from(["-", "/"]),
    st.sampled_from(["", "T10:30:00", "T10:30:00Z", "T10:30:00.250Z", "T24:00:00", "T23:59:60Z"]),
) | st.builds(
    lambda m, d, y, sep: f"{m}{sep}{d}{sep}{y}",
    st.sampled_from(["1", "01", "12", "13", "0"]),
    st.sampled_from(["1", "15", "31", "32"]),
    st.sampled_from(["2024", "2026"]),
    st.sampled_from(["-", "/"]),
)


class TestDatesAgainstV8:
    @given(value=_date_like)
    def test_format_and_value_match_node(
        self, date_oracle: subprocess.Popen[str], value: str
    ) -> None:
        assert date_oracle.stdin is not None and date_oracle.stdout is not None
        date_oracle.stdin.write(json.dumps(value) + "\n")
        date_oracle.stdin.flush()
        expected = json.loads(date_oracle.stdout.readline())
        checker = DateChecker(NOW_MS + 10**13)  # no "future" limit in play
        iso, reason = checker.check(value)
        if expected == "format":
            assert reason == "Invalid date format. Use YYYY-MM-DD or MM/DD/YYYY"
        elif expected == "value":
            assert reason == "Invalid date value"
        elif expected < "2020-01-01":
            assert reason == "Date is too old. Must be after 2020-01-01"
        else:
            assert iso == expected
