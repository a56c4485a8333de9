"""Helpers of the property tests (part A): one app and database per test, driven synchronously.

Hypothesis runs many examples against one application: ``Harness`` owns an event loop, a
fresh migrated copy of the reference database and the app's lifespan, so each example is a
plain function call and the database is read directly with ``sqlite3`` afterwards.
"""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
from collections.abc import Iterator
from contextlib import AbstractAsyncContextManager, contextmanager
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI

from control_tower.auth.deps import Viewer, authenticate
from control_tower.core.clock import Clock
from control_tower.core.migrate import migrate
from control_tower.main import create_app
from tests.support.paths import CLOCK_START, REFERENCE_DB
from tests.support.server import make_settings

ISO_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z")
ERROR_KEYS = ("error", "code", "timestamp", "requestId")


class Quiet(dict[str, Any]):
    """A fixture dictionary that Hypothesis prints as one line in a failure report."""

    def __repr__(self) -> str:
        return f"<{len(self)} entries>"


class Harness:
    """A running app over its own database; requests are made synchronously."""

    def __init__(self, database: Path, **overrides: Any) -> None:
        self.database = database
        values: dict[str, Any] = {"api_rate_limit_per_minute": 0}
        values.update(overrides)
        self.settings = make_settings(database, **values)
        self.clock = Clock(CLOCK_START)
        self.app: FastAPI = create_app(self.settings, clock=self.clock)
        self._runner = asyncio.Runner()
        self._lifespan: AbstractAsyncContextManager[Any] | None = None
        self._client: httpx.AsyncClient | None = None
        self._watcher: sqlite3.Connection | None = None

    def start(self) -> None:
        lifespan: AbstractAsyncContextManager[Any] = self.app.router.lifespan_context(self.app)
        self._runner.run(lifespan.__aenter__())
        self._lifespan = lifespan
        transport = httpx.ASGITransport(app=self.app)
        self._client = httpx.AsyncClient(transport=transport, base_url="http://testserver")
        self._watcher = sqlite3.connect(self.database)

    def stop(self) -> None:
        if self._watcher is not None:
            self._watcher.close()
        if self._client is not None:
            self._runner.run(self._client.aclose())
        if self._lifespan is not None:
            self._runner.run(self._lifespan.__aexit__(None, None, None))
        self._runner.close()

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        assert self._client is not None, "start() first"
        return self._runner.run(self._client.request(method, url, **kwargs))

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def act_as(self, viewer: Viewer | None) -> None:
        """Answer as ``viewer`` (``None``: the anonymous demo user again)."""
        if viewer is None:
            self.app.dependency_overrides.pop(authenticate, None)
        else:
            self.app.dependency_overrides[authenticate] = lambda: viewer

    def rows(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        """Rows read straight from the database file (what the service committed)."""
        with sqlite3.connect(self.database) as connection:
            return connection.execute(sql, params).fetchall()

    def scalar(self, sql: str, *params: Any) -> Any:
        return self.rows(sql, *params)[0][0]

    def data_version(self) -> int:
        """SQLite's ``PRAGMA data_version`` seen from another connection: it changes exactly
        when the service commits a change to the database file."""
        assert self._watcher is not None, "start() first"
        version: int = self._watcher.execute("PRAGMA data_version").fetchone()[0]
        return version

    @contextmanager
    def writes_nothing(self) -> Iterator[None]:
        """Fail if the service changed the database inside the block."""
        before = self.data_version()
        yield
        assert self.data_version() == before, "the request changed the database"

    def openapi(self) -> Quiet:
        return Quiet(self.get("/openapi.json").json())


def fresh_database(directory: Path) -> Path:
    """A migrated copy of the reference database in ``directory``."""
    target = directory / "reference.db"
    target.write_bytes(REFERENCE_DB.read_bytes())
    migrate(f"sqlite+aiosqlite:///{target}")
    return target


@contextmanager
def running_app(directory: Path, **overrides: Any) -> Iterator[Harness]:
    """A started ``Harness`` over a fresh database; stopped afterwards."""
    harness = Harness(fresh_database(directory), **overrides)
    harness.start()
    try:
        yield harness
    finally:
        harness.stop()


def assert_error_shape(response: httpx.Response, status: int, code: str | None = None) -> None:
    """The project's one error shape, with the given status (and code)."""
    assert response.status_code == status, (response.status_code, response.text)
    body = response.json()
    assert isinstance(body, dict), body
    assert isinstance(body.get("error"), str) and body["error"], body
    for key in ERROR_KEYS:
        assert key in body, (key, body)
    assert ISO_TIMESTAMP.fullmatch(body["timestamp"]), body["timestamp"]
    if code is not None:
        assert body["code"] == code, body


def no_integral_floats(raw: str) -> Any:
    """Parse ``raw`` JSON, failing on any number printed as an integral float (``95.0``)."""

    def parse_float(token: str) -> float:
        value = float(token)
        assert not (value.is_integer() and "e" not in token.lower()), (
            f"integral float printed as {token!r}"
        )
        return value

    return json.loads(raw, parse_float=parse_float)
