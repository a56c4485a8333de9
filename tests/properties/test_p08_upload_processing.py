"""Property 8: file upload processing.

Generated files (CSV in UTF-8, UTF-8 with BOM or Windows-874; minimal or full quoting; LF or
CRLF; blank lines; header aliases in any case; or XLSX) hold rows built from value classes
whose outcome the CSV rules (analytics.md §4.2–4.4) state: each row's errors, in field
order, with the rule's reason; the counts and status of the answer; and every valid row
stored exactly once, as the insert rules say (lower-cased enums, defaults, trimmed cells,
``toISOString`` dates).
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook  # type: ignore[import-untyped]

from tests.properties.support_a import Harness, running_app

FIELDS = ("caseNumber", "createdAt", "businessUnit", "channel", "severity", "summary", "customer")
HEADERS = {
    "caseNumber": ["caseNumber", "case_number", "Case Number", "ID", "case_id"],
    "createdAt": ["createdAt", "date", "Created At", "TIMESTAMP"],
    "businessUnit": ["businessUnit", "bu", "Department", "unit"],
    "channel": ["channel", "Source", "contact_channel"],
    "severity": ["severity", "priority", "Level"],
    "summary": ["summary", "description", "Details", "subject"],
    "customer": ["customerName", "customer", "Client", "name"],
}
DATE_FORMAT = "Invalid date format. Use YYYY-MM-DD or MM/DD/YYYY"
UNITS = "Cards, Lending, Digital, Wealth, Insurance, Support"


@dataclass(frozen=True)
class Value:
    """A cell text and what the rules make of it: the stored value, or the error reason."""

    text: str
    stored: Any = None
    error: str | None = None

    def __repr__(self) -> str:
        shown = self.text if len(self.text) <= 30 else f"{self.text[:12]}...({len(self.text)})"
        return f"Value({shown!r})"


DATES = [
    Value("2026-01-14", "2026-01-14T00:00:00.000Z"),
    Value("2026-01-14T08:30:00.000Z", "2026-01-14T08:30:00.000Z"),
    Value("2025-11-02T23:59:59Z", "2025-11-02T23:59:59.000Z"),
    Value("1/14/2026", "2026-01-14T00:00:00.000Z"),  # local midnight; TZ=UTC
    Value("2025/12/3", "2025-12-03T00:00:00.000Z"),
    Value("", error="Date is required"),
    Value("14.01.2026", error=DATE_FORMAT),
    Value("2026-01-14T08:30", error=DATE_FORMAT),
    Value("2026-13-01", error="Invalid date value"),
    Value("2019-12-31", error="Date is too old. Must be after 2020-01-01"),
    Value("2027-06-01", error="Date cannot be in the future"),
]
BUSINESS_UNITS = [
    Value("Cards", "Cards"),
    Value("lending", "lending"),
    Value(" DIGITAL ", "DIGITAL"),
    Value("", error="Business unit is required"),
    Value("Retail", error=f"Invalid business unit. Must be one of: {UNITS}"),
    Value("Card", error=f"Invalid business unit. Must be one of: {UNITS}"),
]
CHANNELS = [
    Value("phone", "phone"),
    Value("EMAIL", "email"),
    Value("Line", "line"),
    Value("", error="Channel is required"),
    Value("fax", error="Invalid channel. Must be one of: phone, email, line, web"),
]
SEVERITIES = [
    Value("", "medium"),
    Value("low", "low"),
    Value("HIGH", "high"),
    Value("urgent", error="Invalid severity. Must be one of: low, medium, high, critical"),
]
SUMMARIES = [
    Value("", None),
    Value("Crispy chicken, served cold", "Crispy chicken, served cold"),
    Value('He said "refund", twice', 'He said "refund", twice'),
    Value("first line\nsecond line", "first line\nsecond line"),
    Value("  ไก่ทอดเย็น  ", "ไก่ทอดเย็น"),
    Value("x" * 501, error="Summary exceeds 500 characters"),
]
CUSTOMERS = [
    Value("", None),
    Value("สมชาย ใจดี", "สมชาย ใจดี"),
    Value("Jane O'Neil", "Jane O'Neil"),
    Value("n" * 101, error="Customer name exceeds 100 characters"),
]
batches = itertools.count(1)


@dataclass(frozen=True)
class Row:
    number: Value
    date: Value
    unit: Value
    channel: Value
    severity: Value
    summary: Value
    customer: Value

    @property
    def values(self) -> tuple[Value, ...]:
        return (
            self.number,
            self.date,
            self.unit,
            self.channel,
            self.severity,
            self.summary,
            self.customer,
        )

    @property
    def blank(self) -> bool:
        return all(value.text.strip() == "" for value in self.values)

    def errors(self) -> list[tuple[str, str]]:
        """(column, reason) of each error, in the rules' field order."""
        columns = ("caseNumber", "createdAt", "businessUnit", "channel", "severity")
        found = [(c, v.error) for c, v in zip(columns, self.values, strict=False) if v.error]
        if self.summary.error:
            found.append(("summary", self.summary.error))
        if self.customer.error:
            found.append(("customerName", self.customer.error))
        return found


