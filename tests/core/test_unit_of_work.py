"""A request's writes are committed, and its events published, before the response is sent."""

from __future__ import annotations

from pathlib import Path

import httpx
from fastapi import FastAPI
from sqlalchemy import text

from control_tower.core.cache import invalidate_on_commit
from control_tower.core.deps import SessionDep
from control_tower.core.events import defer_event
from tests.support.databases import connect


async def test_write_is_visible_when_the_response_arrives(
    app: FastAPI, client: httpx.AsyncClient, reference_db: Path
) -> None:
    @app.post("/_test/write")
    async def write(session: SessionDep) -> dict[str, bool]:
        await session.execute(text("UPDATE cases SET summary = 'changed' WHERE id = 'case-1'"))
        defer_event(session, "case.updated", {"id": "case-1"}, channel="cases")
        invalidate_on_commit(session, "cases")
        return {"ok": True}

    app.state.route_table.refresh()
    subscription = await app.state.bus.subscribe()
    before = await app.state.cache.generations(["cases"])
    response = await client.post("/_test/write")
    assert response.status_code == 200
    with connect(reference_db) as connection:
        summary = connection.execute("SELECT summary FROM cases WHERE id = 'case-1'").fetchone()
    assert summary == ("changed",)
    event = subscription.queue.get_nowait()
    assert event.type == "case.updated"
    assert await app.state.cache.generations(["cases"]) == (before[0] + 1,)


async def test_failed_request_writes_nothing_and_publishes_nothing(
    app: FastAPI, client: httpx.AsyncClient, reference_db: Path
) -> None:
    @app.post("/_test/fail")
    async def fail(session: SessionDep) -> None:
        await session.execute(text("UPDATE cases SET summary = 'changed' WHERE id = 'case-2'"))
        defer_event(session, "case.updated", {"id": "case-2"}, channel="cases")
        raise RuntimeError("boom")

    app.state.route_table.refresh()
    subscription = await app.state.bus.subscribe()
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as raw:
        response = await raw.post("/_test/fail")
    assert response.status_code == 500
    with connect(reference_db) as connection:
        summary = connection.execute("SELECT summary FROM cases WHERE id = 'case-2'").fetchone()
    assert summary != ("changed",)
    assert subscription.queue.empty()
