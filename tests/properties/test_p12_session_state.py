"""Property 12, session state management.

Generated sequences of login, refresh, logout (one or everywhere), ``me`` by cookie and by
bearer token, and clock jumps, across several sessions of one user, are run against the
real service and against a small model of the documented rules (docs/security.md):

* a login opens a session; its access token works for 15 minutes while the session is open;
* refresh rotates: the old session stops working and a new one opens; presenting a
  rotated-out cookie again ends every session of the user;
* logout ends that session (and every token issued on it); ``?everywhere=true`` ends all;
* a session that was not ended keeps working.

The model predicts every status (and ``sessionsEnded``); the service must agree.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest_asyncio
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from control_tower.auth.deps import SESSION_COOKIE
from control_tower.core.clock import Clock
from tests.properties.support_b import (
    ORIGIN,
    asgi_client,
    fresh_database,
    give_password,
    running_app,
)
from tests.support.paths import CLOCK_START
from tests.support.server import make_settings

USER_ID, EMAIL, PASSWORD = "user-supervisor-2", "supervisor2@thaibev.com", "session model pw"
TOKEN_TTL_MS = 15 * 60 * 1000


@dataclass
class Handle:
    """One session as the client holds it: its cookie, its access token, its fate."""

    cookie: str
    token: str
    token_expires_ms: int
    state: str = "open"  # open | rotated | ended


@dataclass
class Service:
    app: FastAPI
    clock: Clock
    database: Path


@pytest_asyncio.fixture
async def service(tmp_path: Path) -> AsyncIterator[Service]:
    database = fresh_database(tmp_path)
    settings = make_settings(
        database,
        auth_mode="required",
        api_rate_limit_per_minute=0,
        login_attempts_per_ip_per_minute=100_000,
    )
    await give_password(settings, PASSWORD, USER_ID)
    clock = Clock(CLOCK_START)
    async with running_app(settings, clock) as app:
        yield Service(app, clock, database)


Step = tuple[str, int]
steps = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "login",
                "me-cookie",
                "me-bearer",
                "refresh",
                "logout",
                "logout-everywhere",
                "wait-16-min",
            ]
        ),
        st.integers(min_value=0, max_value=3),
    ),
    min_size=1,
    max_size=12,
)


class Run:
    def __init__(self, service: Service, client: httpx.AsyncClient) -> None:
        self.service = service
        self.client = client
        self.handles: list[Handle] = []

    def now(self) -> int:
        return self.service.clock.now_ms()

    def token_works(self, handle: Handle) -> bool:
        return handle.state == "open" and self.now() < handle.token_expires_ms

    async def cookie_request(self, method: str, url: str, handle: Handle) -> httpx.Response:
        self.client.cookies.clear()
        self.client.cookies.set(SESSION_COOKIE, handle.cookie)
        headers = {"origin": ORIGIN} if method != "GET" else {}
        response = await self.client.request(method, url, headers=headers)
        self.client.cookies.clear()
        return response

    def opened(self, response: httpx.Response) -> Handle:
        assert response.status_code == 200, response.text
        return Handle(
            response.cookies[SESSION_COOKIE],
            response.json()["accessToken"],
            self.now() + TOKEN_TTL_MS,
        )

    async def login(self) -> None:
        response = await self.client.post(
            "/api/auth/login", json={"email": EMAIL, "password": PASSWORD}
        )
        self.client.cookies.clear()
        self.handles.append(self.opened(response))

    async def step(self, action: str, index: int) -> None:
        if action == "login" or not self.handles:
            await self.login()
            return
        if action == "wait-16-min":
            self.service.clock.advance(16 * 60 * 1000)
            return
        handle = self.handles[index % len(self.handles)]
        if action == "me-cookie":
            response = await self.cookie_request("GET", "/api/auth/me", handle)
            assert response.status_code == (200 if handle.state == "open" else 401)
        elif action == "me-bearer":
            response = await self.client.get(
                "/api/auth/me", headers={"authorization": f"Bearer {handle.token}"}
            )
            assert response.status_code == (200 if self.token_works(handle) else 401)
        elif action == "refresh":
            response = await self.cookie_request("POST", "/api/auth/refresh", handle)
            if handle.state == "open":
                handle.state = "rotated"
                self.handles.append(self.opened(response))
            else:
                assert response.status_code == 401
                if handle.state == "rotated":  # a copy of the cookie exists: end them all
                    for other in self.handles:
                        if other.state == "open":
                            other.state = "ended"
        elif action == "logout":
            response = await self.cookie_request("POST", "/api/auth/logout", handle)
            if handle.state == "open":
                assert response.status_code == 200
                assert response.json()["sessionsEnded"] == 1
                handle.state = "ended"
            else:
                assert response.status_code == 401
        elif action == "logout-everywhere":
            response = await self.client.post(
                "/api/auth/logout?everywhere=true",
                headers={"authorization": f"Bearer {handle.token}"},
            )
            if self.token_works(handle):
                assert response.status_code == 200
                still_open = [h for h in self.handles if h.state == "open"]
                assert response.json()["sessionsEnded"] == len(still_open)
                for other in still_open:
                    other.state = "ended"
            else:
                assert response.status_code == 401

    async def check_all(self) -> None:
        """Every session the model says is open works by cookie; every other one does not."""
        for handle in self.handles:
            response = await self.cookie_request("GET", "/api/auth/me", handle)
            assert response.status_code == (200 if handle.state == "open" else 401), handle
            if handle.state == "open":
                assert response.json()["user"]["id"] == USER_ID


def end_every_session(database: Path) -> None:
    """Start each example from a user without open sessions (earlier examples left some)."""
    with sqlite3.connect(database) as connection:
        connection.execute(
            "UPDATE auth_sessions SET revoked_at_ms = 0 WHERE user_id = ? "
            "AND revoked_at_ms IS NULL",
            (USER_ID,),
        )


class TestSessionState:
    @settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
    @given(plan=steps)
    async def test_sessions_follow_the_model(self, service: Service, plan: list[Step]) -> None:
        end_every_session(service.database)
        async with asgi_client(service.app) as client:
            run = Run(service, client)
            for action, index in plan:
                await run.step(action, index)
            await run.check_all()
