"""Records to validated case rows, with the original's error objects, word for word.

Row 1 is the header (matched against each field's aliases, case-insensitively, first alias
found wins); data rows are numbered from 2 by their position among non-blank records. Every
error of a row is collected, in field order; a row is valid only if it has none. Lengths are
counted in UTF-16 code units, as JavaScript's ``length`` counts them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from control_tower.core.clock import DAY_MS, iso_from_ms, parse_js_date
from control_tower.core.js import js_trim

ErrorObject = dict[str, Any]

FIELD_ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "caseNumber": (
        "case_number",
        "casenumber",
        "case number",
        "case_no",
        "case no",
        "caseno",
        "id",
        "case_id",
    ),
    "createdAt": (
        "created_at",
        "createdat",
        "created at",
        "date",
        "timestamp",
        "created",
        "creation_date",
    ),
    "businessUnit": ("business_unit", "businessunit", "business unit", "bu", "department", "unit"),
    "channel": ("channel", "source", "contact_channel", "contact channel"),
    "category": ("category", "type", "issue_type", "issue type", "topic"),
    "severity": ("severity", "priority", "level", "urgency"),
    "summary": ("summary", "description", "details", "issue", "problem", "title", "subject"),
    "customerName": (
        "customer_name",
        "customername",
        "customer name",
        "customer",
        "name",
        "client",
    ),
    "sentiment": ("sentiment", "mood", "emotion", "customer_sentiment"),
    "status": ("status", "state", "case_status"),
}
FIELDS: Final = tuple(FIELD_ALIASES)
REQUIRED_FIELDS: Final = ("caseNumber", "createdAt", "businessUnit", "channel")

CHANNELS: Final = ("phone", "email", "line", "web")
SEVERITIES: Final = ("low", "medium", "high", "critical")
SENTIMENTS: Final = ("positive", "neutral", "negative")
STATUSES: Final = ("open", "in_progress", "resolved", "closed")
BUSINESS_UNITS: Final = ("Cards", "Lending", "Digital", "Wealth", "Insurance", "Support")

MAX_CASE_NUMBER_LENGTH: Final = 50
MAX_SUMMARY_LENGTH: Final = 500
MAX_CUSTOMER_NAME_LENGTH: Final = 100
MAX_CATEGORY_LENGTH: Final = 100

DATE_FIX: Final = "Use format YYYY-MM-DD (e.g., 2024-01-15)"
MIN_DATE_MS: Final = 1_577_836_800_000  # new Date('2020-01-01'): UTC midnight

# JavaScript's \d is ASCII only and its $ matches only at the very end.
_DATE_FORMATS: Final = tuple(
    re.compile(pattern, re.ASCII)
    for pattern in (
        r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d{3})?Z?)?",
        r"\d{1,2}/\d{1,2}/\d{4}",
        r"\d{4}/\d{1,2}/\d{1,2}",
        r"\d{1,2}-\d{1,2}-\d{4}",
        r"\d{4}-\d{1,2}-\d{1,2}",
    )
)


@dataclass(slots=True)
class ValidRow:
    """A row that passed validation, with the values the case insert uses."""

    row: int
    case_number: str
    created_at: str
    business_unit: str
    channel: str
    category: str | None = None
    severity: str | None = None
    summary: str | None = None
    customer_name: str | None = None
    sentiment: str | None = None
    status: str | None = None


@dataclass(slots=True)
class ParseResult:
    """What ``parseCSV`` returned: the valid rows, every error, and the row counts."""

    rows: list[ValidRow] = field(default_factory=list)
    errors: list[ErrorObject] = field(default_factory=list)
    total_rows: int = 0
    invalid_rows: int = 0

    @property
    def valid_rows(self) -> int:
        return len(self.rows)


def utf16_length(text: str) -> int:
    """JavaScript's ``text.length``."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _exceeds(text: str, limit: int) -> bool:
    return len(text) > limit or (not text.isascii() and utf16_length(text) > limit)


