"""Inbox and shares: who received what, status changes, and escalation of cases.

Write bodies keep the original's semantics: fields come from destructuring (a missing key is
``undefined``, defaults apply only then), required fields are tested for JavaScript
truthiness, and values are stored the way better-sqlite3 bound them into TEXT columns: a
JSON number becomes SQLite's text of a REAL (``123`` is stored as ``"123.0"``), while
booleans, objects and arrays could not be bound at all (the original's handled 500).
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Final

from sqlalchemy.ext.asyncio import AsyncSession

from control_tower.auth.deps import Viewer
from control_tower.core.body import UNDEFINED, field
from control_tower.core.clock import Clock
from control_tower.core.errors import BadRequest, Forbidden, OriginalFailure
from control_tower.core.events import defer_event
from control_tower.core.js import js_truthy
from control_tower.core.query import Pagination
from control_tower.inbox import repository

DEFAULT_RECIPIENT: Final = "user-admin-001"
SHARE_STATUSES: Final = ("pending", "read", "actioned")

FETCH_FAILED: Final = "Failed to fetch inbox items"
COUNT_FAILED: Final = "Failed to fetch inbox count"
UPDATE_FAILED: Final = "Failed to update inbox item"
CREATE_FAILED: Final = "Failed to create share"

MISSING_ID: Final = "Missing required field: id"
INVALID_STATUS: Final = "Invalid status. Must be one of: pending, read, actioned"
MISSING_STATUS: Final = (
    "Missing required field: status (one of: pending, read, actioned); nothing to update"
)
MISSING_SHARE_FIELDS: Final = "Missing required fields: sourceType, sourceId, senderId, recipientId"

_SAFE_INTEGER = 2**53
_FIFTEEN_DIGITS = Decimal("1.00000000000000")


class Unbindable(Exception):
    """A value the original could not bind as an SQL parameter (boolean, object, array)."""


def truthy(value: Any) -> bool:
    """JavaScript truthiness of a destructured field (``undefined`` is falsy)."""
    return value is not UNDEFINED and js_truthy(value)


def _sqlite_real_text(value: float) -> str:
    """SQLite's text for a REAL stored in a TEXT column (``printf('%!.15g')``).

    SQLite (3.43 and later, as the original shipped) rounds the exact decimal value of the
    double half-up at 15 significant digits, and always keeps a decimal point.
    """
    if math.isinf(value):
        return "Inf" if value > 0 else "-Inf"
    if value == 0:
        return "0.0"
    exact = Decimal(value)
    exponent = exact.adjusted()
    rounded = exact.scaleb(-exponent).quantize(_FIFTEEN_DIGITS, rounding=ROUND_HALF_UP)
    if abs(rounded) >= 10:  # 9.999...95 rounded up to 10
        exponent += 1
        rounded = (rounded / 10).quantize(_FIFTEEN_DIGITS, rounding=ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    digits = str(abs(rounded)).replace(".", "").rstrip("0") or "0"
    if -4 <= exponent < 15:
        if exponent >= 0:
            whole = digits[: exponent + 1].ljust(exponent + 1, "0")
            fraction = digits[exponent + 1 :] or "0"
        else:
            whole = "0"
            fraction = "0" * (-exponent - 1) + digits
        return f"{sign}{whole}.{fraction}"
    mantissa = digits[0] + "." + (digits[1:] or "0")
    return f"{sign}{mantissa}e{'+' if exponent >= 0 else '-'}{abs(exponent):02d}"


def bound_text(value: Any) -> str | None:
    """What a TEXT column holds after the original bound this JSON value into it."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Unbindable(f"cannot bind a {type(value).__name__} as an SQL parameter")
    try:
        number = float(value)
    except OverflowError:
        number = math.inf if value > 0 else -math.inf
    if math.isnan(number):
        return None
    return _sqlite_real_text(number)


