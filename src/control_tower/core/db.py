"""Engine and session management.

One ``Database`` per process, created by the app's lifespan (or a CLI command). SQLite runs
in WAL mode with a busy timeout so readers never block the writer and short write bursts
wait instead of failing.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import structlog
from sqlalchemy import event, make_url
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.pool import StaticPool
from sqlalchemy.sql.elements import TextClause

from control_tower.core.cache import Cache, bump_soon, mark_written, take_invalidations
from control_tower.core.config import Settings
from control_tower.core.events import (
    EventBus,
    discard_pending_events,
    publish_pending,
    take_pending_events,
)
from control_tower.core.sqlbind import install_well_formed_text

slow_log = structlog.get_logger("control_tower.db")


def sqlite_path(url: str | URL) -> Path | None:
    """The file behind a SQLite URL, or ``None`` for in-memory/other databases."""
    parsed = make_url(url) if isinstance(url, str) else url
    if not parsed.drivername.startswith("sqlite"):
        return None
    database = parsed.database
    if not database or database == ":memory:":
        return None
    return Path(database)


def create_engine(settings: Settings, *, url: str | None = None) -> AsyncEngine:
    """Create the async engine for ``url`` (default ``settings.database_url``)."""
    target = url or settings.database_url
    parsed = make_url(target)
    kwargs: dict[str, Any] = {}
    if parsed.drivername.startswith("sqlite"):
        path = sqlite_path(parsed)
        if path is None:
            kwargs["poolclass"] = StaticPool
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"check_same_thread": False}
        engine = create_async_engine(target, **kwargs)
        busy_timeout = settings.sqlite_busy_timeout_ms

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout)}")
            if path is not None:
                cursor.execute("PRAGMA journal_mode = WAL")
                cursor.execute("PRAGMA synchronous = NORMAL")
            cursor.close()

        return engine
    kwargs["pool_size"] = settings.db_pool_size
    kwargs["max_overflow"] = settings.db_pool_size
    kwargs["pool_pre_ping"] = True
    return create_async_engine(target, **kwargs)


def install_slow_query_log(engine: AsyncEngine, threshold_ms: int, on_slow: Any = None) -> None:
    """Log every statement slower than ``threshold_ms`` with the request id and route."""

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _start(
        conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool
    ) -> None:
        conn.info.setdefault("ct_query_start", []).append(time.perf_counter())

    @event.listens_for(engine.sync_engine, "after_cursor_execute")
    def _stop(
        conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool
    ) -> None:
        started = conn.info.get("ct_query_start")
        if not started:
            return
        elapsed_ms = (time.perf_counter() - started.pop()) * 1000
        if elapsed_ms >= threshold_ms:
            slow_log.warning(
                "db.slow_query",
                duration_ms=round(elapsed_ms, 1),
                statement=" ".join(statement.split())[:500],
                executemany=many,
            )
            if on_slow is not None:
                on_slow()


class TrackedSession(Session):
    """A session that remembers whether it wrote (cached whole responses depend on it)."""


_READ_PREFIXES = ("select", "with", "explain", "pragma")


@event.listens_for(TrackedSession, "do_orm_execute")
def _note_write(state: ORMExecuteState) -> None:
    statement = state.statement
    if state.is_select:
        return
    if isinstance(statement, TextClause) and statement.text.lstrip().lower().startswith(
        _READ_PREFIXES
    ):
        return
    mark_written(state.session)


@event.listens_for(TrackedSession, "after_flush")
def _note_flush(session: Session, _context: Any) -> None:
    mark_written(session)


async def refresh_statistics(engine: AsyncEngine, tables: Iterable[str]) -> None:
    """After a bulk load on PostgreSQL, vacuum and analyse ``tables`` (SQLite: nothing).

    Without statistics PostgreSQL's planner guesses row counts off by orders of magnitude,
    and until a table is vacuumed its index-only scans still visit every row; autovacuum
    gets there eventually, a bulk load should not wait for it. SQLite is left alone on
    purpose: ANALYZE there would change which index it walks, and with it the order of
    tied rows that the original's answers carry.
    """
    if engine.dialect.name != "postgresql":
        return
    async with engine.connect() as connection:
        autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
        for name in tables:
            await autocommit.exec_driver_sql(f'VACUUM (ANALYZE) "{name}"')


class Database:
    """The engine and session factory of one process.

    Events deferred on a session (``core.events.defer_event``) are published on ``bus``, and
    cache namespaces marked with ``core.cache.invalidate_on_commit`` are bumped, after that
    session commits.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        url: str | None = None,
        bus: EventBus | None = None,
        cache: Cache | None = None,
    ) -> None:
        self.engine = create_engine(settings, url=url)
        install_well_formed_text(self.engine)
        self.sessionmaker = async_sessionmaker(
            self.engine, expire_on_commit=False, sync_session_class=TrackedSession
        )
        self.bus = bus
        self.cache = cache

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A unit of work: commit on success, roll back on error."""
        async with self.sessionmaker() as session:
            try:
                yield session
                await session.commit()
            except BaseException:
                discard_pending_events(session)
                take_invalidations(session)
                await session.rollback()
                raise
            await bump_soon(self.cache, take_invalidations(session))
            await publish_pending(self.bus, take_pending_events(session))

    async def dispose(self) -> None:
        await self.engine.dispose()
