"""Fixed-window rate limits, in memory and shared through Redis."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis

from control_tower.core.clock import Clock
from control_tower.core.ratelimit import MemoryRateLimiter, RateLimiter, RedisRateLimiter

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
async def redis_client() -> AsyncIterator[aioredis.Redis]:
    client = aioredis.from_url(REDIS_URL)
    yield client
    await client.aclose()


def frozen_clock() -> Clock:
    clock = Clock()
    clock.freeze()
    return clock


async def hits(limiter: RateLimiter, key: str, n: int, limit: int = 3) -> list[bool]:
    return [(await limiter.hit(key, limit=limit, window_s=60)).allowed for _ in range(n)]


class TestMemory:
    async def test_limit_then_refuse_then_new_window(self) -> None:
        clock = frozen_clock()
        limiter = MemoryRateLimiter(clock)
        assert await hits(limiter, "k", 4) == [True, True, True, False]
        refused = await limiter.hit("k", limit=3, window_s=60)
        assert refused.headers()["retry-after"] == str(refused.reset_s)
        clock.advance(60_000)
        assert await hits(limiter, "k", 1) == [True]

    async def test_keys_are_independent(self) -> None:
        limiter = MemoryRateLimiter(frozen_clock())
        assert await hits(limiter, "a", 3) == [True] * 3
        assert await hits(limiter, "b", 1) == [True]


class TestRedisSharedByWorkers:
    async def test_two_workers_count_into_one_window(self, redis_client: aioredis.Redis) -> None:
        clock = frozen_clock()
        prefix = f"ct-test:{uuid.uuid4().hex}:rl"
        worker_a = RedisRateLimiter(clock, redis_client, prefix=prefix)
        worker_b = RedisRateLimiter(clock, redis_client, prefix=prefix)
        assert await hits(worker_a, "user", 2) == [True, True]
        assert await hits(worker_b, "user", 2) == [True, False]
        peek = await worker_a.peek("user", limit=3, window_s=60)
        assert (peek.allowed, peek.remaining) == (False, 0)
        await worker_b.reset("user", window_s=60)
        assert await hits(worker_a, "user", 1) == [True]
        keys = [k async for k in redis_client.scan_iter(f"{prefix}:*")]
        assert keys
        for key in keys:
            assert await redis_client.ttl(key) > 0
        await redis_client.delete(*keys)
