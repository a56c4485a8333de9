"""Brute-force lockout, per-user budgets, CSRF, size limits and security headers."""

from __future__ import annotations

from pathlib import Path

import httpx

from control_tower.core.clock import Clock
from control_tower.main import create_app
from tests.auth.conftest import ORIGIN, PASSWORD, USERS, login
from tests.support.server import make_settings


class TestBruteForce:
    async def test_repeated_failures_lock_the_account(
        self, auth_client: httpx.AsyncClient, clock: Clock
    ) -> None:
        email = USERS["manager"][1]
        for _ in range(5):
            bad = await auth_client.post(
                "/api/auth/login", json={"email": email, "password": "guess-guess"}
            )
            assert bad.status_code == 401
        locked = await auth_client.post(
            "/api/auth/login", json={"email": email, "password": PASSWORD}
        )
        assert locked.status_code == 429
        assert int(locked.headers["retry-after"]) > 0
        assert locked.json()["code"] == "RATE_LIMITED"
        clock.advance(16 * 60 * 1000)
        unlocked = await auth_client.post(
            "/api/auth/login", json={"email": email, "password": PASSWORD}
        )
        assert unlocked.status_code == 200

    async def test_attempts_per_address_are_limited(self, auth_client: httpx.AsyncClient) -> None:
        statuses = []
        for index in range(32):
            response = await auth_client.post(
                "/api/auth/login", json={"email": f"x{index}@example.com", "password": "guess-1"}
            )
            statuses.append(response.status_code)
        assert statuses[:30] == [401] * 30
        assert statuses[30:] == [429, 429]


class TestBudget:
    async def test_per_user_budget(self, tmp_path: Path, reference_db: Path) -> None:
        settings = make_settings(reference_db, api_rate_limit_per_minute=3)
        app = create_app(settings, clock=Clock())
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                codes = [(await client.get("/api/auth/me")).status_code for _ in range(4)]
                last = await client.get("/api/auth/me")
        assert codes == [200, 200, 200, 429]
        assert last.headers["ratelimit-limit"] == "3"
        assert "retry-after" in last.headers


class TestCsrf:
    async def test_cookie_write_from_foreign_origin_is_refused(
        self, auth_client: httpx.AsyncClient
    ) -> None:
        await login(auth_client)
        foreign = await auth_client.post(
            "/api/auth/logout", headers={"origin": "https://evil.example"}
        )
        assert foreign.status_code == 403
        assert foreign.json()["code"] == "CSRF_FAILED"
        missing = await auth_client.post("/api/auth/logout")
        assert missing.status_code == 403
        allowed = await auth_client.post("/api/auth/logout", headers={"origin": ORIGIN})
        assert allowed.status_code == 200

    async def test_bearer_writes_need_no_origin(self, auth_client: httpx.AsyncClient) -> None:
        token = (await login(auth_client))["accessToken"]
        auth_client.cookies.clear()
        response = await auth_client.post(
            "/api/auth/logout", headers={"authorization": f"Bearer {token}"}
        )
        assert response.status_code == 200


class TestLimitsAndHeaders:
    async def test_security_headers_everywhere(self, client: httpx.AsyncClient) -> None:
        for path in ("/health", "/api/auth/me", "/api/nope"):
            response = await client.get(path)
            assert response.headers["x-content-type-options"] == "nosniff"
            assert response.headers["x-frame-options"] == "DENY"
            assert "content-security-policy" in response.headers

    async def test_long_query_string_is_414(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/health?x=" + "a" * 5000)
        assert response.status_code == 414
        assert response.json()["code"] == "URI_TOO_LONG"

    async def test_large_body_is_413(self, client: httpx.AsyncClient) -> None:
        response = await client.post(
            "/api/auth/login",
            content=b"x" * 2_000_000,
            headers={"content-type": "application/json"},
        )
        assert response.status_code == 413
        assert response.json()["code"] == "PAYLOAD_TOO_LARGE"
