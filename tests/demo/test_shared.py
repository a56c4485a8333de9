"""Demo mode across two workers sharing Redis: one state everywhere, one generator."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis

from control_tower.core.clock import Clock
from tests.support.databases import connect
from tests.support.paths import CLOCK_START
from tests.support.server import LiveServer, make_settings

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def workers(reference_db: Path) -> Iterator[list[LiveServer]]:
    namespace = f"ct-test-{uuid.uuid4().hex[:10]}"
    settings = make_settings(reference_db, redis_url=REDIS_URL, redis_namespace=namespace)
    servers = [LiveServer(settings, clock=Clock(CLOCK_START)) for _ in range(2)]
    for server in servers:
        server.start()
    try:
        yield servers
    finally:
        for server in servers:
            server.stop()
        client = redis.Redis.from_url(REDIS_URL)
        keys = list(client.scan_iter(f"{namespace}:*"))
        if keys:
            client.delete(*keys)
        client.close()


def generated_rows(database: Path) -> int:
    with connect(database) as connection:
        return sum(
            connection.execute(f"SELECT count(*) FROM {table} WHERE id LIKE '%-mock-%'").fetchone()[
                0
            ]
            for table in ("cases", "alerts", "trending_topics")
        )


async def test_one_state_and_one_generator(workers: list[LiveServer], reference_db: Path) -> None:
    first, second = workers
    async with httpx.AsyncClient() as http:
        started = await http.post(
            f"{first.url}/api/demo-mode", json={"enabled": True, "intervalMs": 60000}
        )
        assert started.json()["enabled"] is True
        seen = (await http.get(f"{second.url}/api/demo-mode")).json()
        assert (seen["enabled"], seen["intervalMs"]) == (True, 60000)
        # Several reconcile rounds later, only the immediate first event exists: the
        # generator runs on one worker, not on both.
        await asyncio.sleep(5)
        assert generated_rows(reference_db) == 1
        stopped = await http.post(f"{second.url}/api/demo-mode", json={"enabled": False})
        assert stopped.json()["enabled"] is False
        after = (await http.get(f"{first.url}/api/demo-mode")).json()
        assert (after["enabled"], after["intervalMs"]) == (False, 60000)
    leaders = [server.app.state.demo.running for server in workers]
    await asyncio.sleep(2.5)
    assert [server.app.state.demo.running for server in workers] == [False, False]
    assert leaders.count(True) <= 1
