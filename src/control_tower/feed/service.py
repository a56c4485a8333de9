"""Business rules of the feed: the date window, filters, ranking and pagination."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from control_tower.core.clock import DAY_MS, iso_from_ms, local_midnight_ms
from control_tower.core.query import Pagination
from control_tower.core.rows import FEED_ITEM
from control_tower.feed import repository

DEFAULT_LIMIT = 10
DEFAULT_DATE_RANGE = "today"
_ROLLING_WINDOWS_DAYS = {"7d": 7, "30d": 30}


@dataclass(frozen=True, slots=True)
class FeedFilters:
    """The feed's query parameters (``None`` = not given)."""

    item_type: str | None = None
    bu: str | None = None
    channel: str | None = None
    date_range: str = DEFAULT_DATE_RANGE


def window_start_ms(date_range: str, now_ms: int) -> int:
    """Oldest ``createdAt`` shown: ``7d``/``30d`` are rolling windows, anything else is today.

    ``today`` (and every unknown value, as in the original) starts at local midnight.
    """
    days = _ROLLING_WINDOWS_DAYS.get(date_range)
    if days is None:
        return local_midnight_ms(now_ms)
    return now_ms - days * DAY_MS


async def list_feed(
    session: AsyncSession,
    *,
    filters: FeedFilters,
    pagination: Pagination,
    now_ms: int,
    scope: str | None,
) -> dict[str, Any]:
    """One page of feed items, highest priority first, then newest first.

    A viewer limited to a business unit (``scope``) sees the items whose metadata names no
    ``businessUnit`` at all (global items such as the seed's alerts and highlights) and the
    items whose metadata names exactly its own unit; items of other units are hidden.
    """
    pagination.check()
    conditions = repository.feed_conditions(
        session,
        item_type=filters.item_type,
        created_since=iso_from_ms(window_start_ms(filters.date_range, now_ms)),
        bu=filters.bu,
        channel=filters.channel,
        scope=scope,
    )
    rows = await repository.select_feed_items(
        session, conditions, limit=pagination.sql_limit, offset=pagination.sql_offset
    )
    total = await repository.count_feed_items(session, conditions)
    return {"items": FEED_ITEM.many(rows), "pagination": pagination.meta(total)}