def js_echo(value: Any) -> Any:
    """A JSON request value as ``JSON.stringify`` would print it back (numbers are doubles)."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > _SAFE_INTEGER:
        try:
            return float(value)
        except OverflowError:
            return None
    return value


def inbox_owner(viewer: Viewer, requested: str | None) -> str:
    """Whose inbox to read: any user's for an admin, otherwise the viewer's own."""
    if viewer.is_admin:
        return requested or DEFAULT_RECIPIENT
    if requested is None or requested == viewer.id:
        return viewer.id
    raise Forbidden(
        f"You can only read your own inbox (you are {viewer.id!r}, asked for {requested!r})"
    )


def _event_channel(source_type: Any) -> str:
    if source_type == "alert":
        return "alerts"
    if source_type == "case":
        return "cases"
    return "system"


async def list_inbox(
    session: AsyncSession,
    *,
    recipient_id: str,
    status: str | None,
    share_type: str | None,
    pagination: Pagination,
    scope: str | None,
) -> dict[str, Any]:
    """One page of a recipient's shares, newest first, with sender and source."""
    pagination.check()
    conditions = repository.share_filters(
        recipient_id=recipient_id,
        status=None if status == "all" else status,
        share_type=None if share_type == "all" else share_type,
    )
    total = await repository.count_shares(session, conditions)
    offset, limit = pagination.slice_bounds()
    rows = await repository.list_shares(session, conditions, limit=limit, offset=offset)
    senders = await repository.senders_by_id(session, (row["senderId"] for row in rows))
    alert_ids = [row["sourceId"] for row in rows if row["sourceType"] == "alert"]
    case_ids = [row["sourceId"] for row in rows if row["sourceType"] == "case"]
    alerts = await repository.alert_sources_by_id(session, alert_ids, scope=scope)
    cases = await repository.case_sources_by_id(session, case_ids, scope=scope)
    items = []
    for row in rows:
        source: dict[str, Any] | None = None
        if row["sourceType"] == "alert" and row["sourceId"] in alerts:
            source = {**alerts[row["sourceId"]], "sourceType": "alert"}
        elif row["sourceType"] == "case" and row["sourceId"] in cases:
            source = {**cases[row["sourceId"]], "sourceType": "case"}
        items.append({**row, "sender": senders.get(row["senderId"]), "source": source})
    return {"items": items, "pagination": pagination.meta(total)}


async def inbox_count(session: AsyncSession, *, recipient_id: str) -> dict[str, Any]:
    """Pending shares of a recipient and whether any is an escalation."""
    pending, escalations = await repository.pending_counts(session, recipient_id=recipient_id)
    return {"count": pending, "hasEscalations": escalations > 0}


def _status_values(status: str, now: str) -> dict[str, Any]:
    if status == "read":
        return {"status": "read", "read_at": now}
    if status == "actioned":
        # The original stamps readAt again even when the share was read earlier.
        return {"status": "actioned", "actioned_at": now, "read_at": now}
    return {"status": "pending", "read_at": None, "actioned_at": None}


async def update_status(
    session: AsyncSession, body: Any, *, viewer: Viewer, clock: Clock
) -> dict[str, Any]:
    """Move a share to pending, read or actioned (an unknown id changes nothing)."""
    if body is None:
        raise OriginalFailure(UPDATE_FAILED)
    share_id = field(body, "id")
    status = field(body, "status")
    if not truthy(share_id):
        raise BadRequest(MISSING_ID)
    if truthy(status) and status not in SHARE_STATUSES:
        raise BadRequest(INVALID_STATUS, details={"allowed": list(SHARE_STATUSES)})
    if not truthy(status):
        raise BadRequest(MISSING_STATUS, details={"allowed": list(SHARE_STATUSES)})
    try:
        key = bound_text(share_id)
    except Unbindable as exc:
        raise OriginalFailure(UPDATE_FAILED) from exc
    assert key is not None and isinstance(status, str)
    existing = await repository.get_share(session, key)
    if existing is not None and not viewer.is_admin and existing["recipientId"] != viewer.id:
        raise Forbidden("You can only update shares sent to you")
    values = _status_values(status, clock.now_iso())
    await repository.update_share(session, key, values)
    if existing is not None:
        updated = {**existing, "status": values["status"]}
        if "read_at" in values:
            updated["readAt"] = values["read_at"]
        if "actioned_at" in values:
            updated["actionedAt"] = values["actioned_at"]
        business_unit = await repository.source_business_unit(
            session, existing["sourceType"], existing["sourceId"]
        )
        defer_event(
            session,
            "share.updated",
            {**updated, "businessUnit": business_unit},
            channel=_event_channel(existing["sourceType"]),
            business_unit=business_unit,
        )
    return {"success": True, "id": js_echo(share_id), "status": status}


