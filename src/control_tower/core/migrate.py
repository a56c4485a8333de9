"""Apply migrations, adopting an existing Next.js database instead of recreating it."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import structlog
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect, pool
from sqlalchemy.ext.asyncio import create_async_engine

from control_tower.core.db import sqlite_path
from control_tower.core.models import ORIGINAL_TABLES, Base

log = structlog.get_logger("control_tower.migrate")

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
BASELINE_REVISION = "0001_baseline"


class MigrationError(Exception):
    """The database cannot be migrated as it is; the message says why."""


def alembic_config(url: str) -> Config:
    """An Alembic configuration bound to ``url`` (no ini file needed)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["url"] = url
    return config


@dataclass(frozen=True)
class DatabaseState:
    revision: str | None
    original_tables: frozenset[str]
    columns: dict[str, list[str]]


def _read_state(connection: Connection) -> DatabaseState:
    inspector = inspect(connection)
    tables = set(inspector.get_table_names())
    revision = MigrationContext.configure(connection).get_current_revision()
    present = frozenset(tables & set(ORIGINAL_TABLES))
    columns = {name: [c["name"] for c in inspector.get_columns(name)] for name in present}
    return DatabaseState(revision, present, columns)


async def _state(url: str) -> DatabaseState:
    engine = create_async_engine(url, poolclass=pool.NullPool)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(_read_state)
    finally:
        await engine.dispose()


def _check_original_schema(state: DatabaseState) -> None:
    missing_tables = sorted(set(ORIGINAL_TABLES) - state.original_tables)
    if missing_tables:
        raise MigrationError(
            "The database holds some of the original tables but not all of them "
            f"(missing: {', '.join(missing_tables)}); refusing to guess. Restore the "
            "complete database or point DATABASE_URL at an empty file."
        )
    for name in ORIGINAL_TABLES:
        expected = [column.name for column in Base.metadata.tables[name].columns]
        found = state.columns[name]
        lacking = [column for column in expected if column not in found]
        if lacking:
            raise MigrationError(
                f"Table {name!r} lacks the original column(s) {', '.join(lacking)}; this "
                "is not a database of the original application."
            )


def run_off_loop(fn: Any, *args: Any) -> Any:
    """``fn(*args)``, in a thread when an event loop is running here.

    Alembic (and anything else calling ``asyncio.run``) drives its own event loop, which
    cannot start inside a running one.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return fn(*args)
    result: dict[str, Any] = {}

    def target() -> None:
        try:
            result["value"] = fn(*args)
        except BaseException as exc:  # re-raised in the caller's thread
            result["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result.get("value")


def migrate(url: str) -> str:
    """Bring the database at ``url`` to the latest revision; returns what was done."""
    path = sqlite_path(url)
    if path is not None:
        # The default ./data/ does not exist in a fresh clone; SQLite would not create it.
        path.parent.mkdir(parents=True, exist_ok=True)
    state: DatabaseState = run_off_loop(asyncio.run, _state(url))
    config = alembic_config(url)
    head = ScriptDirectory.from_config(config).get_current_head()
    if state.revision is None and state.original_tables:
        _check_original_schema(state)
        run_off_loop(command.stamp, config, BASELINE_REVISION)
        run_off_loop(command.upgrade, config, "head")
        log.info("db.adopted", url=_redact_url(url), revision=head)
        return f"adopted the existing database (stamped {BASELINE_REVISION}) and upgraded to {head}"
    run_off_loop(command.upgrade, config, "head")
    if state.revision is None:
        log.info("db.created", url=_redact_url(url), revision=head)
        return f"created the schema at revision {head}"
    if state.revision == head:
        return f"already at revision {head}"
    log.info("db.upgraded", url=_redact_url(url), revision=head)
    return f"upgraded from {state.revision} to {head}"


def _redact_url(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    if "@" in rest:
        credentials, _, host = rest.rpartition("@")
        user = credentials.split(":", 1)[0]
        return f"{scheme}{sep}{user}:***@{host}"
    return url
