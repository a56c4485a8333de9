"""The database a test runs on: a SQLite file (default) or PostgreSQL.

``CT_TEST_DATABASE=postgresql`` makes every database-backed fixture a fresh PostgreSQL
database instead of a SQLite file. The reference data is loaded once per run into a
template database (copied from ``reference.db`` by ``control-tower db copy``'s code), and
each test gets ``CREATE DATABASE ... TEMPLATE`` of it, which takes a fraction of a second.

Tests see a database as a ``TestDatabase``: a ``Path`` (SQLite) or a ``PgDatabase`` (a str
holding its SQLAlchemy URL). ``make_settings`` accepts both; ``connect()`` opens either
with a small sqlite3-like API for the few checks tests make behind the service's back.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import re
import shutil
import sqlite3
import tempfile
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg

from tests.support import pg
from tests.support.paths import REFERENCE_DB

BACKEND = os.environ.get("CT_TEST_DATABASE", "sqlite").strip().lower() or "sqlite"
if BACKEND in {"postgres", "pg"}:
    BACKEND = "postgresql"
if BACKEND not in {"sqlite", "postgresql"}:
    raise SystemExit(f"CT_TEST_DATABASE: expected sqlite or postgresql, got {BACKEND!r}")
ON_POSTGRES = BACKEND == "postgresql"


class PgDatabase(str):
    """A PostgreSQL test database; the string is its SQLAlchemy URL."""

    name: str

    def __new__(cls, name: str) -> PgDatabase:
        database = super().__new__(cls, pg.async_url(name))
        database.name = name
        return database


TestDatabase = Path | PgDatabase


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def url_of(database: TestDatabase) -> str:
    return database if isinstance(database, PgDatabase) else sqlite_url(database)


# Templates, built on first use, one per kind and process.
_templates: dict[str, str] = {}
_templates_lock = threading.Lock()


def _build_reference_template() -> str:
    from control_tower.core.dbcopy import copy_database
    from control_tower.core.migrate import migrate, run_off_loop
    from tests.support.server import make_settings

    name = pg.create("tpl")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "reference.db"
        shutil.copy(REFERENCE_DB, source)
        migrate(sqlite_url(source))
        run_off_loop(
            asyncio.run,
            copy_database(make_settings(source), sqlite_url(source), pg.async_url(name)),
        )
    _prepare_resets(name)
    return name


def _build_empty_template() -> str:
    from control_tower.core.migrate import migrate

    name = pg.create("tpl")
    migrate(pg.async_url(name))
    _prepare_resets(name)
    return name


# A test database is reused by later tests once it is back to its template's rows. A
# statement trigger on every table counts writes on a sequence (no locks, so concurrent
# writers behave as without it); only a database that was written to is reset: the rows
# of each table are replaced by the pristine copy kept in the ``ct_pristine`` schema and
# the identity sequences set back, about a tenth of what a new database costs.
_PRISTINE = "ct_pristine"


def _tables(connection: psycopg.Connection[Any]) -> list[str]:
    rows = connection.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
        "AND tablename <> 'alembic_version' ORDER BY tablename"
    )
    return [row[0] for row in rows]


# What a test could add to the schema (a trigger that injects a failure, say): a database
# whose schema changed is dropped instead of reused.
_SCHEMA_SIGNATURE = (
    "SELECT (SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal) AS triggers, "
    "(SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
    " WHERE n.nspname = 'public') AS functions, "
    "(SELECT count(*) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
    " JOIN pg_namespace n ON n.oid = c.relnamespace "
    " WHERE n.nspname = 'public' AND a.attnum > 0 AND NOT a.attisdropped) AS columns, "
    "(SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    " WHERE n.nspname = 'public') AS relations"
)


class SchemaChanged(Exception):
    """A test changed a database's schema; it cannot be reused."""


