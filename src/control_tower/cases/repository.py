"""Every SQL statement of the cases feature.

The list issues the original's WHERE terms in the original's order and a single ORDER BY
key without a tie-breaker, so SQLite breaks ties exactly as it did for the original; on
PostgreSQL ``sqlite_order`` adds the tie-breaker SQLite implied.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from control_tower.core import read_indexes
from control_tower.core.listing import ListQuery, select_page, where
from control_tower.core.rows import CASE
from control_tower.core.sqlcompat import like

cases = CASE.table


@dataclass(frozen=True, slots=True)
class CaseFilters:
    """The list filters, each ``None`` when absent (ANDed in this order)."""

    business_unit: str | None = None
    channel: str | None = None
    category: str | None = None
    severity: str | None = None
    status: str | None = None
    start_date: str | None = None
    end_date: str | None = None
    search: str | None = None
    upload_id: str | None = None


def case_scope(scope: str | None) -> list[ColumnElement[bool]]:
    """Cases a viewer limited to ``scope`` may see."""
    if scope is None:
        return []
    return [cases.c.business_unit == scope]


def _filter_conditions(
    session: AsyncSession, filters: CaseFilters, scope: str | None
) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.business_unit is not None:
        conditions.append(cases.c.business_unit == filters.business_unit)
    if filters.channel is not None:
        conditions.append(cases.c.channel == filters.channel)
    if filters.category is not None:
        conditions.append(cases.c.category == filters.category)
    if filters.severity is not None:
        conditions.append(cases.c.severity == filters.severity)
    if filters.status is not None:
        conditions.append(cases.c.status == filters.status)
    if filters.start_date is not None:
        conditions.append(cases.c.created_at >= filters.start_date)
    if filters.end_date is not None:
        conditions.append(cases.c.created_at <= filters.end_date)
    if filters.search is not None:
        # The original bound '%' + search + '%' without escaping: % and _ stay wildcards.
        conditions.append(like(session, cases.c.summary, f"%{filters.search}%"))
    if filters.upload_id is not None:
        conditions.append(cases.c.upload_id == filters.upload_id)
    conditions.extend(case_scope(scope))
    return conditions


async def list_cases(
    session: AsyncSession, query: ListQuery[CaseFilters], *, scope: str | None
) -> list[dict[str, Any]]:
    """One page of cases as wire objects, ordered by a single column."""
    conditions = _filter_conditions(session, query.filters, scope)
    return await select_page(session, CASE, conditions, query)


async def count_cases(session: AsyncSession, *, filters: CaseFilters, scope: str | None) -> int:
    """How many cases match the list filters."""
    conditions = _filter_conditions(session, filters, scope)
    if conditions and read_indexes.covers(conditions):
        # A count has no row order to keep: it may read a covering read index.
        conditions = [*conditions, read_indexes.opt_in(cases)]
    statement = where(select(func.count()).select_from(cases), conditions)
    return int((await session.execute(statement)).scalar_one())


async def get_case(
    session: AsyncSession, case_id: str, *, scope: str | None
) -> dict[str, Any] | None:
    """The case with this exact id (visible in ``scope``), as a wire object."""
    statement = where(select(*CASE.columns), [cases.c.id == case_id, *case_scope(scope)])
    row = (await session.execute(statement.limit(1))).first()
    return None if row is None else CASE.to_json(row)
