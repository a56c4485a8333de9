"""Business rules of the cases feature: the filtered list and the case detail page.

The detail adds two derived parts the original generated from the row alone: an
``aiSummary`` (fixed sentences chosen by severity, status and sentiment) and a ``timeline``
of up to four events whose ids are fixed, so a skipped event leaves a gap.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from sqlalchemy.ext.asyncio import AsyncSession

from control_tower.cases import repository
from control_tower.cases.repository import CaseFilters
from control_tower.core.clock import iso_from_ms, parse_js_date
from control_tower.core.errors import NotFound
from control_tower.core.js import js_number_to_string, js_truthy
from control_tower.core.listing import ListQuery, page_response

__all__ = [
    "CaseFilters",
    "CaseListQuery",
    "ai_summary",
    "get_case_detail",
    "list_cases",
    "timeline",
]

SORT_COLUMNS = {
    "createdAt": "created_at",
    "severity": "severity",
    "status": "status",
    "caseNumber": "case_number",
}

IMPACT_BY_SEVERITY = {
    "critical": "Critical business impact requiring immediate attention. Potential for "
    "significant customer churn and reputation damage.",
    "high": "High impact on customer experience. May affect customer retention if not "
    "resolved promptly.",
    "medium": "Moderate impact on customer satisfaction. Standard resolution timeline acceptable.",
    "low": "Low impact on business operations. Routine issue that can be handled through "
    "normal channels.",
}
ACTION_BY_STATUS = {
    "open": "Assign to available agent and initiate contact within SLA timeframe.",
    "in_progress": "Continue monitoring progress. Escalate if approaching SLA breach.",
    "resolved": "Send satisfaction survey. Archive case notes for future reference.",
    "closed": "No further action required. Case has been fully resolved and documented.",
}
ACTION_BY_SENTIMENT = {
    "negative": "Prioritize empathetic communication and expedited resolution. Consider "
    "follow-up call after resolution.",
    "neutral": "Proceed with standard resolution process. Maintain professional and helpful tone.",
    "positive": "Maintain positive relationship. Use as opportunity to gather feedback and "
    "offer additional services.",
}
CONTACTED_STATUSES = frozenset({"in_progress", "resolved", "closed"})
ASSIGNED_AFTER_MS = 5 * 60_000
CONTACTED_AFTER_MS = 15 * 60_000
# The range of a JavaScript Date; beyond it toISOString throws.
_MAX_DATE_MS = 8_640_000_000_000_000


@dataclass(frozen=True)
class CaseListQuery(ListQuery[CaseFilters]):
    """``GET /api/cases`` parameters, already reduced to the original's semantics."""

    SORT_COLUMNS: ClassVar[Mapping[str, str]] = SORT_COLUMNS

    filters: CaseFilters = field(default_factory=CaseFilters)


async def list_cases(
    session: AsyncSession, *, query: CaseListQuery, scope: str | None
) -> dict[str, Any]:
    """Return one page of cases and the pagination block."""

    async def rows(page: ListQuery[CaseFilters]) -> list[dict[str, Any]]:
        return await repository.list_cases(session, page, scope=scope)

    async def count(filters: CaseFilters) -> int:
        return await repository.count_cases(session, filters=filters, scope=scope)

    return await page_response("cases", query, rows, count)


async def get_case_detail(
    session: AsyncSession, *, case_id: str, scope: str | None
) -> dict[str, Any]:
    """Return a case's columns followed by its ``aiSummary`` and ``timeline``."""
    case = await repository.get_case(session, case_id, scope=scope)
    if case is None:
        raise NotFound("Case not found")
    return {**case, "aiSummary": ai_summary(case), "timeline": timeline(case)}


def ai_summary(case: Mapping[str, Any]) -> dict[str, str]:
    """The canned summary: what happened, the impact (omitted for unknown severities) and
    the suggested action (``undefined`` stands in for an unknown status or sentiment)."""
    customer = case["customerName"] if js_truthy(case["customerName"]) else "contacted support"
    subcategory = case["subcategory"]
    detail = f" - {_js_string(subcategory)}" if js_truthy(subcategory) else ""
    what_happened = (
        f"Customer {_js_string(customer)} via {_js_string(case['channel'])} regarding "
        f"{_js_string(case['category']).lower()}{detail}. {_js_string(case['summary'])}"
    )
    summary = {"whatHappened": what_happened}
    impact = _lookup(IMPACT_BY_SEVERITY, case["severity"])
    if impact is not None:
        summary["impact"] = impact
    status_action = _lookup(ACTION_BY_STATUS, case["status"]) or "undefined"
    sentiment_action = _lookup(ACTION_BY_SENTIMENT, case["sentiment"]) or "undefined"
    summary["suggestedAction"] = f"{status_action} {sentiment_action}"
    return summary


def timeline(case: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Created, assigned (+5 min), contacted (+15 min) and resolved events, unsorted.

    The two derived events need a readable ``createdAt``; when it cannot be read as a date
    they are left out instead of failing the whole page (the original crashed).
    """
    created_at = case["createdAt"]
    events: list[dict[str, Any]] = [
        _event(
            "1",
            "created",
            "Case Created",
            f"Case opened via {_js_string(case['channel'])} channel",
            created_at,
        ),
    ]
    created_ms = _date_ms(created_at)
    if js_truthy(case["assignedTo"]):
        stamp = _shifted_iso(created_ms, ASSIGNED_AFTER_MS)
        if stamp is not None:
            agent = case["agentId"] if js_truthy(case["agentId"]) else "unknown"
            events.append(
                _event(
                    "2",
                    "assigned",
                    "Agent Assigned",
                    f"Case assigned to agent {_js_string(agent)}",
                    stamp,
                )
            )
    if case["status"] in CONTACTED_STATUSES:
        stamp = _shifted_iso(created_ms, CONTACTED_AFTER_MS)
        if stamp is not None:
            events.append(
                _event(
                    "3",
                    "contact",
                    "Customer Contacted",
                    "Initial contact made with customer",
                    stamp,
                )
            )
    if js_truthy(case["resolvedAt"]):
        events.append(
            _event("4", "resolved", "Case Resolved", "Issue has been resolved", case["resolvedAt"])
        )
    return events


def _event(
    event_id: str, kind: str, title: str, description: str, timestamp: Any
) -> dict[str, Any]:
    return {
        "id": event_id,
        "type": kind,
        "title": title,
        "description": description,
        "timestamp": timestamp,
    }


def _lookup(table: Mapping[str, str], key: Any) -> str | None:
    return table.get(key) if isinstance(key, str) else None


def _date_ms(value: Any) -> int | None:
    """``new Date(value).getTime()`` for a stored value; ``None`` when invalid."""
    if isinstance(value, str):
        return parse_js_date(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return int(value) if abs(value) <= _MAX_DATE_MS else None
    return None


def _shifted_iso(ms: int | None, delta_ms: int) -> str | None:
    if ms is None:
        return None
    shifted = ms + delta_ms
    if abs(shifted) > _MAX_DATE_MS:
        return None
    return iso_from_ms(shifted)


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
