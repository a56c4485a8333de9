"""HTTP routes of the recompute feature (alert and trending recomputation after an upload)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Path, Request

from control_tower.auth.deps import CurrentUser
from control_tower.core.deps import SessionDep
from control_tower.core.jsonenc import JSResponse
from control_tower.core.openapi import ErrorBody
from control_tower.recompute import service
from control_tower.recompute.schemas import (
    RecomputeAccepted,
    RecomputeAlreadyRunning,
    RecomputeCompleted,
    RecomputeFailed,
    RecomputeStatus,
)

router = APIRouter(tags=["uploads"])

UploadId = Path(description="Upload id as returned by `POST /api/upload`")


@router.post(
    "/api/uploads/{upload_id}/recompute",
    response_class=JSResponse,
    summary="Recompute alerts and trending topics after an upload",
    responses={
        200: {
            "model": RecomputeCompleted | RecomputeAlreadyRunning,
            "description": "Finished in time, or already in progress",
            "content": {
                "application/json": {
                    "example": {
                        "success": True,
                        "status": "completed",
                        "alertsGenerated": 3,
                        "trendingUpdated": True,
                        "completedAt": "2026-01-15T10:05:06.287Z",
                    }
                }
            },
        },
        202: {"model": RecomputeAccepted, "description": "Still running; poll the GET route"},
        403: {"model": ErrorBody, "description": "Neither an admin nor the uploader"},
        404: {"model": ErrorBody, "description": "Unknown upload"},
        500: {"model": RecomputeFailed, "description": "The recompute failed"},
    },
)
async def start_recompute(request: Request, user: CurrentUser, upload_id: str = UploadId) -> Any:
    """Generate alerts and replace trending topics in the background, waiting a bounded time."""
    answer = await service.request_recompute(service.runner_of(request.app), upload_id, viewer=user)
    return JSResponse(answer.body, status_code=answer.status_code)


@router.get(
    "/api/uploads/{upload_id}/recompute",
    response_class=JSResponse,
    summary="Get the recompute status of an upload",
    responses={200: {"model": RecomputeStatus}, 404: {"model": ErrorBody}},
)
async def get_recompute_status(session: SessionDep, upload_id: str = UploadId) -> Any:
    """Report whether the upload's recompute is pending, running, completed or failed."""
    return JSResponse(await service.recompute_status(session, upload_id))