def _head(text: str) -> str:
    """``text.substring(0, 20) + '...'`` (a split surrogate pair becomes U+FFFD)."""
    if text.isascii():
        return text[:20] + "..."
    units = text.encode("utf-16-le", "surrogatepass")[:40]
    head = units.decode("utf-16-le", "surrogatepass")
    if head and "\ud800" <= head[-1] <= "\udbff":
        head = head[:-1] + "\ufffd"
    return head + "..."


def _error(row: int, column: str, value: str, reason: str, fix: str) -> ErrorObject:
    return {"row": row, "column": column, "value": value, "reason": reason, "suggestedFix": fix}


_BAD_FORMAT: Final = (-1, "")


class DateChecker:
    """``validateAndFormatDate`` at one instant, remembering values already parsed."""

    def __init__(self, now_ms: int) -> None:
        self.max_ms = now_ms + DAY_MS
        self._parsed: dict[str, tuple[int, str] | None] = {}

    def _parse(self, value: str) -> tuple[int, str] | None:
        if not any(pattern.fullmatch(value) for pattern in _DATE_FORMATS):
            return _BAD_FORMAT
        ms = parse_js_date(value)
        return None if ms is None else (ms, iso_from_ms(ms))

    def check(self, value: str) -> tuple[str | None, str | None]:
        """``(iso, None)`` for a valid date, ``(None, reason)`` otherwise."""
        if not value:
            return None, "Date is required"
        try:
            parsed = self._parsed[value]
        except KeyError:
            parsed = self._parsed[value] = self._parse(value)
        if parsed is _BAD_FORMAT:
            return None, "Invalid date format. Use YYYY-MM-DD or MM/DD/YYYY"
        if parsed is None:
            return None, "Invalid date value"
        ms, iso = parsed
        if ms < MIN_DATE_MS:
            return None, "Date is too old. Must be after 2020-01-01"
        if ms > self.max_ms:
            return None, "Date cannot be in the future"
        return iso, None


_LOWERED: Final[dict[tuple[str, ...], frozenset[str]]] = {
    allowed: frozenset(option.lower() for option in allowed)
    for allowed in (CHANNELS, SEVERITIES, SENTIMENTS, STATUSES, BUSINESS_UNITS)
}


def _enum_error(value: str, allowed: tuple[str, ...], name: str) -> tuple[str, str] | None:
    """``validateEnum``: ``None`` when ``value`` is allowed, else ``(reason, suggestedFix)``."""
    normalized = value.lower()
    if normalized in _LOWERED[allowed]:
        return None
    listed = ", ".join(allowed)
    suggestions = [
        option for option in allowed if normalized in option.lower() or option.lower() in normalized
    ]
    fix = f"Did you mean '{suggestions[0]}'?" if suggestions else f"Valid values: {listed}"
    return f"Invalid {name}. Must be one of: {listed}", fix


_OPTIONAL_ENUMS: Final = (
    ("severity", SEVERITIES, "severity"),
    ("sentiment", SENTIMENTS, "sentiment"),
    ("status", STATUSES, "status"),
)
_LENGTH_LIMITS: Final = (
    ("summary", MAX_SUMMARY_LENGTH, "Summary", "Shorten the summary text"),
    ("customerName", MAX_CUSTOMER_NAME_LENGTH, "Customer name", "Shorten the customer name"),
    ("category", MAX_CATEGORY_LENGTH, "Category", "Shorten the category name"),
)


