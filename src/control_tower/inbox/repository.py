"""Every SQL statement of the inbox and shares routes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from control_tower.core.cache import invalidate_on_commit
from control_tower.core.rows import RowShape, table
from control_tower.core.sqlcompat import sqlite_order

SHARES = table("shares")
USERS = table("users")
ALERTS = table("alerts")
CASES = table("cases")

# The columns the inbox lists (recipientId is deliberately left out, as in the original).
INBOX_ROW = RowShape(
    SHARES,
    [
        "id",
        "type",
        "source_type",
        "source_id",
        "sender_id",
        "message",
        "channel",
        "status",
        "created_at",
        "read_at",
        "actioned_at",
    ],
)
SENDER = RowShape(USERS, ["id", "name", "email", "role", "avatar_url"])
ALERT_SOURCE = RowShape(
    ALERTS, ["id", "type", "severity", "title", "description", "business_unit", "status"]
)
CASE_SOURCE = RowShape(
    CASES, ["id", "case_number", "severity", "summary", "business_unit", "status", "category"]
)
SHARE = RowShape(SHARES)

_IN_CHUNK = 500


def share_filters(
    *, recipient_id: str, status: str | None, share_type: str | None
) -> list[ColumnElement[bool]]:
    """The inbox WHERE conditions, in the original's order."""
    conditions: list[ColumnElement[bool]] = [SHARES.c.recipient_id == recipient_id]
    if status is not None:
        conditions.append(SHARES.c.status == status)
    if share_type is not None:
        conditions.append(SHARES.c.type == share_type)
    return conditions


async def count_shares(session: AsyncSession, conditions: Sequence[ColumnElement[bool]]) -> int:
    result = await session.execute(
        select(func.count()).select_from(SHARES).where(and_(*conditions))
    )
    return int(result.scalar_one())


async def list_shares(
    session: AsyncSession,
    conditions: Sequence[ColumnElement[bool]],
    *,
    limit: int | None,
    offset: int,
) -> list[dict[str, Any]]:
    """Shares newest first, as inbox rows (camelCase, without the recipient)."""
    statement = (
        select(*INBOX_ROW.columns)
        .where(and_(*conditions))
        .order_by(SHARES.c.created_at.desc())
        .limit(limit)
    )
    if offset:
        statement = statement.offset(offset)
    result = await session.execute(sqlite_order(session, statement, SHARES))
    return INBOX_ROW.many(result.all())


def _chunks(ids: Iterable[str]) -> Iterable[list[str]]:
    unique = list(dict.fromkeys(ids))
    for start in range(0, len(unique), _IN_CHUNK):
        yield unique[start : start + _IN_CHUNK]


async def _lookup(
    session: AsyncSession,
    shape: RowShape,
    ids: Iterable[str],
    extra: ColumnElement[bool] | None = None,
) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    id_column = shape.table.c.id
    for chunk in _chunks(ids):
        condition: ColumnElement[bool] = id_column.in_(chunk)
        if extra is not None:
            condition = and_(condition, extra)
        result = await session.execute(select(*shape.columns).where(condition))
        for row in result.all():
            found[row[0]] = shape.to_json(row)
    return found


async def senders_by_id(session: AsyncSession, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    return await _lookup(session, SENDER, ids)


async def alert_sources_by_id(
    session: AsyncSession, ids: Iterable[str], *, scope: str | None
) -> dict[str, dict[str, Any]]:
    return await _lookup(session, ALERT_SOURCE, ids, _alert_scope(scope))


async def case_sources_by_id(
    session: AsyncSession, ids: Iterable[str], *, scope: str | None
) -> dict[str, dict[str, Any]]:
    return await _lookup(session, CASE_SOURCE, ids, _case_scope(scope))


def _alert_scope(scope: str | None) -> ColumnElement[bool] | None:
    if scope is None:
        return None
    return or_(ALERTS.c.business_unit == scope, ALERTS.c.business_unit.is_(None))


def _case_scope(scope: str | None) -> ColumnElement[bool] | None:
    if scope is None:
        return None
    return CASES.c.business_unit == scope


async def pending_counts(session: AsyncSession, *, recipient_id: str) -> tuple[int, int]:
    """(pending shares, pending escalations) of one recipient."""
    escalations = func.count(case((SHARES.c.type == "escalation", 1)))
    result = await session.execute(
        select(func.count(), escalations).where(
            SHARES.c.recipient_id == recipient_id, SHARES.c.status == "pending"
        )
    )
    total, escalated = result.one()
    return int(total), int(escalated or 0)


async def get_share(session: AsyncSession, share_id: str) -> dict[str, Any] | None:
    result = await session.execute(select(*SHARE.columns).where(SHARES.c.id == share_id))
    row = result.first()
    return None if row is None else SHARE.to_json(row)


async def update_share(session: AsyncSession, share_id: str, values: dict[str, Any]) -> int:
    """``UPDATE shares SET ... WHERE id = ?``; the number of rows changed."""
    result = await session.execute(update(SHARES).where(SHARES.c.id == share_id).values(values))
    return int(getattr(result, "rowcount", 0) or 0)


async def insert_share(session: AsyncSession, values: dict[str, Any]) -> None:
    await session.execute(insert(SHARES).values(values))


async def escalate_case(session: AsyncSession, case_id: str, *, now: str, scope: str | None) -> int:
    """Mark a case critical and at risk; the number of rows changed (0 if unknown)."""
    condition: ColumnElement[bool] = CASES.c.id == case_id
    scoped = _case_scope(scope)
    if scoped is not None:
        condition = and_(condition, scoped)
    result = await session.execute(
        update(CASES).where(condition).values(severity="critical", risk_flag=1, updated_at=now)
    )
    invalidate_on_commit(session, "cases")
    return int(getattr(result, "rowcount", 0) or 0)


async def source_visible(
    session: AsyncSession, source_type: Any, source_id: Any, *, scope: str
) -> bool:
    """Whether a unit-scoped viewer can see this alert (its unit or none) or case."""
    if source_type == "alert":
        condition = ALERTS.c.id == source_id
        visible = or_(ALERTS.c.business_unit == scope, ALERTS.c.business_unit.is_(None))
        statement = select(ALERTS.c.id).where(condition, visible)
    elif source_type == "case":
        statement = select(CASES.c.id).where(
            CASES.c.id == source_id, CASES.c.business_unit == scope
        )
    else:
        return False
    return (await session.execute(statement.limit(1))).first() is not None


async def source_business_unit(
    session: AsyncSession, source_type: str, source_id: str
) -> str | None:
    """The business unit of the shared alert or case, when it exists."""
    if source_type == "alert":
        column = ALERTS.c.business_unit
        id_column = ALERTS.c.id
    elif source_type == "case":
        column = CASES.c.business_unit
        id_column = CASES.c.id
    else:
        return None
    result = await session.execute(select(column).where(id_column == source_id))
    value = result.scalar_one_or_none()
    return value if isinstance(value, str) else None