@dataclass(frozen=True, slots=True)
class _ShareFields:
    share_type: Any
    source_type: Any
    source_id: Any
    sender_id: Any
    recipient_id: Any
    message: Any
    channel: Any

    @classmethod
    def from_body(cls, body: Any) -> _ShareFields:
        share_type = field(body, "type")
        channel = field(body, "channel")
        return cls(
            share_type="share" if share_type is UNDEFINED else share_type,
            source_type=field(body, "sourceType"),
            source_id=field(body, "sourceId"),
            sender_id=field(body, "senderId"),
            recipient_id=field(body, "recipientId"),
            message=field(body, "message"),
            channel="internal" if channel is UNDEFINED else channel,
        )


async def create_share(
    session: AsyncSession, body: Any, *, clock: Clock, scope: str | None
) -> dict[str, Any]:
    """Share an alert or case with a user; escalating a case marks it critical and at risk."""
    if body is None:
        raise OriginalFailure(CREATE_FAILED)
    fields = _ShareFields.from_body(body)
    required = (fields.source_type, fields.source_id, fields.sender_id, fields.recipient_id)
    if not all(truthy(value) for value in required):
        raise BadRequest(MISSING_SHARE_FIELDS)
    share_id = str(uuid.uuid4())
    now = clock.now_iso()
    try:
        values = {
            "id": share_id,
            "type": bound_text(fields.share_type),
            "source_type": bound_text(fields.source_type),
            "source_id": bound_text(fields.source_id),
            "sender_id": bound_text(fields.sender_id),
            "recipient_id": bound_text(fields.recipient_id),
            "channel": bound_text(fields.channel),
            "message": bound_text(fields.message) if truthy(fields.message) else None,
            "status": "pending",
            "created_at": now,
            "read_at": None,
            "actioned_at": None,
        }
    except Unbindable as exc:
        raise OriginalFailure(CREATE_FAILED) from exc
    if values["type"] is None or values["channel"] is None:
        # NOT NULL columns: the original's insert failed here.
        raise OriginalFailure(CREATE_FAILED)
    await repository.insert_share(session, values)
    escalation = fields.share_type == "escalation"
    source_type = str(values["source_type"])
    source_id = str(values["source_id"])
    business_unit = await repository.source_business_unit(session, source_type, source_id)
    if escalation and fields.source_type == "case":
        changed = await repository.escalate_case(session, source_id, now=now, scope=scope)
        if changed:
            defer_event(
                session,
                "case.updated",
                {
                    "id": source_id,
                    "severity": "critical",
                    "riskFlag": True,
                    "updatedAt": now,
                    "businessUnit": business_unit,
                },
                channel="cases",
                business_unit=business_unit,
            )
    share = repository.SHARE.to_json([values[column.name] for column in repository.SHARE.columns])
    defer_event(
        session,
        "share.created",
        {**share, "businessUnit": business_unit},
        channel=_event_channel(source_type),
        business_unit=business_unit,
    )
    return {
        "id": share_id,
        "message": "Successfully escalated" if escalation else "Successfully shared",
    }
