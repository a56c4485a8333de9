"""SQL of the trending feature: light case rows by creation time, the trending_topics table."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, delete, func, insert, literal_column, select
from sqlalchemy.ext.asyncio import AsyncSession

from control_tower.core.rows import table
from control_tower.trending.analysis import CaseData

cases = table("cases")
trending_topics = table("trending_topics")

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
    ascending ``created_at``, ties in insertion (rowid) order. Other databases have no
    rowid; there ties fall back to the case id.
    """
    if session.get_bind().dialect.name == "sqlite":
        return [literal_column("cases.rowid")]
    return [cases.c.id]


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