def _prepare_resets(name: str) -> None:
    with psycopg.connect(pg.libpq_dsn(name), autocommit=True) as connection:
        tables = _tables(connection)
        connection.execute(f"CREATE SCHEMA {_PRISTINE}")
        connection.execute(f"CREATE SEQUENCE {_PRISTINE}.writes")
        connection.execute(
            f"CREATE FUNCTION {_PRISTINE}.count_write() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN PERFORM nextval('{_PRISTINE}.writes'); RETURN NULL; END $$"
        )
        for table in tables:
            connection.execute(
                f'CREATE TABLE {_PRISTINE}."{table}" AS SELECT * FROM public."{table}"'
            )
            connection.execute(
                f"CREATE TRIGGER ct_count_writes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                f'ON public."{table}" FOR EACH STATEMENT EXECUTE FUNCTION {_PRISTINE}.count_write()'
            )
        connection.execute(
            f"CREATE TABLE {_PRISTINE}.sequences AS SELECT schemaname, sequencename, "
            "last_value FROM pg_sequences WHERE schemaname = 'public'"
        )
        connection.execute(f"CREATE TABLE {_PRISTINE}.schema AS {_SCHEMA_SIGNATURE}")
        connection.execute("ANALYZE")


def _reset(name: str) -> None:
    """Put the rows of database ``name`` back to its template's, if anything was written."""
    with psycopg.connect(pg.libpq_dsn(name), autocommit=True) as connection:
        connection.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        changed = f"{_SCHEMA_SIGNATURE} EXCEPT SELECT * FROM {_PRISTINE}.schema"
        if connection.execute(changed).fetchone() is not None:
            raise SchemaChanged(name)
        written = connection.execute(f"SELECT is_called FROM {_PRISTINE}.writes").fetchone()
        if written is not None and not written[0]:
            return
        tables = _tables(connection)
        with connection.transaction():
            for table in tables:
                connection.execute(f'DELETE FROM public."{table}"')
            for table in tables:
                connection.execute(
                    f'INSERT INTO public."{table}" OVERRIDING SYSTEM VALUE '
                    f'SELECT * FROM {_PRISTINE}."{table}"'
                )
            connection.execute(
                f"SELECT setval(format('%I.%I', schemaname, sequencename), "
                f"coalesce(last_value, 1), last_value IS NOT NULL) FROM {_PRISTINE}.sequences"
            )
            connection.execute(f"SELECT setval('{_PRISTINE}.writes', 1, false)")


_BUILDERS = {"reference": _build_reference_template, "empty": _build_empty_template}


def template(kind: str) -> str:
    """The name of this run's template database of ``kind`` ("reference" or "empty")."""
    with _templates_lock:
        if kind not in _templates:
            if not _templates:
                pg.drop_orphans()
                atexit.register(drop_all)
            _templates[kind] = _BUILDERS[kind]()
        return _templates[kind]


_free: dict[str, list[str]] = {"reference": [], "empty": []}
_made: list[str] = []


def _acquire(kind: str) -> str:
    with _templates_lock:
        if _free[kind]:
            return _free[kind].pop()
    name = pg.create("test", template=template(kind))
    with _templates_lock:
        _made.append(name)
    return name


def _release(kind: str, name: str) -> None:
    try:
        _reset(name)
    except SchemaChanged:
        pg.drop(name)
        with _templates_lock:
            _made.remove(name)
        return
    except Exception:
        pg.drop(name)
        with _templates_lock:
            _made.remove(name)
        raise
    with _templates_lock:
        _free[kind].append(name)


def drop_all() -> None:
    with _templates_lock:
        for name in [*_made, *_templates.values()]:
            pg.drop(name)
        _made.clear()
        _templates.clear()
        for names in _free.values():
            names.clear()


_sqlite_templates: dict[str, Path] = {}


def sqlite_template(kind: str) -> Path:
    """This run's migrated SQLite file of ``kind`` ("reference" or "empty"), made once."""
    from control_tower.core.migrate import migrate

    with _templates_lock:
        if kind not in _sqlite_templates:
            directory = Path(tempfile.mkdtemp(prefix="ct-templates-"))
            atexit.register(shutil.rmtree, directory, True)
            path = directory / f"{kind}.db"
            if kind == "reference":
                shutil.copy(REFERENCE_DB, path)
            migrate(sqlite_url(path))
            _sqlite_templates[kind] = path
        return _sqlite_templates[kind]


