"""Whole cached responses (core.respcache): hits, keys, errors, clock jumps, off switch.

The TTL is an hour here, so only a key change (a write, another viewer, another query, a
clock jump) can make a fresh answer appear.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request
from sqlalchemy.ext.asyncio import AsyncSession

from control_tower.auth.passwords import hash_password
from control_tower.auth.repository import set_password_hash
from control_tower.core.cache import MemoryCache
from control_tower.core.clock import Clock
from control_tower.core.db import Database
from control_tower.core.deps import get_session
from control_tower.main import create_app
from tests.support.databases import TestDatabase, connect, query
from tests.support.paths import CLOCK_START
from tests.support.server import make_settings

PASSWORD = "respcache password"
ORIGIN = "http://localhost:3000"
CACHED_GETS = [
    "/api/feed?dateRange=30d",
    "/api/alerts?limit=5",
    "/api/alerts/count",
    "/api/cases?limit=5",
    "/api/cases/case-8",
    "/api/inbox?userId=user-manager-1",
    "/api/inbox/count?userId=user-manager-1",
    "/api/uploads",
    "/api/search?q=refund",
    "/api/pulse",
    "/api/predictions",
]


def response_keys(app: FastAPI) -> list[str]:
    cache = app.state.cache
    assert isinstance(cache, MemoryCache)
    return [key for key in cache._values if key.startswith("resp|")]


@asynccontextmanager
async def started(settings: Any, clock: Clock) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    app = create_app(settings, clock=clock)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            yield app, client


@pytest.fixture
def frozen() -> Clock:
    clock = Clock(CLOCK_START)
    clock.freeze(at=CLOCK_START)
    return clock


@pytest.fixture
async def cached_client(
    reference_db: Path, frozen: Clock
) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    settings = make_settings(reference_db, cache_ttl_s=3600, api_rate_limit_per_minute=0)
    async with started(settings, frozen) as pair:
        yield pair


class TestHits:
    async def test_repeated_reads_are_served_from_the_cache(
        self, cached_client: tuple[FastAPI, httpx.AsyncClient], reference_db: TestDatabase
    ) -> None:
        app, client = cached_client
        first = {url: await client.get(url) for url in CACHED_GETS}
        assert all(r.status_code == 200 for r in first.values())
        assert len(response_keys(app)) == len(CACHED_GETS)
        # A change behind the service's back is not seen: the answer comes from the cache.
        with connect(reference_db) as connection:
            connection.execute("UPDATE cases SET summary = 'changed behind its back'")
        for url, before in first.items():
            again = await client.get(url)
            assert again.content == before.content, url
            assert again.headers["content-type"] == before.headers["content-type"]
            assert again.headers["content-length"] == before.headers["content-length"]

    async def test_another_query_string_is_another_answer(
        self, cached_client: tuple[FastAPI, httpx.AsyncClient]
    ) -> None:
        _, client = cached_client
        five = (await client.get("/api/cases?limit=5")).json()
        two = (await client.get("/api/cases?limit=2")).json()
        assert len(five["cases"]) == 5
        assert len(two["cases"]) == 2

    async def test_errors_are_not_cached(
        self, cached_client: tuple[FastAPI, httpx.AsyncClient]
    ) -> None:
        app, client = cached_client
        assert (await client.get("/api/cases/no-such-case")).status_code == 404
        assert (await client.get("/api/alerts/no-such-alert")).status_code == 404
        assert (await client.get("/api/uploads/no-such-upload")).status_code == 404
        assert response_keys(app) == []

    async def test_off_when_the_ttl_is_zero(self, reference_db: Path, frozen: Clock) -> None:
        settings = make_settings(reference_db, cache_ttl_s=0)
        async with started(settings, frozen) as (app, client):
            for url in CACHED_GETS:
                assert (await client.get(url)).status_code == 200
            assert response_keys(app) == []


class TestFreshness:
    async def test_a_clock_jump_never_serves_an_answer_of_another_instant(
        self,
        cached_client: tuple[FastAPI, httpx.AsyncClient],
        frozen: Clock,
        reference_db: Path,
    ) -> None:
        _, client = cached_client
        before = (await client.get("/api/alerts/count")).json()
        assert before["timestamp"] == frozen.now_iso()
        frozen.advance(1)  # one millisecond: same TTL bucket, still a different instant
        after = (await client.get("/api/alerts/count")).json()
        assert after["timestamp"] == frozen.now_iso() != before["timestamp"]
        feed = (await client.get("/api/feed?dateRange=7d")).content
        frozen.set(frozen.now_ms() + 5 * 86_400_000)
        truth_settings = make_settings(reference_db, cache_ttl_s=0)
        async with started(truth_settings, frozen) as (_, truth):
            for url in ("/api/feed?dateRange=7d", "/api/pulse", "/api/alerts/count"):
                got = await client.get(url)
                want = await truth.get(url)
                assert got.content == want.content, url
        assert (await client.get("/api/feed?dateRange=7d")).content != feed

    async def test_inbox_after_a_status_change(
        self, cached_client: tuple[FastAPI, httpx.AsyncClient], reference_db: TestDatabase
    ) -> None:
        _, client = cached_client
        url = "/api/inbox/count?userId=user-manager-1"
        before = (await client.get(url)).json()
        listing = (await client.get("/api/inbox?userId=user-manager-1&status=pending")).json()
        pending = query(
            reference_db,
            "SELECT id FROM shares WHERE recipient_id = 'user-manager-1' AND status = 'pending'",
        )
        assert pending, "the reference data has pending shares for user-manager-1"
        response = await client.patch("/api/inbox", json={"id": pending[0][0], "status": "read"})
        assert response.status_code == 200, response.text
        after = (await client.get(url)).json()
        assert after["count"] == before["count"] - 1
        relisted = (await client.get("/api/inbox?userId=user-manager-1&status=pending")).json()
        assert len(relisted["items"]) == len(listing["items"]) - 1

    async def test_alerts_and_case_detail_after_an_escalation(
        self, cached_client: tuple[FastAPI, httpx.AsyncClient]
    ) -> None:
        _, client = cached_client
        inbox = (await client.get("/api/inbox/count?userId=user-manager-1")).json()
        alerts = (await client.get("/api/alerts?limit=1")).json()
        alert_id = alerts["alerts"][0]["id"]
        response = await client.post(
            f"/api/alerts/{alert_id}/escalate",
            json={"senderId": "user-admin-1", "recipientId": "user-manager-1"},
        )
        assert response.status_code == 200, response.text
        after = (await client.get("/api/inbox/count?userId=user-manager-1")).json()
        assert after["count"] == inbox["count"] + 1
        assert after["hasEscalations"] is True


class TestViewers:
    async def test_each_viewer_gets_its_own_answer(self, reference_db: Path, frozen: Clock) -> None:
        settings = make_settings(
            reference_db, cache_ttl_s=3600, auth_mode="required", api_rate_limit_per_minute=0
        )
        database = Database(settings)
        async with database.session() as session:
            for user_id in ("user-admin-1", "user-manager-5"):
                await set_password_hash(session, user_id, hash_password(PASSWORD), frozen.now_iso())
        await database.dispose()
        async with started(settings, frozen) as (_, client):
            tokens = {}
            for name, email in (
                ("admin", "thanapol.t@thaibev.com"),
                ("other", "manager5@thaibev.com"),
            ):
                login = await client.post(
                    "/api/auth/login", json={"email": email, "password": PASSWORD}
                )
                assert login.status_code == 200, login.text
                tokens[name] = login.json()["accessToken"]

            auth = {who: {"authorization": f"Bearer {token}"} for who, token in tokens.items()}
            url = "/api/cases?limit=50&sortBy=createdAt"
            admin = (await client.get(url, headers=auth["admin"])).json()
            other = (await client.get(url, headers=auth["other"])).json()
            assert {case["businessUnit"] for case in other["cases"]} == {"KFC Delivery"}
            assert other != admin
            assert (await client.get(url, headers=auth["admin"])).json() == admin
            # Without credentials in required mode: 401, never someone's cached answer.
            client.cookies.clear()
            assert (await client.get(url)).status_code == 401


class TestBoundedMemory:
    async def test_the_memory_cache_evicts_the_least_recently_used_beyond_its_caps(
        self,
    ) -> None:
        cache = MemoryCache(max_entries=3, max_bytes=10_000)
        for name in "abc":
            await cache.set(name, {"b": name * 100}, 60)
        assert await cache.get("a") is not None  # a is now the most recently used
        await cache.set("d", {"b": "d"}, 60)
        assert await cache.get("b") is None
        assert [await cache.get(k) is not None for k in "acd"] == [True, True, True]
        await cache.set("big", {"b": "x" * 9_950}, 60)  # pushes out the oldest until it fits
        assert await cache.get("big") is not None
        assert [await cache.get(k) for k in "ac"] == [None, None]
        assert cache._bytes <= 10_000
        await cache.set("huge", {"b": "x" * 20_000}, 60)  # larger than the cap: not kept
        assert await cache.get("huge") is None
        assert cache._bytes <= 10_000


class TestBeforeDependencies:
    """``auth.readroute``: an anonymous demo-mode hit is answered before any dependency runs."""

    @staticmethod
    def sessions(app: FastAPI) -> list[int]:
        """A counter of the database sessions the app's routes open (``get_session``)."""
        counter = [0]

        async def counting(request: Request) -> AsyncIterator[AsyncSession]:
            counter[0] += 1
            async for session in get_session(request):
                yield session

        app.dependency_overrides[get_session] = counting
        return counter

    async def test_a_hit_opens_no_session_and_equals_the_first_answer(
        self, cached_client: tuple[FastAPI, httpx.AsyncClient]
    ) -> None:
        app, client = cached_client
        first = {url: await client.get(url) for url in CACHED_GETS}
        sessions = self.sessions(app)
        for url, before in first.items():
            again = await client.get(url)
            assert again.status_code == 200
            assert again.content == before.content, url
            same = {k: v for k, v in before.headers.items() if k != "x-request-id"}
            assert {k: v for k, v in again.headers.items() if k != "x-request-id"} == same
        assert sessions == [0]

    async def test_a_miss_and_a_request_with_credentials_take_the_normal_path(
        self, reference_db: Path, frozen: Clock
    ) -> None:
        settings = make_settings(reference_db, cache_ttl_s=3600, api_rate_limit_per_minute=0)
        async with started(settings, frozen) as (app, client):
            await client.get("/api/alerts/count")
            sessions = self.sessions(app)
            await client.get("/api/alerts/count?x=1")  # another key: a miss
            assert sessions[0] == 1

            # Credentials are checked for real (an unknown session is a 401, not a cached
            # answer), on the normal path.
            client.cookies.set("ct_session", "no-such-session")
            bad = await client.get("/api/alerts/count")
            assert bad.status_code == 401
            assert sessions[0] == 2

    async def test_hits_still_count_against_the_rate_limit(
        self, reference_db: Path, frozen: Clock
    ) -> None:
        settings = make_settings(reference_db, cache_ttl_s=3600, api_rate_limit_per_minute=3)
        async with started(settings, frozen) as (_, client):
            answers = [await client.get("/api/alerts/count") for _ in range(4)]
        assert [r.status_code for r in answers] == [200, 200, 200, 429]
        assert answers[2].headers["ratelimit-remaining"] == "0"
        assert "Too many requests" in answers[3].json()["error"]

    async def test_the_locale_header_is_part_of_the_key(
        self, cached_client: tuple[FastAPI, httpx.AsyncClient]
    ) -> None:
        _, client = cached_client
        url = "/api/pulse/sparklines"
        english = (await client.get(url)).json()
        thai = (await client.get(url, headers={"x-locale": "th"})).json()
        assert thai != english
        assert (await client.get(url)).json() == english
        assert (await client.get(url, headers={"x-locale": "th"})).json() == thai