def case_number(batch: int, index: int, kind: str) -> Value:
    """A fresh case number (unique per file and run), padded with spaces, empty or too long."""
    number = f"P08-{batch}-{index}"
    if kind == "plain":
        return Value(number, number)
    if kind == "spaced":
        return Value(f"  {number} ", number)
    if kind == "empty":
        return Value("", error="Case number is required")
    return Value("N" * 51, error="Case number exceeds 50 characters")


def is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@st.composite
def files(draw: st.DrawFn) -> tuple[list[Row], list[str], str, bytes]:
    """Rows, the header used, the file name and the file's bytes."""
    batch = next(batches)
    number_kinds = st.sampled_from(["plain", "plain", "spaced", "empty", "long"])
    row_values = st.tuples(
        number_kinds,
        st.sampled_from(DATES),
        st.sampled_from(BUSINESS_UNITS),
        st.sampled_from(CHANNELS),
        st.sampled_from(SEVERITIES),
        st.sampled_from(SUMMARIES),
        st.sampled_from(CUSTOMERS),
    )
    drawn = draw(st.lists(row_values, min_size=1, max_size=10), label="rows")
    rows = [
        Row(case_number(batch, index, kind), *values) for index, (kind, *values) in enumerate(drawn)
    ]
    header = [draw(st.sampled_from(HEADERS[name]), label=name) for name in FIELDS]
    kind = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp874", "xlsx"]), label="format")
    if kind == "xlsx":
        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None
        sheet.append(header)
        for row in rows:
            sheet.append([value.text for value in row.values])
        out = io.BytesIO()
        workbook.save(out)
        return rows, header, "p08.xlsx", out.getvalue()
    quote_all = draw(st.booleans(), label="quote every cell")
    newline = draw(st.sampled_from(["\n", "\r\n"]), label="newline")
    text = io.StringIO()
    writer = csv.writer(
        text, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL, lineterminator=newline
    )
    writer.writerow(header)
    for row in rows:
        if draw(st.booleans(), label="blank line before"):
            text.write(newline)
        writer.writerow([value.text for value in row.values])
    data = text.getvalue().encode(kind)
    if kind == "cp874" and not data.isascii() and is_utf8(data):
        # Windows-874 bytes that happen to be valid UTF-8 are rightly read as UTF-8.
        data = text.getvalue().encode("utf-8")
    return rows, header, "p08.csv", data


@pytest.fixture(scope="module")
def harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    with running_app(tmp_path_factory.mktemp("p08")) as running:
        yield running


def stored_cases(harness: Harness, upload_id: str) -> dict[str, tuple[Any, ...]]:
    rows = harness.rows(
        "SELECT case_number, created_at, business_unit, channel, severity, summary, "
        "customer_name, status, category, sentiment, risk_flag FROM cases WHERE upload_id = ?",
        upload_id,
    )
    return {row[0]: row[1:] for row in rows}


class TestUploads:
    @given(generated=files())
    def test_validation_result_and_stored_rows_follow_the_rules(
        self, harness: Harness, generated: tuple[list[Row], list[str], str, bytes]
    ) -> None:
        rows, _header, name, data = generated
        counted = [row for row in rows if not row.blank]
        valid = [row for row in counted if not row.errors()]
        invalid = [row for row in counted if row.errors()]
        expected_errors = [
            (number, column, reason)
            for number, row in enumerate(counted, start=2)
            for column, reason in row.errors()
        ]

        response = harness.request(
            "POST", "/api/upload?allowDuplicate=true", files={"file": (name, data)}
        )
        body = response.json()
        errors = [(e["row"], e["column"], e["reason"]) for e in body.get("errors", [])]

        assert body["totalRows"] == len(counted)
        if not counted:  # only blank records: the file counts as empty
            assert response.status_code == 200, body
            assert errors == [(0, "", "CSV file is empty")]
            assert body["successCount"] == 0 and body["success"] is False
        elif not valid:
            assert response.status_code == 400, body
            assert errors == expected_errors
            assert body["success"] is False
            assert body["message"] == "All rows failed validation"
            assert body["errorCount"] == len(invalid)
        else:
            assert response.status_code == 200, body
            assert errors == expected_errors
            assert body["successCount"] == len(valid)
            assert body["errorCount"] == len(expected_errors)
            assert body["message"] == (
                "Upload completed with some errors" if invalid else "Upload completed successfully"
            )
            assert len(body["insertedCaseIds"]) == len(valid)

        stored = stored_cases(harness, body["uploadId"])
        expected = {
            row.number.stored: (
                row.date.stored,
                row.unit.stored,
                row.channel.stored,
                row.severity.stored,
                row.summary.stored or f"Case {row.number.stored}",
                row.customer.stored,
                "open",
                "General",
                "neutral",
                0,
            )
            for row in valid
        }
        assert stored == expected
        for number in expected:
            assert harness.scalar("SELECT count(*) FROM cases WHERE case_number = ?", number) == 1