@contextmanager
def fresh_database(directory: Path, *, empty: bool = False) -> Iterator[TestDatabase]:
    """A fresh, migrated database: a copy of the reference data, or ``empty``."""
    kind = "empty" if empty else "reference"
    if ON_POSTGRES:
        name = _acquire(kind)
        try:
            yield PgDatabase(name)
        finally:
            _release(kind, name)
        return
    target = directory / f"{kind}.db"
    shutil.copy(sqlite_template(kind), target)
    yield target


# A sqlite3-like connection for the checks tests make directly on the database.

_PLACEHOLDER = re.compile(r"\?")
_NAMED = re.compile(r"(?<!:):([A-Za-z_]\w*)")
_INSERT_OR_IGNORE = re.compile(r"^\s*INSERT\s+OR\s+IGNORE\s+", re.IGNORECASE)


def _pg_sql(statement: str, *, named: bool = False) -> str:
    """SQLite's statement text in psycopg's paramstyle (the tests' SQL is portable)."""
    text = statement.replace("%", "%%")
    text = _NAMED.sub(r"%(\1)s", text) if named else _PLACEHOLDER.sub("%s", text)
    if _INSERT_OR_IGNORE.match(text):
        text = _INSERT_OR_IGNORE.sub("INSERT ", text) + " ON CONFLICT DO NOTHING"
    return text


class _PgCursor:
    def __init__(self, cursor: psycopg.Cursor[Any], statement: str) -> None:
        self._cursor = cursor
        self.rowcount = cursor.rowcount
        # SQLite's SELECT * leaves the rowid out; PostgreSQL's rowid is a real column.
        self._hide_rowid = "rowid" not in statement.lower()

    def _row(self, row: Any) -> Any:
        if self._hide_rowid and isinstance(row, dict):
            row.pop("rowid", None)
        return row

    def fetchone(self) -> Any:
        return self._row(self._cursor.fetchone()) if self._cursor.description else None

    def fetchall(self) -> list[Any]:
        rows = self._cursor.fetchall() if self._cursor.description else []
        return [self._row(row) for row in rows]

    def __iter__(self) -> Iterator[Any]:
        return iter(self.fetchall())


class PgConnection:
    """psycopg with sqlite3's ``?`` placeholders; each statement commits at once."""

    def __init__(self, database: PgDatabase, *, dict_rows: bool = False) -> None:
        from psycopg.rows import dict_row, tuple_row

        self._connection = psycopg.connect(
            pg.libpq_dsn(database.name),
            autocommit=True,
            row_factory=dict_row if dict_rows else tuple_row,  # type: ignore[arg-type]
        )

    def execute(self, statement: str, parameters: Any = ()) -> _PgCursor:
        cursor = self._connection.cursor()
        if isinstance(parameters, Mapping):
            cursor.execute(_pg_sql(statement, named=True), parameters)  # type: ignore[arg-type]
        elif parameters:
            cursor.execute(_pg_sql(statement), tuple(parameters))  # type: ignore[arg-type]
        else:  # without parameters psycopg reads no placeholders: % stays as it is
            cursor.execute(_pg_sql(statement).replace("%%", "%"))  # type: ignore[arg-type]
        return _PgCursor(cursor, statement)

    def executemany(self, statement: str, rows: Sequence[Any]) -> None:
        named = bool(rows) and isinstance(rows[0], Mapping)
        batch = list(rows) if named else [tuple(row) for row in rows]
        with self._connection.cursor() as cursor:
            cursor.executemany(_pg_sql(statement, named=named), batch)  # type: ignore[arg-type]

    def close(self) -> None:
        self._connection.close()

    def __enter__(self) -> PgConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@contextmanager
def connect(database: TestDatabase, *, dict_rows: bool = False) -> Iterator[Any]:
    """Open ``database`` (committing on success, like ``with sqlite3.connect(...)``)."""
    if isinstance(database, PgDatabase):
        with PgConnection(database, dict_rows=dict_rows) as connection:
            yield connection
        return
    connection = sqlite3.connect(database)
    if dict_rows:
        connection.row_factory = sqlite3.Row
    try:
        with connection:
            yield connection
    finally:
        connection.close()


def query(database: TestDatabase, statement: str, *parameters: Any) -> list[tuple[Any, ...]]:
    """The rows of one statement (committed) as tuples."""
    with connect(database) as connection:
        return [tuple(row) for row in connection.execute(statement, parameters).fetchall()]