def validate_row(
    data: Mapping[str, str], row: int, dates: DateChecker
) -> tuple[ValidRow | None, list[ErrorObject]]:
    """Validate one mapped row (field -> trimmed cell; unmapped optional fields absent)."""
    errors: list[ErrorObject] = []
    case_number = data.get("caseNumber", "")
    if not case_number:
        errors.append(
            _error(
                row,
                "caseNumber",
                case_number,
                "Case number is required",
                "Provide a unique case identifier",
            )
        )
    elif _exceeds(case_number, MAX_CASE_NUMBER_LENGTH):
        errors.append(
            _error(
                row,
                "caseNumber",
                _head(case_number),
                f"Case number exceeds {MAX_CASE_NUMBER_LENGTH} characters",
                "Shorten the case number",
            )
        )

    created_at_raw = data.get("createdAt", "")
    created_at, date_problem = dates.check(created_at_raw)
    if date_problem is not None:
        errors.append(_error(row, "createdAt", created_at_raw, date_problem, DATE_FIX))

    business_unit = data.get("businessUnit", "")
    if not business_unit:
        errors.append(
            _error(
                row,
                "businessUnit",
                business_unit,
                "Business unit is required",
                f"Use one of: {', '.join(BUSINESS_UNITS)}",
            )
        )
    else:
        problem = _enum_error(business_unit, BUSINESS_UNITS, "business unit")
        if problem is not None:
            errors.append(_error(row, "businessUnit", business_unit, *problem))

    channel = data.get("channel", "")
    if not channel:
        errors.append(
            _error(
                row,
                "channel",
                channel,
                "Channel is required",
                f"Use one of: {', '.join(CHANNELS)}",
            )
        )
    else:
        problem = _enum_error(channel, CHANNELS, "channel")
        if problem is not None:
            errors.append(_error(row, "channel", channel, *problem))

    for name, allowed, label in _OPTIONAL_ENUMS:
        value = data.get(name)
        if value:
            problem = _enum_error(value, allowed, label)
            if problem is not None:
                errors.append(_error(row, name, value, *problem))

    for name, limit, label, fix in _LENGTH_LIMITS:
        value = data.get(name)
        if value and _exceeds(value, limit):
            errors.append(
                _error(row, name, _head(value), f"{label} exceeds {limit} characters", fix)
            )

    if errors:
        return None, errors
    assert created_at is not None
    severity = data.get("severity")
    sentiment = data.get("sentiment")
    status = data.get("status")
    return (
        ValidRow(
            row=row,
            case_number=case_number,
            created_at=created_at,
            business_unit=business_unit,
            channel=channel.lower(),
            category=data.get("category"),
            severity=None if severity is None else severity.lower(),
            summary=data.get("summary"),
            customer_name=data.get("customerName"),
            sentiment=None if sentiment is None else sentiment.lower(),
            status=None if status is None else status.lower(),
        ),
        [],
    )


def map_columns(headers: Sequence[str]) -> dict[str, int]:
    """``detectColumnMapping``: field -> index of the first header matching an alias."""
    normalized = [js_trim(header.lower()) for header in headers]
    positions: dict[str, int] = {}
    for position, name in enumerate(normalized):
        positions.setdefault(name, position)
    mapping: dict[str, int] = {}
    for name, aliases in FIELD_ALIASES.items():
        for alias in aliases:
            if alias in positions:
                mapping[name] = positions[alias]
                break
    return mapping


def validate_records(records: Iterable[Sequence[str]], *, now_ms: int) -> ParseResult:
    """``parseCSV`` after tokenising: header mapping, then every data row validated.

    ``records`` may be a one-pass iterator; rows are validated as they arrive.
    """
    iterator = iter(records)
    headers = next(iterator, None)
    if headers is None:
        return ParseResult(
            errors=[
                _error(
                    0, "", "", "CSV file is empty", "Upload a CSV file with headers and data rows"
                )
            ]
        )
    mapping = map_columns(headers)
    missing = [name for name in REQUIRED_FIELDS if name not in mapping]
    if missing:
        data_count = sum(1 for _ in iterator)
        return ParseResult(
            errors=[
                _error(
                    1,
                    name,
                    "",
                    f"Required column '{name}' not found in headers",
                    f"Add a column with one of these names: {', '.join(FIELD_ALIASES[name])}",
                )
                for name in missing
            ],
            total_rows=data_count,
            invalid_rows=data_count,
        )
    result = ParseResult()
    dates = DateChecker(now_ms)
    columns = list(mapping.items())
    rows = result.rows
    errors = result.errors
    data_count = 0
    for data_count, record in enumerate(iterator, start=1):
        width = len(record)
        data = {name: record[index] if index < width else "" for name, index in columns}
        valid, row_errors = validate_row(data, data_count + 1, dates)
        if valid is not None:
            rows.append(valid)
        else:
            errors.extend(row_errors)
    result.total_rows = data_count
    result.invalid_rows = data_count - len(rows)
    return result
