"""Wire shapes of the export route (they document OpenAPI; the handler streams the file)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ExportErrorBody(BaseModel):
    """The project's error shape, as the export route answers it."""

    error: str = Field(examples=["No cases found matching the specified filters"])
    code: str = Field(examples=["NOT_FOUND"])
    details: object | None = None
    timestamp: str = Field(examples=["2026-01-15T10:05:00.000Z"])
    requestId: str | None = None
