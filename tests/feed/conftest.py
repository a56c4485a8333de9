"""Feed fixtures: an empty migrated database per test and typed feed-item rows."""

from __future__ import annotations

from collections.abc import AsyncIterator
from itertools import count
from typing import Any

import pytest
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from control_tower.core.jsonenc import dumps_str
from control_tower.core.rows import FEED_ITEM
from tests.support.databases import TestDatabase
from tests.support.sessions import open_session

_ids = count(1)


@pytest.fixture
async def session(empty_db: TestDatabase) -> AsyncIterator[AsyncSession]:
    """A unit of work on an empty, migrated database."""
    async for unit_of_work in open_session(empty_db):
        yield unit_of_work


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
