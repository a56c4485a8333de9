"""Pulse fixtures: databases (empty or the reference copy), typed rows, time zones."""

from __future__ import annotations

from collections.abc import AsyncIterator
from itertools import count
from typing import Any

import pytest
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from control_tower.core.rows import ALERT, CASE
from tests.support.databases import TestDatabase
from tests.support.sessions import open_session

_ids = count(1)


@pytest.fixture
async def session(empty_db: TestDatabase) -> AsyncIterator[AsyncSession]:
    """A unit of work on an empty, migrated database."""
    async for unit_of_work in open_session(empty_db):
        yield unit_of_work


@pytest.fixture
async def reference_session(reference_db: TestDatabase) -> AsyncIterator[AsyncSession]:
    """A unit of work on a fresh copy of the original's database."""
    async for unit_of_work in open_session(reference_db):
        yield unit_of_work


def case_row(
    *,
    created_at: str,
    status: str = "open",
    severity: str = "medium",
    category: str = "Product Quality",
    business_unit: str = "KFC Delivery",
    resolved_at: str | None = None,
) -> dict[str, Any]:
    number = next(_ids)
    return {
        "id": f"case-test-{number}",
        "case_number": f"CT-{number:06d}",
        "channel": "phone",
        "status": status,
        "category": category,
        "subcategory": None,
        "sentiment": "neutral",
        "severity": severity,
        "risk_flag": 0,
        "needs_review_flag": 0,
        "business_unit": business_unit,
        "summary": "Test case",
        "customer_name": None,
        "agent_id": None,
        "assigned_to": None,
        "created_at": created_at,
        "updated_at": created_at,
        "resolved_at": resolved_at,
        "upload_id": None,
    }


def alert_row(*, status: str = "active", business_unit: str | None = None) -> dict[str, Any]:
    return {
        "id": f"alert-test-{next(_ids)}",
        "type": "spike",
        "severity": "high",
        "title": "Alert",
        "description": "Alert",
        "business_unit": business_unit,
        "category": None,
        "channel": None,
        "baseline_value": None,
        "current_value": None,
        "percentage_change": None,
        "status": status,
        "acknowledged_by": None,
        "acknowledged_at": None,
        "created_at": "2026-01-15T00:00:00.000Z",
        "updated_at": "2026-01-15T00:00:00.000Z",
    }


async def add_cases(session: AsyncSession, *rows: dict[str, Any]) -> None:
    await session.execute(insert(CASE.table), list(rows))
    await session.flush()


async def add_alerts(session: AsyncSession, *rows: dict[str, Any]) -> None:
    await session.execute(insert(ALERT.table), list(rows))
    await session.flush()
