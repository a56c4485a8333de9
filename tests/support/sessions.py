"""Units of work on a test database, and running a block in another time zone."""

from __future__ import annotations

import os
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager

from sqlalchemy.ext.asyncio import AsyncSession

from control_tower.core.db import Database
from tests.support.databases import TestDatabase
from tests.support.server import make_settings


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


async def open_session(database_path: TestDatabase) -> AsyncIterator[AsyncSession]:
    """One unit of work on ``database_path``; the engine is disposed afterwards."""
    database = Database(make_settings(database_path))
    try:
        async with database.session() as unit_of_work:
            yield unit_of_work
    finally:
        await database.dispose()
