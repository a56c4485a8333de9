"""SQL that must mean on PostgreSQL what it meant on the original's SQLite.

Every backend-specific piece of SQL lives here, so repositories state the original's query
once and call these helpers where SQLite's semantics differ from PostgreSQL's:

* ``LIKE`` is case-insensitive for ASCII letters only on SQLite and has no escape character;
* ties in ``ORDER BY`` come out in the order SQLite walked the rows: the ``rowid`` (table
  scan, or an index on a WHERE term, ascending), or the rowid in the sort's direction when
  SQLite walked the sort column's own index. PostgreSQL has a ``rowid`` column for this
  (migration 0004) and gets the tie-breaker SQLite implied; on SQLite nothing is added;
* text compares by bytes (the models give PostgreSQL text columns the "C" collation).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, Integer, Table, func, literal_column
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def dialect_of(executor: AsyncSession | AsyncConnection | str) -> str:
    """The dialect name of a session, a connection, or a name given as is."""
    if isinstance(executor, str):
        return executor
    if isinstance(executor, AsyncSession):
        return executor.get_bind().dialect.name
    return executor.dialect.name


def is_sqlite(executor: AsyncSession | AsyncConnection | str) -> bool:
    return dialect_of(executor) == "sqlite"


def like(
    executor: AsyncSession | AsyncConnection | str, column: Any, pattern: str
) -> ColumnElement[bool]:
    """``column LIKE pattern`` with SQLite's meaning: ASCII case-insensitive, no escapes."""
    if is_sqlite(executor):
        return column.like(pattern)  # type: ignore[no-any-return]
    folded = func.lower(column.collate("C"))  # "C": only A-Z are folded, as on SQLite
    return folded.like(pattern.translate(_ASCII_LOWER), escape="")  # type: ignore[no-any-return]


def contains(
    executor: AsyncSession | AsyncConnection | str, column: Any, text: str
) -> ColumnElement[bool]:
    """``column`` holds ``text`` (wildcards in it escaped), ASCII case-insensitive as on SQLite."""
    if is_sqlite(executor):
        return column.contains(text, autoescape=True)  # type: ignore[no-any-return]
    escaped = text.replace("/", "//").replace("%", "/%").replace("_", "/_")
    folded = func.lower(column.collate("C"))
    return folded.like(f"%{escaped.translate(_ASCII_LOWER)}%", escape="/")  # type: ignore[no-any-return]


def rowid(table: Table) -> ColumnElement[int]:
    """The row's insertion order: SQLite's rowid, PostgreSQL's ``rowid`` column."""
    return literal_column(f"{table.name}.rowid", Integer)


def indexed(table: Table, column_name: str) -> bool:
    """Whether ``column_name`` leads one of the table's indexes (SQLite may walk it)."""
    return any(
        next(iter(index.columns)).name == column_name
        for index in table.indexes
        if len(index.columns) > 0
    )


def sqlite_ties(
    executor: AsyncSession | AsyncConnection | str,
    table: Table,
    *,
    sort: str | None = None,
    descending: bool = False,
    equal: Iterable[str] = (),
    listed: Iterable[str] = (),
    ranged: Iterable[str] = (),
) -> list[ColumnElement[Any]]:
    """Extra ORDER BY keys that make PostgreSQL break ties as SQLite did (none on SQLite).

    SQLite's planner walks the rows of ``table`` through (checked with EXPLAIN QUERY PLAN on
    the original's statements): the index of a column compared with ``=`` (``equal``),
    rowids ascending; else the index of a column compared with ``IN`` (``listed``) or by
    range (``ranged``), in key then rowid order (a range walked backwards when its column
    is the ``descending`` sort key); else the
    index of the ``sort`` column, rowids in the sort's direction; else the table, rowids
    ascending. A sort keeps that order among equal keys.
    """
    if is_sqlite(executor):
        return []
    order = rowid(table)
    if any(indexed(table, name) for name in equal):
        return [order.asc()]
    for name in listed:
        if indexed(table, name):
            return [table.c[name].asc(), order.asc()]
    for name in ranged:
        if indexed(table, name):
            if name == sort:
                return [order.desc() if descending else order.asc()]
            return [table.c[name].asc(), order.asc()]
    if sort is not None and indexed(table, sort):
        return [order.desc() if descending else order.asc()]
    return [order.asc()]
