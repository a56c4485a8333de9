"""/metrics and the slow-query log."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from control_tower.core.clock import Clock
from control_tower.main import create_app
from tests.support.paths import CLOCK_START
from tests.support.server import make_settings


class TestMetrics:
    async def test_requests_are_counted_by_route_template(self, client: httpx.AsyncClient) -> None:
        await client.get("/health")
        await client.get("/health")
        await client.get("/api/auth/me")
        await client.get("/api/does-not-exist")
        response = await client.get("/metrics")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/plain")
        text = response.text
        assert 'ct_http_requests_total{method="GET",route="/health",status="200"} 2.0' in text
        assert 'route="/api/auth/me",status="200"' in text
        assert 'route="unmatched",status="404"' in text
        assert "ct_http_request_duration_seconds_bucket" in text
        assert "ct_db_pool_connections_in_use" in text
        assert "ct_event_bus_subscribers" in text


class TestSlowQueryLog:
    async def test_statements_over_the_threshold_are_logged(
        self, reference_db: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        settings = make_settings(reference_db, slow_query_ms=0, log_level="WARNING")
        app = create_app(settings, clock=Clock(CLOCK_START))
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                await client.get("/ready", headers={"x-request-id": "slow-1"})
                metrics = (await client.get("/metrics")).text
        err = capsys.readouterr().err
        assert "db.slow_query" in err
        assert "request_id=slow-1" in err
        assert "route=/ready" in err
        assert "SELECT 1" in err
        counted = re.search(r"^ct_db_slow_queries_total (\d+)\.0$", metrics, re.M)
        assert counted is not None and int(counted.group(1)) >= 1


class TestJobMetrics:
    async def test_uploads_recomputes_and_events_are_measured(
        self, client: httpx.AsyncClient
    ) -> None:
        from tests.uploads.factories import csv_text, upload_files

        files = upload_files(csv_text(["MET-1", "MET-2"]), "cases.csv", "text/csv")
        uploaded = await client.post("/api/upload", files=files)
        assert uploaded.status_code == 200
        upload_id = uploaded.json()["uploadId"]
        recomputed = await client.post(f"/api/uploads/{upload_id}/recompute")
        assert recomputed.status_code == 200
        text = (await client.get("/metrics")).text
        assert re.search(r"^ct_upload_duration_seconds_count 1\.0$", text, re.M)
        assert re.search(r"^ct_recompute_duration_seconds_count 1\.0$", text, re.M)
        published = re.findall(r'^ct_events_published_total\{type="([^"]+)"\} (\d+)', text, re.M)
        assert published, text
        assert all(int(count) >= 1 for _type, count in published)
