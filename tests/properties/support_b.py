"""Helpers shared by the property modules of part B (access, sessions, real time, docs ...)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from jsonschema import Draft202012Validator

from control_tower.auth.passwords import hash_password
from control_tower.auth.repository import set_password_hash
from control_tower.core.clock import Clock
from control_tower.core.config import Settings
from control_tower.core.db import Database
from control_tower.core.migrate import migrate
from control_tower.main import create_app
from tests.support import databases
from tests.support.databases import TestDatabase
from tests.support.paths import CLOCK_START, REFERENCE_DB
from tests.support.server import make_settings

ORIGIN = "http://localhost:3000"
HTTP_METHODS = ("get", "post", "put", "patch", "delete")


def fresh_database(directory: Path) -> Path:
    """A migrated copy of the reference database in ``directory``."""
    target = directory / "reference.db"
    target.write_bytes(REFERENCE_DB.read_bytes())
    migrate(f"sqlite+aiosqlite:///{target}")
    return target


def query(database: TestDatabase, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """Rows of ``sql`` read straight from the test database (SQLite file or PostgreSQL)."""
    return databases.query(database, sql, *params)


async def give_password(settings: Settings, password: str, *user_ids: str) -> None:
    """Set ``password`` for each user (Argon2 hash computed once)."""
    database = Database(settings)
    password_hash = hash_password(password)
    clock = Clock(CLOCK_START)
    async with database.session() as session:
        for user_id in user_ids:
            await set_password_hash(session, user_id, password_hash, clock.now_iso())
    await database.dispose()


@asynccontextmanager
async def running_app(settings: Settings, clock: Clock | None = None) -> AsyncIterator[FastAPI]:
    application = create_app(settings, clock=clock or Clock(CLOCK_START))
    async with application.router.lifespan_context(application):
        yield application


def asgi_client(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


def documented_spec() -> dict[str, Any]:
    """The app's ``/openapi.json`` (building the app opens no database)."""
    app = create_app(make_settings(REFERENCE_DB), clock=Clock(CLOCK_START))
    return app.openapi()


def operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """``(method, path, operation)`` for every documented operation."""
    return [
        (method, path, operation)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if method in HTTP_METHODS
    ]


def resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """Follow a top-level ``$ref`` into ``components``."""
    reference = schema.get("$ref")
    if not isinstance(reference, str):
        return schema
    resolved: dict[str, Any] = spec
    for part in reference.removeprefix("#/").split("/"):
        resolved = resolved[part]
    return resolved


def schema_errors(spec: dict[str, Any], schema: dict[str, Any], instance: Any) -> list[str]:
    """Every way ``instance`` fails ``schema`` (``$ref`` resolved against the document)."""
    root = {**schema, "components": spec.get("components", {})}
    validator = Draft202012Validator(root)
    return [error.message for error in validator.iter_errors(instance)]
