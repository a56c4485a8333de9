"""Properties 7 and 14, WebSocket broadcasting and connection lifecycle.

One real uvicorn per test; each example connects a generated set of subscribers (real
users with their access tokens, each subscribing to a generated set of channels through
the ``channels`` query parameter or ``subscribe``/``unsubscribe`` messages) and publishes a
generated stream of events (channels, business units, share events between users). The
rules of docs/security.md and ``realtime/ws.py`` decide who may see what:

* every subscriber receives every event it may see on its channels exactly once, in
  publication order, and nothing else (admins see all; others their unit's events and
  events of no unit; share events only their sender and recipient, or an admin);
* a connection with forged credentials is refused (close 4401, before any event);
* each connection is welcomed with its user and channels, acknowledged on every
  (un)subscribe, and closes cleanly (1000) when the client leaves, releasing its
  subscription on the bus.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from websockets.asyncio.client import ClientConnection, connect

from control_tower.core.clock import Clock
from control_tower.core.events import CHANNELS
from tests.properties.support_b import fresh_database, give_password
from tests.support.paths import CLOCK_START
from tests.support.server import LiveServer, make_settings

PASSWORD = "websocket property pw"
UNIT, OTHER = "Beer & Spirits", "KFC Delivery"


@dataclass(frozen=True)
class User:
    id: str
    email: str
    unit: str | None  # None: admin, sees every unit

    def may_see(self, event: Event) -> bool:
        if event.type.startswith("share."):
            return self.unit is None or self.id in {event.sender, event.recipient}
        return self.unit is None or event.unit is None or event.unit == self.unit


USERS = {
    "admin": User("user-admin-1", "thanapol.t@thaibev.com", None),
    "manager": User("user-manager-1", "manager1@thaibev.com", UNIT),
    "supervisor": User("user-supervisor-6", "supervisor6@thaibev.com", UNIT),
    "other": User("user-manager-5", "manager5@thaibev.com", OTHER),
}


@dataclass(frozen=True)
class Event:
    type: str
    channel: str
    unit: str | None
    sender: str | None = None
    recipient: str | None = None


@dataclass(frozen=True)
class Subscriber:
    user: str
    initial: frozenset[str]  # channels in the connect URL
    subscribe: frozenset[str]  # then a subscribe message
    unsubscribe: frozenset[str]  # then an unsubscribe message

    @property
    def channels(self) -> frozenset[str]:
        return (self.initial | self.subscribe) - self.unsubscribe


@dataclass
class Server:
    live: LiveServer
    tokens: dict[str, str]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    database = fresh_database(tmp_path)
    settings = make_settings(database, auth_mode="required", api_rate_limit_per_minute=0)
    asyncio.run(give_password(settings, PASSWORD, *(user.id for user in USERS.values())))
    live = LiveServer(settings, clock=Clock(CLOCK_START))
    live.start()
    try:
        tokens = {}
        with httpx.Client(base_url=live.url) as http:
            for name, user in USERS.items():
                response = http.post(
                    "/api/auth/login", json={"email": user.email, "password": PASSWORD}
                )
                assert response.status_code == 200, response.text
                tokens[name] = response.json()["accessToken"]
        yield Server(live, tokens)
    finally:
        live.stop()


channel_sets = st.frozensets(st.sampled_from(CHANNELS), max_size=3)
subscribers = st.builds(
    lambda user, keep, initial, subscribe, unsubscribe: Subscriber(
        user, initial, subscribe | {keep}, unsubscribe - {keep}
    ),
    st.sampled_from(sorted(USERS)),
    st.sampled_from(CHANNELS),  # at least one channel stays subscribed
    channel_sets,
    channel_sets,
    channel_sets,
)
party = st.sampled_from([u.id for u in USERS.values()] + ["user-manager-2", None])
events = st.one_of(
    st.builds(
        Event,
        st.sampled_from(["case.created", "alert.updated", "feed.created", "upload.completed"]),
        st.sampled_from(CHANNELS),
        st.sampled_from([None, UNIT, OTHER, "Cards"]),
    ),
    st.builds(
        Event,
        st.just("share.created"),
        st.sampled_from(CHANNELS),
        st.sampled_from([None, UNIT, OTHER]),
        party,
        party,
    ),
)
sequence = itertools.count()


def ws_url(live: LiveServer, query: str) -> str:
    return live.url.replace("http://", "ws://") + "/ws?" + query


async def receive(ws: ClientConnection) -> dict[str, Any]:
    while True:
        message: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), 5))
        if message["type"] != "ping":
            return message


async def open_subscriber(server: Server, subscriber: Subscriber) -> ClientConnection:
    query = f"token={server.tokens[subscriber.user]}"
    if subscriber.initial:
        query += "&channels=" + ",".join(sorted(subscriber.initial))
    ws = await connect(ws_url(server.live, query))
    welcome = await receive(ws)
    assert welcome["type"] == "welcome"
    assert welcome["user"]["id"] == USERS[subscriber.user].id
    assert welcome["channels"] == sorted(subscriber.initial)
    if subscriber.subscribe:
        await ws.send(json.dumps({"type": "subscribe", "channels": sorted(subscriber.subscribe)}))
        ack = await receive(ws)
        assert ack == {
            "type": "subscribed",
            "channels": sorted(subscriber.initial | subscriber.subscribe),
        }
    if subscriber.unsubscribe:
        message = {"type": "unsubscribe", "channels": sorted(subscriber.unsubscribe)}
        await ws.send(json.dumps(message))
        assert await receive(ws) == {"type": "subscribed", "channels": sorted(subscriber.channels)}
    return ws


async def collect(ws: ClientConnection, channels: frozenset[str], run: int) -> list[int]:
    """Sequence numbers of this run's events, until the end marker of every channel."""
    seen: list[int] = []
    waiting = set(channels)
    while waiting:
        message = await receive(ws)
        assert message["type"] == "event", message
        event = message["event"]
        if event["payload"].get("run") != run:
            continue  # left over from an earlier example's stream
        if event["type"] == "test.end":
            waiting.discard(event["channel"])
        else:
            seen.append(event["payload"]["n"])
    return seen


