"""Application wiring: probes, error shapes, framework behaviour of the original."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from control_tower.core.clock import Clock
from control_tower.main import create_app
from tests.support.databases import BACKEND
from tests.support.paths import CLOCK_START
from tests.support.server import make_settings


def assert_error_shape(body: dict[str, object], code: str) -> None:
    assert isinstance(body["error"], str) and body["error"]
    assert body["code"] == code
    assert isinstance(body["timestamp"], str) and body["timestamp"].endswith("Z")
    assert isinstance(body["requestId"], str)


class TestProbes:
    async def test_health(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/health")
        assert response.status_code == 200
        assert response.json()["status"] == "ok"
        assert response.headers["content-type"] == "application/json"

    async def test_ready_when_database_answers(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/ready")
        assert response.status_code == 200
        assert response.json() == {
            "status": "ready",
            "database": BACKEND,
            "timestamp": response.json()["timestamp"],
        }

    async def test_not_ready_when_database_is_unreachable(self, tmp_path: Path) -> None:
        # A directory where the database file should be cannot be opened.
        blocked = tmp_path / "db-is-a-directory"
        blocked.mkdir()
        app = create_app(make_settings(blocked), clock=Clock(CLOCK_START))
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                response = await client.get("/ready")
        assert response.status_code == 503
        assert_error_shape(response.json(), "NOT_READY")


class TestErrorShapes:
    async def test_unknown_path_is_json_404(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/nope")
        assert response.status_code == 404
        assert_error_shape(response.json(), "NOT_FOUND")
        assert "/api/nope" in response.json()["error"]

    async def test_wrong_method_is_405_with_allow(self, client: httpx.AsyncClient) -> None:
        response = await client.post("/health")
        assert response.status_code == 405
        assert response.headers["allow"] == "GET, HEAD, OPTIONS"
        assert_error_shape(response.json(), "METHOD_NOT_ALLOWED")

    async def test_options_lists_methods(self, client: httpx.AsyncClient) -> None:
        response = await client.options("/health")
        assert response.status_code == 204
        assert response.headers["allow"] == "GET, HEAD, OPTIONS"
        assert response.content == b""
        assert "content-type" not in response.headers

    async def test_head_runs_get_without_body(self, client: httpx.AsyncClient) -> None:
        response = await client.head("/health")
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"

    async def test_trailing_slash_redirects_relatively(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/health/?x=1")
        assert response.status_code == 308
        assert response.headers["location"] == "/health?x=1"
        assert response.headers["refresh"] == "0;url=/health?x=1"
        assert response.text == "/health?x=1"
        assert "content-type" not in response.headers

    async def test_request_validation_is_422(self, app: FastAPI, client: httpx.AsyncClient) -> None:
        @app.post("/_test/typed")
        async def typed(count: int) -> dict[str, int]:
            return {"count": count}

        app.state.route_table.refresh()
        response = await client.post("/_test/typed?count=many")
        assert response.status_code == 422
        body = response.json()
        assert_error_shape(body, "VALIDATION_ERROR")
        assert body["details"][0]["field"] == "query.count"

    async def test_unexpected_error_is_500_without_internals(self, tmp_path: Path) -> None:
        settings = make_settings(tmp_path / "x.db", environment="staging", secret_key="k" * 40)
        app = create_app(settings, clock=Clock(CLOCK_START))

        @app.get("/_test/boom")
        async def boom() -> None:
            raise RuntimeError("secret internal detail")

        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                response = await client.get("/_test/boom")
        assert response.status_code == 500
        body = response.json()
        assert body["code"] == "INTERNAL_ERROR"
        assert "secret internal detail" not in response.text

    async def test_request_id_is_echoed(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/health", headers={"x-request-id": "abc-123"})
        assert response.headers["x-request-id"] == "abc-123"
        generated = await client.get("/health", headers={"x-request-id": "bad id with spaces"})
        assert generated.headers["x-request-id"] != "bad id with spaces"


@pytest.mark.parametrize("origin", ["http://localhost:3000"])
async def test_cors_allows_configured_origin(client: httpx.AsyncClient, origin: str) -> None:
    response = await client.get("/health", headers={"origin": origin})
    assert response.headers["access-control-allow-origin"] == origin
    other = await client.get("/health", headers={"origin": "http://evil.example"})
    assert "access-control-allow-origin" not in other.headers
