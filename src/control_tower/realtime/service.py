"""The Server-Sent Events stream: new feed items and the active alert count, as they change.

Each connection keeps a cursor (the ``createdAt`` of the newest feed item it has sent, or
the connection time). A *check* sends the feed items created after the cursor (newest first,
at most 20) as ``new_feed_items`` and then the active alert count as ``alert_count``. A check
runs at once, every 5 s (as in the original), and as soon as the event bus reports a feed or
alert write, so a change reaches clients without waiting for the next poll. ``heartbeat``
follows every 30 s. A cursor that is not a date makes every check send ``error`` instead,
which is what the original did.

Frames are ``id: <ISO send time>``, ``event: <name>``, ``data: <compact JSON>``: the client
reconnects with ``?lastEventId=<id>``, so the id must stay a timestamp.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Final

import structlog
from fastapi import FastAPI

from control_tower.core.clock import Clock, iso_from_ms, parse_js_date
from control_tower.core.db import Database
from control_tower.core.events import (
    Event,
    EventBus,
    SubscriberTooSlow,
    Subscription,
    SubscriptionClosed,
)
from control_tower.core.jsonenc import dumps_str
from control_tower.realtime import repository

log = structlog.get_logger("control_tower.realtime")

FEED_BATCH: Final = 20
CHECK_FAILED: Final = "Failed to check for updates"
# ECMAScript's time value range: beyond it ``new Date`` is Invalid Date.
_MAX_TIME_MS: Final = 8_640_000_000_000_000

SendFrame = Callable[[bytes], Awaitable[None]]


@dataclass(eq=False)
class RealtimeState:
    """Stream timers (adjustable for tests) and the signal that closes every stream."""

    poll_interval_s: float = 5.0
    heartbeat_interval_s: float = 30.0
    closing: asyncio.Event = field(default_factory=asyncio.Event)
    open_streams: int = 0

    def close_streams(self) -> None:
        """End every open stream (shutdown)."""
        self.closing.set()


def get_realtime(app: FastAPI) -> RealtimeState:
    """The app's stream state on ``app.state.realtime`` (created on first use)."""
    state = getattr(app.state, "realtime", None)
    if not isinstance(state, RealtimeState):
        state = RealtimeState()
        app.state.realtime = state
    return state


def js_date_ms(text: str) -> int | None:
    """``new Date(text).getTime()``; ``None`` for Invalid Date."""
    try:
        ms = parse_js_date(text)
    except (ValueError, OverflowError):
        # Years Python's calendar cannot hold (outside 1-9999) are treated as invalid.
        return None
    if ms is None or abs(ms) > _MAX_TIME_MS:
        return None
    return ms


def initial_cursor(last_event_id: str | None, clock: Clock) -> int | None:
    """The cursor: the ``lastEventId`` parameter as a date, else the connection time."""
    if last_event_id is None:
        return clock.now_ms()
    return js_date_ms(last_event_id)


def frame(event: str, data: Any, *, clock: Clock) -> bytes:
    """One SSE frame stamped with the send time."""
    return f"id: {clock.now_iso()}\nevent: {event}\ndata: {dumps_str(data)}\n\n".encode()


def is_relevant(event: Event, scope: str | None) -> bool:
    """Whether a bus event can change what a stream shows (feed items, alert counts)."""
    if not (event.type.startswith("feed.") or event.type.startswith("alert")):
        return False
    return scope is None or event.business_unit is None or event.business_unit == scope


class InvalidCursor(Exception):
    """The cursor is not a date (``toISOString`` threw in the original)."""


