"""Liveness and readiness probes."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy import text

from control_tower.core.deps import ClockDep, DatabaseDep
from control_tower.core.errors import AppError
from control_tower.core.jsonenc import JSResponse
from control_tower.core.openapi import ErrorBody

router = APIRouter(tags=["health"])


def _json_example(example: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"type": "object"}, "example": example}},
    }


@router.get(
    "/health",
    response_class=JSResponse,
    summary="Liveness probe",
    responses={
        200: _json_example(
            {"status": "ok", "timestamp": "2026-01-15T10:05:00.473Z"}, "The process is alive"
        )
    },
)
async def health(clock: ClockDep) -> Any:
    """Report that the process is alive."""
    return JSResponse({"status": "ok", "timestamp": clock.now_iso()})


@router.get(
    "/ready",
    response_class=JSResponse,
    summary="Readiness probe",
    responses={
        200: _json_example(
            {"status": "ready", "database": "sqlite", "timestamp": "2026-01-15T10:05:00.484Z"},
            "The database answers",
        ),
        503: {"model": ErrorBody, "description": "The database is unreachable"},
    },
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
