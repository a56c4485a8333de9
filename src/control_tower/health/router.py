"""Liveness and readiness probes."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy import text

from control_tower.core.deps import ClockDep, DatabaseDep
from control_tower.core.errors import AppError
from control_tower.core.jsonenc import JSResponse

router = APIRouter(tags=["health"])


@router.get("/health", response_class=JSResponse, summary="Liveness probe")
async def health(clock: ClockDep) -> Any:
    """Report that the process is alive."""
    return JSResponse({"status": "ok", "timestamp": clock.now_iso()})


@router.get(
    "/ready",
    response_class=JSResponse,
    summary="Readiness probe",
    responses={503: {"description": "The database is unreachable"}},
)
async def ready(database: DatabaseDep, clock: ClockDep) -> Any:
    """Report whether the database answers a query."""
    try:
        async with database.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception as exc:
        raise AppError(
            "Database unreachable: the service cannot serve requests yet",
            status_code=503,
            code="NOT_READY",
            details={"database": database.dialect, "reason": type(exc).__name__},
        ) from exc
    return JSResponse(
        {"status": "ready", "database": database.dialect, "timestamp": clock.now_iso()}
    )
