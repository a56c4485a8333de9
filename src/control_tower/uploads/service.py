"""Upload rules: file checks, parsing and validation, the all-or-nothing case import, listing."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import partial
from typing import Any, Final

import anyio.to_thread
import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from control_tower.auth.deps import Viewer
from control_tower.core.clock import Clock, iso_from_ms
from control_tower.core.config import Settings
from control_tower.core.errors import BadRequest, Conflict, NotFound, PayloadTooLarge
from control_tower.core.events import defer_event
from control_tower.core.jsonenc import dumps_str
from control_tower.core.models import RecomputeStatus, UploadStatus
from control_tower.core.query import Pagination
from control_tower.core.rows import UPLOAD
from control_tower.uploads import repository as repo
from control_tower.uploads.parsing import (
    XLSX_MAX_EXPANSION,
    XLSX_MIME,
    InvalidSpreadsheet,
    Record,
    SpreadsheetTooLarge,
    TooManyRows,
    decode_text,
    iter_csv_records,
    iter_xlsx_records,
)
from control_tower.uploads.validation import (
    ErrorObject,
    ParseResult,
    ValidRow,
    validate_records,
)

log = structlog.get_logger("control_tower.uploads")

INVALID_TYPE_MESSAGE: Final = "Invalid file type. Only CSV files are accepted."
_ID_ALPHABET: Final = "0123456789abcdefghijklmnopqrstuvwxyz"

TEMPLATE_CSV: Final = "\n".join(
    (
        "# INSTRUCTIONS: Remove this row and the example rows below before uploading.",
        "# Required columns: caseNumber, createdAt, bu, channel",
        "# Optional columns: category, severity, summary, description",
        "# Date format: YYYY-MM-DD or ISO 8601 (e.g., 2024-01-15 or 2024-01-15T10:30:00Z)",
        "# Valid channels: phone, email, line, web",
        "# Valid severities: low, medium, high, critical",
        "# Valid business units: Retail, Corporate, SME, Government",
        "caseNumber,createdAt,bu,channel,category,severity,summary,description",
        "CASE-EXAMPLE-001,2024-01-15,Retail,phone,Billing,medium,Customer billing inquiry,"
        "Customer called about incorrect charges on their account",
        "CASE-EXAMPLE-002,2024-01-15,Corporate,email,Technical Support,high,System access issue,"
        "User unable to log into the portal after password reset",
    )
)
TEMPLATE_FILENAME: Final = "case-upload-template.csv"


class FileKind(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


@dataclass(frozen=True, slots=True)
class UploadedFile:
    """The ``file`` part of the form: its name, declared type (``File.type``) and bytes."""

    name: str
    content_type: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass(frozen=True, slots=True)
class UploadReply:
    """The status and JSON body ``POST /api/upload`` answers with."""

    status_code: int
    body: dict[str, Any]


# byte -> base-36 digit (256 = 7 * 36 + 4: digits 0-3 are very slightly likelier; these
# ids need uniqueness, not uniformity).
_BASE36_TABLE: Final = "".join(_ID_ALPHABET[byte % 36] for byte in range(256)).encode()
_SUFFIX = 7


def _random_suffixes(count: int) -> list[str]:
    """``count`` strings of seven base-36 characters, like ``Math.random().toString(36)``'s."""
    text = os.urandom(count * _SUFFIX).translate(_BASE36_TABLE).decode("ascii")
    return [text[i : i + _SUFFIX] for i in range(0, count * _SUFFIX, _SUFFIX)]


def new_id(ms: int) -> str:
    """``<ms>-<rand7>``: the id format of uploads and feed items."""
    return f"{ms}-{_random_suffixes(1)[0]}"


def new_case_ids(ms: int, count: int) -> list[str]:
    """``count`` distinct ``case-<ms>-<rand7>`` ids (one instant, so suffixes must differ)."""
    suffixes = list(dict.fromkeys(_random_suffixes(count)))
    while len(suffixes) < count:
        suffixes = list(dict.fromkeys([*suffixes, *_random_suffixes(count - len(suffixes))]))
    return [f"case-{ms}-{suffix}" for suffix in suffixes]


def file_type(content_type: str | None) -> str:
    """``File.type``: the part's Content-Type lower-cased ('' when absent or not ASCII)."""
    if not content_type or not all(" " <= char <= "~" for char in content_type):
        return ""
    return content_type.lower()


