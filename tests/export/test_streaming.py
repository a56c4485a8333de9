"""Exports stream from a server-side cursor: rows are never all held at once."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import aclosing
from pathlib import Path
from typing import Any

import httpx
import pytest

from control_tower.core.config import Settings
from control_tower.core.db import Database
from control_tower.export import repository, service
from control_tower.export.repository import ExportQuery
from tests.export.factories import REFERENCE_CASES, add_generated_cases
from tests.support.server import LiveServer

EXTRA = 3_000
BATCH = 100


@pytest.fixture
def large_db(reference_db: Path) -> Path:
    add_generated_cases(reference_db, EXTRA)
    return reference_db


@pytest.fixture
async def database(settings: Settings, large_db: Path) -> AsyncIterator[Database]:
    db = Database(settings)
    try:
        yield db
    finally:
        await db.dispose()


async def observed(
    batches: AsyncIterator[Sequence[Any]], events: list[str]
) -> AsyncIterator[Sequence[Any]]:
    async for batch in batches:
        events.append(f"fetch:{len(batch)}")
        yield batch


class TestStreamRows:
    async def test_rows_arrive_in_batches_of_the_configured_size(self, database: Database) -> None:
        query = ExportQuery(limit=1_000_000)
        sizes = [
            len(batch)
            async for batch in repository.stream_rows(database.engine, query, batch_size=BATCH)
        ]
        total = REFERENCE_CASES + EXTRA
        assert sum(sizes) == total
        assert max(sizes) == BATCH
        assert len(sizes) == -(-total // BATCH)

    async def test_connection_is_released_when_the_consumer_stops_early(
        self, database: Database
    ) -> None:
        stream = repository.stream_rows(
            database.engine, ExportQuery(limit=1_000_000), batch_size=BATCH
        )
        async with aclosing(stream):
            await anext(stream)
            assert database.engine.pool.checkedout() == 1  # type: ignore[attr-defined]
        assert database.engine.pool.checkedout() == 0  # type: ignore[attr-defined]


class TestIncrementalBodies:
    @pytest.mark.parametrize("render", [service.csv_body, service.xlsx_body])
    async def test_output_is_produced_between_fetches(
        self, database: Database, render: Any
    ) -> None:
        events: list[str] = []
        total = REFERENCE_CASES + EXTRA
        query = ExportQuery(limit=1_000_000)
        batches = repository.stream_rows(database.engine, query, batch_size=BATCH)
        async with aclosing(batches):
            async for _chunk in render(observed(batches, events), rows=total):
                events.append("emit")
        fetches = [i for i, event in enumerate(events) if event.startswith("fetch")]
        assert len(fetches) == -(-total // BATCH)
        if render is service.csv_body:
            # CSV: each batch becomes a chunk before the next batch is fetched.
            assert all(events[i + 1] == "emit" for i in fetches)
        else:
            # XLSX: the first parts go out before the first fetch; the sheet is spooled.
            assert events[:3] == ["emit", "emit", "emit"]
            assert fetches[0] == 3

    async def test_csv_body_stops_at_the_counted_rows(self, database: Database) -> None:
        query = ExportQuery(limit=1_000_000)
        batches = repository.stream_rows(database.engine, query, batch_size=BATCH)
        async with aclosing(batches):
            body = b"".join([chunk async for chunk in service.csv_body(batches, rows=250)])
        assert body.count(b"\n") == 250


class TestLiveStreaming:
    @pytest.fixture
    def server(self, settings: Settings, large_db: Path) -> Iterator[LiveServer]:
        server = LiveServer(settings.model_copy(update={"export_batch_size": BATCH}))
        server.start()
        try:
            yield server
        finally:
            server.stop()

    def test_large_csv_arrives_in_many_chunks(self, server: LiveServer) -> None:
        with (
            httpx.Client(base_url=server.url) as client,
            client.stream("GET", "/api/export", params={"maxRows": "5000"}) as response,
        ):
            assert response.headers["transfer-encoding"] == "chunked"
            assert response.headers["x-total-rows"] == "5000"
            chunks = list(response.iter_raw())
        body = b"".join(chunks)
        assert body.count(b"\n") == 5000
        assert len(chunks) > 10

    def test_client_leaving_mid_download_leaves_the_server_healthy(
        self, server: LiveServer
    ) -> None:
        with httpx.Client(base_url=server.url) as client:
            with client.stream(
                "GET", "/api/export", params={"maxRows": "5000", "format": "xlsx"}
            ) as response:
                next(response.iter_raw())
            after = client.get("/api/export", params={"channel": "line", "severity": "low"})
        assert after.status_code == 200
        assert int(after.headers["x-total-rows"]) > 0
