"""The event bus every write in the service publishes to.

An event has an id, a type (``feed.created``, ``alert.updated`` ...), a channel (``alerts``,
``cases``, ``feed``, ``uploads``, ``system``), a time, the business unit it concerns (when
any) and a JSON payload. Writers attach events to their database session with
``defer_event``; they are published only after the unit of work commits, so nobody hears
about a write that was rolled back.

Subscribers get a bounded queue: one that falls behind is dropped instead of slowing the
publisher or other subscribers. A bounded history lets a reconnecting client replay what it
missed after its last event id.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import itertools
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from control_tower.core.clock import Clock, iso_from_ms

CHANNELS = ("alerts", "cases", "feed", "uploads", "system")
_PENDING_KEY = "control_tower.pending_events"


@dataclass(frozen=True, slots=True)
class Event:
    id: str
    type: str
    channel: str
    time: str
    business_unit: str | None
    payload: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "channel": self.channel,
            "time": self.time,
            "businessUnit": self.business_unit,
            "payload": self.payload,
        }


@dataclass(frozen=True, slots=True)
class PendingEvent:
    type: str
    channel: str
    payload: dict[str, Any]
    business_unit: str | None = None


class SubscriberTooSlow(Exception):
    """The subscriber's queue overflowed; it missed events and was dropped."""


class SubscriptionClosed(Exception):
    """The bus shut down (or the subscription was cancelled)."""


_CLOSED: Any = object()


@dataclass(eq=False)
class Subscription:
    """Events for one subscriber, in publication order."""

    queue: asyncio.Queue[Any]
    backlog: list[Event] = field(default_factory=list)
    overflowed: bool = False
    closed: bool = False

    def offer(self, event: Event) -> None:
        if self.closed or self.overflowed:
            return
        try:
            self.queue.put_nowait(event)
        except asyncio.QueueFull:
            self.overflowed = True

    async def get(self) -> Event:
        """The next event; raises ``SubscriberTooSlow`` once the queue has overflowed."""
        if self.backlog:
            return self.backlog.pop(0)
        if self.overflowed:
            raise SubscriberTooSlow("subscriber fell behind and missed events")
        if self.closed and self.queue.empty():
            raise SubscriptionClosed("the event bus is closed")
        event = await self.queue.get()
        if event is _CLOSED:
            raise SubscriptionClosed("the event bus is closed")
        assert isinstance(event, Event)
        return event

    def close(self) -> None:
        """Wake a waiting consumer with ``SubscriptionClosed``."""
        self.closed = True
        with contextlib.suppress(asyncio.QueueFull):
            self.queue.put_nowait(_CLOSED)

    def __aiter__(self) -> AsyncIterator[Event]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[Event]:
        while True:
            yield await self.get()


class EventBus(ABC):
    """Publish/subscribe with replay of a bounded history."""

    def __init__(self, clock: Clock, *, history: int = 1000, queue_size: int = 256) -> None:
        self.clock = clock
        self.history_size = history
        self.queue_size = queue_size
        self._subscribers: set[Subscription] = set()
        # Events this process published, by type (read by /metrics).
        self.published: collections.Counter[str] = collections.Counter()

    @abstractmethod
    async def publish(
        self,
        event_type: str,
        payload: dict[str, Any],
        *,
        channel: str,
        business_unit: str | None = None,
    ) -> Event:
        """Publish one event to every subscriber (of every worker, for shared backends)."""

    @abstractmethod
    async def history_after(self, last_event_id: str) -> list[Event] | None:
        """Events after ``last_event_id``; ``None`` when it is older than the kept history."""

    async def start(self) -> None:  # noqa: B027 - optional hook, in-process needs nothing
        """Connect to the backend (no-op in process)."""

    async def close(self) -> None:
        """Disconnect and release every subscriber."""
        for subscription in list(self._subscribers):
            subscription.close()
        self._subscribers.clear()

    @property
    def subscriber_count(self) -> int:
        return len(self._subscribers)

    async def subscribe(self, *, last_event_id: str | None = None) -> Subscription:
        """Register a subscriber, first replaying what it missed after ``last_event_id``."""
        subscription = Subscription(asyncio.Queue(maxsize=self.queue_size))
        if last_event_id:
            missed = await self.history_after(last_event_id)
            subscription.backlog = list(missed or [])
        self._subscribers.add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        subscription.close()
        self._subscribers.discard(subscription)

    def _deliver(self, event: Event) -> None:
        for subscription in list(self._subscribers):
            subscription.offer(event)


class InProcessEventBus(EventBus):
    """Events stay inside this process (the default when no Redis is configured)."""

    def __init__(self, clock: Clock, *, history: int = 1000, queue_size: int = 256) -> None:
        super().__init__(clock, history=history, queue_size=queue_size)
        self._history: deque[Event] = deque(maxlen=history)
        self._sequence = itertools.count(1)

    def _new_id(self, ms: int) -> str:
        return f"{ms:013d}-{next(self._sequence):06d}"

    async def publish(
        self,
        event_type: str,
        payload: dict[str, Any],
        *,
        channel: str,
        business_unit: str | None = None,
    ) -> Event:
        if channel not in CHANNELS:
            raise ValueError(f"unknown event channel {channel!r}")
        ms = self.clock.now_ms()
        event = Event(
            self._new_id(ms), event_type, channel, iso_from_ms(ms), business_unit, payload
        )
        self._history.append(event)
        self.published[event_type] += 1
        self._deliver(event)
        return event

    async def history_after(self, last_event_id: str) -> list[Event] | None:
        events = list(self._history)
        for index, event in enumerate(events):
            if event.id == last_event_id:
                return events[index + 1 :]
        if events and last_event_id < events[0].id:
            return None
        return [event for event in events if event.id > last_event_id]


def defer_event(
    session: AsyncSession,
    event_type: str,
    payload: dict[str, Any],
    *,
    channel: str,
    business_unit: str | None = None,
) -> None:
    """Publish this event once ``session`` commits (dropped if it rolls back)."""
    pending: list[PendingEvent] = session.info.setdefault(_PENDING_KEY, [])
    pending.append(PendingEvent(event_type, channel, payload, business_unit))


def take_pending_events(session: AsyncSession) -> list[PendingEvent]:
    pending: list[PendingEvent] = session.info.pop(_PENDING_KEY, [])
    return pending


def discard_pending_events(session: AsyncSession) -> None:
    session.info.pop(_PENDING_KEY, None)


async def publish_pending(bus: EventBus | None, events: list[PendingEvent]) -> None:
    if bus is None:
        return
    for pending in events:
        await bus.publish(
            pending.type,
            pending.payload,
            channel=pending.channel,
            business_unit=pending.business_unit,
        )
