"""Every SQL statement of the feed feature."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Row, and_, func, not_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from control_tower.core.jsonenc import dumps_str
from control_tower.core.rows import FEED_ITEM
from control_tower.core.sqlcompat import contains, like, sqlite_order

FEED = FEED_ITEM.table
_BUSINESS_UNIT_KEY = '"businessUnit":'


def feed_conditions(
    session: AsyncSession,
    *,
    item_type: str | None,
    created_since: str,
    bu: str | None,
    channel: str | None,
    scope: str | None,
) -> list[ColumnElement[bool]]:
    """The original's WHERE terms, in its order, then the viewer's scope.

    ``bu``/``channel`` are substring patterns on the raw metadata text, bound unescaped as
    the original bound them (``%`` and ``_`` in the input act as wildcards).
    """
    conditions: list[ColumnElement[bool]] = []
    if item_type is not None:
        conditions.append(FEED.c.type == item_type)
    conditions.append(FEED.c.created_at >= created_since)
    if bu is not None:
        conditions.append(like(session, FEED.c["metadata"], f'%"businessUnit":"{bu}"%'))
    if channel is not None:
        conditions.append(like(session, FEED.c["metadata"], f'%"channel":"{channel}"%'))
    if scope is not None:
        conditions.append(visible_to_unit(session, scope))
    return conditions


def visible_to_unit(session: AsyncSession, scope: str) -> ColumnElement[bool]:
    """Metadata names no business unit at all, or names ``scope`` (as compact JSON).

    A substring test on the stored text, like the ``bu`` filter, but with ``scope``'s
    wildcards escaped; it ignores ASCII case, as SQLite's ``LIKE`` does.
    """
    metadata = FEED.c["metadata"]
    return or_(
        metadata.is_(None),
        not_(contains(session, metadata, _BUSINESS_UNIT_KEY)),
        contains(session, metadata, _BUSINESS_UNIT_KEY + dumps_str(scope)),
    )


async def select_feed_items(
    session: AsyncSession,
    conditions: Sequence[ColumnElement[bool]],
    *,
    limit: int | None,
    offset: int,
) -> Sequence[Row[Any]]:
    """One page ordered by priority, then creation time, newest first (no tie-breaker)."""
    statement = (
        select(*FEED_ITEM.columns)
        .where(and_(*conditions))
        .order_by(FEED.c.priority.desc(), FEED.c.created_at.desc())
    )
    if limit is not None:
        statement = statement.limit(limit)
    if offset:
        statement = statement.offset(offset)
    return (await session.execute(sqlite_order(session, statement, FEED))).all()


async def count_feed_items(session: AsyncSession, conditions: Sequence[ColumnElement[bool]]) -> int:
    """How many items match ``conditions``."""
    statement = select(func.count()).select_from(FEED).where(and_(*conditions))
    return int((await session.execute(statement)).scalar_one())
