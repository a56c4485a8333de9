"""Two workers sharing Redis: a WebSocket client on either hears every write exactly once."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
from websockets.asyncio.client import connect

from control_tower.core.clock import Clock
from tests.support.paths import CLOCK_START
from tests.support.server import LiveServer, make_settings

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def namespace() -> Iterator[str]:
    name = f"ct-test-{uuid.uuid4().hex[:10]}"
    yield name
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(f"{name}:*"))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture
def two_workers(reference_db: Path, namespace: str) -> Iterator[list[LiveServer]]:
    settings = make_settings(reference_db, redis_url=REDIS_URL, redis_namespace=namespace)
    servers = [LiveServer(settings, clock=Clock(CLOCK_START)) for _ in range(2)]
    for server in servers:
        server.start()
    try:
        yield servers
    finally:
        for server in servers:
            server.stop()


async def collect(url: str, count: int, ready: asyncio.Event) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    async with connect(url + "/ws?channels=alerts") as ws:
        await ws.recv()  # welcome
        ready.set()
        while len(events) < count:
            message = json.loads(await asyncio.wait_for(ws.recv(), 10))
            if message["type"] == "event":
                events.append(message["event"])
        # Nothing more may arrive (exactly once).
        with pytest.raises(TimeoutError):
            while True:
                extra = json.loads(await asyncio.wait_for(ws.recv(), 0.5))
                assert extra["type"] == "ping", extra
    return events


async def test_events_cross_workers_exactly_once(two_workers: list[LiveServer]) -> None:
    alerts = ["alert-spike-1", "alert-threshold-1", "alert-threshold-2", "alert-misclass-1"]
    # Each escalation of a non-critical alert publishes alert.updated, share.created and
    # (for an active alert) alerts.count; count what the writes will produce.
    expected_per_client = 0
    ready = [asyncio.Event(), asyncio.Event()]
    urls = [server.url.replace("http://", "ws://") for server in two_workers]
    async with httpx.AsyncClient() as http:
        states = {}
        for alert in alerts:
            detail = (await http.get(f"{two_workers[0].url}/api/alerts/{alert}")).json()["alert"]
            states[alert] = detail
            expected_per_client += 2 + (detail["status"] == "active")
        listeners = [
            asyncio.create_task(collect(url, expected_per_client, flag))
            for url, flag in zip(urls, ready, strict=True)
        ]
        await asyncio.gather(*(flag.wait() for flag in ready))
        for index, alert in enumerate(alerts):
            worker = two_workers[index % 2]
            response = await http.post(
                f"{worker.url}/api/alerts/{alert}/escalate",
                json={"senderId": "user-admin-1", "recipientId": "user-manager-1"},
            )
            assert response.status_code == 200
        received = await asyncio.gather(*listeners)
    ids = [[event["id"] for event in events] for events in received]
    assert ids[0] == ids[1]  # same events, same order, on both workers
    assert len(set(ids[0])) == expected_per_client
    shares = [e for e in received[0] if e["type"] == "share.created"]
    assert sorted(e["payload"]["sourceId"] for e in shares) == sorted(alerts)
