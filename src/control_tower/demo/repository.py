"""Every SQL statement of the demo-mode generator."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from control_tower.core.cache import invalidate_on_commit
from control_tower.core.rows import table

ALERTS = table("alerts")
CACHE_NAMESPACE = {
    "cases": "cases",
    "alerts": "alerts",
    "trending_topics": "trending",
    "feed_items": "feed",
}


async def insert_row(session: AsyncSession, table_name: str, values: dict[str, Any]) -> None:
    """Insert one generated row (``cases``, ``alerts``, ``trending_topics`` or ``feed_items``)."""
    await session.execute(insert(table(table_name)).values(values))
    invalidate_on_commit(session, CACHE_NAMESPACE[table_name])


async def active_alert_counts(session: AsyncSession) -> dict[str, int]:
    """Active alerts in total and by critical/high severity (what the header badge shows)."""
    active = ALERTS.c.status == "active"
    critical = func.count().filter(ALERTS.c.severity == "critical")
    high = func.count().filter(ALERTS.c.severity == "high")
    result = await session.execute(select(func.count(), critical, high).where(active))
    total, critical_count, high_count = result.one()
    return {"total": int(total), "critical": int(critical_count), "high": int(high_count)}
