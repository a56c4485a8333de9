"""Wire shapes of system notices."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class NoticeLevel(StrEnum):
    INFO = "info"
    WARNING = "warning"
    MAINTENANCE = "maintenance"


class NoticeRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                "message": "Maintenance tonight 22:00-23:00 ICT; uploads are paused.",
                "level": "maintenance",
            }
        },
    )

    message: str = Field(min_length=1, max_length=1000, description="What users should know")
    level: NoticeLevel = Field(default=NoticeLevel.INFO, description="info, warning, maintenance")


class NoticeResponse(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "id": "1768471500000-0",
                "type": "system.notice",
                "channel": "system",
                "time": "2026-01-15T10:05:00.000Z",
                "businessUnit": None,
                "payload": {"message": "Maintenance tonight", "level": "maintenance"},
            }
        }
    )

    id: str
    type: str
    channel: str
    time: str
    businessUnit: str | None
    payload: dict[str, str]
