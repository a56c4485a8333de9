"""Typed factories for case and alert rows inserted straight into the test database."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from control_tower.core.rows import ALERT, CASE


def case_row(**overrides: Any) -> dict[str, Any]:
    """A complete ``cases`` row (snake_case columns) with test defaults."""
    row: dict[str, Any] = {
        "id": "case-test-1",
        "case_number": "TST-000001",
        "channel": "phone",
        "status": "open",
        "category": "Order Issues",
        "subcategory": None,
        "sentiment": "neutral",
        "severity": "medium",
        "risk_flag": 0,
        "needs_review_flag": 0,
        "business_unit": "Test Unit",
        "summary": "Order arrived cold",
        "customer_name": None,
        "agent_id": None,
        "assigned_to": None,
        "created_at": "2026-01-15T09:00:00.000Z",
        "updated_at": "2026-01-15T09:00:00.000Z",
        "resolved_at": None,
        "upload_id": None,
    }
    row.update(overrides)
    return row


def alert_row(**overrides: Any) -> dict[str, Any]:
    """A complete ``alerts`` row (snake_case columns) with test defaults."""
    row: dict[str, Any] = {
        "id": "alert-test-1",
        "type": "threshold",
        "severity": "medium",
        "title": "Test alert",
        "description": "Raised by a test",
        "business_unit": "Test Unit",
        "category": None,
        "channel": None,
        "baseline_value": None,
        "current_value": None,
        "percentage_change": None,
        "status": "active",
        "acknowledged_by": None,
        "acknowledged_at": None,
        "created_at": "2026-01-15T09:00:00.000Z",
        "updated_at": "2026-01-15T09:00:00.000Z",
    }
    row.update(overrides)
    return row


async def insert_case(session: AsyncSession, **overrides: Any) -> dict[str, Any]:
    row = case_row(**overrides)
    await session.execute(insert(CASE.table).values(**row))
    return row


async def insert_alert(session: AsyncSession, **overrides: Any) -> dict[str, Any]:
    row = alert_row(**overrides)
    await session.execute(insert(ALERT.table).values(**row))
    return row
