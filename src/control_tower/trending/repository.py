"""SQL of the trending feature: light case rows by creation time, the trending_topics table."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    delete,
    func,
    insert,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from control_tower.core.cache import invalidate_on_commit
from control_tower.core.rows import table
from control_tower.core.sqlcompat import rowid
from control_tower.trending.analysis import CaseData

cases = table("cases")
trending_topics = table("trending_topics")

case_rowid = rowid(cases)

CASE_DATA_COLUMNS = (
    cases.c.id,
    cases.c.summary,
    cases.c.business_unit,
    cases.c.category,
    cases.c.created_at,
)


def insertion_order(session: AsyncSession) -> list[ColumnElement[Any]]:
    """Tie-breaker reproducing SQLite's natural order for a ``created_at`` range scan.

    The original's range queries had no ORDER BY and walked ``idx_cases_created_at``:
    ascending ``created_at``, ties in insertion (rowid) order. PostgreSQL has a ``rowid``
    column for this (migration 0004).
    """
    return [rowid(cases)]


def _created_between(start: str, end: str | None, scope: str | None) -> list[ColumnElement[bool]]:
    conditions = [cases.c.created_at >= start]
    if end is not None:
        conditions.append(cases.c.created_at <= end)
    if scope is not None:
        conditions.append(cases.c.business_unit == scope)
    return conditions


async def cases_between(
    session: AsyncSession, start: str, end: str | None, *, scope: str | None
) -> list[CaseData]:
    """CaseData rows with ``start <= created_at <= end`` in the original's row order."""
    statement = (
        select(*CASE_DATA_COLUMNS)
        .where(*_created_between(start, end, scope))
        .order_by(cases.c.created_at, *insertion_order(session))
    )
    result = await session.execute(statement)
    make = CaseData._make
    return [make(row) for row in result]


async def count_cases_between(
    session: AsyncSession, start: str, end: str | None, *, scope: str | None
) -> int:
    """How many cases ``cases_between`` would return."""
    statement = select(func.count()).select_from(cases).where(*_created_between(start, end, scope))
    return int((await session.execute(statement)).scalar_one())


async def replace_trending_topics(
    session: AsyncSession, rows: Sequence[dict[str, Any]], *, scope: str | None
) -> None:
    """Replace the stored trending topics (only ``scope``'s unit's rows, when scoped)."""
    statement = delete(trending_topics)
    if scope is not None:
        statement = statement.where(trending_topics.c.business_unit == scope)
    await session.execute(statement)
    if rows:
        await session.execute(insert(trending_topics), list(rows))
    invalidate_on_commit(session, "trending")


async def case_fingerprint(session: AsyncSession) -> tuple[int, int, str | None, str | None]:
    """``(max rowid, count, min created_at, max created_at)`` of the cases table."""
    statement = select(
        select(func.max(case_rowid)).select_from(cases).scalar_subquery(),
        select(func.count()).select_from(cases).scalar_subquery(),
        select(func.min(cases.c.created_at)).scalar_subquery(),
        select(func.max(cases.c.created_at)).scalar_subquery(),
    )
    max_rowid, count, first, last = (await session.execute(statement)).one()
    return int(max_rowid or 0), int(count), first, last


async def count_rowids_between(session: AsyncSession, after: int, upto: int) -> int:
    """How many cases have ``after < rowid <= upto``."""
    statement = (
        select(func.count()).select_from(cases).where(case_rowid > after, case_rowid <= upto)
    )
    return int((await session.execute(statement)).scalar_one())


def _rows_since_statement(
    floor: str, *, after_rowid: int = 0, upto_rowid: int | None = None
) -> Select[Any]:
    conditions = [cases.c.created_at >= floor]
    if after_rowid:
        conditions.append(case_rowid > after_rowid)
    if upto_rowid is not None:
        conditions.append(case_rowid <= upto_rowid)
    return (
        select(case_rowid, *CASE_DATA_COLUMNS)
        .where(*conditions)
        .order_by(cases.c.created_at, case_rowid)
    )


async def rows_since(
    session: AsyncSession, floor: str, *, after_rowid: int = 0, upto_rowid: int | None = None
) -> list[tuple[int, str, str, str, str, str]]:
    """``(rowid, id, summary, business_unit, category, created_at)`` of the cases created at
    or after ``floor`` (and inserted after ``after_rowid``), in (created_at, rowid) order."""
    statement = _rows_since_statement(floor, after_rowid=after_rowid, upto_rowid=upto_rowid)
    result = await session.execute(statement)
    return [(row[0], row[1], row[2], row[3], row[4], row[5]) for row in result]


async def rows_since_in_batches(
    session: AsyncSession,
    floor: str,
    *,
    upto_rowid: int | None = None,
    batch_size: int = 20_000,
) -> AsyncIterator[list[tuple[int, str, str, str, str, str]]]:
    """``rows_since`` streamed in batches (a million-case window is half a million rows)."""
    result = await session.stream(_rows_since_statement(floor, upto_rowid=upto_rowid))
    async for partition in result.partitions(batch_size):
        yield [(row[0], row[1], row[2], row[3], row[4], row[5]) for row in partition]
