"""Every SQL statement of the pulse feature.

The original issued one ``count(*)`` per number (13 for the KPIs, 28 for the sparklines).
Here each route runs a single statement: counts over the same index range share one pass
through conditional aggregation (``count(*) FILTER (WHERE ...)``), and counts that need a
different index stay separate scalar subqueries so each keeps its own index. Counts the
original took over large row sets ("created before today and open now") are derived from
a small window and a whole-table count that an index answers, with identical results.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, ScalarSelect, Text, and_, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from control_tower.core.models import AlertStatus, CaseStatus, Severity
from control_tower.core.rows import table

CASES = table("cases")
ALERTS = table("alerts")

OPEN_STATUSES = (CaseStatus.OPEN.value, CaseStatus.IN_PROGRESS.value)
RESOLVED_STATUSES = (CaseStatus.RESOLVED.value, CaseStatus.CLOSED.value)
URGENT_SEVERITIES = (Severity.HIGH.value, Severity.CRITICAL.value)


class NoIndex(FunctionElement[str]):
    """``+column`` on SQLite: the same value, but the planner will not scan an index for it.

    Without statistics SQLite prefers an index that saves a sort or matches an equality
    (category for GROUP BY, business unit for scoping) over the ``created_at`` range, and
    then visits every row of the table instead of the few days asked for.
    """

    type = Text()
    name = "no_index"
    inherit_cache = True


@compiles(NoIndex)
def _no_index_default(element: NoIndex, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(NoIndex, "sqlite")
def _no_index_sqlite(element: NoIndex, compiler: SQLCompiler, **kw: Any) -> str:
    return "+" + compiler.process(element.clauses, **kw)


def is_open() -> ColumnElement[bool]:
    return CASES.c.status.in_(OPEN_STATUSES)


def is_urgent() -> ColumnElement[bool]:
    return CASES.c.severity.in_(URGENT_SEVERITIES)


def _in_unit(scope: str | None, *, by_index: bool = True) -> list[ColumnElement[bool]]:
    if scope is None:
        return []
    unit = CASES.c.business_unit if by_index else NoIndex(CASES.c.business_unit)
    return [unit == scope]


def _count_cases(scope: str | None, *conditions: ColumnElement[bool]) -> ScalarSelect[int]:
    return (
        select(func.count())
        .select_from(CASES)
        .where(*conditions, *_in_unit(scope))
        .correlate(None)
        .scalar_subquery()
    )


def _count_active_alerts(scope: str | None) -> ScalarSelect[int]:
    conditions: list[ColumnElement[bool]] = [ALERTS.c.status == AlertStatus.ACTIVE.value]
    if scope is not None:
        conditions.append(or_(ALERTS.c.business_unit == scope, ALERTS.c.business_unit.is_(None)))
    return (
        select(func.count())
        .select_from(ALERTS)
        .where(*conditions)
        .correlate(None)
        .scalar_subquery()
    )


@dataclass(frozen=True, slots=True)
class PulseCounts:
    """Every count the KPIs need (before the original's zero replacements)."""

    today: int
    yesterday: int
    open: int
    open_before_today: int
    urgent_open: int
    urgent_open_before_today: int
    resolved: int
    total: int
    active_alerts: int


async def pulse_counts(
    session: AsyncSession, *, today_start: str, yesterday_start: str, scope: str | None
) -> PulseCounts:
    """The KPI counts in one statement.

    "Open and created before today" is ``open - open created today``: the two sets
    partition the open cases because ``created_at`` is never NULL.
    """
    created = CASES.c.created_at
    since_today = created >= today_start
    window = (
        select(
            func.count().filter(since_today).label("today"),
            func.count().filter(created < today_start).label("yesterday"),
            func.count().filter(and_(since_today, is_open())).label("open_today"),
            func.count().filter(and_(since_today, is_open(), is_urgent())).label("urgent_today"),
        )
        .where(created >= yesterday_start, *_in_unit(scope, by_index=False))
        .subquery("day_window")
    )
    statement = select(
        window.c.today,
        window.c.yesterday,
        window.c.open_today,
        window.c.urgent_today,
        _count_cases(scope, is_open()).label("open"),
        _count_cases(scope, is_open(), is_urgent()).label("urgent_open"),
        _count_cases(scope, CASES.c.status.in_(RESOLVED_STATUSES)).label("resolved"),
        _count_cases(scope).label("total"),
        _count_active_alerts(scope).label("active_alerts"),
    ).select_from(window)
    row = (await session.execute(statement)).one()
    return PulseCounts(
        today=row.today,
        yesterday=row.yesterday,
        open=row.open,
        open_before_today=row.open - row.open_today,
        urgent_open=row.urgent_open,
        urgent_open_before_today=row.urgent_open - row.urgent_today,
        resolved=row.resolved,
        total=row.total,
        active_alerts=row.active_alerts,
    )


@dataclass(frozen=True, slots=True)
class DayRange:
    """One sparkline bucket as the bound ISO strings: ``start <= t <= end``."""

    start: str
    end: str


@dataclass(frozen=True, slots=True)
class DayCounts:
    total: int
    open: int
    urgent: int
    resolved: int


async def day_counts(
    session: AsyncSession, days: Sequence[DayRange], *, scope: str | None
) -> list[DayCounts]:
    """Per day (oldest first): created, open by the day's end, urgent created, resolved.

    One statement. "Created by the end of the day and open now" is ``open - open created
    after the day's end``; all such cases lie in the ``created_at`` window of the first day.
    """
    if not days:
        return []
    created = CASES.c.created_at
    resolved_at = CASES.c.resolved_at
    first_start = min(day.start for day in days)
    last_end = max(day.end for day in days)
    created_columns = []
    resolved_columns = []
    for index, day in enumerate(days):
        created_on_day = and_(created >= day.start, created <= day.end)
        created_columns += [
            func.count().filter(created_on_day).label(f"total_{index}"),
            func.count().filter(and_(created_on_day, is_urgent())).label(f"urgent_{index}"),
            func.count().filter(and_(created > day.end, is_open())).label(f"open_after_{index}"),
        ]
        resolved_columns.append(
            func.count()
            .filter(and_(resolved_at >= day.start, resolved_at <= day.end))
            .label(f"resolved_{index}")
        )
    created_window = (
        select(*created_columns)
        .where(created >= first_start, *_in_unit(scope, by_index=False))
        .subquery("created_window")
    )
    resolved_window = (
        select(*resolved_columns)
        .where(resolved_at >= first_start, resolved_at <= last_end, *_in_unit(scope))
        .subquery("resolved_window")
    )
    statement = select(
        created_window, resolved_window, _count_cases(scope, is_open()).label("open_now")
    ).select_from(created_window.join(resolved_window, onclause=true()))
    row = (await session.execute(statement)).one()._mapping
    return [
        DayCounts(
            total=row[f"total_{index}"],
            open=row["open_now"] - row[f"open_after_{index}"],
            urgent=row[f"urgent_{index}"],
            resolved=row[f"resolved_{index}"],
        )
        for index in range(len(days))
    ]


async def category_counts(
    session: AsyncSession, *, since: str, scope: str | None
) -> list[tuple[str, int]]:
    """``(category, count)`` of cases created since ``since``, most frequent first.

    Ties come out in ascending category order, as SQLite's grouping emitted them.
    """
    count = func.count()
    statement = (
        select(CASES.c.category, count.label("count"))
        .where(CASES.c.created_at >= since, *_in_unit(scope, by_index=False))
        .group_by(NoIndex(CASES.c.category))
        .order_by(count.desc(), CASES.c.category.asc())
    )
    return [(row[0], row[1]) for row in await session.execute(statement)]
