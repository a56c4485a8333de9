"""Business rules of the alerts feature: listing, counts, detail and escalation."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from control_tower.alerts import repository
from control_tower.alerts.repository import AlertFilters
from control_tower.auth.service import Viewer, resolve_sender
from control_tower.core.body import UNDEFINED
from control_tower.core.body import field as body_field
from control_tower.core.clock import iso_from_ms, local_days_ago_ms
from control_tower.core.errors import BadRequest, NotFound, OriginalFailure
from control_tower.core.events import defer_event
from control_tower.core.js import js_number_to_string, js_truthy
from control_tower.core.listing import ListQuery, page_response
from control_tower.core.sqlbind import Unbindable, bound_text

__all__ = [
    "MISCLASSIFICATION_KEYWORDS",
    "URGENCY_KEYWORDS",
    "AlertFilters",
    "AlertListQuery",
    "alert_counts",
    "contributing_phrases",
    "escalate_alert",
    "get_alert_detail",
    "list_alerts",
    "sample_case_severities",
    "sample_window_start",
    "time_window",
]

SORT_COLUMNS = {
    "createdAt": "created_at",
    "severity": "severity",
    "status": "status",
    "type": "type",
}

URGENCY_KEYWORDS: tuple[str, ...] = (
    "safety",
    "legal",
    "threat",
    "lawsuit",
    "injury",
    "death",
    "dangerous",
    "hazard",
    "emergency",
    "urgent",
    "critical",
    "harm",
    "accident",
    "fatality",
    "attorney",
    "sue",
)
MISCLASSIFICATION_KEYWORDS: tuple[str, ...] = (
    *URGENCY_KEYWORDS,
    "complaint",
    "escalate",
    "supervisor",
    "manager",
    "refund",
)
MAX_PHRASES = 10
SAMPLE_CASE_LIMIT = 10
ESCALATE_FAILED = "Failed to escalate alert"
MISSING_FIELDS = "Missing required fields: senderId, recipientId"


@dataclass(frozen=True)
class AlertListQuery(ListQuery[AlertFilters]):
    """``GET /api/alerts`` parameters, already reduced to the original's semantics."""

    SORT_COLUMNS: ClassVar[Mapping[str, str]] = SORT_COLUMNS

    filters: AlertFilters = field(default_factory=AlertFilters)


async def list_alerts(
    session: AsyncSession, *, query: AlertListQuery, scope: str | None
) -> dict[str, Any]:
    """Return one page of alerts and the pagination block."""

    async def rows(page: ListQuery[AlertFilters]) -> list[dict[str, Any]]:
        return await repository.list_alerts(session, page, scope=scope)

    async def count(filters: AlertFilters) -> int:
        return await repository.count_alerts(session, filters=filters, scope=scope)

    return await page_response("alerts", query, rows, count)


async def alert_counts(session: AsyncSession, *, scope: str | None) -> dict[str, int]:
    """Count active alerts, and the critical and high ones among them."""
    total, critical, high = await repository.count_active(session, scope=scope)
    return {"total": total, "critical": critical, "high": high}


# -- detail -------------------------------------------------------------------------------


def sample_window_start(now_ms: int) -> str:
    """Start of the sample-case window: the same local time one day earlier, as ISO text."""
    return iso_from_ms(local_days_ago_ms(now_ms, 1))


def sample_case_severities(alert_type: str) -> tuple[str, ...] | None:
    """Case severities an alert of this type samples (``None``: any)."""
    if alert_type == "urgency":
        return ("high", "critical")
    if alert_type == "misclassification":
        return ("low", "medium")
    return None


def contributing_phrases(alert_type: str, summaries: Iterable[object]) -> list[str]:
    """Risk keywords found (as substrings, case-insensitively) in the sample summaries."""
    if alert_type == "urgency":
        keywords = URGENCY_KEYWORDS
    elif alert_type == "misclassification":
        keywords = MISCLASSIFICATION_KEYWORDS
    else:
        return []
    found: dict[str, None] = {}
    for summary in summaries:
        text = _js_string(summary).lower()
        for keyword in keywords:
            if keyword in text:
                found.setdefault(keyword)
    return list(found)[:MAX_PHRASES]


def time_window(title: str, alert_type: str) -> str | None:
    """The comparison-window label shown for an alert (``None``: no label)."""
    if "vs last week" in title:
        return "Last 7 days"
    if "vs previous 24 hours" in title:
        return "Last 24 hours"
    if "vs previous 4 hours" in title:
        return "Last 4 hours"
    if alert_type == "spike":
        return "Comparison period"
    return None


