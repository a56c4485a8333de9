"""Wire shapes of the recompute routes (documentation only; handlers return dicts)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from control_tower.core.openapi import ErrorBody

Status = Literal["pending", "processing", "completed", "failed"]


class RecomputeCompleted(BaseModel):
    """The recompute finished within the wait bound."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "success": True,
                    "status": "completed",
                    "alertsGenerated": 3,
                    "trendingUpdated": True,
                    "completedAt": "2026-01-15T10:05:06.287Z",
                }
            ]
        }
    )

    success: bool = True
    status: Literal["completed"] = "completed"
    alertsGenerated: int = Field(description="Alerts inserted by this run", examples=[3])
    trendingUpdated: bool = True
    completedAt: str = Field(examples=["2026-01-15T10:05:06.287Z"])


class RecomputeAlreadyRunning(BaseModel):
    """Another recompute of this upload is in progress; nothing was started."""

    status: Literal["processing"] = "processing"
    message: str = Field(examples=["Recomputation already in progress"])


class RecomputeAccepted(BaseModel):
    """The recompute is still running in the background; poll the status route."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "success": True,
                    "status": "processing",
                    "uploadId": "1768471501132-belnmgy",
                    "startedAt": "2026-01-15T10:05:06.222Z",
                    "message": "Recomputation is still running; poll GET "
                    "/api/uploads/1768471501132-belnmgy/recompute for its status",
                }
            ]
        }
    )

    success: bool = True
    status: Literal["processing"] = "processing"
    uploadId: str = Field(examples=["1768471501132-belnmgy"])
    startedAt: str = Field(examples=["2026-01-15T10:05:06.222Z"])
    message: str


class RecomputeStatus(BaseModel):
    """Recompute status of an upload (`pending` until a recompute ran)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "status": "completed",
                    "startedAt": "2026-01-15T10:05:06.222Z",
                    "completedAt": "2026-01-15T10:05:06.287Z",
                    "alertsGenerated": 3,
                    "trendingUpdated": True,
                }
            ]
        }
    )

    status: Status
    startedAt: str | None = Field(examples=["2026-01-15T10:05:06.222Z"])
    completedAt: str | None = Field(examples=["2026-01-15T10:05:06.287Z"])
    alertsGenerated: int = Field(examples=[3])
    trendingUpdated: bool


class RecomputeFailed(ErrorBody):
    """The recompute ran and failed; the upload is marked failed."""

    error: str = Field(examples=["Recomputation failed"])
    status: Literal["failed"] = "failed"
