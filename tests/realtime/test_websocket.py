"""``/ws``: subscribe, receive, permission filtering, heartbeat, slow-client drop, replay."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import httpx
import pytest
import websockets
from websockets.asyncio.client import ClientConnection, connect

from control_tower.auth.service import Viewer
from control_tower.core.events import Event
from control_tower.realtime.ws import may_see
from tests.support.server import LiveServer


def ws_url(server: LiveServer, query: str = "") -> str:
    return server.url.replace("http://", "ws://") + "/ws" + (f"?{query}" if query else "")


async def next_message(ws: ClientConnection, *, skip_pings: bool = True) -> dict[str, Any]:
    while True:
        message: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), 5))
        if skip_pings and message["type"] == "ping":
            continue
        return message


async def next_event(ws: ClientConnection) -> dict[str, Any]:
    while True:
        message = await next_message(ws)
        if message["type"] == "event":
            event: dict[str, Any] = message["event"]
            return event


def publish(
    server: LiveServer, event_type: str, channel: str, bu: str | None, **payload: Any
) -> str:
    event = server.call(
        server.app.state.bus.publish(event_type, payload, channel=channel, business_unit=bu)
    )
    event_id: str = event.id
    return event_id


class TestMaySee:
    def event(self, event_type: str, bu: str | None, **payload: Any) -> Event:
        return Event("1-1", event_type, "cases", "t", bu, payload)

    def test_admin_sees_everything(self) -> None:
        admin = Viewer("a", "admin")
        assert may_see(admin, self.event("case.created", "KFC Delivery"))

    def test_unit_users_see_their_unit_and_unscoped_events(self) -> None:
        manager = Viewer("m", "bu_manager", "Beer & Spirits")
        assert may_see(manager, self.event("case.created", "Beer & Spirits"))
        assert may_see(manager, self.event("system.notice", None))
        assert not may_see(manager, self.event("case.created", "KFC Delivery"))

    def test_shares_only_reach_their_parties(self) -> None:
        manager = Viewer("m", "bu_manager", "Beer & Spirits")
        share = {"senderId": "x", "recipientId": "m"}
        assert may_see(manager, self.event("share.created", "KFC Delivery", **share))
        assert not may_see(
            manager, self.event("share.created", None, senderId="x", recipientId="y")
        )


class TestWebSocket:
    async def test_welcome_subscribe_and_receive(self, live_server: LiveServer) -> None:
        async with connect(ws_url(live_server)) as ws:
            welcome = await next_message(ws)
            assert welcome["type"] == "welcome"
            assert welcome["user"]["id"] == "user-admin-1"
            await ws.send(json.dumps({"type": "subscribe", "channels": ["alerts"]}))
            assert await next_message(ws) == {"type": "subscribed", "channels": ["alerts"]}
            # A real write on another connection: escalating an alert publishes events.
            async with httpx.AsyncClient(base_url=live_server.url) as http:
                response = await http.post(
                    "/api/alerts/alert-spike-1/escalate",
                    json={"senderId": "user-admin-1", "recipientId": "user-manager-1"},
                )
                assert response.status_code == 200
            types = [(await next_event(ws))["type"] for _ in range(3)]
            assert types == ["alert.updated", "share.created", "alerts.count"]

    async def test_only_subscribed_channels_arrive(self, live_server: LiveServer) -> None:
        async with connect(ws_url(live_server, "channels=cases")) as ws:
            await next_message(ws)  # welcome
            publish(live_server, "alert.created", "alerts", None, n=1)
            publish(live_server, "case.created", "cases", None, n=2)
            event = await next_event(ws)
            assert (event["type"], event["payload"]) == ("case.created", {"n": 2})

    async def test_bad_message_gets_an_error_not_a_disconnect(
        self, live_server: LiveServer
    ) -> None:
        async with connect(ws_url(live_server)) as ws:
            await next_message(ws)
            await ws.send("not json")
            assert (await next_message(ws))["type"] == "error"
            await ws.send(json.dumps({"type": "subscribe", "channels": ["nope"]}))
            error = await next_message(ws)
            assert error["type"] == "error" and "unknown channel" in error["error"]
            await ws.send(json.dumps({"type": "ping"}))
            assert await next_message(ws) == {"type": "pong"}

    async def test_reconnect_with_last_event_id_replays(self, live_server: LiveServer) -> None:
        first = publish(live_server, "case.created", "cases", None, n=1)
        publish(live_server, "case.created", "cases", None, n=2)
        publish(live_server, "case.created", "cases", None, n=3)
        async with connect(ws_url(live_server, f"channels=cases&lastEventId={first}")) as ws:
            await next_message(ws)
            replayed = [(await next_event(ws))["payload"]["n"] for _ in range(2)]
        assert replayed == [2, 3]

    async def test_invalid_token_is_refused(self, live_server: LiveServer) -> None:
        with pytest.raises(websockets.exceptions.InvalidStatus):
            async with connect(ws_url(live_server, "token=forged")) as ws:
                await ws.recv()

    async def test_heartbeat_ping_then_close_when_silent(self, live_server: LiveServer) -> None:
        live_server.app.state.ws_heartbeat_s = 0.2
        async with connect(ws_url(live_server), ping_interval=None) as ws:
            await next_message(ws)
            assert (await next_message(ws, skip_pings=False))["type"] == "ping"
            started = time.monotonic()
            with pytest.raises(websockets.exceptions.ConnectionClosed) as closed:
                while True:
                    await asyncio.wait_for(ws.recv(), 5)
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 4408
            assert time.monotonic() - started < 3

    async def test_slow_client_is_dropped_without_delaying_others(
        self, live_server: LiveServer
    ) -> None:
        live_server.app.state.bus.queue_size = 16
        big = "x" * 250_000
        total = 100
        # No compression: the payloads must really fill the slow client's socket buffers.
        async with (
            connect(ws_url(live_server, "channels=cases"), max_queue=1, compression=None) as slow,
            connect(ws_url(live_server, "channels=cases"), compression=None) as fast,
        ):
            await next_message(slow)
            await next_message(fast)
            received: list[int] = []

            async def drain() -> None:
                while len(received) < total:
                    received.append((await next_event(fast))["payload"]["n"])

            reader = asyncio.create_task(drain())
            started = time.monotonic()
            for index in range(total):
                publish(live_server, "case.created", "cases", None, n=index, blob=big)
                await asyncio.sleep(0.01)
            publishing_time = time.monotonic() - started
            await asyncio.wait_for(reader, 30)
            with pytest.raises(websockets.exceptions.ConnectionClosed) as closed:
                while True:
                    await asyncio.wait_for(slow.recv(), 10)
        assert received == list(range(total))
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4409
        assert publishing_time < 15