@dataclass(eq=False)
class UpdateStream:
    """One client's stream: its cursor, its scope and the loop that feeds it."""

    database: Database
    clock: Clock
    state: RealtimeState
    cursor_ms: int | None
    scope: str | None = None
    bus: EventBus | None = None

    async def check(self, send: SendFrame) -> None:
        """Send new feed items (if any) and the active alert count, or ``error``."""
        try:
            if self.cursor_ms is None:
                raise InvalidCursor
            cursor = iso_from_ms(self.cursor_ms)
            async with self.database.session() as session:
                items = await repository.feed_items_after(
                    session, cursor, limit=FEED_BATCH, scope=self.scope
                )
                if items:
                    self.cursor_ms = js_date_ms(str(items[0]["createdAt"]))
                    await send(frame("new_feed_items", {"items": items}, clock=self.clock))
                count = await repository.active_alert_count(session, scope=self.scope)
            await send(
                frame(
                    "alert_count",
                    {"count": count, "timestamp": self.clock.now_iso()},
                    clock=self.clock,
                )
            )
        except InvalidCursor:
            await send(frame("error", {"message": CHECK_FAILED}, clock=self.clock))
        except Exception as exc:
            log.warning("realtime.check_failed", error=repr(exc))
            await send(frame("error", {"message": CHECK_FAILED}, clock=self.clock))

    async def heartbeat(self, send: SendFrame) -> None:
        await send(frame("heartbeat", {"timestamp": self.clock.now_iso()}, clock=self.clock))

    async def _subscribe(self) -> Subscription | None:
        if self.bus is None:
            return None
        return await self.bus.subscribe()

    def _unsubscribe(self, subscription: Subscription | None) -> None:
        if self.bus is not None and subscription is not None:
            self.bus.unsubscribe(subscription)

    def _drain(self, subscription: Subscription, first: Event) -> bool | None:
        """Whether ``first`` or any event queued behind it is relevant (``None``: bus closed)."""
        relevant = is_relevant(first, self.scope)
        while True:
            try:
                queued = subscription.queue.get_nowait()
            except asyncio.QueueEmpty:
                return relevant
            if not isinstance(queued, Event):
                return None  # the bus's close marker
            relevant = relevant or is_relevant(queued, self.scope)

    async def run(self, send: SendFrame, stop: asyncio.Event) -> None:
        """Check now, then on every poll, bus event and heartbeat, until ``stop`` or shutdown."""
        loop = asyncio.get_running_loop()
        subscription = await self._subscribe()
        stopped = asyncio.ensure_future(stop.wait())
        closing = asyncio.ensure_future(self.state.closing.wait())
        incoming: asyncio.Future[Event] | None = None
        self.state.open_streams += 1
        try:
            await self.check(send)
            next_poll = loop.time() + self.state.poll_interval_s
            next_beat = loop.time() + self.state.heartbeat_interval_s
            while True:
                if incoming is None and subscription is not None and not subscription.closed:
                    incoming = asyncio.ensure_future(subscription.get())
                waiting: set[asyncio.Future[Any]] = {stopped, closing}
                if incoming is not None:
                    waiting.add(incoming)
                timeout = max(0.0, min(next_poll, next_beat) - loop.time())
                done, _ = await asyncio.wait(
                    waiting, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
                )
                if stopped in done or closing in done:
                    return
                if subscription is not None and subscription.closed:
                    return  # the event bus shut down: the app is stopping
                if subscription is not None and incoming is not None and incoming in done:
                    relevant: bool | None = True
                    try:
                        relevant = self._drain(subscription, incoming.result())
                    except SubscriberTooSlow:
                        # Missed events: start over with a fresh queue; the check catches up.
                        self._unsubscribe(subscription)
                        subscription = await self._subscribe()
                    except SubscriptionClosed:
                        relevant = None
                    incoming = None
                    if relevant is None:
                        return  # the event bus shut down: the app is stopping
                    if relevant:
                        await self.check(send)
                now = loop.time()
                if now >= next_poll:
                    await self.check(send)
                    while next_poll <= loop.time():
                        next_poll += self.state.poll_interval_s
                if now >= next_beat:
                    await self.heartbeat(send)
                    while next_beat <= loop.time():
                        next_beat += self.state.heartbeat_interval_s
        finally:
            self.state.open_streams -= 1
            for waiter in (stopped, closing, incoming):
                if waiter is None:
                    continue
                if waiter.done() and not waiter.cancelled():
                    waiter.exception()  # retrieved: a closed subscription is expected here
                waiter.cancel()
            self._unsubscribe(subscription)


@asynccontextmanager
async def realtime_lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Own the stream state; end every open stream when the app shuts down."""
    state = get_realtime(app)
    try:
        yield
    finally:
        state.close_streams()
