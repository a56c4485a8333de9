"""Every SQL statement of the alerts feature.

The statements mirror the original's (same WHERE terms in the same order, one ORDER BY key
without a tie-breaker) so that SQLite resolves ties exactly as it did for the original.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, case, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from control_tower.core.cache import invalidate_on_commit
from control_tower.core.listing import ListQuery, select_page, where
from control_tower.core.rows import ALERT, CASE, SHARE, RowShape
from control_tower.core.sqlcompat import sqlite_order

alerts = ALERT.table
cases = CASE.table
shares = SHARE.table

SAMPLE_CASE = RowShape(
    cases,
    [
        "id",
        "case_number",
        "summary",
        "severity",
        "status",
        "business_unit",
        "category",
        "created_at",
    ],
)


@dataclass(frozen=True, slots=True)
class AlertFilters:
    """The list filters, each ``None`` when absent (ANDed in this order)."""

    type: str | None = None
    severity: str | None = None
    status: str | None = None
    business_unit: str | None = None
    start_date: str | None = None
    end_date: str | None = None


def alert_scope(scope: str | None) -> list[ColumnElement[bool]]:
    """Alerts a viewer limited to ``scope`` may see: that unit's and the global ones."""
    if scope is None:
        return []
    return [or_(alerts.c.business_unit == scope, alerts.c.business_unit.is_(None))]


def _filter_conditions(filters: AlertFilters, scope: str | None) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.type is not None:
        conditions.append(alerts.c.type == filters.type)
    if filters.severity is not None:
        conditions.append(alerts.c.severity == filters.severity)
    if filters.status is not None:
        conditions.append(alerts.c.status == filters.status)
    if filters.business_unit is not None:
        conditions.append(alerts.c.business_unit == filters.business_unit)
    if filters.start_date is not None:
        conditions.append(alerts.c.created_at >= filters.start_date)
    if filters.end_date is not None:
        conditions.append(alerts.c.created_at <= filters.end_date)
    conditions.extend(alert_scope(scope))
    return conditions


async def list_alerts(
    session: AsyncSession, query: ListQuery[AlertFilters], *, scope: str | None
) -> list[dict[str, Any]]:
    """One page of alerts as wire objects, ordered by a single column."""
    return await select_page(session, ALERT, _filter_conditions(query.filters, scope), query)


async def count_alerts(session: AsyncSession, *, filters: AlertFilters, scope: str | None) -> int:
    """How many alerts match the list filters."""
    statement = where(select(func.count()).select_from(alerts), _filter_conditions(filters, scope))
    return int((await session.execute(statement)).scalar_one())


async def get_alert(
    session: AsyncSession, alert_id: str, *, scope: str | None
) -> dict[str, Any] | None:
    """The alert with this exact id (visible in ``scope``), as a wire object."""
    statement = where(select(*ALERT.columns), [alerts.c.id == alert_id, *alert_scope(scope)]).limit(
        1
    )
    row = (await session.execute(statement)).first()
    return None if row is None else ALERT.to_json(row)


async def count_active(session: AsyncSession, *, scope: str | None) -> tuple[int, int, int]:
    """``(active, active critical, active high)`` alert counts in one pass."""
    critical = func.coalesce(func.sum(case((alerts.c.severity == "critical", 1), else_=0)), 0)
    high = func.coalesce(func.sum(case((alerts.c.severity == "high", 1), else_=0)), 0)
    statement = where(
        select(func.count(), critical, high).select_from(alerts),
        [alerts.c.status == "active", *alert_scope(scope)],
    )
    total, critical_count, high_count = (await session.execute(statement)).one()
    return int(total), int(critical_count), int(high_count)


async def sample_cases(
    session: AsyncSession,
    *,
    since: str,
    business_unit: str | None,
    category: str | None,
    severities: tuple[str, ...] | None,
    scope: str | None,
    limit: int = 10,
) -> list[dict[str, Any]]:
    """The newest cases created at or after ``since`` that match the alert's filters."""
    conditions: list[ColumnElement[bool]] = [cases.c.created_at >= since]
    if business_unit is not None:
        conditions.append(cases.c.business_unit == business_unit)
    if category is not None:
        conditions.append(cases.c.category == category)
    if severities is not None:
        conditions.append(cases.c.severity.in_(severities))
    if scope is not None:
        conditions.append(cases.c.business_unit == scope)
    statement = (
        where(select(*SAMPLE_CASE.columns), conditions)
        .order_by(cases.c.created_at.desc())
        .limit(limit)
    )
    statement = sqlite_order(session, statement, cases)
    return SAMPLE_CASE.many((await session.execute(statement)).all())


async def set_severity(session: AsyncSession, alert_id: str, severity: str, *, now: str) -> None:
    """Change one alert's severity and stamp ``updated_at``."""
    await session.execute(
        update(alerts).where(alerts.c.id == alert_id).values(severity=severity, updated_at=now)
    )
    invalidate_on_commit(session, "alerts")


async def insert_share(session: AsyncSession, values: dict[str, Any]) -> None:
    """Insert one ``shares`` row (``read_at``/``actioned_at`` left NULL)."""
    await session.execute(insert(shares).values(**values, read_at=None, actioned_at=None))
