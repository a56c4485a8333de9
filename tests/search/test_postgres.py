"""Search on PostgreSQL: the same results, in the same order, as SQLite.

Row order among equal scores is SQLite's walk order; PostgreSQL reproduces it (``rowid``
column and ``core.sqlcompat.sqlite_order``), so whole pages are compared. Every search
route (text index with and without filter lists, filters alone, SQL sorts and pages) runs
on PostgreSQL; the direct route, which reads every matching case, must not be needed.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import shutil
import sqlite3
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from control_tower.core.clock import Clock
from control_tower.core.db import Database
from control_tower.core.dbcopy import copy_database
from control_tower.core.rows import table
from control_tower.search import service
from control_tower.search.ranking import Ordering, Paging
from tests.support.databases import sqlite_template
from tests.support.paths import CLOCK_START
from tests.support.pg import pg_database
from tests.support.server import make_settings

CASES = table("cases")
COMPARED = pytest.mark.sqlite_only(
    "compares SQLite with PostgreSQL itself; it runs in the SQLite pass"
)


@contextlib.asynccontextmanager
async def _pair(path: Path, url: str) -> AsyncIterator[tuple[Database, Database]]:
    """(the SQLite database at ``path``, the PostgreSQL one at ``url``), disposed after."""
    settings = make_settings(path)
    sqlite, postgres = Database(settings), Database(settings, url=url)
    try:
        yield sqlite, postgres
    finally:
        await sqlite.dispose()
        await postgres.dispose()


@pytest.fixture
async def databases(reference_file: Path) -> AsyncIterator[tuple[Database, Database]]:
    """(the reference SQLite database, a PostgreSQL copy of it)."""
    with pg_database("ct_search") as url:
        sqlite_url = f"sqlite+aiosqlite:///{reference_file}"
        await copy_database(make_settings(reference_file), sqlite_url, url)
        async with _pair(reference_file, url) as pair:
            yield pair


def _add_ties(path: Path) -> None:
    """Append copies of every second, third and fourth case: same texts, dates, severities."""
    with sqlite3.connect(path) as connection:
        columns = [row[1] for row in connection.execute("PRAGMA table_info(cases)")]
        for copy in (1, 2, 3):
            renamed = {"id": f"id || '-tie{copy}'", "case_number": f"case_number || '-T{copy}'"}
            selected = ", ".join(renamed.get(name, name) for name in columns)
            connection.execute(
                f"INSERT INTO cases ({', '.join(columns)}) SELECT {selected} FROM cases "
                f"WHERE rowid % {copy + 1} = 0 AND id NOT LIKE '%-tie%' ORDER BY rowid DESC"
            )


@pytest.fixture(scope="module")
def tied_copies(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """(a SQLite file of the reference data with many exact ties, a PostgreSQL copy's URL)."""
    path = tmp_path_factory.mktemp("ties") / "ties.db"
    shutil.copy(sqlite_template("reference"), path)
    _add_ties(path)
    with pg_database("ct_search") as url:
        asyncio.run(copy_database(make_settings(path), f"sqlite+aiosqlite:///{path}", url))
        yield path, url


@pytest.fixture
async def tied(tied_copies: tuple[Path, str]) -> AsyncIterator[tuple[Database, Database]]:
    async with _pair(*tied_copies) as pair:
        yield pair


def _frozen_clock() -> Clock:
    clock = Clock(CLOCK_START)
    clock.freeze(at=CLOCK_START)
    return clock


async def search(database: Database, query: str) -> tuple[list[Any], int]:
    async with database.session() as session:
        body = await service.search_cases(
            session,
            query=query,
            paging=Paging(1, 5000),
            ordering=Ordering(),
            clock=_frozen_clock(),
            scope=None,
        )
    found = [
        (r["case"]["id"], r["relevanceScore"], tuple(r["matchedFields"])) for r in body["results"]
    ]
    return found, body["totalCount"]


async def body_of(
    database: Database, query: str, paging: Paging, ordering: Ordering, scope: str | None
) -> dict[str, Any]:
    async with database.session() as session:
        return await service.search_cases(
            session,
            query=query,
            paging=paging,
            ordering=ordering,
            clock=_frozen_clock(),
            scope=scope,
        )


@pytest.fixture
def no_direct_route_on_postgres(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail if PostgreSQL falls back to reading every matching case."""
    original = service.direct_search

    async def guarded(session: Any, *args: Any) -> Any:
        assert session.get_bind().dialect.name == "sqlite", "PostgreSQL took the direct route"
        return await original(session, *args)

    monkeypatch.setattr(service, "direct_search", guarded)


ROUTE_QUERIES = [
    # keywords, no filter lists (the index's hits only)
    "kfc",
    "app crash",
    "refunds",
    "risky customers",
    "yesterday delivery",
    "cold chicken last month",
    # keywords with filter lists (every filtered case, keywords rank)
    "critical crash",
    "line app",
    "urgent kfc app crash last 7 days",
    "email delivery last quarter",
    "high severity food",
    # filters only
    "this week critical",
    "last quarter",
    "line",
    "at-risk",
    "needs review urgent phone",
    "past 14 days",
]
ORDERINGS = [
    Ordering(),
    Ordering("relevance", "asc"),
    Ordering("date", "desc"),
    Ordering("date", "asc"),
    Ordering("severity", "desc"),
    Ordering("severity", "asc"),
    Ordering("bogus"),
]
PAGINGS = [Paging(1, 7), Paging(4, 7), Paging(2, 120), Paging(1000, 20), Paging(None, None)]
SCOPES = [None, "KFC Delivery"]


@COMPARED
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


@COMPARED
@pytest.mark.usefixtures("no_direct_route_on_postgres")
class TestEveryRouteOnTies:
    @pytest.mark.parametrize("query", ROUTE_QUERIES)
    async def test_same_pages_in_every_order_and_scope(
        self, tied: tuple[Database, Database], query: str
    ) -> None:
        sqlite, postgres = tied
        for ordering, paging, scope in itertools.product(ORDERINGS, PAGINGS, SCOPES):
            expected = await body_of(sqlite, query, paging, ordering, scope)
            found = await body_of(postgres, query, paging, ordering, scope)
            assert found == expected, (query, ordering, paging, scope)

    async def test_the_ties_are_there(self, tied: tuple[Database, Database]) -> None:
        _, postgres = tied
        body = await body_of(postgres, "line", Paging(1, 5000), Ordering("date", "desc"), None)
        dates = [r["case"]["createdAt"] for r in body["results"]]
        assert len(dates) - len(set(dates)) > 100
        ids = [r["case"]["id"] for r in body["results"]]
        assert any(case.endswith("-tie3") for case in ids)


@COMPARED
@pytest.mark.usefixtures("no_direct_route_on_postgres")
class TestIndexRefreshOnPostgres:
    async def test_cases_inserted_after_the_index_was_built_are_found(
        self, databases: tuple[Database, Database]
    ) -> None:
        sqlite, postgres = databases
        query, ordering = "zebra kfc", Ordering()
        for database in databases:
            before = await body_of(database, query, Paging(1, 50), ordering, None)
            assert not any(r["case"]["summary"].startswith("Zebra") for r in before["results"])
            async with database.session() as session:
                row = (
                    (await session.execute(select(CASES).where(CASES.c.id == "case-1")))
                    .mappings()
                    .one()
                )
                for number in range(3):
                    await session.execute(
                        CASES.insert().values(
                            {
                                **row,
                                "id": f"case-zebra-{number}",
                                "case_number": f"CC-ZEBRA-{number}",
                                "summary": "Zebra KFC",
                            }
                        )
                    )
                await session.commit()
        for paging in (Paging(1, 2), Paging(1, 50), Paging(2, 2)):
            expected = await body_of(sqlite, query, paging, ordering, None)
            assert await body_of(postgres, query, paging, ordering, None) == expected
        found = await body_of(postgres, query, Paging(1, 3), ordering, None)
        assert [r["case"]["id"] for r in found["results"]] == [
            "case-zebra-0",
            "case-zebra-1",
            "case-zebra-2",
        ]


@COMPARED
class TestLateCommitsOnPostgres:
    async def test_a_case_committed_after_a_later_rowid_is_found(
        self, databases: tuple[Database, Database]
    ) -> None:
        _, postgres = databases

        async def zebras() -> list[str]:
            body = await body_of(postgres, "zebra", Paging(1, 10), Ordering(), None)
            return [r["case"]["id"] for r in body["results"]]

        async def insert(session: Any, case_id: str) -> None:
            row = (
                (await session.execute(select(CASES).where(CASES.c.id == "case-1")))
                .mappings()
                .one()
            )
            values = {**row, "id": case_id, "case_number": case_id.upper(), "summary": "Zebra"}
            await session.execute(CASES.insert().values(values))

        assert await zebras() == []
        async with postgres.session() as early:
            await insert(early, "case-early")  # the smaller rowid, committed last
            async with postgres.session() as late:
                await insert(late, "case-late")
                await late.commit()
            assert await zebras() == ["case-late"]
            await early.commit()
        assert await zebras() == ["case-early", "case-late"]
