"""With Redis, a sweep fails only recomputes whose worker died, never a live one."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import redis.asyncio as aioredis

from control_tower.core.clock import Clock
from control_tower.core.db import Database
from control_tower.recompute.service import RecomputeRunner
from tests.support.databases import connect
from tests.support.paths import CLOCK_START
from tests.support.server import make_settings

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
async def redis_client() -> AsyncIterator[aioredis.Redis]:
    client = aioredis.from_url(REDIS_URL)
    yield client
    await client.aclose()


def add_processing_upload(database: Path, upload_id: str) -> None:
    with connect(database) as connection:
        connection.execute(
            "INSERT INTO uploads (id, file_name, file_size, status, created_at, recompute_status,"
            " recompute_started_at) VALUES (?, 'x.csv', 1, 'completed', "
            "'2026-01-15T10:00:00.000Z', 'processing', '2026-01-15T10:00:00.000Z')",
            (upload_id,),
        )


def status_of(database: Path, upload_id: str) -> str:
    with connect(database) as connection:
        return str(
            connection.execute(
                "SELECT recompute_status FROM uploads WHERE id = ?", (upload_id,)
            ).fetchone()[0]
        )


async def test_sweep_spares_live_runs_and_fails_dead_ones(
    reference_db: Path, redis_client: aioredis.Redis
) -> None:
    namespace = f"ct-test-{uuid.uuid4().hex[:10]}"
    add_processing_upload(reference_db, "up-live")
    add_processing_upload(reference_db, "up-dead")
    # Another worker is still running up-live: it holds the lock.
    await redis_client.set(f"{namespace}:recompute:up-live", "other-worker", px=15_000)
    database = Database(make_settings(reference_db))
    runner = RecomputeRunner(database, Clock(CLOCK_START), redis=redis_client, namespace=namespace)
    try:
        assert await runner.recover() == ["up-dead"]
        assert status_of(reference_db, "up-live") == "processing"
        assert status_of(reference_db, "up-dead") == "failed"
        # The other worker died: its lock expired.
        await redis_client.delete(f"{namespace}:recompute:up-live")
        assert await runner.recover() == ["up-live"]
        assert status_of(reference_db, "up-live") == "failed"
    finally:
        await database.dispose()
        await redis_client.delete(f"{namespace}:recompute:up-live")
