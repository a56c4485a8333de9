"""Test support: the database effects of the original's ``POST /api/upload``.

The upload route belongs to another feature. Recompute and trending are checked against
the recorded write sequence, whose uploads change what they see, so this module writes what
an upload would have written (the uploads row and the valid rows as cases, in file order)
straight into the database. Which rows were valid is taken from the recorded response
(every row that has a validation error there is skipped), so no validator is reimplemented.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from control_tower.core.clock import Clock, iso_from_ms, parse_js_date
from control_tower.core.jsonenc import dumps_str
from tests.support.databases import connect

ALIASES: dict[str, tuple[str, ...]] = {
    "caseNumber": (
        "case_number", "casenumber", "case number", "case_no", "case no", "caseno", "id",
        "case_id",
    ),
    "createdAt": (
        "created_at", "createdat", "created at", "date", "timestamp", "created",
        "creation_date",
    ),
    "businessUnit": ("business_unit", "businessunit", "business unit", "bu", "department", "unit"),
    "channel": ("channel", "source", "contact_channel", "contact channel"),
    "category": ("category", "type", "issue_type", "issue type", "topic"),
    "severity": ("severity", "priority", "level", "urgency"),
    "summary": ("summary", "description", "details", "issue", "problem", "title", "subject"),
    "customerName": (
        "customer_name", "customername", "customer name", "customer", "name", "client",
    ),
    "sentiment": ("sentiment", "mood", "emotion", "customer_sentiment"),
    "status": ("status", "state", "case_status"),
}  # fmt: skip


def parse_csv(text: str) -> list[list[str]]:
    """Records of the original's CSV parser: quotes anywhere, trimmed cells, blanks dropped."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    records: list[list[str]] = []
    cells: list[str] = []
    cell: list[str] = []
    quoted = False
    i = 0
    while i < len(text):
        char = text[i]
        if quoted:
            if char == '"':
                if i + 1 < len(text) and text[i + 1] == '"':
                    cell.append('"')
                    i += 1
                else:
                    quoted = False
            else:
                cell.append(char)
        elif char == '"':
            quoted = True
        elif char == ",":
            cells.append("".join(cell))
            cell = []
        elif char == "\n":
            cells.append("".join(cell))
            records.append(cells)
            cells, cell = [], []
        else:
            cell.append(char)
        i += 1
    if cell or cells:
        cells.append("".join(cell))
        records.append(cells)
    trimmed = [[value.strip() for value in record] for record in records]
    return [record for record in trimmed if any(record)]


def _mapping(header: list[str]) -> dict[str, int]:
    lowered = [name.strip().lower() for name in header]
    found: dict[str, int] = {}
    for target, aliases in ALIASES.items():
        for alias in aliases:
            if alias in lowered:
                found[target] = lowered.index(alias)
                break
    return found


def _suffix() -> str:
    return "".join(random.choices(string.digits + string.ascii_lowercase, k=7))


@dataclass
class SimulatedUpload:
    upload_id: str
    inserted_case_ids: list[str]

    def response(self) -> dict[str, Any]:
        return {"uploadId": self.upload_id, "insertedCaseIds": self.inserted_case_ids}


def simulate_upload(
    database: Path, file_name: str, data: bytes, recorded: dict[str, Any], clock: Clock
) -> SimulatedUpload:
    """Write the uploads row and the cases the recorded upload inserted."""
    now_ms = clock.now_ms()
    now = iso_from_ms(now_ms)
    upload_id = f"{now_ms}-{_suffix()}"
    invalid_rows = {
        error["row"]
        for error in recorded.get("errors", [])
        if not str(error.get("reason", "")).endswith("already exists")
    }
    records = parse_csv(data.decode("utf-8"))
    mapping = _mapping(records[0]) if records else {}
    required = ("caseNumber", "createdAt", "businessUnit", "channel")
    rows: list[dict[str, Any]] = []
    if records and all(field in mapping for field in required):
        for number, record in enumerate(records[1:], start=2):
            if number in invalid_rows:
                continue

            def value(name: str, record: list[str] = record) -> str:
                index = mapping.get(name)
                return record[index] if index is not None and index < len(record) else ""

            created = parse_js_date(value("createdAt"))
            assert created is not None, value("createdAt")
            rows.append(
                {
                    "case_number": value("caseNumber"),
                    "channel": value("channel").lower(),
                    "status": (value("status") or "open").lower(),
                    "category": value("category") or "General",
                    "sentiment": (value("sentiment") or "neutral").lower(),
                    "severity": (value("severity") or "medium").lower(),
                    "business_unit": value("businessUnit"),
                    "summary": value("summary") or f"Case {value('caseNumber')}",
                    "customer_name": value("customerName") or None,
                    "created_at": iso_from_ms(created),
                }
            )
    inserted: list[str] = []
    with connect(database) as connection:
        for row in rows:
            case_id = f"case-{clock.now_ms()}-{_suffix()}"
            cursor = connection.execute(
                "INSERT OR IGNORE INTO cases (id, case_number, channel, status, category, "
                "subcategory, sentiment, severity, risk_flag, needs_review_flag, business_unit, "
                "summary, customer_name, agent_id, assigned_to, created_at, updated_at, "
                "resolved_at, upload_id) VALUES (?, ?, ?, ?, ?, NULL, ?, ?, 0, 0, ?, ?, ?, NULL, "
                "NULL, ?, ?, NULL, ?)",
                (
                    case_id,
                    row["case_number"],
                    row["channel"],
                    row["status"],
                    row["category"],
                    row["sentiment"],
                    row["severity"],
                    row["business_unit"],
                    row["summary"],
                    row["customer_name"],
                    row["created_at"],
                    now,
                    upload_id,
                ),
            )
            if cursor.rowcount:
                inserted.append(case_id)
        succeeded = len(inserted)
        errors = recorded.get("errors")
        connection.execute(
            "INSERT INTO uploads (id, file_name, file_size, status, total_rows, success_count, "
            "error_count, errors, uploaded_by, created_at, completed_at, recompute_status, "
            "recompute_started_at, recompute_completed_at, alerts_generated, trending_updated) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, NULL, NULL, 0, 0)",
            (
                upload_id,
                file_name,
                len(data),
                "completed" if succeeded and not errors else ("partial" if succeeded else "failed"),
                recorded.get("totalRows", 0),
                succeeded,
                len(errors or []),
                dumps_str(errors) if errors else None,
                now,
                now,
                "pending" if succeeded else None,
            ),
        )
    assert succeeded == recorded.get("successCount", 0), (file_name, succeeded, recorded)
    return SimulatedUpload(upload_id, inserted)
