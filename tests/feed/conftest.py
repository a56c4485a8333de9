"""Feed fixtures: an empty migrated database per test and typed feed-item rows."""

from __future__ import annotations

import os
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from itertools import count
from typing import Any

import pytest
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from control_tower.core.db import Database
from control_tower.core.jsonenc import dumps_str
from control_tower.core.rows import FEED_ITEM
from tests.support.databases import TestDatabase
from tests.support.server import make_settings

_ids = count(1)


@contextmanager
def use_zone(name: str) -> Iterator[None]:
    """Run the block with the process time zone set to ``name`` (the suite runs in UTC)."""
    previous = os.environ.get("TZ", "UTC")
    os.environ["TZ"] = name
    time.tzset()
    try:
        yield
    finally:
        os.environ["TZ"] = previous
        time.tzset()


@pytest.fixture
async def session(empty_db: TestDatabase) -> AsyncIterator[AsyncSession]:
    database = Database(make_settings(empty_db))
    try:
        async with database.session() as unit_of_work:
            yield unit_of_work
    finally:
        await database.dispose()


def feed_row(
    *,
    created_at: str,
    priority: int = 50,
    item_type: str = "alert",
    metadata: dict[str, Any] | str | None = None,
    item_id: str | None = None,
) -> dict[str, Any]:
    """A feed_items row; ``metadata`` dicts are stored as compact JSON like the writers do."""
    stored = dumps_str(metadata) if isinstance(metadata, dict) else metadata
    return {
        "id": item_id or f"feed-test-{next(_ids)}",
        "type": item_type,
        "title": "Title",
        "content": "Content",
        "metadata": stored,
        "priority": priority,
        "reference_id": None,
        "reference_type": None,
        "created_at": created_at,
        "expires_at": None,
    }


async def add_feed_items(session: AsyncSession, *rows: dict[str, Any]) -> None:
    await session.execute(insert(FEED_ITEM.table), list(rows))
    await session.flush()
