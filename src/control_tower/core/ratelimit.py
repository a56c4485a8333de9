"""Fixed-window rate limits, in memory or shared through Redis.

A limit is "at most ``limit`` hits per ``window_s`` seconds for a key". Windows are aligned
to the service clock so every worker sharing Redis counts into the same window.
"""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

from control_tower.core.clock import Clock


@dataclass(frozen=True, slots=True)
class RateLimitResult:
    allowed: bool
    limit: int
    remaining: int
    reset_s: int  # seconds until the window resets

    def headers(self) -> dict[str, str]:
        """IETF ``RateLimit`` headers (plus ``Retry-After`` when refused)."""
        headers = {
            "ratelimit-limit": str(self.limit),
            "ratelimit-remaining": str(self.remaining),
            "ratelimit-reset": str(self.reset_s),
        }
        if not self.allowed:
            headers["retry-after"] = str(self.reset_s)
        return headers


class RateLimiter(ABC):
    def __init__(self, clock: Clock) -> None:
        self.clock = clock

    def _window(self, window_s: int) -> tuple[int, int]:
        now_s = self.clock.now_ms() // 1000
        start = now_s - now_s % window_s
        return start, start + window_s - now_s

    @abstractmethod
    async def hit(self, key: str, *, limit: int, window_s: int, cost: int = 1) -> RateLimitResult:
        """Count ``cost`` hits for ``key`` and say whether the request may proceed."""

    @abstractmethod
    async def peek(self, key: str, *, limit: int, window_s: int) -> RateLimitResult:
        """The state of ``key`` without counting a hit."""

    @abstractmethod
    async def reset(self, key: str, *, window_s: int) -> None:
        """Forget the hits of ``key`` in the current window."""

    async def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""


class MemoryRateLimiter(RateLimiter):
    """Per-process counters (the default without Redis)."""

    def __init__(self, clock: Clock, *, max_keys: int = 100_000) -> None:
        super().__init__(clock)
        self._counts: dict[tuple[str, int], int] = {}
        self._max_keys = max_keys
        self._lock = asyncio.Lock()

    def _prune(self, current_starts: set[int]) -> None:
        if len(self._counts) <= self._max_keys:
            return
        for stored in [k for k in self._counts if k[1] not in current_starts]:
            del self._counts[stored]

    async def hit(self, key: str, *, limit: int, window_s: int, cost: int = 1) -> RateLimitResult:
        start, reset = self._window(window_s)
        async with self._lock:
            self._prune({start})
            count = self._counts.get((f"{key}:{window_s}", start), 0) + cost
            self._counts[(f"{key}:{window_s}", start)] = count
        return RateLimitResult(count <= limit, limit, max(0, limit - count), reset)

    async def peek(self, key: str, *, limit: int, window_s: int) -> RateLimitResult:
        start, reset = self._window(window_s)
        count = self._counts.get((f"{key}:{window_s}", start), 0)
        return RateLimitResult(count < limit, limit, max(0, limit - count), reset)

    async def reset(self, key: str, *, window_s: int) -> None:
        start, _ = self._window(window_s)
        self._counts.pop((f"{key}:{window_s}", start), None)


class RedisRateLimiter(RateLimiter):
    """Counters in Redis, shared by every worker."""

    def __init__(self, clock: Clock, redis: Any, *, prefix: str = "ct:rl") -> None:
        super().__init__(clock)
        self.redis = redis
        self.prefix = prefix

    def _key(self, key: str, window_s: int, start: int) -> str:
        return f"{self.prefix}:{window_s}:{start}:{key}"

    async def hit(self, key: str, *, limit: int, window_s: int, cost: int = 1) -> RateLimitResult:
        start, reset = self._window(window_s)
        name = self._key(key, window_s, start)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.incrby(name, cost)
            pipe.expire(name, window_s + 5)
            count, _ = await pipe.execute()
        return RateLimitResult(int(count) <= limit, limit, max(0, limit - int(count)), reset)

    async def peek(self, key: str, *, limit: int, window_s: int) -> RateLimitResult:
        start, reset = self._window(window_s)
        value = await self.redis.get(self._key(key, window_s, start))
        count = int(value or 0)
        return RateLimitResult(count < limit, limit, max(0, limit - count), reset)

    async def reset(self, key: str, *, window_s: int) -> None:
        start, _ = self._window(window_s)
        await self.redis.delete(self._key(key, window_s, start))
