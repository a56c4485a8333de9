"""Upload recompute: the original's answers, and the background lifecycle around them."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from control_tower.core.clock import Clock
from control_tower.core.config import Settings
from control_tower.core.events import Event
from control_tower.main import create_app
from control_tower.recompute.service import RecomputeRunner, recompute_upload, runner_of
from tests.support.databases import connect

UPLOAD_ID = "1768471501132-belnmgy"
STATUS_PATH = f"/api/uploads/{UPLOAD_ID}/recompute"


def insert_upload(database: Path, upload_id: str = UPLOAD_ID, status: str | None = None) -> None:
    with connect(database) as connection:
        connection.execute(
            "INSERT INTO uploads (id, file_name, file_size, status, total_rows, success_count, "
            "error_count, created_at, completed_at, recompute_status) VALUES (?, 'a.csv', 10, "
            "'completed', 1, 1, 0, '2026-01-15T10:04:00.000Z', '2026-01-15T10:04:00.000Z', ?)",
            (upload_id, status),
        )


def query(database: Path, sql: str) -> list[tuple[Any, ...]]:
    with connect(database) as connection:
        return connection.execute(sql).fetchall()


def runner(app: FastAPI) -> RecomputeRunner:
    return runner_of(app)


def blocking_work(release: asyncio.Event) -> Callable[..., Any]:
    async def work(session: AsyncSession, upload_id: str, **_: Any) -> int:
        await release.wait()
        return 0

    return work


async def drain(events: list[Event], subscription: Any) -> None:
    while not subscription.queue.empty():
        events.append(subscription.queue.get_nowait())


class TestRecomputeStatus:
    async def test_unknown_upload_is_404(self, client: httpx.AsyncClient) -> None:
        for method in ("GET", "POST"):
            response = await client.request(method, "/api/uploads/nope/recompute")
            assert response.status_code == 404
            assert response.json()["error"] == "Upload not found"

    async def test_never_recomputed_upload_is_pending(
        self, client: httpx.AsyncClient, reference_db: Path
    ) -> None:
        insert_upload(reference_db)
        response = await client.get(STATUS_PATH)
        assert response.status_code == 200
        assert response.content == (
            b'{"status":"pending","startedAt":null,"completedAt":null,"alertsGenerated":0,'
            b'"trendingUpdated":false}'
        )


class TestRecompute:
    async def test_golden_recompute_on_reference_data(
        self, app: FastAPI, client: httpx.AsyncClient, reference_db: Path
    ) -> None:
        insert_upload(reference_db)
        response = await client.post(STATUS_PATH)
        assert response.status_code == 200
        body = response.json()
        assert list(body) == [
            "success", "status", "alertsGenerated", "trendingUpdated", "completedAt",
        ]  # fmt: skip
        assert body["success"] is True and body["status"] == "completed"
        assert (body["alertsGenerated"], body["trendingUpdated"]) == (3, True)
        generated = query(
            reference_db,
            "SELECT type, severity, title, current_value FROM alerts "
            "WHERE id LIKE 'alert-%-1768%' ORDER BY rowid",
        )
        assert generated == [
            (
                "misclassification",
                "medium",
                "Review needed: 4 potentially misclassified cases in Oishi Restaurants",
                4.0,
            ),
            ("spike", "medium", "KFC Delivery: App & Technical +90% vs previous 24 hours", 19.0),
            (
                "spike",
                "medium",
                "Beer & Spirits: Promotions & Pricing +67% vs previous 24 hours",
                25.0,
            ),
        ]
        status = (await client.get(STATUS_PATH)).json()
        assert status["status"] == "completed"
        assert status["completedAt"] == body["completedAt"]
        assert (status["alertsGenerated"], status["trendingUpdated"]) == (3, True)
        topics = query(
            reference_db,
            "SELECT id, topic, description, category, created_at FROM trending_topics "
            "ORDER BY rowid",
        )
        assert [topic[1] for topic in topics][:3] == ["discount code", "wrong", "early"]
        assert re.fullmatch(r"trending-\d{13}-[0-9a-z]{7}-0", topics[0][0])
        assert topics[0][2] == "discount code is trending with 6 mentions"
        assert {topic[3] for topic in topics} == {None}
        assert {topic[4] for topic in topics} == {status["startedAt"]}

    async def test_events_of_a_recompute(
        self, app: FastAPI, client: httpx.AsyncClient, reference_db: Path
    ) -> None:
        insert_upload(reference_db)
        subscription = await app.state.bus.subscribe()
        assert (await client.post(STATUS_PATH)).status_code == 200
        events: list[Event] = []
        await drain(events, subscription)
        types = [event.type for event in events]
        assert types == [
            "recompute.status",
            "alert.created",
            "alert.created",
            "alert.created",
            "alerts.count",
            "trending.updated",
            "recompute.status",
        ]
        assert events[0].payload == {"uploadId": UPLOAD_ID, "status": "processing"}
        assert events[-1].payload == {
            "uploadId": UPLOAD_ID,
            "status": "completed",
            "alertsGenerated": 3,
            "trendingUpdated": True,
        }
        assert events[-1].channel == "uploads"
        assert events[1].channel == "alerts"
        assert events[1].payload["type"] == "misclassification"
        assert events[1].business_unit == "Oishi Restaurants"
        assert set(events[4].payload) == {"total", "critical", "high"}

    async def test_each_run_inserts_alerts_again_with_distinct_ids(
        self, client: httpx.AsyncClient, reference_db: Path
    ) -> None:
        insert_upload(reference_db)
        for _ in range(2):
            assert (await client.post(STATUS_PATH)).json()["alertsGenerated"] == 3
        (total,) = query(reference_db, "SELECT count(*) FROM alerts WHERE id LIKE '%-1768%'")
        assert total == (6,)

    async def test_a_failure_marks_the_upload_failed(
        self, app: FastAPI, client: httpx.AsyncClient, reference_db: Path
    ) -> None:
        insert_upload(reference_db)

        async def broken(session: AsyncSession, upload_id: str, **_: Any) -> int:
            await session.execute(text("SELECT 1"))
            raise RuntimeError("injected failure")

        runner(app).work = broken
        response = await client.post(STATUS_PATH)
        assert response.status_code == 500
        assert (response.json()["error"], response.json()["status"]) == (
            "Recomputation failed",
            "failed",
        )
        status = (await client.get(STATUS_PATH)).json()
        assert status["status"] == "failed"
        assert status["completedAt"] is not None
        assert status["alertsGenerated"] == 0
        # A failed upload can be recomputed again.
        runner(app).work = recompute_upload
        assert (await client.post(STATUS_PATH)).json()["status"] == "completed"

    async def test_an_upload_already_processing_is_left_alone(
        self, client: httpx.AsyncClient, reference_db: Path
    ) -> None:
        insert_upload(reference_db, status="processing")
        response = await client.post(STATUS_PATH)
        assert response.status_code == 200
        assert response.content == (
            b'{"status":"processing","message":"Recomputation already in progress"}'
        )
        assert query(reference_db, "SELECT count(*) FROM alerts") == [(8,)]


class TestBackgroundLifecycle:
    async def test_slow_recompute_answers_202_then_completes(
        self, app: FastAPI, client: httpx.AsyncClient, reference_db: Path
    ) -> None:
        insert_upload(reference_db)
        release = asyncio.Event()
        runner(app).work = blocking_work(release)
        runner(app).wait_s = 0.05
        first = await client.post(STATUS_PATH)
        assert first.status_code == 202
        assert first.json()["status"] == "processing"
        assert first.json()["uploadId"] == UPLOAD_ID
        second = await client.post(STATUS_PATH)
        assert second.json() == {
            "status": "processing",
            "message": "Recomputation already in progress",
        }
        assert (await client.get(STATUS_PATH)).json()["status"] == "processing"
        release.set()
        for _ in range(100):
            status = (await client.get(STATUS_PATH)).json()
            if status["status"] != "processing":
                break
            await asyncio.sleep(0.01)
        assert status["status"] == "completed"
        assert status["trendingUpdated"] is True
        assert not runner(app).tasks


@pytest.fixture
def make_app(settings: Settings, clock: Clock) -> Callable[[], FastAPI]:
    return lambda: create_app(settings, clock=clock)


async def _serve(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            yield client


class TestRestartAndShutdown:
    async def test_startup_fails_recomputes_left_processing(
        self, make_app: Callable[[], FastAPI], reference_db: Path
    ) -> None:
        insert_upload(reference_db, status="processing")
        async for client in _serve(make_app()):
            status = (await client.get(STATUS_PATH)).json()
            assert status["status"] == "failed"
            assert status["completedAt"] is not None
            assert (await client.post(STATUS_PATH)).json()["status"] == "completed"

    async def test_shutdown_cancels_running_recomputes_and_marks_them_failed(
        self, make_app: Callable[[], FastAPI], reference_db: Path
    ) -> None:
        insert_upload(reference_db)
        app = make_app()
        async for client in _serve(app):
            runner(app).work = blocking_work(asyncio.Event())
            runner(app).wait_s = 0.01
            assert (await client.post(STATUS_PATH)).status_code == 202
            assert runner(app).tasks
        assert not runner(app).tasks
        (row,) = query(
            reference_db,
            "SELECT recompute_status, recompute_completed_at FROM uploads "
            f"WHERE id = '{UPLOAD_ID}'",
        )
        assert row[0] == "failed" and row[1] is not None