def file_kind(file: UploadedFile) -> FileKind:
    """CSV as the original accepted it (``.csv`` name or ``text/csv`` type), or XLSX."""
    declared = file_type(file.content_type)
    as_csv = file.name.endswith(".csv") or declared == "text/csv"
    as_xlsx = file.name.lower().endswith(".xlsx") or declared.split(";")[0].strip() == XLSX_MIME
    if as_xlsx and (not as_csv or file.data.startswith(b"PK\x03\x04")):
        return FileKind.XLSX
    if as_csv:
        return FileKind.CSV
    raise BadRequest(
        INVALID_TYPE_MESSAGE,
        code="INVALID_FILE_TYPE",
        details={
            "fileName": file.name,
            "contentType": declared,
            "accepted": [".csv or text/csv", ".xlsx"],
        },
    )


def read_rows(
    file: UploadedFile, kind: FileKind, *, now_ms: int, max_rows: int, max_bytes: int
) -> ParseResult:
    """Decode, tokenise and validate the file (CPU-bound; run off the event loop)."""
    records: Iterator[Record]
    if kind is FileKind.XLSX:
        records = iter_xlsx_records(
            file.data, max_uncompressed=max_bytes * XLSX_MAX_EXPANSION, max_rows=max_rows
        )
    else:
        text, _encoding = decode_text(file.data)
        records = iter_csv_records(text, max_rows=max_rows)
    return validate_records(records, now_ms=now_ms)


async def _parse(
    file: UploadedFile, kind: FileKind, *, now_ms: int, settings: Settings
) -> ParseResult:
    work = partial(
        read_rows,
        file,
        kind,
        now_ms=now_ms,
        max_rows=settings.upload_max_rows,
        max_bytes=settings.upload_max_bytes,
    )
    try:
        return await anyio.to_thread.run_sync(work)
    except TooManyRows as exc:
        raise PayloadTooLarge(
            f"Too many rows: the file has more than {exc.limit:,} data rows (the limit per "
            "upload). Split it into smaller files.",
            code="TOO_MANY_ROWS",
            details={"limitRows": exc.limit},
        ) from None
    except SpreadsheetTooLarge as exc:
        raise PayloadTooLarge(
            f"XLSX file refused: {exc}",
            code="XLSX_TOO_LARGE",
            details={"declaredBytes": exc.declared_bytes, "limitBytes": exc.limit_bytes},
        ) from None
    except InvalidSpreadsheet as exc:
        raise BadRequest(
            f"Invalid XLSX file: {exc}. Save it again from Excel as .xlsx, or upload a CSV.",
            code="INVALID_XLSX",
        ) from None


def permitted_rows(
    viewer: Viewer, rows: Sequence[ValidRow]
) -> tuple[list[ValidRow], list[ErrorObject]]:
    """The rows ``viewer`` may import, and an error object for each row refused.

    Every viewer may import every row today, as in the original. This is the one place for
    a later rule such as "a supervisor may only import rows of their own business unit":
    refuse rows whose ``business_unit`` differs from ``viewer.scope`` and return an error
    object naming the row and the ``businessUnit`` column for each.
    """
    return list(rows), []


def _insert_error(index: int, case_number: str) -> ErrorObject:
    # The original numbered these by position in the valid-row list (index + 2).
    return {
        "row": index + 2,
        "column": "caseNumber",
        "value": "",
        "reason": f"Case number '{case_number}' already exists",
        "suggestedFix": "Use a unique case number",
    }


def _case_values(row: ValidRow, case_id: str, upload_id: str, now: str) -> tuple[Any, ...]:
    """One case row, in ``repository.CASE_INSERT_COLUMNS`` (schema) order."""
    return (
        case_id,
        row.case_number,
        row.channel,
        row.status or "open",
        row.category or "General",
        None,  # subcategory
        row.sentiment or "neutral",
        row.severity or "medium",
        0,  # risk_flag
        0,  # needs_review_flag
        row.business_unit,
        row.summary or f"Case {row.case_number}",
        row.customer_name or None,
        None,  # agent_id
        None,  # assigned_to
        row.created_at,
        now,  # updated_at
        None,  # resolved_at
        upload_id,
    )


