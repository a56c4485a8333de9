"""Session lifecycle: login, me, refresh, logout, reuse, expiry with the settable clock."""

from __future__ import annotations

import httpx

from control_tower.auth.deps import SESSION_COOKIE
from control_tower.core.clock import Clock
from tests.auth.conftest import ORIGIN, PASSWORD, USERS, login


class TestLogin:
    async def test_login_returns_token_and_sets_cookie(
        self, auth_client: httpx.AsyncClient
    ) -> None:
        response = await auth_client.post(
            "/api/auth/login",
            json={"email": USERS["manager"][1], "password": PASSWORD},
        )
        assert response.status_code == 200
        body = response.json()
        assert body["tokenType"] == "Bearer"
        assert body["user"] == {
            "id": "user-manager-1",
            "name": body["user"]["name"],
            "email": "manager1@thaibev.com",
            "role": "bu_manager",
            "businessUnit": "Beer & Spirits",
        }
        cookie = response.headers["set-cookie"]
        assert f"{SESSION_COOKIE}=" in cookie
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie
        assert "Secure" not in cookie  # development

    async def test_email_is_case_insensitive(self, auth_client: httpx.AsyncClient) -> None:
        response = await auth_client.post(
            "/api/auth/login", json={"email": "MANAGER1@thaibev.com", "password": PASSWORD}
        )
        assert response.status_code == 200

    async def test_wrong_password_and_unknown_email_look_the_same(
        self, auth_client: httpx.AsyncClient
    ) -> None:
        wrong = await auth_client.post(
            "/api/auth/login", json={"email": USERS["admin"][1], "password": "nope-nope"}
        )
        unknown = await auth_client.post(
            "/api/auth/login", json={"email": "ghost@example.com", "password": "nope-nope"}
        )
        assert wrong.status_code == unknown.status_code == 401
        assert wrong.json()["error"] == unknown.json()["error"] == "Invalid email or password"
        assert "set-cookie" not in wrong.headers

    async def test_user_without_password_cannot_log_in(
        self, auth_client: httpx.AsyncClient
    ) -> None:
        response = await auth_client.post(
            "/api/auth/login", json={"email": "manager2@thaibev.com", "password": PASSWORD}
        )
        assert response.status_code == 401

    async def test_malformed_body_is_422(self, auth_client: httpx.AsyncClient) -> None:
        response = await auth_client.post("/api/auth/login", json={"email": "x@y.z"})
        assert response.status_code == 422
        assert response.json()["code"] == "VALIDATION_ERROR"


class TestLifecycle:
    async def test_me_with_bearer_and_cookie(self, auth_client: httpx.AsyncClient) -> None:
        token = (await login(auth_client, "supervisor"))["accessToken"]
        by_cookie = await auth_client.get("/api/auth/me")
        assert by_cookie.status_code == 200
        assert by_cookie.json()["authenticatedVia"] == "cookie"
        auth_client.cookies.clear()
        by_bearer = await auth_client.get(
            "/api/auth/me", headers={"authorization": f"Bearer {token}"}
        )
        assert by_bearer.status_code == 200
        assert by_bearer.json()["user"]["id"] == "user-supervisor-1"
        assert by_bearer.json()["authenticatedVia"] == "bearer"

    async def test_logout_ends_cookie_and_token(self, auth_client: httpx.AsyncClient) -> None:
        token = (await login(auth_client))["accessToken"]
        cookie = auth_client.cookies[SESSION_COOKIE]
        response = await auth_client.post("/api/auth/logout", headers={"origin": ORIGIN})
        assert response.status_code == 200
        assert response.json() == {"success": True, "sessionsEnded": 1}
        auth_client.cookies.clear()
        reused_token = await auth_client.get(
            "/api/auth/me", headers={"authorization": f"Bearer {token}"}
        )
        assert reused_token.status_code == 401
        assert reused_token.json()["code"] == "SESSION_EXPIRED"
        auth_client.cookies.set(SESSION_COOKIE, cookie)
        reused_cookie = await auth_client.get("/api/auth/me")
        assert reused_cookie.status_code == 401

    async def test_logout_everywhere_ends_every_session(
        self, auth_client: httpx.AsyncClient
    ) -> None:
        first = (await login(auth_client))["accessToken"]
        auth_client.cookies.clear()
        second = (await login(auth_client))["accessToken"]
        response = await auth_client.post(
            "/api/auth/logout?everywhere=true", headers={"authorization": f"Bearer {second}"}
        )
        assert response.json()["sessionsEnded"] == 2
        auth_client.cookies.clear()
        for token in (first, second):
            me = await auth_client.get("/api/auth/me", headers={"authorization": f"Bearer {token}"})
            assert me.status_code == 401

    async def test_refresh_rotates_and_detects_reuse(self, auth_client: httpx.AsyncClient) -> None:
        await login(auth_client)
        old_cookie = auth_client.cookies[SESSION_COOKIE]
        refreshed = await auth_client.post("/api/auth/refresh", headers={"origin": ORIGIN})
        assert refreshed.status_code == 200
        new_cookie = auth_client.cookies[SESSION_COOKIE]
        assert new_cookie != old_cookie
        new_token = refreshed.json()["accessToken"]
        # The rotated-out cookie is refused, and presenting it ends every session.
        auth_client.cookies.clear()
        auth_client.cookies.set(SESSION_COOKIE, old_cookie)
        reuse = await auth_client.post("/api/auth/refresh", headers={"origin": ORIGIN})
        assert reuse.status_code == 401
        auth_client.cookies.clear()
        me = await auth_client.get("/api/auth/me", headers={"authorization": f"Bearer {new_token}"})
        assert me.status_code == 401

    async def test_access_token_expires_with_the_clock(
        self, auth_client: httpx.AsyncClient, clock: Clock
    ) -> None:
        token = (await login(auth_client))["accessToken"]
        auth_client.cookies.clear()
        headers = {"authorization": f"Bearer {token}"}
        assert (await auth_client.get("/api/auth/me", headers=headers)).status_code == 200
        clock.advance(16 * 60 * 1000)
        expired = await auth_client.get("/api/auth/me", headers=headers)
        assert expired.status_code == 401
        assert expired.json()["code"] == "INVALID_TOKEN"

    async def test_session_expires_with_the_clock(
        self, auth_client: httpx.AsyncClient, clock: Clock
    ) -> None:
        await login(auth_client)
        assert (await auth_client.get("/api/auth/me")).status_code == 200
        clock.advance(8 * 24 * 3600 * 1000)
        assert (await auth_client.get("/api/auth/me")).status_code == 401
        refresh = await auth_client.post("/api/auth/refresh", headers={"origin": ORIGIN})
        assert refresh.status_code == 401


class TestRequiredMode:
    async def test_api_without_credentials_is_401(self, auth_client: httpx.AsyncClient) -> None:
        response = await auth_client.get("/api/auth/me")
        assert response.status_code == 401
        assert response.json()["code"] == "UNAUTHORIZED"

    async def test_probes_and_docs_stay_open(self, auth_client: httpx.AsyncClient) -> None:
        for path in ("/health", "/ready", "/docs", "/openapi.json"):
            assert (await auth_client.get(path)).status_code == 200, path


class TestDemoMode:
    async def test_anonymous_is_the_demo_user(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/auth/me")
        assert response.status_code == 200
        assert response.json()["user"]["id"] == "user-admin-1"
        assert response.json()["authenticatedVia"] == "demo"

    async def test_bad_credentials_are_refused_even_in_demo_mode(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.get("/api/auth/me", headers={"authorization": "Bearer nonsense"})
        assert response.status_code == 401
