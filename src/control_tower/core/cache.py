"""Short-lived caching of expensive reads, invalidated by the writes that change them.

Every cached value lives under a *namespace* (``cases``, ``alerts``, ``trending``, ``feed``)
with a generation number. A write bumps the generation of each namespace it touches (after
its unit of work commits), so the next read builds a new key and recomputes: a write
followed by a read never sees the old value. Values also expire after ``ttl_s`` because
some answers depend on the moving clock (windows like "the last 24 hours").

The in-memory backend serves one process; with ``REDIS_URL`` the generations and values
live in Redis and every worker shares them.
"""

from __future__ import annotations

import asyncio
import time
from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, TypeVar

import orjson

from control_tower.core.clock import Clock

T = TypeVar("T")

NAMESPACES = ("cases", "alerts", "trending", "feed", "shares")
# Bumped by every committed unit of work that wrote anything (see ``core.db``): whole cached
# responses depend on it, so a write path that names no namespace still invalidates them.
WRITES_NAMESPACE = "writes"


class Cache(ABC):
    """Generation-versioned key/value cache."""

    #: The service clock, when answers depend on it: how it was last set is part of every
    #: ``get_or_compute`` key, so a jump of the settable clock never reuses an answer
    #: computed before it (the TTL bounds staleness only while the clock runs on).
    clock: Clock | None = None

    @abstractmethod
    async def generations(self, namespaces: Iterable[str]) -> tuple[int, ...]:
        """Current generation of each namespace."""

    @abstractmethod
    async def bump(self, namespaces: Iterable[str]) -> None:
        """Invalidate everything cached under these namespaces."""

    @abstractmethod
    async def get(self, key: str) -> Any | None:
        """The cached value, or ``None``."""

    @abstractmethod
    async def set(self, key: str, value: Any, ttl_s: float) -> None:
        """Store ``value`` (JSON-serialisable) for ``ttl_s`` seconds."""

    async def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""

    async def get_or_compute(
        self,
        name: str,
        params: tuple[Any, ...],
        *,
        depends_on: tuple[str, ...],
        ttl_s: float,
        compute: Callable[[], Awaitable[T]],
    ) -> T:
        """``compute()`` once per generation of ``depends_on`` and per ``ttl_s``."""
        if ttl_s <= 0:
            return await compute()
        generations = await self.generations(depends_on)
        setting = "" if self.clock is None else self.clock.setting()
        key = f"{name}|{','.join(map(str, generations))}|{setting}|{orjson.dumps(params).decode()}"
        cached = await self.get(key)
        if cached is not None:
            return cached  # type: ignore[no-any-return]
        value = await compute()
        await self.set(key, value, ttl_s)
        return value


class MemoryCache(Cache):
    """An LRU in this process, bounded in entries and in (serialised) bytes."""

    def __init__(self, *, max_entries: int = 2048, max_bytes: int = 64 * 1024 * 1024) -> None:
        self._generations: dict[str, int] = {}
        self._values: OrderedDict[str, tuple[float, Any, int]] = OrderedDict()
        self._max_entries = max_entries
        self._max_bytes = max_bytes
        self._bytes = 0

    async def generations(self, namespaces: Iterable[str]) -> tuple[int, ...]:
        return tuple(self._generations.get(n, 0) for n in namespaces)

    async def bump(self, namespaces: Iterable[str]) -> None:
        for namespace in namespaces:
            self._generations[namespace] = self._generations.get(namespace, 0) + 1

    async def get(self, key: str) -> Any | None:
        entry = self._values.get(key)
        if entry is None:
            return None
        expires, value, _size = entry
        if expires < time.monotonic():
            self._drop(key)
            return None
        self._values.move_to_end(key)
        return value

    async def set(self, key: str, value: Any, ttl_s: float) -> None:
        """Store ``value``, evicting the least recently used entries beyond either cap."""
        size = len(key) + len(orjson.dumps(value))
        if size > self._max_bytes:
            return
        self._drop(key)
        self._values[key] = (time.monotonic() + ttl_s, value, size)
        self._bytes += size
        while len(self._values) > self._max_entries or self._bytes > self._max_bytes:
            oldest = next(iter(self._values))
            self._drop(oldest)

    def _drop(self, key: str) -> None:
        entry = self._values.pop(key, None)
        if entry is not None:
            self._bytes -= entry[2]


class RedisCache(Cache):
    """Generations and values in Redis, shared by every worker."""

    def __init__(self, redis: Any, *, prefix: str = "ct:cache") -> None:
        self.redis = redis
        self.prefix = prefix

    async def generations(self, namespaces: Iterable[str]) -> tuple[int, ...]:
        names = [f"{self.prefix}:gen:{n}" for n in namespaces]
        values = await self.redis.mget(names)
        return tuple(int(v or 0) for v in values)

    async def bump(self, namespaces: Iterable[str]) -> None:
        async with self.redis.pipeline(transaction=False) as pipe:
            for namespace in namespaces:
                pipe.incr(f"{self.prefix}:gen:{namespace}")
            await pipe.execute()

    async def get(self, key: str) -> Any | None:
        raw = await self.redis.get(f"{self.prefix}:v:{key}")
        return None if raw is None else orjson.loads(raw)

    async def set(self, key: str, value: Any, ttl_s: float) -> None:
        await self.redis.set(
            f"{self.prefix}:v:{key}", orjson.dumps(value), px=max(1, int(ttl_s * 1000))
        )


async def cached(
    cache: Cache | None,
    name: str,
    params: tuple[Any, ...],
    *,
    depends_on: tuple[str, ...],
    ttl_s: float,
    compute: Callable[[], Awaitable[T]],
) -> T:
    """``compute()`` through ``cache`` when there is one (services may run without)."""
    if cache is None:
        return await compute()
    return await cache.get_or_compute(
        name, params, depends_on=depends_on, ttl_s=ttl_s, compute=compute
    )


_INVALIDATE_KEY = "control_tower.invalidate"


def invalidate_on_commit(session: Any, *namespaces: str) -> None:
    """Bump these namespaces once ``session`` commits (see ``Database.session``)."""
    pending: set[str] = session.info.setdefault(_INVALIDATE_KEY, set())
    pending.update(namespaces)


_WROTE_KEY = "control_tower.wrote"


def mark_written(session: Any) -> None:
    """Record that ``session`` wrote something (its commit bumps ``WRITES_NAMESPACE``)."""
    session.info[_WROTE_KEY] = True


def take_invalidations(session: Any) -> set[str]:
    if session.info.pop(_WROTE_KEY, False):
        invalidate_on_commit(session, WRITES_NAMESPACE)
    pending: set[str] = session.info.pop(_INVALIDATE_KEY, set())
    return pending


async def bump_soon(cache: Cache | None, namespaces: set[str]) -> None:
    if cache is not None and namespaces:
        await asyncio.shield(cache.bump(sorted(namespaces)))
