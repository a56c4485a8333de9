"""The event bus, in process and over Redis: order, replay, bounded history, slow subscribers."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis

from control_tower.core.clock import Clock
from control_tower.core.events import (
    EventBus,
    InProcessEventBus,
    SubscriberTooSlow,
    SubscriptionClosed,
)
from control_tower.core.events_redis import RedisEventBus

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture(params=["memory", "redis"])
async def bus(request: pytest.FixtureRequest) -> AsyncIterator[EventBus]:
    clock = Clock()
    if request.param == "memory":
        memory = InProcessEventBus(clock, history=5, queue_size=4)
        await memory.start()
        yield memory
        await memory.close()
        return
    client = aioredis.from_url(REDIS_URL)
    stream = f"ct-test:{uuid.uuid4().hex}:events"
    redis_bus = RedisEventBus(clock, client, stream=stream, history=5, queue_size=4)
    await redis_bus.start()
    try:
        yield redis_bus
    finally:
        await redis_bus.close()
        await client.delete(stream)
        await client.aclose()


async def next_event(subscription: object) -> object:
    return await asyncio.wait_for(subscription.get(), 3)  # type: ignore[attr-defined]


class TestBus:
    async def test_subscribers_get_events_in_order(self, bus: EventBus) -> None:
        first, second = await bus.subscribe(), await bus.subscribe()
        published = [await bus.publish("case.created", {"n": i}, channel="cases") for i in range(3)]
        for subscription in (first, second):
            got = [await next_event(subscription) for _ in range(3)]
            assert [e.id for e in got] == [e.id for e in published]  # type: ignore[attr-defined]
        assert published[0].id < published[1].id < published[2].id

    async def test_replay_after_last_event_id(self, bus: EventBus) -> None:
        published = [await bus.publish("case.created", {"n": i}, channel="cases") for i in range(3)]
        subscription = await bus.subscribe(last_event_id=published[0].id)
        replayed = [await next_event(subscription) for _ in range(2)]
        assert [e.payload["n"] for e in replayed] == [1, 2]  # type: ignore[attr-defined]

    async def test_history_is_bounded(self, bus: EventBus) -> None:
        published = [
            await bus.publish("case.created", {"n": i}, channel="cases") for i in range(40)
        ]
        assert await bus.history_after(published[0].id) is None  # fell out of the history
        recent = await bus.history_after(published[-3].id)
        assert recent is not None and [e.payload["n"] for e in recent] == [38, 39]

    async def test_overflowing_subscriber_is_dropped_others_continue(self, bus: EventBus) -> None:
        slow, fast = await bus.subscribe(), await bus.subscribe()
        received = []
        for index in range(10):
            await bus.publish("case.created", {"n": index}, channel="cases")
            received.append(await next_event(fast))
        assert len(received) == 10
        with pytest.raises(SubscriberTooSlow):
            for _ in range(10):
                await next_event(slow)

    async def test_unknown_channel_is_refused(self, bus: EventBus) -> None:
        with pytest.raises(ValueError, match="unknown event channel"):
            await bus.publish("x", {}, channel="nope")

    async def test_close_wakes_waiting_subscribers(self, bus: EventBus) -> None:
        subscription = await bus.subscribe()
        waiter = asyncio.create_task(subscription.get())
        await asyncio.sleep(0.05)
        await bus.close()
        with pytest.raises(SubscriptionClosed):
            await asyncio.wait_for(waiter, 3)