class TestBroadcasting:
    @settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
    @given(
        audience=st.lists(subscribers, min_size=1, max_size=4),
        stream=st.lists(events, max_size=12),
    )
    async def test_each_subscriber_gets_exactly_what_it_may_see_in_order(
        self, server: Server, audience: list[Subscriber], stream: list[Event]
    ) -> None:
        live = server.live
        bus = live.app.state.bus
        baseline = bus.subscriber_count
        run = next(sequence)
        sockets = [await open_subscriber(server, subscriber) for subscriber in audience]
        try:
            with pytest.raises(websockets.exceptions.InvalidStatus):
                await connect(ws_url(live, f"token={server.tokens['admin']}x"))
            for n, event in enumerate(stream):
                payload: dict[str, Any] = {"run": run, "n": n}
                if event.type.startswith("share."):
                    payload |= {"senderId": event.sender, "recipientId": event.recipient}
                live.call(
                    bus.publish(
                        event.type, payload, channel=event.channel, business_unit=event.unit
                    )
                )
            for channel in CHANNELS:
                live.call(bus.publish("test.end", {"run": run}, channel=channel))
            for ws, subscriber in zip(sockets, audience, strict=True):
                user = USERS[subscriber.user]
                expected = [
                    n
                    for n, event in enumerate(stream)
                    if event.channel in subscriber.channels and user.may_see(event)
                ]
                assert await collect(ws, subscriber.channels, run) == expected, subscriber
        finally:
            for ws in sockets:
                await ws.close()
        for ws in sockets:
            assert ws.close_code == 1000
        for _ in range(200):
            if bus.subscriber_count == baseline:
                break
            await asyncio.sleep(0.01)
        assert bus.subscriber_count == baseline, "a closed connection kept its subscription"


class TestServerShutdown:
    async def test_open_connections_are_closed_with_going_away(self, tmp_path: Path) -> None:
        """Stopping the server closes every open connection cleanly, as a restart.

        uvicorn closes its sockets (1012, service restart) before the app's lifespan ends;
        the app's own 1001 (going away) answers a bus that shuts down first.
        """
        live = LiveServer(make_settings(fresh_database(tmp_path)), clock=Clock(CLOCK_START))
        live.start()
        try:
            sockets = [await connect(ws_url(live, "channels=cases")) for _ in range(3)]
            for ws in sockets:
                assert (await receive(ws))["type"] == "welcome"
        finally:
            live.stop()
        for ws in sockets:
            with pytest.raises(websockets.exceptions.ConnectionClosed) as closed:
                await asyncio.wait_for(ws.recv(), 5)
            assert closed.value.rcvd is not None
            assert closed.value.rcvd.code in {1001, 1012}  # going away / service restart
