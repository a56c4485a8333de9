"""Every SQL statement of the chat assistant.

Conditions are built the way the original's query builder wrote them (an OR of equalities
per list, ANDed in the same order) so SQLite picks the same plan and ties come out in the
same order: "show urgent" counts severities among the first rows of a ``created_at DESC``
ordering where many cases share one timestamp.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, and_, desc, func, literal, or_, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

from control_tower.core.rows import table
from control_tower.core.sqlcompat import dialect_of, like, sqlite_order, sqlite_refusal

CASES = table("cases")
ALERTS = table("alerts")
TRENDING_TOPICS = table("trending_topics")

URGENT_SEVERITIES = ("high", "critical")


def _any_of(column: ColumnElement[str], values: Sequence[str]) -> ColumnElement[bool]:
    return or_(*(column == value for value in values))


def _case_unit(business_units: Sequence[str], scope: str | None) -> list[ColumnElement[bool]]:
    conditions = []
    if business_units:
        conditions.append(_any_of(CASES.c.business_unit, business_units))
    if scope is not None:
        conditions.append(CASES.c.business_unit == scope)
    return conditions


def _unit_or_shared(
    column: ColumnElement[str], business_units: Sequence[str], scope: str | None
) -> list[ColumnElement[bool]]:
    """Rows of the named units; for a scoped viewer also rows of its unit or of none."""
    conditions = []
    if business_units:
        conditions.append(_any_of(column, business_units))
    if scope is not None:
        conditions.append(or_(column == scope, column.is_(None)))
    return conditions


@dataclass(frozen=True, slots=True)
class TopicRow:
    topic: str
    case_count: int
    percentage_change: float | None


async def rising_topics(
    session: AsyncSession, *, business_units: Sequence[str], scope: str | None, limit: int
) -> list[TopicRow]:
    """Rising trending topics, highest trend score first."""
    statement = (
        select(
            TRENDING_TOPICS.c.topic,
            TRENDING_TOPICS.c.case_count,
            TRENDING_TOPICS.c.percentage_change,
        )
        .where(
            and_(
                TRENDING_TOPICS.c.trend == "rising",
                *_unit_or_shared(TRENDING_TOPICS.c.business_unit, business_units, scope),
            )
        )
        .order_by(desc(TRENDING_TOPICS.c.trend_score))
        .limit(limit)
    )
    rows = (await session.execute(sqlite_order(session, statement, TRENDING_TOPICS))).all()
    return [TopicRow(row.topic, row.case_count, row.percentage_change) for row in rows]


async def busiest_categories(
    session: AsyncSession,
    *,
    since: str,
    business_units: Sequence[str],
    scope: str | None,
    limit: int,
) -> list[tuple[str, int]]:
    """Categories with the most cases created at or after ``since``."""
    statement = (
        select(CASES.c.category, func.count().label("count"))
        .where(and_(CASES.c.created_at >= since, *_case_unit(business_units, scope)))
        .group_by(CASES.c.category)
        .order_by(desc(func.count()))
        .limit(limit)
    )
    rows = (await session.execute(sqlite_order(session, statement, CASES))).all()
    return [(str(row[0]), int(row[1])) for row in rows]


@dataclass(frozen=True, slots=True)
class CaseQuery:
    """The find-cases filter; every non-empty part is ANDed in this order."""

    business_units: Sequence[str] = ()
    channels: Sequence[str] = ()
    severities: Sequence[str] = ()
    categories: Sequence[str] = ()
    start: str | None = None
    end: str | None = None
    urgent: bool = False
    risk: bool = False
    needs_review: bool = False
    topics: Sequence[str] = field(default_factory=tuple)
    scope: str | None = None

    def conditions(self, dialect: str) -> list[ColumnElement[bool]]:
        conditions = []
        # First, so the keyword OR chain nests no deeper than in the original's query.
        if self.scope is not None:
            conditions.append(CASES.c.business_unit == self.scope)
        if self.business_units:
            conditions.append(_any_of(CASES.c.business_unit, self.business_units))
        if self.channels:
            conditions.append(_any_of(CASES.c.channel, self.channels))
        if self.severities:
            conditions.append(_any_of(CASES.c.severity, self.severities))
        if self.categories:
            conditions.append(_any_of(CASES.c.category, self.categories))
        if self.start is not None:
            conditions.append(CASES.c.created_at >= self.start)
        if self.end is not None:
            conditions.append(CASES.c.created_at <= self.end)
        if self.urgent:
            conditions.append(_any_of(CASES.c.severity, URGENT_SEVERITIES))
        if self.risk:
            conditions.append(CASES.c.risk_flag == 1)
        if self.needs_review:
            conditions.append(CASES.c.needs_review_flag == 1)
        if self.topics:
            conditions.append(
                or_(*(like(dialect, CASES.c.summary, f"%{topic}%") for topic in self.topics))
            )
        return conditions


class UnsearchableKeywords(Exception):
    """SQLite refused the keyword filter: an OR chain deeper than 1000 levels, or a LIKE
    pattern longer than 50,000 bytes (where the original's query failed the same way)."""


_SQLITE_KEYWORD_LIMITS = ("Expression tree is too large", "LIKE or GLOB pattern too complex")


async def count_cases_matching(session: AsyncSession, query: CaseQuery, *, cap: int) -> int:
    """How many cases match ``query``, counting no further than ``cap``.

    Raises ``UnsearchableKeywords`` where the original's query failed the same way (on
    PostgreSQL too, which has no such limits).
    """
    dialect = dialect_of(session)
    matching = (
        select(literal(1)).select_from(CASES).where(and_(*query.conditions(dialect))).limit(cap)
    )
    refused = sqlite_refusal(session, matching)
    if refused is not None:
        raise UnsearchableKeywords(refused)
    try:
        count = await session.scalar(select(func.count()).select_from(matching.subquery()))
    except OperationalError as exc:
        if any(limit in str(exc.orig) for limit in _SQLITE_KEYWORD_LIMITS):
            raise UnsearchableKeywords(str(exc.orig)) from exc
        raise
    return int(count or 0)


async def latest_urgent_case_severities(
    session: AsyncSession,
    *,
    since: str,
    business_units: Sequence[str],
    scope: str | None,
    limit: int,
) -> list[str]:
    """Severities of the newest high/critical cases created at or after ``since``."""
    statement = (
        select(CASES.c.severity)
        .where(
            and_(
                CASES.c.created_at >= since,
                _any_of(CASES.c.severity, URGENT_SEVERITIES),
                *_case_unit(business_units, scope),
            )
        )
        .order_by(desc(CASES.c.created_at))
        .limit(limit)
    )
    return list((await session.scalars(sqlite_order(session, statement, CASES))).all())


async def latest_urgent_alert_severities(
    session: AsyncSession, *, business_units: Sequence[str], scope: str | None, limit: int
) -> list[str]:
    """Severities of the newest active high/critical alerts."""
    statement = (
        select(ALERTS.c.severity)
        .where(
            and_(
                ALERTS.c.status == "active",
                _any_of(ALERTS.c.severity, URGENT_SEVERITIES),
                *_unit_or_shared(ALERTS.c.business_unit, business_units, scope),
            )
        )
        .order_by(desc(ALERTS.c.created_at))
        .limit(limit)
    )
    return list((await session.scalars(sqlite_order(session, statement, ALERTS))).all())


async def count_cases(
    session: AsyncSession,
    *,
    since: str,
    until: str | None = None,
    urgent_only: bool = False,
    business_units: Sequence[str],
    scope: str | None,
) -> int:
    """Cases created in ``[since, until]`` (``until`` open when ``None``)."""
    conditions = [CASES.c.created_at >= since]
    if until is not None:
        conditions.append(CASES.c.created_at <= until)
    if urgent_only:
        conditions.append(_any_of(CASES.c.severity, URGENT_SEVERITIES))
    conditions.extend(_case_unit(business_units, scope))
    count = await session.scalar(select(func.count()).select_from(CASES).where(and_(*conditions)))
    return int(count or 0)


async def count_active_alerts(
    session: AsyncSession, *, business_units: Sequence[str], scope: str | None
) -> int:
    conditions = [
        ALERTS.c.status == "active",
        *_unit_or_shared(ALERTS.c.business_unit, business_units, scope),
    ]
    count = await session.scalar(select(func.count()).select_from(ALERTS).where(and_(*conditions)))
    return int(count or 0)