def _feed_item(upload_id: str, file_name: str, count: int, status: str, ms: int) -> dict[str, Any]:
    """The new-upload feed item, as its JSON (camelCase keys in column order)."""
    return {
        "id": new_id(ms),
        "type": "upload",
        "title": "New batch uploaded",
        "content": f"{count} new case{'s' if count > 1 else ''} added from {file_name}",
        "metadata": dumps_str(
            {"batchId": upload_id, "fileName": file_name, "caseCount": count, "status": status}
        ),
        "priority": 5,
        "referenceId": upload_id,
        "referenceType": "upload",
        "createdAt": iso_from_ms(ms),
        "expiresAt": None,
    }


def _feed_row(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": item["id"],
        "type": item["type"],
        "title": item["title"],
        "content": item["content"],
        "metadata": item["metadata"],
        "priority": item["priority"],
        "reference_id": item["referenceId"],
        "reference_type": item["referenceType"],
        "created_at": item["createdAt"],
        "expires_at": item["expiresAt"],
    }


def _completed_event(
    session: AsyncSession, upload_id: str, status: str, total: int, success: int, errors: int
) -> None:
    defer_event(
        session,
        "upload.completed",
        {
            "uploadId": upload_id,
            "status": status,
            "totalRows": total,
            "successCount": success,
            "errorCount": errors,
        },
        channel="uploads",
    )


def _import_failure(exc: Exception) -> ErrorObject:
    return {
        "row": 0,
        "column": "",
        "value": "",
        "reason": (
            f"Import failed: the database refused the batch ({type(exc).__name__}); no case "
            "from this file was saved"
        ),
        "suggestedFix": "Upload the file again; if it fails again, contact an administrator",
    }


async def _refuse_duplicate(session: AsyncSession, digest: str) -> None:
    earlier = await repo.find_earlier_import(session, digest)
    if earlier is None:
        return
    raise Conflict(
        f"This file was already uploaded: it is identical to '{earlier.file_name}' (upload "
        f"{earlier.upload_id}, {earlier.created_at}), which imported {earlier.success_count} "
        f"case{'s' if earlier.success_count != 1 else ''}. To import it again anyway, send "
        "allowDuplicate=true.",
        code="DUPLICATE_UPLOAD",
        details={
            "uploadId": earlier.upload_id,
            "fileName": earlier.file_name,
            "createdAt": earlier.created_at,
            "successCount": earlier.success_count,
            "sha256": digest,
        },
    )


