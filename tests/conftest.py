"""Shared fixtures: a real database per test, the app over ASGI, a live uvicorn server."""

from __future__ import annotations

import os
import shutil
import time

os.environ["TZ"] = "UTC"
time.tzset()

from collections.abc import AsyncIterator, Callable, Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import httpx  # noqa: E402
import pytest  # noqa: E402
from fastapi import FastAPI  # noqa: E402
from hypothesis import settings as hypothesis_settings  # noqa: E402

from control_tower.auth.deps import Viewer, authenticate  # noqa: E402
from control_tower.auth.passwords import configure_hasher  # noqa: E402
from control_tower.core.clock import Clock  # noqa: E402
from control_tower.core.config import Settings  # noqa: E402
from control_tower.main import create_app  # noqa: E402
from tests.support import pg  # noqa: E402
from tests.support.databases import (  # noqa: E402
    ON_POSTGRES,
    TestDatabase,
    fresh_database,
    sqlite_template,
)
from tests.support.node import NODE, NodeOracle  # noqa: E402
from tests.support.paths import CLOCK_START  # noqa: E402
from tests.support.server import LiveServer, make_settings  # noqa: E402

hypothesis_settings.register_profile("dev", max_examples=100, deadline=None)
hypothesis_settings.register_profile("ci", max_examples=100, deadline=None, derandomize=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

# Argon2id with cheap parameters: the tests check behaviour, not hashing cost.
configure_hasher(time_cost=1, memory_cost_kib=1024)


@pytest.fixture(scope="session")
def node() -> Iterator[NodeOracle]:
    """A Node.js process answering JavaScript questions (skips where Node is missing)."""
    if NODE is None:
        pytest.skip("node is not installed; the JavaScript oracle tests need it")
    oracle = NodeOracle()
    yield oracle
    oracle.close()


def pytest_sessionstart(session: pytest.Session) -> None:
    if ON_POSTGRES:
        try:
            pg.admin("SELECT 1")
        except Exception as exc:
            raise pytest.UsageError(
                f"CT_TEST_DATABASE=postgresql but PostgreSQL at {pg.PG_ADMIN_DSN} cannot be "
                f"reached ({type(exc).__name__}: {exc}); start it or set TEST_PG_ADMIN_DSN"
            ) from exc


def pytest_report_header() -> str:
    if not ON_POSTGRES:
        return "test database: sqlite (CT_TEST_DATABASE)"
    return (
        "test database: postgresql (CT_TEST_DATABASE); tests that do not use it are "
        "deselected and run in the SQLite pass (CT_TEST_EVERYTHING=1 runs them too)"
    )


# Fixtures that hand a test the test database (directly or through an app on it).
DATABASE_FIXTURES = frozenset({"reference_db", "empty_db", "reference", "matrix_db"})


def uses_test_database(item: pytest.Item) -> bool:
    names = set(getattr(item, "fixturenames", ()))
    return bool(names & DATABASE_FIXTURES) or item.get_closest_marker("database") is not None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not ON_POSTGRES:
        return
    for item in items:
        marker = item.get_closest_marker("sqlite_only")
        if marker is not None:
            item.add_marker(pytest.mark.skip(reason=f"SQLite only: {marker.args[0]}"))
    if os.environ.get("CT_TEST_EVERYTHING") == "1":
        return
    # A test that never touches the test database answers the same on both passes; the
    # SQLite pass runs it, the PostgreSQL pass runs only what the database can change.
    independent = [item for item in items if not uses_test_database(item)]
    if independent:
        items[:] = [item for item in items if uses_test_database(item)]
        config.hook.pytest_deselected(items=independent)


@pytest.fixture
def reference_db(tmp_path: Path) -> Iterator[TestDatabase]:
    """A fresh, migrated copy of the original's database (SQLite file or PostgreSQL)."""
    with fresh_database(tmp_path) as database:
        yield database


@pytest.fixture
def reference_file(tmp_path: Path) -> Path:
    """A fresh, migrated SQLite copy of the original's database, whatever the test backend."""
    target = tmp_path / "reference-file.db"
    shutil.copy(sqlite_template("reference"), target)
    return target


@pytest.fixture
def empty_db(tmp_path: Path) -> Iterator[TestDatabase]:
    """A fresh, migrated database without rows (SQLite file or PostgreSQL)."""
    with fresh_database(tmp_path, empty=True) as database:
        yield database


@pytest.fixture
def settings(reference_db: TestDatabase) -> Settings:
    return make_settings(reference_db)


@pytest.fixture
def clock() -> Clock:
    return Clock(CLOCK_START)


@pytest.fixture
async def app(settings: Settings, clock: Clock) -> AsyncIterator[FastAPI]:
    application = create_app(settings, clock=clock)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


@pytest.fixture
def as_viewer(app: FastAPI) -> Iterator[Callable[[Viewer], None]]:
    """Act as a given user: ``as_viewer(Viewer("u", "bu_manager", "KFC Delivery"))``."""

    def use(viewer: Viewer) -> None:
        app.dependency_overrides[authenticate] = lambda: viewer

    yield use
    app.dependency_overrides.pop(authenticate, None)


@pytest.fixture
def live_server(settings: Settings) -> Iterator[LiveServer]:
    """A real uvicorn on 127.0.0.1 serving a fresh reference database."""
    server = LiveServer(settings, clock=Clock(CLOCK_START))
    server.start()
    try:
        yield server
    finally:
        server.stop()
