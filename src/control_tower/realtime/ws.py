"""``GET /ws``: live events over a WebSocket, filtered by what the user may see.

Protocol (JSON text frames):

* connect with credentials like HTTP (``Authorization: Bearer``, ``?token=<access token>``
  or the session cookie; anonymous is the demo user in demo auth mode), optionally
  ``?channels=alerts,cases&lastEventId=<id>``;
* server → ``{"type":"welcome","user":{...},"channels":[...],"heartbeatSeconds":n}``;
* client → ``{"type":"subscribe","channels":[...],"lastEventId"?:id}``,
  ``{"type":"unsubscribe","channels":[...]}``, ``{"type":"ping"}``, ``{"type":"pong"}``;
* server → ``{"type":"event","event":{id,type,channel,time,businessUnit,payload}}``,
  ``{"type":"subscribed","channels":[...]}``, ``{"type":"ping"}`` every heartbeat,
  ``{"type":"pong"}``, ``{"type":"replay_gap"}`` when a requested replay is older than the
  kept history, ``{"type":"error","error":msg}`` for a bad message.

A client sees an event only if its role and business unit allow it: admins see all; others
see events of their unit or of no unit, and share events only when they sent or received
the share. Close codes: 4401 bad credentials, 4408 heartbeat missed, 4409 fell behind (its
queue overflowed; reconnect with ``lastEventId``), 1001 server shutting down (1012, service
restart, when uvicorn closes the socket first on shutdown: reconnect either way).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

import orjson
import structlog
from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from starlette.websockets import WebSocketState

from control_tower.auth import repository as auth_repository
from control_tower.auth.deps import SESSION_COOKIE
from control_tower.auth.service import (
    Viewer,
    viewer_from_access_token,
    viewer_from_session_token,
    viewer_from_user,
)
from control_tower.core.config import AuthMode, Settings
from control_tower.core.db import Database
from control_tower.core.errors import AppError
from control_tower.core.events import (
    CHANNELS,
    Event,
    EventBus,
    SubscriberTooSlow,
    Subscription,
    SubscriptionClosed,
)
from control_tower.core.models import UserRole

log = structlog.get_logger("control_tower.ws")
router = APIRouter(tags=["realtime"])

CLOSE_UNAUTHORIZED = 4401
CLOSE_HEARTBEAT = 4408
CLOSE_TOO_SLOW = 4409
CLOSE_GOING_AWAY = 1001
DEFAULT_HEARTBEAT_S = 25.0
SEND_TIMEOUT_S = 10.0


def may_see(viewer: Viewer, event: Event) -> bool:
    """Whether ``viewer`` may receive ``event``."""
    if event.type.startswith("share."):
        parties = {event.payload.get("senderId"), event.payload.get("recipientId")}
        return viewer.is_admin or viewer.id in parties
    if viewer.is_admin or event.business_unit is None:
        return True
    return event.business_unit == viewer.scope


def _channels(raw: Any) -> set[str]:
    if isinstance(raw, str):
        raw = [part.strip() for part in raw.split(",") if part.strip()]
    if not isinstance(raw, list) or not all(isinstance(c, str) for c in raw):
        raise ValueError("channels must be a list of channel names")
    unknown = sorted(set(raw) - set(CHANNELS))
    if unknown:
        raise ValueError(f"unknown channel(s) {', '.join(unknown)}; use {', '.join(CHANNELS)}")
    return set(raw)


async def _authenticate(websocket: WebSocket) -> Viewer:
    app = websocket.app
    settings: Settings = app.state.settings
    database: Database = app.state.db
    clock = app.state.clock
    authorization = websocket.headers.get("authorization")
    token = websocket.query_params.get("token")
    if authorization:
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() != "bearer":
            raise AppError("use a Bearer token", status_code=401)
        token = value.strip()
    async with database.session() as session:
        if token:
            return await viewer_from_access_token(session, token, clock=clock, settings=settings)
        cookie = websocket.cookies.get(SESSION_COOKIE)
        if cookie:
            return await viewer_from_session_token(session, cookie, clock=clock)
        if settings.effective_auth_mode is not AuthMode.DEMO:
            raise AppError("authentication required", status_code=401)
        user = await auth_repository.get_user(session, settings.demo_user_id)
    if user is None:
        return Viewer(id=settings.demo_user_id, role=UserRole.ADMIN, via="demo")
    return viewer_from_user(user, via="demo")


class Connection:
    """One WebSocket client: its subscription, channels and heartbeat."""

    def __init__(self, websocket: WebSocket, viewer: Viewer, bus: EventBus, heartbeat_s: float):
        self.websocket = websocket
        self.viewer = viewer
        self.bus = bus
        self.heartbeat_s = heartbeat_s
        self.channels: set[str] = set()
        self.subscription: Subscription | None = None
        self.last_seen = time.monotonic()

    async def send(self, message: dict[str, Any]) -> None:
        # asyncio.timeout, not wait_for: on Python 3.11 wait_for swallows a cancellation
        # that arrives as the awaited call completes, and the connection would outlive its
        # client (holding its bus subscription) until the next heartbeat.
        async with asyncio.timeout(SEND_TIMEOUT_S):
            await self.websocket.send_text(orjson.dumps(message).decode())

    async def resubscribe(self, last_event_id: str | None) -> None:
        if self.subscription is not None:
            self.bus.unsubscribe(self.subscription)
        self.subscription = await self.bus.subscribe()
        if last_event_id:
            missed = await self.bus.history_after(last_event_id)
            if missed is None:
                await self.send({"type": "replay_gap", "lastEventId": last_event_id})
            else:
                self.subscription.backlog = missed

    async def pump_events(self) -> None:
        while True:
            assert self.subscription is not None
            subscription = self.subscription
            try:
                async with asyncio.timeout(self.heartbeat_s):
                    event = await subscription.get()
            except TimeoutError:
                if time.monotonic() - self.last_seen > 2 * self.heartbeat_s:
                    await self.websocket.close(CLOSE_HEARTBEAT, "heartbeat missed")
                    return
                await self.send({"type": "ping"})
                continue
            if event.channel in self.channels and may_see(self.viewer, event):
                await self.send({"type": "event", "event": event.to_json()})

    async def read_messages(self) -> None:
        while True:
            raw = await self.websocket.receive_text()
            self.last_seen = time.monotonic()
            try:
                message = orjson.loads(raw)
                if not isinstance(message, dict):
                    raise ValueError("send a JSON object with a type")
                await self.handle(message)
            except ValueError as exc:
                await self.send({"type": "error", "error": str(exc)})

    async def handle(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        if kind == "ping":
            await self.send({"type": "pong"})
        elif kind == "pong":
            return
        elif kind == "subscribe":
            self.channels |= _channels(message.get("channels", list(CHANNELS)))
            last_event_id = message.get("lastEventId")
            if last_event_id is not None:
                if not isinstance(last_event_id, str):
                    raise ValueError("lastEventId must be a string")
                await self.resubscribe(last_event_id)
            await self.send({"type": "subscribed", "channels": sorted(self.channels)})
        elif kind == "unsubscribe":
            self.channels -= _channels(message.get("channels", []))
            await self.send({"type": "subscribed", "channels": sorted(self.channels)})
        else:
            raise ValueError("type must be subscribe, unsubscribe, ping or pong")


@router.websocket("/ws")
async def events_socket(websocket: WebSocket) -> None:
    """Stream the events the user may see on the channels they subscribe to."""
    try:
        viewer = await _authenticate(websocket)
    except AppError as exc:
        await websocket.close(CLOSE_UNAUTHORIZED, exc.message[:120])
        return
    await websocket.accept()
    bus: EventBus = websocket.app.state.bus
    heartbeat_s = float(getattr(websocket.app.state, "ws_heartbeat_s", DEFAULT_HEARTBEAT_S))
    connection = Connection(websocket, viewer, bus, heartbeat_s)
    metrics = getattr(websocket.app.state, "metrics", None)
    if metrics is not None:
        metrics.websockets.inc()
    tasks: list[asyncio.Task[None]] = []
    try:
        try:
            raw_channels = websocket.query_params.get("channels")
            connection.channels = _channels(raw_channels) if raw_channels else set()
        except ValueError as exc:
            await connection.send({"type": "error", "error": str(exc)})
        await connection.resubscribe(websocket.query_params.get("lastEventId"))
        await connection.send(
            {
                "type": "welcome",
                "user": viewer.to_json(),
                "channels": sorted(connection.channels),
                "heartbeatSeconds": heartbeat_s,
            }
        )
        tasks = [
            asyncio.create_task(connection.pump_events()),
            asyncio.create_task(connection.read_messages()),
        ]
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            error = task.exception()
            if isinstance(error, SubscriberTooSlow):
                await websocket.close(CLOSE_TOO_SLOW, "fell behind; reconnect with lastEventId")
            elif isinstance(error, SubscriptionClosed):
                await websocket.close(CLOSE_GOING_AWAY, "server shutting down")
            elif error is not None and not isinstance(error, WebSocketDisconnect):
                if not isinstance(error, TimeoutError):
                    log.warning("ws.failed", error=repr(error))
                if websocket.application_state is WebSocketState.CONNECTED:
                    await websocket.close(CLOSE_TOO_SLOW, "send timed out")
    except WebSocketDisconnect:
        pass
    except asyncio.CancelledError:
        if websocket.application_state is WebSocketState.CONNECTED:
            with contextlib.suppress(Exception):
                await websocket.close(CLOSE_GOING_AWAY, "server shutting down")
        raise
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(BaseException):
                await task
        if connection.subscription is not None:
            bus.unsubscribe(connection.subscription)
        if metrics is not None:
            metrics.websockets.dec()
