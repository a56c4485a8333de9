"""The generation cache: values are reused until a write bumps what they depend on."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis

from control_tower.core.cache import Cache, MemoryCache, RedisCache

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture(params=["memory", "redis"])
async def cache(request: pytest.FixtureRequest) -> AsyncIterator[Cache]:
    if request.param == "memory":
        yield MemoryCache()
        return
    client = aioredis.from_url(REDIS_URL)
    prefix = f"ct-test:{uuid.uuid4().hex}"
    try:
        yield RedisCache(client, prefix=prefix)
    finally:
        keys = [k async for k in client.scan_iter(f"{prefix}:*")]
        if keys:
            await client.delete(*keys)
        await client.aclose()


class Counter:
    def __init__(self) -> None:
        self.calls = 0

    async def __call__(self) -> dict[str, int]:
        self.calls += 1
        return {"value": self.calls}


class TestGenerationCache:
    async def test_value_is_reused_until_a_bump(self, cache: Cache) -> None:
        compute = Counter()

        async def read() -> dict[str, int]:
            return await cache.get_or_compute(
                "pulse", ("2026-01-15",), depends_on=("cases",), ttl_s=60, compute=compute
            )

        assert await read() == {"value": 1}
        assert await read() == {"value": 1}
        await cache.bump(["alerts"])  # unrelated namespace
        assert await read() == {"value": 1}
        await cache.bump(["cases"])
        assert await read() == {"value": 2}
        assert compute.calls == 2

    async def test_parameters_are_part_of_the_key(self, cache: Cache) -> None:
        compute = Counter()
        first = await cache.get_or_compute(
            "trending", ("24h", 5), depends_on=("cases",), ttl_s=60, compute=compute
        )
        second = await cache.get_or_compute(
            "trending", ("7d", 5), depends_on=("cases",), ttl_s=60, compute=compute
        )
        assert first != second

    async def test_zero_ttl_disables_caching(self, cache: Cache) -> None:
        compute = Counter()
        for _ in range(3):
            await cache.get_or_compute("x", (), depends_on=("cases",), ttl_s=0, compute=compute)
        assert compute.calls == 3

    async def test_entries_expire(self, cache: Cache) -> None:
        import asyncio

        compute = Counter()
        await cache.get_or_compute("x", (), depends_on=("cases",), ttl_s=0.05, compute=compute)
        await asyncio.sleep(0.12)
        await cache.get_or_compute("x", (), depends_on=("cases",), ttl_s=0.05, compute=compute)
        assert compute.calls == 2


class TestMemoryBound:
    async def test_lru_keeps_at_most_max_entries(self) -> None:
        cache = MemoryCache(max_entries=3)
        for index in range(5):
            await cache.set(f"k{index}", index, 60)
        assert await cache.get("k0") is None
        assert await cache.get("k4") == 4
