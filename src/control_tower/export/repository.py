"""Every SQL statement of the export feature."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Sequence
from dataclasses import dataclass
from typing import Any

import anyio
from sqlalchemy import ColumnElement, Select, and_, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from control_tower.core.rows import table
from control_tower.core.sqlcompat import like, sqlite_order

cases = table("cases")


@dataclass(frozen=True, slots=True)
class ExportQuery:
    """The original's filters (each applied when set), the viewer's scope and the row cap."""

    business_unit: str | None = None
    channel: str | None = None
    status: str | None = None
    severity: str | None = None
    category: str | None = None
    search: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    scope: str | None = None
    limit: int = 10_000


def _conditions(query: ExportQuery, dialect: str) -> list[ColumnElement[bool]]:
    """The WHERE terms in the original's order (drizzle ANDs them as listed)."""
    conditions: list[ColumnElement[bool]] = []
    if query.business_unit:
        conditions.append(cases.c.business_unit == query.business_unit)
    if query.channel:
        conditions.append(cases.c.channel == query.channel)
    if query.status:
        conditions.append(cases.c.status == query.status)
    if query.severity:
        conditions.append(cases.c.severity == query.severity)
    if query.category:
        conditions.append(cases.c.category == query.category)
    if query.search:
        pattern = f"%{query.search}%"
        conditions.append(
            or_(
                like(dialect, cases.c.case_number, pattern),
                like(dialect, cases.c.summary, pattern),
                like(dialect, cases.c.customer_name, pattern),
            )
        )
    if query.date_from:
        conditions.append(cases.c.created_at >= query.date_from)
    if query.date_to:
        conditions.append(cases.c.created_at <= query.date_to)
    if query.scope is not None:
        conditions.append(cases.c.business_unit == query.scope)
    return conditions


def _filtered(statement: Select[Any], query: ExportQuery, dialect: str) -> Select[Any]:
    conditions = _conditions(query, dialect)
    return statement.where(and_(*conditions)) if conditions else statement


def export_statement(query: ExportQuery, dialect: str) -> Select[Any]:
    """``SELECT * FROM cases WHERE ... ORDER BY created_at DESC LIMIT n``, as the original."""
    statement = select(cases).order_by(cases.c.created_at.desc()).limit(query.limit)
    return sqlite_order(dialect, _filtered(statement, query, dialect), cases)


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


async def count_rows(session: AsyncSession, query: ExportQuery, *, cap: int) -> int:
    """How many rows match, counting no further than ``cap``."""
    dialect = _dialect(session)
    matching = _filtered(select(literal(1).label("one")).select_from(cases), query, dialect)
    statement = select(func.count()).select_from(matching.limit(cap).subquery())
    return int((await session.execute(statement)).scalar_one())


async def longest_text(session: AsyncSession, query: ExportQuery, columns: Sequence[str]) -> int:
    """The most characters any of ``columns`` holds among all matching rows.

    This ignores the row cap, so it is an upper bound for the exported rows: one unordered
    pass instead of a sort.
    """
    statement = _filtered(
        select(*[func.max(func.length(cases.c[name])) for name in columns]).select_from(cases),
        query,
        _dialect(session),
    )
    row = (await session.execute(statement)).one()
    return max((value or 0 for value in row), default=0)


async def rows_with_long_text(
    session: AsyncSession, query: ExportQuery, columns: Sequence[str], *, longer_than: int
) -> Sequence[Any]:
    """Exported rows where one of ``columns`` exceeds ``longer_than`` characters."""
    source = export_statement(query, _dialect(session)).subquery()
    statement = select(source).where(
        or_(*[func.length(source.c[name]) > longer_than for name in columns])
    )
    return (await session.execute(statement)).all()


async def stream_rows(
    engine: AsyncEngine, query: ExportQuery, *, batch_size: int
) -> AsyncGenerator[Sequence[Any], None]:
    """The exported rows in batches of ``batch_size``, read through a server-side cursor.

    The stream has a connection of its own, held only while it runs, so a client that
    goes away mid-download cannot spoil the request's unit of work; it is released even
    when the response is cancelled.
    """
    statement = export_statement(query, engine.dialect.name).execution_options(yield_per=batch_size)
    connection = await engine.connect()
    try:
        result = await connection.stream(statement)
        async for batch in result.partitions(batch_size):
            yield batch
    finally:
        with anyio.CancelScope(shield=True):
            await connection.close()
