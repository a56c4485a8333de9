"""The event bus over a capped Redis stream, so every worker hears every event.

``publish`` appends to the stream (``XADD ... MAXLEN ~ history``); the Redis entry id
(``<ms>-<seq>``) is the event id, unique and ordered across workers. Each worker runs one
reader task (``XREAD BLOCK``) that hands new entries to its local subscribers, so delivery
order is the stream's order everywhere. The capped stream is the replay history.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import orjson
import structlog

from control_tower.core.clock import Clock, iso_from_ms
from control_tower.core.events import CHANNELS, Event, EventBus

log = structlog.get_logger("control_tower.events")


def _decode(entry_id: Any, fields: dict[Any, Any]) -> Event:
    raw = fields.get(b"e", fields.get("e"))
    if raw is None:
        raise ValueError(f"stream entry {entry_id!r} has no event")
    data = orjson.loads(raw)
    event_id = entry_id.decode() if isinstance(entry_id, bytes) else str(entry_id)
    return Event(
        id=event_id,
        type=data["type"],
        channel=data["channel"],
        time=data["time"],
        business_unit=data.get("businessUnit"),
        payload=data["payload"],
    )


class RedisEventBus(EventBus):
    def __init__(
        self,
        clock: Clock,
        redis: Any,
        *,
        stream: str = "ct:events",
        history: int = 10_000,
        queue_size: int = 256,
    ) -> None:
        super().__init__(clock, history=history, queue_size=queue_size)
        self.redis = redis
        self.stream = stream
        self._reader: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()

    async def start(self) -> None:
        await self.redis.ping()
        self._reader = asyncio.create_task(self._read_forever(), name="event-bus-reader")
        await self._ready.wait()

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader
            self._reader = None
        await super().close()

    async def _read_forever(self) -> None:
        last_id = "$"
        latest = await self.redis.xrevrange(self.stream, count=1)
        if latest:
            entry_id = latest[0][0]
            last_id = entry_id.decode() if isinstance(entry_id, bytes) else str(entry_id)
        self._ready.set()
        while True:
            try:
                batches = await self.redis.xread({self.stream: last_id}, block=1000, count=500)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # Redis restarted or unreachable: retry shortly
                log.warning("events.read_failed", error=repr(exc))
                await asyncio.sleep(0.5)
                continue
            for _stream, entries in batches or []:
                for entry_id, fields in entries:
                    event = _decode(entry_id, fields)
                    last_id = event.id
                    self._deliver(event)

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
        time_iso = iso_from_ms(self.clock.now_ms())
        body = {
            "type": event_type,
            "channel": channel,
            "time": time_iso,
            "businessUnit": business_unit,
            "payload": payload,
        }
        self.published[event_type] += 1
        entry_id = await self.redis.xadd(
            self.stream, {"e": orjson.dumps(body)}, maxlen=self.history_size, approximate=True
        )
        event_id = entry_id.decode() if isinstance(entry_id, bytes) else str(entry_id)
        return Event(event_id, event_type, channel, time_iso, business_unit, payload)

    async def history_after(self, last_event_id: str) -> list[Event] | None:
        oldest = await self.redis.xrange(self.stream, count=1)
        if oldest:
            oldest_id = oldest[0][0]
            oldest_id = oldest_id.decode() if isinstance(oldest_id, bytes) else str(oldest_id)
            if _stream_id_key(last_event_id) < _stream_id_key(oldest_id):
                # Older than what is kept (unless it is the entry right before the oldest,
                # which we cannot know): report the gap.
                return None
        try:
            entries = await self.redis.xrange(self.stream, min=f"({last_event_id}", max="+")
        except Exception:  # not a stream id
            return None
        return [_decode(entry_id, fields) for entry_id, fields in entries]


def _stream_id_key(event_id: str) -> tuple[int, int]:
    ms, _, seq = event_id.partition("-")
    try:
        return int(ms), int(seq or 0)
    except ValueError:
        return (0, 0)
