"""Throw-away PostgreSQL databases on the local server (127.0.0.1:5432, trust auth).

Every database a test run creates is named ``ct_<kind>_<pid>_<hex>``: the pid of the run
that made it, so a later run can drop what a killed run left behind (its pid is gone)
without touching the databases of runs still going on this machine.
"""

from __future__ import annotations

import os
import re
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg import sql

PG_ADMIN_DSN = os.environ.get("TEST_PG_ADMIN_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")

_OURS = re.compile(r"^ct_[a-z]+_(\d+)_[0-9a-f]{12}$")
_lock = threading.Lock()


def _host_part() -> str:
    return PG_ADMIN_DSN.rsplit("/", 1)[0].split("://", 1)[1]


def async_url(name: str) -> str:
    """The SQLAlchemy (asyncpg) URL of database ``name`` on the test server."""
    return f"postgresql+asyncpg://{_host_part()}/{name}"


def libpq_dsn(name: str) -> str:
    """The libpq DSN of database ``name`` on the test server (for psycopg)."""
    return f"{PG_ADMIN_DSN.rsplit('/', 1)[0]}/{name}"


def admin(*statements: sql.Composable | str) -> None:
    """Run statements outside a transaction on the maintenance database."""
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as connection:
        for statement in statements:
            connection.execute(sql.SQL(statement) if isinstance(statement, str) else statement)


def new_name(kind: str) -> str:
    return f"ct_{kind}_{os.getpid()}_{uuid.uuid4().hex[:12]}"


def create(kind: str, *, template: str | None = None) -> str:
    """Create a database (empty, or a copy of ``template``) tuned for tests; return its name."""
    name = new_name(kind)
    statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template is not None:
        statement = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
            sql.Identifier(name), sql.Identifier(template)
        )
    # Test data is disposable: commits need not wait for the WAL to reach the disk.
    tune = sql.SQL("ALTER DATABASE {} SET synchronous_commit = off").format(sql.Identifier(name))
    with _lock:  # one CREATE DATABASE ... TEMPLATE at a time per process
        admin(statement, tune)
    return name


def drop(name: str) -> None:
    admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def drop_orphans() -> list[str]:
    """Drop the test databases of runs that are no longer alive; return their names."""
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as connection:
        names = [row[0] for row in connection.execute("SELECT datname FROM pg_database")]
    orphans = [
        name
        for name in names
        if (match := _OURS.match(name)) and int(match.group(1)) != os.getpid()
        if not _alive(int(match.group(1)))
    ]
    for name in orphans:
        drop(name)
    return orphans


@contextmanager
def pg_database(prefix: str = "ct_test") -> Iterator[str]:
    """Create an empty database; yield its async SQLAlchemy URL; drop it afterwards."""
    kind = prefix.removeprefix("ct_").replace("_", "") or "test"
    name = create(kind)
    try:
        yield async_url(name)
    finally:
        drop(name)
