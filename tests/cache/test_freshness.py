"""Cached reads are never stale after a write: uploads, escalations, recomputes, demo events.

The cache TTL is set to an hour here, so only invalidation can make a fresh answer appear.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from control_tower.core.clock import Clock
from control_tower.main import create_app
from tests.support.paths import CLOCK_START
from tests.support.server import make_settings

CSV_HEADER = "caseNumber,createdAt,bu,channel,category,severity,summary\n"


@pytest.fixture
async def cached_client(reference_db: Path) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    app = create_app(make_settings(reference_db, cache_ttl_s=3600), clock=Clock(CLOCK_START))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            yield app, client


def upload(client: httpx.AsyncClient, rows: list[str]) -> Any:
    body = CSV_HEADER + "\n".join(rows) + "\n"
    return client.post("/api/upload", files={"file": ("new.csv", body.encode(), "text/csv")})


class TestFreshAfterWrites:
    async def test_pulse_wordcloud_sparklines_after_an_upload(
        self, cached_client: tuple[FastAPI, httpx.AsyncClient]
    ) -> None:
        _, client = cached_client
        before = {
            "pulse": (await client.get("/api/pulse")).json(),
            "words": (await client.get("/api/pulse/wordcloud")).json()["words"],
            "spark": (await client.get("/api/pulse/sparklines")).json(),
        }
        # Served from the cache now (same answer), until a write changes the data.
        assert (await client.get("/api/pulse")).json() == before["pulse"]
        rows = [
            f"FRESH-{i},2026-01-15,Cards,phone,Brand New Category,high,fresh case {i}"
            for i in range(3)
        ]
        response = await upload(client, rows)
        assert response.status_code == 200, response.text
        pulse = (await client.get("/api/pulse")).json()
        today = before["pulse"]["kpis"]["totalCasesToday"]["value"]
        assert pulse["kpis"]["totalCasesToday"]["value"] == today + 3
        words = (await client.get("/api/pulse/wordcloud")).json()["words"]
        assert {"text": "Brand New Category", "count": 3, "category": "Brand New Category"} in words
        spark = (await client.get("/api/pulse/sparklines")).json()
        total = spark["sparklines"]["totalCases"]["currentValue"]
        assert total == before["spark"]["sparklines"]["totalCases"]["currentValue"] + 3

    async def test_pulse_active_alerts_after_a_recompute(
        self, cached_client: tuple[FastAPI, httpx.AsyncClient]
    ) -> None:
        _, client = cached_client
        response = await upload(client, ["RC-1,2026-01-15,Cards,web,Billing,low,recompute me"])
        upload_id = response.json()["uploadId"]
        before = (await client.get("/api/pulse")).json()["kpis"]["activeAlerts"]["value"]
        recompute = await client.post(f"/api/uploads/{upload_id}/recompute")
        assert recompute.status_code == 200
        generated = recompute.json()["alertsGenerated"]
        assert generated > 0
        after = (await client.get("/api/pulse")).json()["kpis"]["activeAlerts"]["value"]
        assert after == before + generated

    async def test_trending_after_an_upload(
        self, cached_client: tuple[FastAPI, httpx.AsyncClient]
    ) -> None:
        _, client = cached_client
        before = (await client.get("/api/trending?window=24h&limit=50")).json()
        assert "zebrafruit" not in {t["term"] for t in before["topics"]}
        rows = [
            f"ZB-{i},2026-01-15,Cards,web,Product,medium,zebrafruit flavour complaint {i}"
            for i in range(6)
        ]
        assert (await upload(client, rows)).status_code == 200
        after = (await client.get("/api/trending?window=24h&limit=50")).json()
        assert "zebrafruit" in {t["term"] for t in after["topics"]}
        assert after["metadata"]["currentPeriod"]["caseCount"] == (
            before["metadata"]["currentPeriod"]["caseCount"] + 6
        )

    async def test_pulse_critical_after_a_case_escalation(
        self, cached_client: tuple[FastAPI, httpx.AsyncClient]
    ) -> None:
        _, client = cached_client
        # case-2000 is in_progress (open-ish) and medium: escalation makes it critical.
        before = (await client.get("/api/pulse")).json()["kpis"]["criticalUrgent"]["value"]
        response = await client.post(
            "/api/shares",
            json={
                "type": "escalation",
                "sourceType": "case",
                "sourceId": "case-2000",
                "senderId": "user-admin-1",
                "recipientId": "user-manager-1",
            },
        )
        assert response.status_code == 200
        after = (await client.get("/api/pulse")).json()["kpis"]["criticalUrgent"]["value"]
        assert after == before + 1
