"""SQL of the recompute feature: the uploads row's recompute fields, alert cases, alerts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from control_tower.alerts.generation import AlertCase
from control_tower.core.cache import invalidate_on_commit
from control_tower.core.models import RecomputeStatus
from control_tower.core.rows import table
from control_tower.core.sqlcompat import rowid

uploads = table("uploads")
cases = table("cases")
alerts = table("alerts")

PROCESSING = RecomputeStatus.PROCESSING.value


@dataclass(frozen=True, slots=True)
class RecomputeState:
    """The recompute fields of one uploads row."""

    upload_id: str
    status: str | None
    started_at: str | None
    completed_at: str | None
    alerts_generated: int | None
    trending_updated: int | None
    uploaded_by: str | None


async def get_state(session: AsyncSession, upload_id: str) -> RecomputeState | None:
    statement = select(
        uploads.c.id,
        uploads.c.recompute_status,
        uploads.c.recompute_started_at,
        uploads.c.recompute_completed_at,
        uploads.c.alerts_generated,
        uploads.c.trending_updated,
        uploads.c.uploaded_by,
    ).where(uploads.c.id == upload_id)
    row = (await session.execute(statement)).first()
    return None if row is None else RecomputeState(*row)


async def claim(session: AsyncSession, upload_id: str, started_at: str) -> bool:
    """Mark the upload ``processing`` unless it already is (atomic across workers)."""
    statement = (
        update(uploads)
        .where(
            uploads.c.id == upload_id,
            or_(uploads.c.recompute_status.is_(None), uploads.c.recompute_status != PROCESSING),
        )
        .values(recompute_status=PROCESSING, recompute_started_at=started_at)
    )
    result = await session.execute(statement)
    return bool(getattr(result, "rowcount", 0))


async def complete(
    session: AsyncSession, upload_id: str, completed_at: str, alerts_generated: int
) -> None:
    await session.execute(
        update(uploads)
        .where(uploads.c.id == upload_id)
        .values(
            recompute_status=RecomputeStatus.COMPLETED.value,
            recompute_completed_at=completed_at,
            alerts_generated=alerts_generated,
            trending_updated=1,
        )
    )


async def fail(session: AsyncSession, upload_id: str, completed_at: str) -> bool:
    """Mark a ``processing`` upload ``failed``; False if it was not processing any more."""
    result = await session.execute(
        update(uploads)
        .where(uploads.c.id == upload_id, uploads.c.recompute_status == PROCESSING)
        .values(recompute_status=RecomputeStatus.FAILED.value, recompute_completed_at=completed_at)
    )
    return bool(getattr(result, "rowcount", 0))


async def processing_uploads(session: AsyncSession) -> list[str]:
    statement = (
        select(uploads.c.id).where(uploads.c.recompute_status == PROCESSING).order_by(uploads.c.id)
    )
    return list((await session.execute(statement)).scalars())


async def alert_cases(
    session: AsyncSession, start: str, end: str, *, scope: str | None
) -> list[AlertCase]:
    """Light case rows with ``start <= created_at < end`` (insertion order kept as ``seq``)."""
    order_key = rowid(cases)
    conditions = [cases.c.created_at >= start, cases.c.created_at < end]
    if scope is not None:
        conditions.append(cases.c.business_unit == scope)
    statement = (
        select(
            order_key,
            cases.c.id,
            cases.c.business_unit,
            cases.c.category,
            cases.c.severity,
            cases.c.summary,
            cases.c.created_at,
        )
        .where(and_(*conditions))
        .order_by(cases.c.created_at, order_key)
    )
    rows = (await session.execute(statement)).all()
    return [AlertCase._make(row) for row in rows]


async def insert_alerts(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        await session.execute(insert(alerts), list(rows))
        invalidate_on_commit(session, "alerts")


async def active_alert_counts(session: AsyncSession) -> dict[str, int]:
    """``{total, critical, high}`` over active alerts, as ``GET /api/alerts/count`` counts."""
    active = alerts.c.status == "active"
    statement = select(
        func.count(),
        func.count().filter(alerts.c.severity == "critical"),
        func.count().filter(alerts.c.severity == "high"),
    ).where(active)
    total, critical, high = (await session.execute(statement)).one()
    return {"total": int(total), "critical": int(critical), "high": int(high)}