async def import_upload(
    session: AsyncSession,
    file: UploadedFile,
    *,
    viewer: Viewer,
    clock: Clock,
    settings: Settings,
    allow_duplicate: bool = False,
) -> UploadReply:
    """Validate the file's rows and import the valid ones as cases, all or nothing."""
    kind = file_kind(file)
    digest = hashlib.sha256(file.data).hexdigest()
    if not allow_duplicate:
        await _refuse_duplicate(session, digest)

    parse = await _parse(file, kind, now_ms=clock.now_ms(), settings=settings)
    now_ms = clock.now_ms()
    now = iso_from_ms(now_ms)
    upload_id = new_id(now_ms)
    # Stored as the original stored it; the viewer is not recorded (uploaded_by stays null).
    await repo.insert_upload(
        session,
        {
            "id": upload_id,
            "file_name": file.name,
            "file_size": file.size,
            "status": UploadStatus.PROCESSING.value,
            "total_rows": parse.total_rows,
            "success_count": 0,
            "error_count": len(parse.errors),
            "errors": dumps_str(parse.errors) if parse.errors else None,
            "created_at": now,
        },
    )

    if parse.valid_rows == 0 and parse.total_rows > 0:
        await repo.update_upload(
            session, upload_id, {"status": UploadStatus.FAILED.value, "completed_at": now}
        )
        _completed_event(
            session, upload_id, UploadStatus.FAILED.value, parse.total_rows, 0, len(parse.errors)
        )
        log.info("upload.rejected", upload_id=upload_id, rows=parse.total_rows, kind=kind)
        return UploadReply(
            400,
            {
                "success": False,
                "uploadId": upload_id,
                "message": "All rows failed validation",
                "totalRows": parse.total_rows,
                "successCount": 0,
                "errorCount": parse.invalid_rows,
                "errors": parse.errors,
            },
        )

    rows, refused = permitted_rows(viewer, parse.rows)
    # Duplicates are found before inserting (one query), so the batch never trips UNIQUE.
    taken = await repo.existing_case_numbers(
        session, list(dict.fromkeys(row.case_number for row in rows))
    )
    to_insert: list[ValidRow] = []
    insert_errors: list[ErrorObject] = list(refused)
    for index, row in enumerate(rows):
        if row.case_number in taken:
            insert_errors.append(_insert_error(index, row.case_number))
        else:
            taken.add(row.case_number)
            to_insert.append(row)

    case_ids = new_case_ids(clock.now_ms(), len(to_insert))
    count = len(to_insert)
    all_errors = parse.errors + insert_errors
    status: str = (
        UploadStatus.FAILED
        if count == 0
        else UploadStatus.PARTIAL
        if all_errors
        else UploadStatus.COMPLETED
    ).value
    feed_item = _feed_item(upload_id, file.name, count, status, now_ms) if count else None
    try:
        async with session.begin_nested():
            await repo.insert_cases(
                session,
                (
                    _case_values(row, case_id, upload_id, now)
                    for row, case_id in zip(to_insert, case_ids, strict=True)
                ),
            )
            if count:
                await repo.insert_fingerprint(
                    session, upload_id=upload_id, sha256=digest, file_size=file.size, created_at=now
                )
            await repo.update_upload(
                session,
                upload_id,
                {
                    "status": status,
                    "success_count": count,
                    "error_count": len(all_errors),
                    "errors": dumps_str(all_errors) if all_errors else None,
                    "completed_at": now,
                    "recompute_status": RecomputeStatus.PENDING.value if count else None,
                },
            )
            if feed_item is not None:
                await repo.insert_feed_item(session, _feed_row(feed_item))
    except Exception as exc:
        log.error("upload.import_failed", upload_id=upload_id, error=repr(exc), exc_info=exc)
        all_errors = [*all_errors, _import_failure(exc)]
        status, count, case_ids, feed_item = UploadStatus.FAILED.value, 0, [], None
        await repo.update_upload(
            session,
            upload_id,
            {
                "status": status,
                "success_count": 0,
                "error_count": len(all_errors),
                "errors": dumps_str(all_errors),
                "completed_at": now,
                "recompute_status": None,
            },
        )

    _completed_event(session, upload_id, status, parse.total_rows, count, len(all_errors))
    if count:
        defer_event(
            session, "cases.imported", {"uploadId": upload_id, "count": count}, channel="cases"
        )
    if feed_item is not None:
        defer_event(session, "feed.created", feed_item, channel="feed")
    log.info(
        "upload.completed",
        upload_id=upload_id,
        kind=kind,
        status=status,
        rows=parse.total_rows,
        imported=count,
        errors=len(all_errors),
    )

    body: dict[str, Any] = {
        "success": status != UploadStatus.FAILED,
        "uploadId": upload_id,
        "message": (
            "Upload completed successfully"
            if status == UploadStatus.COMPLETED
            else "Upload completed with some errors"
            if status == UploadStatus.PARTIAL
            else "Upload failed"
        ),
        "totalRows": parse.total_rows,
        "successCount": count,
        "errorCount": len(all_errors),
    }
    if all_errors:
        body["errors"] = all_errors
    body["insertedCaseIds"] = case_ids
    body["recomputeStatus"] = RecomputeStatus.PENDING.value if count else None
    return UploadReply(200, body)


async def list_uploads(session: AsyncSession, *, pagination: Pagination) -> dict[str, Any]:
    """One page of uploads, newest first, with the pagination summary."""
    pagination.check()
    total = await repo.count_uploads(session)
    rows = await repo.list_uploads(
        session, limit=pagination.sql_limit, offset=pagination.sql_offset
    )
    return {"uploads": UPLOAD.many(rows), "pagination": pagination.meta(total)}


def _parsed_errors(raw: str | None) -> Any:
    """``JSON.parse(errors)`` when it parses, the raw text when not, null when empty."""
    if not raw:
        return None
    try:
        return json.loads(raw, parse_constant=_reject_constant)
    except ValueError:
        return raw


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


async def get_upload(session: AsyncSession, upload_id: str, *, scope: str | None) -> dict[str, Any]:
    """One upload with its errors parsed and the number of cases it imported."""
    row = await repo.get_upload(session, upload_id)
    if row is None:
        raise NotFound("Upload not found")
    body = UPLOAD.to_json(row)
    body["errors"] = _parsed_errors(body["errors"])
    body["associatedCaseCount"] = await repo.count_cases_of_upload(session, upload_id, scope=scope)
    return body
