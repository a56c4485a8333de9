"""Rows for chat tests, written straight into the test database."""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy import delete, insert, update
from sqlalchemy.ext.asyncio import AsyncSession

from control_tower.core.rows import table

CASES = table("cases")
ALERTS = table("alerts")
TRENDING_TOPICS = table("trending_topics")
_ids = itertools.count(1)


async def add_case(
    session: AsyncSession,
    *,
    created_at: str,
    business_unit: str = "KFC Delivery",
    severity: str = "low",
    category: str = "Order Issues",
    summary: str = "Test case",
    channel: str = "web",
) -> str:
    number = next(_ids)
    case_id = f"case-chat-test-{number}"
    await session.execute(
        insert(CASES).values(
            id=case_id,
            case_number=f"CT-{number:06d}",
            channel=channel,
            status="open",
            category=category,
            sentiment="neutral",
            severity=severity,
            business_unit=business_unit,
            summary=summary,
            created_at=created_at,
            updated_at=created_at,
        )
    )
    return case_id


async def add_alert(
    session: AsyncSession,
    *,
    severity: str = "high",
    business_unit: str | None = None,
    status: str = "active",
    created_at: str = "2026-01-15T10:04:00.000Z",
) -> str:
    alert_id = f"alert-chat-test-{next(_ids)}"
    await session.execute(
        insert(ALERTS).values(
            id=alert_id,
            type="spike",
            severity=severity,
            title="Test alert",
            description="Test alert",
            business_unit=business_unit,
            status=status,
            created_at=created_at,
            updated_at=created_at,
        )
    )
    return alert_id


async def set_alert_severity(session: AsyncSession, alert_id: str, severity: str) -> None:
    await session.execute(update(ALERTS).where(ALERTS.c.id == alert_id).values(severity=severity))


async def replace_trending_topics(session: AsyncSession, topics: list[dict[str, Any]]) -> None:
    """What ``POST /api/trending/compute`` writes for its ``topics`` (contract §2.6)."""
    await session.execute(delete(TRENDING_TOPICS))
    for index, topic in enumerate(topics):
        samples = topic.get("sampleCases") or []
        await session.execute(
            insert(TRENDING_TOPICS).values(
                id=f"trend-computed-1768471506529-{index}",
                topic=topic["term"],
                description=f"Trending topic: {topic['term']}",
                case_count=topic["currentCount"],
                baseline_count=topic["baselineCount"],
                trend=topic["direction"],
                percentage_change=topic["percentChange"],
                trend_score=topic["trendScore"],
                business_unit=(topic.get("impactedBUs") or [None])[0],
                category=samples[0]["category"] if samples else None,
                created_at="2026-01-15T10:05:06.529Z",
                updated_at="2026-01-15T10:05:06.529Z",
            )
        )


async def clear_trending_topics(session: AsyncSession) -> None:
    await session.execute(delete(TRENDING_TOPICS))
