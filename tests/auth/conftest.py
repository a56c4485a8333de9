from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from control_tower.auth.passwords import hash_password
from control_tower.auth.repository import set_password_hash
from control_tower.core.clock import Clock
from control_tower.core.config import Settings
from control_tower.core.db import Database
from control_tower.main import create_app
from tests.support.server import make_settings

PASSWORD = "correct horse battery"
ORIGIN = "http://localhost:3000"
USERS = {
    "admin": ("user-admin-1", "thanapol.t@thaibev.com"),
    "manager": ("user-manager-1", "manager1@thaibev.com"),
    "supervisor": ("user-supervisor-1", "supervisor1@thaibev.com"),
}


async def give_passwords(settings: Settings, clock: Clock) -> None:
    database = Database(settings)
    password_hash = hash_password(PASSWORD)
    async with database.session() as session:
        for user_id, _email in USERS.values():
            await set_password_hash(session, user_id, password_hash, clock.now_iso())
    await database.dispose()


@pytest.fixture
def required_settings(reference_db: Path) -> Settings:
    return make_settings(reference_db, auth_mode="required")


@pytest.fixture
async def auth_app(required_settings: Settings, clock: Clock) -> AsyncIterator[FastAPI]:
    await give_passwords(required_settings, clock)
    application = create_app(required_settings, clock=clock)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def auth_client(auth_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=auth_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def login(client: httpx.AsyncClient, who: str = "admin") -> dict[str, object]:
    response = await client.post(
        "/api/auth/login",
        json={"email": USERS[who][1], "password": PASSWORD},
        headers={"origin": ORIGIN},
    )
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body
