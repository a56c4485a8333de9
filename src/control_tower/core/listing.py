"""Paged lists of whole rows sorted by one column: ``GET /api/alerts`` and ``GET /api/cases``.

Both lists of the original read ``page``, ``limit``, ``sortBy`` and ``sortOrder`` the same
way, issue one ORDER BY key without a tie-breaker (SQLite breaks ties by its walk; on
PostgreSQL ``sqlite_order`` adds the tie-breaker SQLite implied) and answer the rows under
the feature's key next to the pagination block. Each feature brings its filters.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from control_tower.core.query import Pagination
from control_tower.core.rows import RowShape
from control_tower.core.sqlcompat import sqlite_order

F = TypeVar("F")
DEFAULT_SORT = "createdAt"
DEFAULT_COLUMN = "created_at"


def where(statement: Select[Any], conditions: Sequence[ColumnElement[bool]]) -> Select[Any]:
    """``statement`` with ``conditions`` ANDed in their order (none: unchanged)."""
    if not conditions:
        return statement
    return statement.where(and_(*conditions))


@dataclass(frozen=True)
class ListQuery(Generic[F]):
    """A list request's parameters, already reduced to the original's semantics.

    Subclasses name their wire sort keys in ``SORT_COLUMNS``; anything unknown sorts by
    creation time, and only the exact word ``asc`` sorts ascending.
    """

    SORT_COLUMNS: ClassVar[Mapping[str, str]] = {DEFAULT_SORT: DEFAULT_COLUMN}

    filters: F
    pagination: Pagination = field(default_factory=lambda: Pagination(1, 20))
    sort_by: str | None = None
    sort_order: str | None = None

    @property
    def sort_column(self) -> str:
        return self.SORT_COLUMNS.get(self.sort_by or DEFAULT_SORT, DEFAULT_COLUMN)

    @property
    def ascending(self) -> bool:
        return self.sort_order == "asc"


async def select_page(
    session: AsyncSession,
    shape: RowShape,
    conditions: Sequence[ColumnElement[bool]],
    query: ListQuery[Any],
) -> list[dict[str, Any]]:
    """One page of ``shape``'s rows matching ``conditions``, as wire objects."""
    if query.sort_column not in query.SORT_COLUMNS.values():
        raise ValueError(f"cannot sort {shape.table.name} by {query.sort_column!r}")
    column = shape.table.c[query.sort_column]
    statement = where(select(*shape.columns), conditions)
    statement = statement.order_by(column.asc() if query.ascending else column.desc())
    pagination = query.pagination
    if pagination.sql_limit is not None:
        statement = statement.limit(pagination.sql_limit)
    if pagination.sql_offset:
        statement = statement.offset(pagination.sql_offset)
    result = await session.execute(sqlite_order(session, statement, shape.table))
    return shape.many(result.all())


async def page_response(
    key: str,
    query: ListQuery[F],
    rows: Callable[[ListQuery[F]], Awaitable[list[dict[str, Any]]]],
    count: Callable[[F], Awaitable[int]],
) -> dict[str, Any]:
    """``{key: rows, "pagination": …}`` for one page (400 for a page the original refused)."""
    query.pagination.check()
    page = await rows(query)
    total = await count(query.filters)
    return {key: page, "pagination": query.pagination.meta(total)}
