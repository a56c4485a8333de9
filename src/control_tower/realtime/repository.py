"""Every SQL statement of the event stream."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from control_tower.core.jsonenc import dumps_str
from control_tower.core.rows import FEED_ITEM, table
from control_tower.core.sqlcompat import contains, sqlite_order

FEED_ITEMS = table("feed_items")
ALERTS = table("alerts")


def _feed_scope(session: AsyncSession, scope: str) -> ColumnElement[bool]:
    # Feed items carry their business unit only inside the metadata JSON text.
    return contains(session, FEED_ITEMS.c.metadata, f'"businessUnit":{dumps_str(scope)}')


async def feed_items_after(
    session: AsyncSession, cursor: str, *, limit: int, scope: str | None
) -> list[dict[str, Any]]:
    """Feed items created after ``cursor`` (text comparison), newest first."""
    condition: ColumnElement[bool] = FEED_ITEMS.c.created_at > cursor
    if scope is not None:
        condition = condition & _feed_scope(session, scope)
    statement = (
        select(*FEED_ITEM.columns)
        .where(condition)
        .order_by(FEED_ITEMS.c.created_at.desc())
        .limit(limit)
    )
    result = await session.execute(sqlite_order(session, statement, FEED_ITEMS))
    return FEED_ITEM.many(result.all())


async def active_alert_count(session: AsyncSession, *, scope: str | None) -> int:
    """``count(*)`` of alerts whose status is ``active``."""
    condition: ColumnElement[bool] = ALERTS.c.status == "active"
    if scope is not None:
        condition = condition & or_(
            ALERTS.c.business_unit == scope, ALERTS.c.business_unit.is_(None)
        )
    result = await session.execute(select(func.count()).select_from(ALERTS).where(condition))
    return int(result.scalar_one())
