"""``/api/demo-mode`` over HTTP."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI


class TestGetDemoMode:
    async def test_initially_stopped_with_the_default_interval(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.get("/api/demo-mode")
        assert response.status_code == 200
        body = response.json()
        assert list(body) == ["enabled", "intervalMs", "timestamp"]
        assert (body["enabled"], body["intervalMs"]) == (False, 45000)
        assert body["timestamp"].startswith("2026-01-15T10:05")


class TestToggleDemoMode:
    async def test_start_then_stop_keeps_the_interval(
        self, client: httpx.AsyncClient, app: FastAPI
    ) -> None:
        started = await client.post("/api/demo-mode", json={"enabled": True, "intervalMs": 50000})
        assert started.status_code == 200
        body = started.json()
        assert list(body) == ["success", "enabled", "intervalMs", "timestamp"]
        assert (body["success"], body["enabled"], body["intervalMs"]) == (True, True, 50000)
        assert (await client.get("/api/demo-mode")).json()["enabled"] is True
        stopped = (await client.post("/api/demo-mode", json={"enabled": False})).json()
        assert (stopped["enabled"], stopped["intervalMs"]) == (False, 50000)
        assert not app.state.demo.running

    @pytest.mark.parametrize(
        ("body", "interval"),
        [
            ({"enabled": True, "intervalMs": 10}, 30000),
            ({"enabled": True}, 45000),
            ({"enabled": "false", "intervalMs": 0}, 45000),
            ({"enabled": 1, "intervalMs": "55000"}, 55000),
        ],
    )
    async def test_truthy_enabled_starts_with_a_clamped_interval(
        self, client: httpx.AsyncClient, body: dict[str, Any], interval: int
    ) -> None:
        response = await client.post("/api/demo-mode", json=body)
        assert response.json()["enabled"] is True
        assert response.json()["intervalMs"] == interval

    async def test_non_numeric_interval_reports_null_but_still_runs_slowly(
        self, client: httpx.AsyncClient, app: FastAPI
    ) -> None:
        response = await client.post("/api/demo-mode", json={"enabled": True, "intervalMs": "x"})
        assert response.content.count(b'"intervalMs":null') == 1
        assert app.state.demo.running
        assert 30_000 <= app.state.demo.next_delay_ms() <= 60_000

    @pytest.mark.parametrize("body", [{}, 5, [], "on", {"enabled": 0}, {"enabled": ""}])
    async def test_anything_else_stops(self, client: httpx.AsyncClient, body: Any) -> None:
        await client.post("/api/demo-mode", json={"enabled": True})
        response = await client.post("/api/demo-mode", json=body)
        assert response.status_code == 200
        assert response.json()["enabled"] is False

    @pytest.mark.parametrize("raw", [b"x", b"null", b""])
    async def test_unreadable_body_is_the_original_500(
        self, client: httpx.AsyncClient, raw: bytes
    ) -> None:
        response = await client.post("/api/demo-mode", content=raw)
        assert response.status_code == 500
        body = response.json()
        assert list(body)[:2] == ["success", "error"]
        assert (body["success"], body["error"]) == (False, "Failed to toggle demo mode")

    async def test_put_is_not_allowed(self, client: httpx.AsyncClient) -> None:
        response = await client.put("/api/demo-mode")
        assert response.status_code == 405
        assert response.headers["allow"] == "GET, HEAD, OPTIONS, POST"
