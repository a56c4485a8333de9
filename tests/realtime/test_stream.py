"""``GET /api/events`` against a real uvicorn on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
import uvicorn

from control_tower.core.clock import Clock
from control_tower.core.config import Settings
from control_tower.main import create_app
from control_tower.realtime.service import RealtimeState
from tests.support.paths import CLOCK_START
from tests.support.server import LiveServer, free_port

ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
FRAME = re.compile(r"^id: (?P<id>[^\n]+)\nevent: (?P<event>[^\n]+)\ndata: (?P<data>[^\n]+)$")
SEED_ACTIVE_ALERTS = 7
ITEMS_SINCE_9AM = 5


class Frames:
    """Reads complete SSE frames from a streaming response."""

    def __init__(self, response: httpx.Response) -> None:
        self._chunks = response.aiter_text()
        self._buffer = ""

    async def next(self, within: float = 5.0) -> dict[str, Any]:
        async def read() -> dict[str, Any]:
            while "\n\n" not in self._buffer:
                self._buffer += await self._chunks.__anext__()
            block, self._buffer = self._buffer.split("\n\n", 1)
            match = FRAME.match(block)
            assert match is not None, f"malformed frame {block!r}"
            return {
                "id": match["id"],
                "event": match["event"],
                "raw": match["data"],
                "data": json.loads(match["data"]),
            }

        return await asyncio.wait_for(read(), within)

    async def until(self, event: str, within: float = 5.0) -> dict[str, Any]:
        deadline = time.monotonic() + within
        while True:
            frame = await self.next(max(0.01, deadline - time.monotonic()))
            if frame["event"] == event:
                return frame


def configure(server: LiveServer, **timers: float) -> RealtimeState:
    state = RealtimeState(**timers)
    server.app.state.realtime = state
    return state


@asynccontextmanager
async def stream(
    base_url: str, query: str = "", headers: dict[str, str] | None = None
) -> AsyncIterator[tuple[httpx.Response, Frames]]:
    async with (
        httpx.AsyncClient(base_url=base_url, timeout=10) as client,
        client.stream("GET", f"/api/events{query}", headers=headers) as response,
    ):
        yield response, Frames(response)


def wait_until(predicate: Any, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()  # type: ignore[no-any-return]


class TestStream:
    async def test_headers_are_the_originals(self, live_server: LiveServer) -> None:
        async with stream(live_server.url) as (response, _):
            assert response.status_code == 200
            assert response.headers["content-type"] == "text/event-stream"
            assert response.headers["cache-control"] == "no-cache, no-transform"
            assert response.headers["connection"] == "keep-alive"
            assert response.headers["x-accel-buffering"] == "no"

    async def test_past_cursor_sends_items_then_the_alert_count(
        self, live_server: LiveServer
    ) -> None:
        query = "?lastEventId=2026-01-15T09%3A00%3A00.000Z"
        async with stream(live_server.url, query) as (_, frames):
            items = await frames.next()
            count = await frames.next()
        assert items["event"] == "new_feed_items"
        assert ISO.match(items["id"])
        feed = items["data"]["items"]
        assert len(feed) == ITEMS_SINCE_9AM
        assert [item["createdAt"] for item in feed] == sorted(
            (item["createdAt"] for item in feed), reverse=True
        )
        assert list(feed[0]) == [
            "id",
            "type",
            "title",
            "content",
            "metadata",
            "priority",
            "referenceId",
            "referenceType",
            "createdAt",
            "expiresAt",
        ]
        assert isinstance(feed[0]["metadata"], str)
        assert count["event"] == "alert_count"
        assert list(count["data"]) == ["count", "timestamp"]
        assert count["data"]["count"] == SEED_ACTIVE_ALERTS
        assert count["raw"] == json.dumps(count["data"], separators=(",", ":"))

    async def test_reconnect_with_last_event_id_header_replays(
        self, live_server: LiveServer
    ) -> None:
        # An EventSource reconnects with the header, not the parameter: it is a cursor too.
        headers = {"last-event-id": "2026-01-15T09:00:00.000Z"}
        async with stream(live_server.url, headers=headers) as (_, frames):
            first = await frames.next()
        assert first["event"] == "new_feed_items"
        assert len(first["data"]["items"]) == ITEMS_SINCE_9AM

    async def test_the_parameter_wins_over_the_header(self, live_server: LiveServer) -> None:
        headers = {"last-event-id": "2026-01-15T09:00:00.000Z"}
        async with stream(live_server.url, "?lastEventId=2030-01-01", headers) as (_, frames):
            first = await frames.next()
        assert first["event"] == "alert_count"

    async def test_without_a_cursor_only_the_count_comes(self, live_server: LiveServer) -> None:
        async with stream(live_server.url) as (_, frames):
            first = await frames.next()
        assert first["event"] == "alert_count"

    @pytest.mark.parametrize("cursor", ["abc", "2026-13-45"])
    async def test_invalid_cursor_sends_error_events(
        self, live_server: LiveServer, cursor: str
    ) -> None:
        configure(live_server, poll_interval_s=0.1)
        async with stream(live_server.url, f"?lastEventId={cursor}") as (_, frames):
            errors = [await frames.next(), await frames.next()]
        assert [frame["event"] for frame in errors] == ["error", "error"]
        assert errors[0]["data"] == {"message": "Failed to check for updates"}

    async def test_date_only_cursor_is_utc_midnight(self, live_server: LiveServer) -> None:
        async with stream(live_server.url, "?lastEventId=2026-01-15") as (_, frames):
            first = await frames.next()
        assert first["event"] == "new_feed_items"
        assert len(first["data"]["items"]) == ITEMS_SINCE_9AM

    async def test_cursor_moves_to_the_newest_item(self, live_server: LiveServer) -> None:
        configure(live_server, poll_interval_s=0.1)
        query = "?lastEventId=2026-01-15T09%3A00%3A00.000Z"
        async with stream(live_server.url, query) as (_, frames):
            assert (await frames.next())["event"] == "new_feed_items"
            following = [(await frames.next())["event"] for _ in range(3)]
        assert following == ["alert_count"] * 3

    async def test_heartbeat(self, live_server: LiveServer) -> None:
        configure(live_server, poll_interval_s=60, heartbeat_interval_s=0.2)
        async with stream(live_server.url) as (_, frames):
            beat = await frames.until("heartbeat", within=3)
        assert list(beat["data"]) == ["timestamp"]
        assert ISO.match(beat["data"]["timestamp"])

    async def test_a_write_reaches_the_stream_at_once(self, live_server: LiveServer) -> None:
        configure(live_server, poll_interval_s=60)
        async with (
            stream(live_server.url) as (_, frames),
            httpx.AsyncClient(base_url=live_server.url) as client,
        ):
            assert (await frames.next())["event"] == "alert_count"
            started = time.monotonic()
            response = await client.post("/api/demo-mode", json={"enabled": True})
            assert response.json()["enabled"] is True
            items = await frames.until("new_feed_items", within=3)
            elapsed = time.monotonic() - started
            after = await frames.next()
            await client.post("/api/demo-mode", json={"enabled": False})
        [item] = items["data"]["items"]
        assert item["id"].startswith("feed-mock-")
        assert elapsed < 3
        assert after["event"] == "alert_count"

    async def test_head_answers_headers_without_a_stream(self, live_server: LiveServer) -> None:
        async with httpx.AsyncClient(base_url=live_server.url, timeout=3) as client:
            response = await client.head("/api/events")
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/event-stream"
        assert response.content == b""

    async def test_options_lists_get_and_head(self, live_server: LiveServer) -> None:
        async with httpx.AsyncClient(base_url=live_server.url, timeout=3) as client:
            response = await client.options("/api/events")
        assert response.status_code == 204
        assert response.headers["allow"] == "GET, HEAD, OPTIONS"

    async def test_disconnect_releases_the_stream(self, live_server: LiveServer) -> None:
        state = configure(live_server, poll_interval_s=60)
        bus = live_server.app.state.bus
        async with stream(live_server.url) as (_, frames):
            await frames.next()
            assert state.open_streams == 1
            assert bus.subscriber_count == 1
        assert await asyncio.to_thread(wait_until, lambda: state.open_streams == 0)
        assert bus.subscriber_count == 0


class GracefulServer:
    """uvicorn as the CLI should run it: open streams are cut after a grace period."""

    def __init__(self, settings: Settings) -> None:
        self.port = free_port()
        self.app = create_app(settings, clock=Clock(CLOCK_START))
        config = uvicorn.Config(
            self.app,
            host="127.0.0.1",
            port=self.port,
            log_config=None,
            lifespan="on",
            timeout_graceful_shutdown=1,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=lambda: asyncio.run(self.server.serve()))

    def __enter__(self) -> GracefulServer:
        self.thread.start()
        assert wait_until(lambda: self.server.started, 20)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture
def graceful_server(settings: Settings) -> Iterator[GracefulServer]:
    with GracefulServer(settings) as server:
        yield server


class TestShutdown:
    async def test_open_stream_ends_cleanly_when_the_server_stops(
        self, graceful_server: GracefulServer
    ) -> None:
        url = f"http://127.0.0.1:{graceful_server.port}"
        async with stream(url) as (_, frames):
            await frames.next()
            graceful_server.server.should_exit = True
            with pytest.raises((StopAsyncIteration, httpx.HTTPError)):
                while True:
                    await frames.next(within=10)
        await asyncio.to_thread(graceful_server.thread.join, 10)
        assert not graceful_server.thread.is_alive()
        state = graceful_server.app.state.realtime
        assert state.open_streams == 0
        assert graceful_server.app.state.bus.subscriber_count == 0
