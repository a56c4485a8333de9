"""PostgreSQL answers exactly as SQLite: the same list requests on both, compared byte for byte.

The golden replay checks the recorded requests; these check many more filter, sort and
paging combinations (and scoped viewers) where ties, NULLs and LIKE semantics matter.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import String, literal, select

from control_tower.auth.deps import Viewer, authenticate
from control_tower.core.clock import Clock
from control_tower.core.db import Database
from control_tower.core.models import UserRole
from control_tower.core.sqlcompat import glob
from control_tower.main import create_app
from control_tower.search.ranking import CANONICAL_ISO_GLOB
from tests.support.databases import ON_POSTGRES, TestDatabase
from tests.support.paths import CLOCK_START
from tests.support.server import make_settings
from tests.uploads.factories import HEADER, row, upload_files

pytestmark = pytest.mark.skipif(
    not ON_POSTGRES, reason="compares PostgreSQL with SQLite; runs in the PostgreSQL pass"
)

UNITS = ["KFC Delivery", "Oishi Restaurants", "Beer & Spirits", "kfc delivery"]
CATEGORIES = ["App & Technical", "Food Safety", "Order Issues", "Product Quality"]
DATES = ["2026-01-01", "2026-01-10T00:00:00.000Z", "2026-01-14", "2026-01-15T09:00:00.000Z"]


def _case_queries(rng: random.Random) -> list[str]:
    queries = []
    for _ in range(60):
        params: dict[str, str] = {}
        for name, values in (
            ("businessUnit", UNITS),
            ("channel", ["phone", "email", "line", "web"]),
            ("status", ["open", "in_progress", "resolved"]),
            ("severity", ["low", "critical", "high"]),
            ("category", CATEGORIES),
            ("startDate", DATES),
            ("endDate", DATES),
            ("search", ["APP", "cold", "%", "_a", "ส่ง", "Crash", "\\"]),
        ):
            if rng.random() < 0.3:
                params[name] = rng.choice(values)
        params["sortBy"] = rng.choice(["createdAt", "severity", "status", "caseNumber"])
        params["sortOrder"] = rng.choice(["asc", "desc"])
        params["limit"] = str(rng.choice([5, 20, 100]))
        params["page"] = str(rng.choice([1, 2, 3]))
        queries.append("/api/cases?" + urlencode(params))
    return queries


def _alert_queries(rng: random.Random) -> list[str]:
    queries = []
    for _ in range(30):
        params: dict[str, str] = {}
        for name, values in (
            ("type", ["spike", "threshold", "urgency"]),
            ("severity", ["high", "critical"]),
            ("status", ["active", "acknowledged"]),
            ("businessUnit", UNITS),
        ):
            if rng.random() < 0.3:
                params[name] = rng.choice(values)
        params["sortBy"] = rng.choice(["createdAt", "severity", "status", "type"])
        params["sortOrder"] = rng.choice(["asc", "desc"])
        params["limit"] = str(rng.choice([1, 3, 50]))
        queries.append("/api/alerts?" + urlencode(params))
    return queries


def _other_queries() -> list[str]:
    return [
        "/api/feed?dateRange=30d&limit=50",
        "/api/feed?type=alert&dateRange=30d",
        "/api/feed?bu=kfc%20delivery&dateRange=30d",
        "/api/export?search=app&format=csv",
        "/api/export?category=Food%20Safety&format=csv",
        "/api/export?dateFrom=2026-01-14&format=csv",
        "/api/search?q=cold%20chicken",
        "/api/search?q=urgent%20kfc%20last%207%20days&sortBy=date",
        "/api/search?q=critical%20email&sortBy=severity&sortOrder=asc",
        "/api/trending?window=7d",
        "/api/trending/delivery",
        "/api/predictions?threshold=10",
        "/api/pulse",
        "/api/pulse/wordcloud",
        "/api/inbox?userId=user-manager-1",
        "/api/search/analytics",
    ]


QUERIES = _case_queries(random.Random(6)) + _alert_queries(random.Random(7)) + _other_queries()
VIEWERS = [
    None,
    Viewer("user-manager-1", UserRole.BU_MANAGER, "KFC Delivery"),
    Viewer("user-supervisor-6", UserRole.SUPERVISOR, "Oishi Restaurants"),
]


async def _clients(
    databases: list[TestDatabase | Path], clock: Clock
) -> AsyncIterator[list[tuple[FastAPI, httpx.AsyncClient]]]:
    opened = []
    try:
        for database in databases:
            app = create_app(make_settings(database), clock=clock)
            context = app.router.lifespan_context(app)
            await context.__aenter__()
            client = httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://testserver"
            )
            opened.append((app, client, context))
        yield [(app, client) for app, client, _ in opened]
    finally:
        for _, client, context in opened:
            await client.aclose()
            await context.__aexit__(None, None, None)


@pytest.fixture
async def both(
    reference_db: TestDatabase, reference_file: Path
) -> AsyncIterator[list[tuple[FastAPI, httpx.AsyncClient]]]:
    """(PostgreSQL app, SQLite app) on the same reference data and one frozen clock."""
    clock = Clock(CLOCK_START)
    clock.freeze(at=CLOCK_START)
    async for pair in _clients([reference_db, reference_file], clock):
        yield pair


class TestSameAnswers:
    @pytest.mark.parametrize("viewer", VIEWERS, ids=["admin", "bu_manager", "supervisor"])
    async def test_list_requests_answer_byte_for_byte_alike(
        self, both: list[tuple[FastAPI, httpx.AsyncClient]], viewer: Viewer | None
    ) -> None:
        if viewer is not None:
            for app, _ in both:
                app.dependency_overrides[authenticate] = lambda viewer=viewer: viewer
        (_, postgres), (_, sqlite) = both
        differing = []
        for path in QUERIES:
            expected = await sqlite.get(path)
            got = await postgres.get(path)
            if (got.status_code, _body(got)) != (expected.status_code, _body(expected)):
                differing.append(path)
        assert not differing, f"{len(differing)} requests differ, e.g. {differing[:5]}"


def _body(response: httpx.Response) -> bytes:
    # Error bodies carry a request id and the time; everything else must be identical.
    if response.status_code >= 400:
        return response.json().get("error", "").encode()
    return response.content


class TestSameOrderAfterWrites:
    async def test_shares_and_uploads_made_in_one_millisecond_list_alike(
        self, both: list[tuple[FastAPI, httpx.AsyncClient]]
    ) -> None:
        listings = []
        for _, client in both:
            for index in range(5):
                share = {
                    "sourceType": "case",
                    "sourceId": f"case-{index + 1}",
                    "senderId": "user-admin-1",
                    "recipientId": "user-manager-1",
                    "message": f"m{index}",
                }
                assert (await client.post("/api/shares", json=share)).status_code == 200
            for index in range(4):
                csv = f"{HEADER}\n{row(f'ORD-{index}')}\n"
                files = upload_files(csv, f"f{index}.csv")
                assert (await client.post("/api/upload", files=files)).status_code == 200
            inbox = (await client.get("/api/inbox?userId=user-manager-1&limit=50")).json()
            uploads = (await client.get("/api/uploads?limit=3&page=2")).json()
            listings.append(
                (
                    [item.get("message") for item in inbox["items"]],
                    [item["fileName"] for item in uploads["uploads"]],
                )
            )
        postgres, sqlite = listings
        assert postgres == sqlite
        assert len(sqlite[0]) == 6 and len(sqlite[1]) == 1


GLOB_CASES = [
    (CANONICAL_ISO_GLOB, "2026-01-15T10:05:00.000Z"),
    (CANONICAL_ISO_GLOB, "2026-01-15T10:05:00Z"),
    (CANONICAL_ISO_GLOB, "2026-01-15 10:05:00.000Z"),
    (CANONICAL_ISO_GLOB, "2026-01-15T10:05:00a000Z"),
    (CANONICAL_ISO_GLOB, "2026-01-15T10:05:00.000Z\n"),
    (CANONICAL_ISO_GLOB, "+02026-01-15T10:05:00.000Z"),
    (CANONICAL_ISO_GLOB, "2026-01-15t10:05:00.000z"),
    (CANONICAL_ISO_GLOB, "٢٠٢٦-01-15T10:05:00.000Z"),
    ("a*b?c", "a.b?c"),
    ("a*b?c", "axxxbyc"),
    ("a*b?c", "abc"),
    ("a*b?c", "AxbYc"),
    ("(x)+[ab]$", "(x)+a$"),
    ("(x)+[ab]$", "xa"),
]


class TestGlob:
    async def test_glob_matches_what_sqlite_globs(self, reference_db: TestDatabase) -> None:
        with sqlite3.connect(":memory:") as connection:
            expected = [
                bool(connection.execute("SELECT ? GLOB ?", (value, pattern)).fetchone()[0])
                for pattern, value in GLOB_CASES
            ]
        database = Database(make_settings(reference_db))
        try:
            async with database.session() as session:
                found = [
                    bool(
                        (
                            await session.execute(
                                select(glob(session, literal(value, String), pattern))
                            )
                        ).scalar_one()
                    )
                    for pattern, value in GLOB_CASES
                ]
        finally:
            await database.dispose()
        assert found == expected
        assert any(expected) and not all(expected)
