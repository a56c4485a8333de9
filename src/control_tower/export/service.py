"""Case export: the original's columns and formatting, streamed as CSV or XLSX."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Sequence
from contextlib import aclosing
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from operator import itemgetter
from typing import Any

import structlog
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from control_tower.core.clock import iso_from_ms, parse_js_date
from control_tower.core.errors import BadRequest, NotFound, OriginalFailure, Unprocessable
from control_tower.export import repository
from control_tower.export.repository import ExportQuery
from control_tower.export.xlsx import MAX_CELL_LENGTH, MAX_SHEET_ROWS, cases_workbook, utf16_length

log = structlog.get_logger("control_tower.export")

#: The original's cap (``MAX_EXPORT_ROWS``), still the default.
MAX_EXPORT_ROWS = 10_000
#: Data rows one XLSX sheet can hold (the header takes the first row).
MAX_XLSX_ROWS = MAX_SHEET_ROWS - 1

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ExportFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


# -- formatting (the original's lib/export formatters) -------------------------------------

_JS_DATE_LIMIT_MS = 8_640_000_000_000_000
# A stored toISOString() value whose date needs no normalisation (no Feb 29-31, no 24:00):
# its UTC date is its first ten characters.
_PLAIN_STORED_INSTANT = re.compile(
    r"\d{4}-(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1\d|2[0-8])|(?:0[13-9]|1[0-2])-(?:29|30)"
    r"|(?:0[13578]|1[02])-31)T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z"
)


def format_date(value: Any) -> str:
    """``new Date(v).toISOString().split('T')[0]``; ``""`` when falsy, ``v`` when invalid."""
    if not value:
        return ""
    text = value if isinstance(value, str) else str(value)
    if _PLAIN_STORED_INSTANT.fullmatch(text):
        return text[:10]
    try:
        ms = parse_js_date(text)
        if ms is None or abs(ms) > _JS_DATE_LIMIT_MS:
            return text
        return iso_from_ms(ms).split("T")[0]
    except (OverflowError, OSError, ValueError):
        # Beyond what Python's calendar handles; V8 would print the year as +YYYYYY.
        return text


def _upper_first(word: str) -> str:
    """``w.charAt(0).toUpperCase() + w.slice(1).toLowerCase()`` (UTF-16 ``charAt``)."""
    if not word:
        return ""
    first = word[0]
    # charAt(0) of a non-BMP character is a lone surrogate, which toUpperCase leaves alone.
    head = first if ord(first) > 0xFFFF else first.upper()
    return head + word[1:].lower()


# Channel, status, severity and sentiment take a handful of values: cache their forms.
@lru_cache(maxsize=1024)
def capitalize(value: Any) -> str:
    """``Phone`` from ``phone``; ``""`` when falsy."""
    if not value:
        return ""
    return _upper_first(str(value))


@lru_cache(maxsize=1024)
def format_status(value: Any) -> str:
    """``In Progress`` from ``in_progress``; ``""`` when falsy."""
    if not value:
        return ""
    return " ".join(_upper_first(word) for word in str(value).split("_"))


def format_flag(value: Any) -> str:
    """``Yes`` for a stored 1 (a true flag), else ``No``."""
    return "Yes" if value == 1 else "No"


@dataclass(frozen=True, slots=True)
class ExportColumn:
    name: str
    header: str
    format: Callable[[Any], str] | None = None


COLUMNS: tuple[ExportColumn, ...] = (
    ExportColumn("case_number", "Case Number"),
    ExportColumn("created_at", "Created At", format_date),
    ExportColumn("business_unit", "Business Unit"),
    ExportColumn("channel", "Channel", capitalize),
    ExportColumn("status", "Status", format_status),
    ExportColumn("category", "Category"),
    ExportColumn("subcategory", "Subcategory"),
    ExportColumn("severity", "Severity", capitalize),
    ExportColumn("sentiment", "Sentiment", capitalize),
    ExportColumn("summary", "Summary"),
    ExportColumn("customer_name", "Customer Name"),
    ExportColumn("agent_id", "Agent ID"),
    ExportColumn("assigned_to", "Assigned To"),
    ExportColumn("risk_flag", "Risk Flag", format_flag),
    ExportColumn("needs_review_flag", "Needs Review", format_flag),
    ExportColumn("resolved_at", "Resolved At", format_date),
    ExportColumn("updated_at", "Updated At", format_date),
)
HEADERS = tuple(column.header for column in COLUMNS)
#: ``wch = max(header length, 15)``, as the original set ``!cols``.
COLUMN_WIDTHS = tuple(max(len(header), 15) for header in HEADERS)
_TEXT_COLUMNS = tuple(c.name for c in COLUMNS if c.format is not format_flag)

_POSITIONS = {column.name: index for index, column in enumerate(repository.cases.columns)}
_VALUES = itemgetter(*(_POSITIONS[column.name] for column in COLUMNS))
_FORMATTERS = tuple(column.format for column in COLUMNS)


def row_cells(row: Sequence[Any]) -> list[str | None]:
    """One case row as its 17 export cells: formatted strings, raw text, ``None`` for null."""
    return [
        value if formatter is None else formatter(value)
        for formatter, value in zip(_FORMATTERS, _VALUES(row), strict=True)
    ]


# -- CSV --------------------------------------------------------------------------------

_FORMULA_TRIGGERS = frozenset("=+-@\t\r")


def neutralise_formula(text: str) -> str:
    """Prefix ``'`` to a cell a spreadsheet would run as a formula (CSV injection)."""
    return "'" + text if text[:1] in _FORMULA_TRIGGERS else text