async def get_alert_detail(
    session: AsyncSession, *, alert_id: str, now_ms: int, scope: str | None
) -> dict[str, Any]:
    """Return an alert with its recent sample cases, risk phrases and window label."""
    alert = await repository.get_alert(session, alert_id, scope=scope)
    if alert is None:
        raise NotFound("Alert not found")
    alert_type = _js_string(alert["type"])
    samples = await repository.sample_cases(
        session,
        since=sample_window_start(now_ms),
        business_unit=alert["businessUnit"] if js_truthy(alert["businessUnit"]) else None,
        category=alert["category"] if js_truthy(alert["category"]) else None,
        severities=sample_case_severities(alert_type),
        scope=scope,
        limit=SAMPLE_CASE_LIMIT,
    )
    body: dict[str, Any] = {
        "alert": alert,
        "sampleCases": samples,
        "contributingPhrases": contributing_phrases(
            alert_type, (sample["summary"] for sample in samples)
        ),
    }
    window = time_window(_js_string(alert["title"]), alert_type)
    if window is not None:
        body["timeWindow"] = window
    return body


# -- escalation ---------------------------------------------------------------------------


def _bindable(value: Any) -> str | None:
    """The text SQLite stores for a JSON field; the original failed on unbindable values."""
    try:
        return bound_text(value)
    except Unbindable as exc:
        raise OriginalFailure(ESCALATE_FAILED) from exc


async def escalate_alert(
    session: AsyncSession,
    body: Any,
    *,
    alert_id: str,
    now_ms: int,
    viewer: Viewer,
) -> dict[str, Any]:
    """Raise an alert to critical and record an escalation share, as one unit of work.

    Both writes happen in the caller's transaction; every failure raises, so the unit of
    work rolls back and no severity change survives a share that could not be stored.
    """
    if body is None:
        # Destructuring a literal ``null`` body threw in the original.
        raise OriginalFailure(ESCALATE_FAILED)
    sender_id = resolve_sender(viewer, body_field(body, "senderId"))
    recipient_id = body_field(body, "recipientId")
    message = body_field(body, "message")
    channel = body_field(body, "channel")
    if channel is UNDEFINED:
        channel = "internal"
    if not js_truthy(sender_id) or not js_truthy(recipient_id):
        raise BadRequest(MISSING_FIELDS)

    alert = await repository.get_alert(session, alert_id, scope=viewer.scope)
    if alert is None:
        raise NotFound("Alert not found")

    share = {
        "id": str(uuid.uuid4()),
        "type": "escalation",
        "source_type": "alert",
        "source_id": alert_id,
        "sender_id": _bindable(sender_id),
        "recipient_id": _bindable(recipient_id),
        "channel": _bindable(channel),
        "message": _bindable(message) if js_truthy(message) else None,
        "status": "pending",
    }
    now = iso_from_ms(now_ms)
    bumped = alert["severity"] != "critical"
    try:
        if bumped:
            await repository.set_severity(session, alert_id, "critical", now=now)
        await repository.insert_share(session, {**share, "created_at": now})
    except SQLAlchemyError as exc:
        # The caller's unit of work rolls back, so the severity bump is undone too.
        raise OriginalFailure(ESCALATE_FAILED) from exc

    business_unit = alert["businessUnit"] if isinstance(alert["businessUnit"], str) else None
    if bumped:
        updated = {**alert, "severity": "critical", "updatedAt": now}
        defer_event(
            session, "alert.updated", updated, channel="alerts", business_unit=business_unit
        )
    defer_event(
        session,
        "share.created",
        {
            "id": share["id"],
            "type": share["type"],
            "sourceType": share["source_type"],
            "sourceId": share["source_id"],
            "senderId": _stored_text(share["sender_id"]),
            "recipientId": _stored_text(share["recipient_id"]),
            "channel": _stored_text(share["channel"]),
            "status": share["status"],
            "createdAt": now,
        },
        channel="alerts",
        business_unit=business_unit,
    )
    if bumped and alert["status"] == "active":
        counts = await alert_counts(session, scope=None)
        defer_event(session, "alerts.count", counts, channel="alerts")
    return {
        "success": True,
        "id": share["id"],
        "alertId": alert_id,
        "message": "Alert escalated successfully",
    }


def _stored_text(value: Any) -> Any:
    """What a TEXT column holds after binding ``value`` (numbers become their text)."""
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    return value


def _js_string(value: Any) -> str:
    """``String(value)`` for a value read from SQLite."""
    if isinstance(value, str):
        return value
    if value is None:
        return "null"
    if isinstance(value, int | float):
        return js_number_to_string(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)
