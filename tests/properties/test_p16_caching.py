"""Property 16, caching.

After any generated sequence of writes (CSV uploads, case escalations, alert escalations,
inbox status changes) and reads of the cached routes (pulse, sparklines, word cloud,
trending, predictions, and the whole responses of feed, alerts, alert count, cases, case
detail, inbox, inbox count, uploads and search), every read answers byte for byte what an
uncached service over the same database answers at the same instant: a cached value is never
older than the last write that invalidates it. The cache TTL is an hour and the clock is
frozen, so only invalidation can make a read fresh. Run with the in-memory cache and with
the Redis cache (127.0.0.1:6379, a namespace of its own).
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
import redis.asyncio as aioredis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from control_tower.core.clock import Clock
from tests.properties.support_b import asgi_client, fresh_database, running_app
from tests.support.databases import query
from tests.support.paths import CLOCK_START
from tests.support.server import make_settings

REDIS_URL = "redis://127.0.0.1:6379/0"
CSV_HEADER = "caseNumber,createdAt,bu,channel,category,severity,summary\n"
READS = [
    "/api/pulse",
    "/api/pulse/sparklines",
    "/api/pulse/wordcloud",
    "/api/trending?window=24h&limit=20",
    "/api/trending?window=7d&limit=5",
    "/api/predictions",
    # Whole responses cached by core.respcache.
    "/api/feed?dateRange=30d",
    "/api/alerts?limit=5",
    "/api/alerts/count",
    "/api/cases?limit=5&sortBy=createdAt",
    "/api/cases/case-2000",
    "/api/inbox?userId=user-manager-1",
    "/api/inbox/count?userId=user-manager-1",
    "/api/uploads",
    "/api/search?q=refund",
]
case_numbers = itertools.count(1)


@dataclass
class Pair:
    cached: FastAPI
    truth: FastAPI  # the same database, no cache
    database: Path


@pytest_asyncio.fixture(params=["memory", "redis"])
async def pair(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Pair]:
    database = fresh_database(tmp_path)
    clock = Clock(CLOCK_START)
    clock.freeze(at=CLOCK_START)
    namespace = f"p16-{uuid.uuid4().hex}"
    redis_url = REDIS_URL if request.param == "redis" else None
    cached_settings = make_settings(
        database,
        cache_ttl_s=3600,
        api_rate_limit_per_minute=0,
        redis_url=redis_url,
        redis_namespace=namespace,
    )
    truth_settings = make_settings(database, cache_ttl_s=0, api_rate_limit_per_minute=0)
    try:
        async with (
            running_app(cached_settings, clock) as cached,
            running_app(truth_settings, clock) as truth,
        ):
            yield Pair(cached, truth, database)
    finally:
        if redis_url is not None:
            client = aioredis.from_url(redis_url)
            keys = [key async for key in client.scan_iter(f"{namespace}:*")]
            if keys:
                await client.delete(*keys)
            await client.aclose()


words = st.sampled_from(["mango", "refund", "late", "rider", "coupon", "bottle", "app"])
rows = st.lists(
    st.tuples(
        st.sampled_from(["Cards", "Lending", "Digital", "Support"]),
        st.sampled_from(["phone", "web", "email", "line"]),
        st.sampled_from(["Billing", "Fresh Category", "App & Technical"]),
        st.sampled_from(["low", "medium", "high", "critical"]),
        st.lists(words, min_size=2, max_size=4).map(" ".join),
    ),
    min_size=1,
    max_size=4,
)
Op = tuple[str, Any]
ops = st.lists(
    st.one_of(
        st.tuples(st.just("read"), st.sampled_from(READS)),
        st.tuples(st.just("upload"), rows),
        st.tuples(st.just("escalate-case"), st.integers(0, 10_000)),
        st.tuples(st.just("escalate-alert"), st.integers(0, 10_000)),
        st.tuples(st.just("inbox-status"), st.sampled_from(["read", "actioned", "pending"])),
    ),
    min_size=2,
    max_size=8,
)


async def write(client: httpx.AsyncClient, database: Path, op: Op) -> None:
    kind, argument = op
    if kind == "upload":
        lines = [
            f"P16-{next(case_numbers)},2026-01-15,{bu},{channel},{category},{severity},{summary}"
            for bu, channel, category, severity, summary in argument
        ]
        body = CSV_HEADER + "\n".join(lines) + "\n"
        response = await client.post(
            "/api/upload", files={"file": ("p16.csv", body.encode(), "text/csv")}
        )
    elif kind == "escalate-case":
        ids = [row[0] for row in query(database, "SELECT id FROM cases ORDER BY rowid")]
        response = await client.post(
            "/api/shares",
            json={
                "type": "escalation",
                "sourceType": "case",
                "sourceId": ids[argument % len(ids)],
                "senderId": "user-admin-1",
                "recipientId": "user-manager-1",
            },
        )
    elif kind == "inbox-status":
        shares = query(
            database, "SELECT id FROM shares WHERE recipient_id = 'user-manager-1' ORDER BY rowid"
        )
        if not shares:
            return
        response = await client.patch("/api/inbox", json={"id": shares[-1][0], "status": argument})
    else:
        ids = [row[0] for row in query(database, "SELECT id FROM alerts ORDER BY rowid")]
        response = await client.post(
            f"/api/alerts/{ids[argument % len(ids)]}/escalate",
            json={"senderId": "user-admin-1", "recipientId": "user-manager-1"},
        )
    assert response.status_code == 200, response.text


class TestCachedReadsAreFresh:
    @settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
    @given(plan=ops)
    async def test_reads_match_an_uncached_service(self, pair: Pair, plan: list[Op]) -> None:
        async with asgi_client(pair.cached) as cached, asgi_client(pair.truth) as truth:
            for op in plan:
                if op[0] != "read":
                    await write(cached, pair.database, op)
                    continue
                got = await cached.get(op[1])
                want = await truth.get(op[1])
                assert got.status_code == want.status_code == 200
                assert got.content == want.content, op[1]
                assert got.headers.get("content-type") == want.headers.get("content-type")