def csv_field(value: str | None) -> str:
    """The original's CSV escaping (after formula neutralisation); null is empty."""
    if not value:
        return ""
    text = "'" + value if value[0] in _FORMULA_TRIGGERS else value
    if '"' in text:
        return '"' + text.replace('"', '""') + '"'
    if "," in text or "\n" in text or "\r" in text:
        return '"' + text + '"'
    return text


def csv_line(cells: Sequence[str | None]) -> str:
    return ",".join([csv_field(cell) for cell in cells])


RowBatches = AsyncIterator[Sequence[Sequence[Any]]]


async def csv_body(batches: RowBatches, *, rows: int) -> AsyncIterator[bytes]:
    """Header line, then at most ``rows`` lines, joined with ``\\n`` (no trailing newline)."""
    yield csv_line(HEADERS).encode("utf-8")
    remaining = rows
    async for batch in batches:
        if remaining <= 0:
            break
        chunk = batch[:remaining] if len(batch) > remaining else batch
        remaining -= len(chunk)
        text = "".join(["\n" + csv_line(row_cells(row)) for row in chunk])
        yield text.encode("utf-8")


async def _cell_batches(batches: RowBatches) -> AsyncIterator[list[list[str | None]]]:
    async for batch in batches:
        yield [row_cells(row) for row in batch]


def xlsx_body(batches: RowBatches, *, rows: int) -> AsyncIterator[bytes]:
    """The SheetJS-identical workbook of the header and at most ``rows`` rows."""
    return cases_workbook(HEADERS, _cell_batches(batches), data_rows=rows, widths=COLUMN_WIDTHS)


async def _streamed(
    engine: AsyncEngine,
    query: ExportQuery,
    *,
    export_format: ExportFormat,
    rows: int,
    batch_size: int,
) -> AsyncGenerator[bytes, None]:
    """The file's bytes; the database cursor is closed however the stream ends."""
    render = csv_body if export_format is ExportFormat.CSV else xlsx_body
    sent = 0
    try:
        async with aclosing(
            repository.stream_rows(engine, query, batch_size=batch_size)
        ) as batches:
            async for chunk in render(batches, rows=rows):
                sent += len(chunk)
                yield chunk
    except Exception:
        log.exception("export.failed", format=export_format.value, bytes_sent=sent)
        raise
    except (asyncio.CancelledError, GeneratorExit):
        log.info("export.aborted", format=export_format.value, bytes_sent=sent)
        raise
    log.info("export.finished", format=export_format.value, rows=rows, bytes_sent=sent)


