"""Search fixtures: a JavaScript oracle and a read-only reference database for Hypothesis."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from typing import TypeVar

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from control_tower.core.clock import Clock
from control_tower.core.db import Database
from tests.search.js_oracle import JsOracle
from tests.support.databases import TestDatabase, fresh_database
from tests.support.node import NODE
from tests.support.paths import CLOCK_START
from tests.support.server import make_settings

T = TypeVar("T")

NOW_MS = 1_768_471_500_000  # 2026-01-15T10:05:00.000Z, the replay clock's start


@pytest.fixture(scope="session")
def js() -> Iterator[JsOracle]:
    """Node.js as the judge of JavaScript string/regex semantics (skips without node)."""
    if NODE is None:
        pytest.skip("node is not installed; the JavaScript oracle tests need it")
    oracle = JsOracle()
    yield oracle
    oracle.close()


class ReadOnlyReference:
    """The reference database on one event loop, for synchronous (Hypothesis) tests.

    Only read-only searches run here, so examples cannot influence each other.
    """

    def __init__(self, path: TestDatabase) -> None:
        self._runner = asyncio.Runner()
        self.database = Database(make_settings(path))
        self.clock = Clock(CLOCK_START)
        self.clock.freeze(at=CLOCK_START)

    def run(self, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
        async def in_session() -> T:
            async with self.database.session() as session:
                return await work(session)

        return self._runner.run(in_session())

    def close(self) -> None:
        self._runner.run(self.database.dispose())
        self._runner.close()


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReadOnlyReference]:
    with fresh_database(tmp_path_factory.mktemp("search")) as database:
        harness = ReadOnlyReference(database)
        yield harness
        harness.close()
