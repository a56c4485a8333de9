"""Throw-away PostgreSQL databases on the local server (127.0.0.1:5432, trust auth)."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import asyncpg

PG_ADMIN_DSN = os.environ.get("TEST_PG_ADMIN_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")


def _host_part() -> str:
    return PG_ADMIN_DSN.rsplit("/", 1)[0].split("://", 1)[1]


async def _admin(statement: str) -> None:
    connection = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def _run(statement: str) -> None:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(_admin(statement))
        return
    import threading

    thread = threading.Thread(target=lambda: asyncio.run(_admin(statement)))
    thread.start()
    thread.join()


@contextmanager
def pg_database(prefix: str = "ct_test") -> Iterator[str]:
    """Create an empty database; yield its async SQLAlchemy URL; drop it afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    _run(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+asyncpg://{_host_part()}/{name}"
    finally:
        _run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