# -- the export -------------------------------------------------------------------------


def parse_format(value: str | None) -> ExportFormat:
    """``format`` (first occurrence, default csv); anything else is the original's 400."""
    if value is None:
        return ExportFormat.CSV
    try:
        return ExportFormat(value)
    except ValueError:
        raise BadRequest("Invalid format. Supported formats: csv, xlsx") from None


def parse_max_rows(value: str | None, *, ceiling: int, export_format: ExportFormat) -> int:
    """``maxRows``: default 10,000 (the original's cap); a whole number up to ``ceiling``."""
    if value is None:
        return MAX_EXPORT_ROWS
    limit = min(ceiling, MAX_XLSX_ROWS) if export_format is ExportFormat.XLSX else ceiling
    if not value.isdigit() or not value.isascii() or not 1 <= int(value) <= limit:
        raise BadRequest(
            f"Invalid maxRows: {value!r}. Use a whole number from 1 to {limit}"
            + (" (the XLSX sheet limit)" if limit == MAX_XLSX_ROWS else "")
            + ".",
            details={"maxRows": value, "maximum": limit},
        )
    return int(value)


@dataclass(frozen=True, slots=True)
class ExportFile:
    """A counted export, ready to stream."""

    media_type: str
    filename: str
    total_rows: int
    max_rows: int
    body: AsyncGenerator[bytes, None]


async def _check_cell_lengths(session: AsyncSession, query: ExportQuery) -> None:
    """Refuse (before streaming) an XLSX export with a cell longer than Excel allows."""
    longest = await repository.longest_text(session, query, _TEXT_COLUMNS)
    # A character counts at most twice in UTF-16, so shorter values can never overflow.
    threshold = MAX_CELL_LENGTH // 2
    if longest <= threshold:
        return
    rows = await repository.rows_with_long_text(
        session, query, _TEXT_COLUMNS, longer_than=threshold
    )
    for row in rows:
        for cell in row_cells(row):
            if cell is not None and utf16_length(cell) > MAX_CELL_LENGTH:
                raise Unprocessable(
                    f"This export has a cell longer than {MAX_CELL_LENGTH:,} characters "
                    f"(case {row[_POSITIONS['case_number']]}), which an XLSX sheet cannot "
                    "hold. Export it as CSV (format=csv) instead.",
                    details={"caseNumber": row[_POSITIONS["case_number"]]},
                )


async def export_cases(
    session: AsyncSession,
    engine: AsyncEngine,
    *,
    export_format: ExportFormat,
    query: ExportQuery,
    today: str,
    batch_size: int,
) -> ExportFile:
    """Count the cases to export and return the file, whose rows stream from the database."""
    try:
        total = await repository.count_rows(session, query, cap=query.limit)
        if total and export_format is ExportFormat.XLSX:
            await _check_cell_lengths(session, query)
    except SQLAlchemyError as exc:
        raise OriginalFailure("Failed to generate export") from exc
    if total == 0:
        raise NotFound("No cases found matching the specified filters")

    log.info("export.started", format=export_format.value, rows=total, max_rows=query.limit)
    body = _streamed(engine, query, export_format=export_format, rows=total, batch_size=batch_size)
    return ExportFile(
        media_type=CSV_MEDIA_TYPE if export_format is ExportFormat.CSV else XLSX_MEDIA_TYPE,
        filename=f"cases-export-{today}.{export_format.value}",
        total_rows=total,
        max_rows=query.limit,
        body=body,
    )
