"""Search on PostgreSQL: the direct route gives the same results, in the same order, as SQLite.

Row order among equal scores is SQLite's walk order; PostgreSQL reproduces it (``rowid``
column and ``core.sqlcompat.sqlite_order``), so whole pages are compared.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from control_tower.core.clock import Clock
from control_tower.core.db import Database
from control_tower.core.dbcopy import copy_database
from control_tower.search import service
from control_tower.search.ranking import Ordering, Paging
from tests.support.paths import CLOCK_START
from tests.support.pg import pg_database
from tests.support.server import make_settings


@pytest.fixture
async def databases(reference_file: Path) -> AsyncIterator[tuple[Database, Database]]:
    """(the reference SQLite database, a PostgreSQL copy of it)."""
    settings = make_settings(reference_file)
    with pg_database("ct_search") as url:
        await copy_database(settings, f"sqlite+aiosqlite:///{reference_file}", url)
        sqlite, postgres = Database(settings), Database(settings, url=url)
        try:
            yield sqlite, postgres
        finally:
            await sqlite.dispose()
            await postgres.dispose()


async def search(database: Database, query: str) -> tuple[list[Any], int]:
    clock = Clock(CLOCK_START)
    clock.freeze(at=CLOCK_START)
    async with database.session() as session:
        body = await service.search_cases(
            session,
            query=query,
            paging=Paging(1, 5000),
            ordering=Ordering(),
            clock=clock,
            scope=None,
        )
    found = [
        (r["case"]["id"], r["relevanceScore"], tuple(r["matchedFields"])) for r in body["results"]
    ]
    return found, body["totalCount"]


@pytest.mark.sqlite_only("compares SQLite with PostgreSQL itself; it runs in the SQLite pass")
class TestPostgres:
    @pytest.mark.parametrize(
        "query",
        [
            "cold chicken",
            "urgent kfc app crash last 7 days",
            "emails about app",
            "this week critical",
            "at-risk",
            "refunds",
        ],
    )
    async def test_same_matches_and_scores(
        self, databases: tuple[Database, Database], query: str
    ) -> None:
        sqlite, postgres = databases
        assert await search(postgres, query) == await search(sqlite, query)

    async def test_analytics_round_trip(self, databases: tuple[Database, Database]) -> None:
        _, postgres = databases
        async with postgres.session() as session:
            for body in (
                {"query": "Refund", "resultCount": 12, "executionTimeMs": 3},
                {"query": "refund", "resultCount": 3, "executionTimeMs": 0},
            ):
                logged = await service.log_search(session, body, now_ms=Clock(CLOCK_START).now_ms())
                assert logged == {"success": True, "logged": True}
        async with postgres.session() as session:
            popular = await service.popular_searches(
                session, limit=10, days=30, now_ms=Clock(CLOCK_START).now_ms()
            )
        assert [
            (row["query"], row["searchCount"], row["avgResultCount"], row["avgExecutionTimeMs"])
            for row in popular["popularSearches"]
        ] == [("refund", 2, 8, 3)]
