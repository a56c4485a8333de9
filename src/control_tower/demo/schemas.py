"""Wire shapes of the demo-mode routes (documentation only: handlers return dicts)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class DemoStatus(BaseModel):
    """Whether the mock event generator runs, and its base interval."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"enabled": False, "intervalMs": 45000, "timestamp": "2026-01-15T10:05:07.514Z"}
            ]
        }
    )

    enabled: bool
    intervalMs: float | None = Field(
        description="Base interval between events in ms (30000-60000); `null` after a "
        "non-numeric value was sent, as in the original"
    )
    timestamp: str


class DemoToggle(BaseModel):
    """Body of ``POST /api/demo-mode``."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"enabled": True, "intervalMs": 45000}]}
    )

    enabled: Any = Field(
        description='Truthy (JavaScript rules, so the string `"false"` too) starts the '
        "generator and writes one event at once; anything else stops it"
    )
    intervalMs: Any | None = Field(
        default=None,
        description="Base interval in ms, clamped to 30000-60000 (default 45000); each "
        "event follows the previous one after this interval ±15 s",
    )


class DemoToggled(BaseModel):
    """The generator's state after the toggle."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "success": True,
                    "enabled": True,
                    "intervalMs": 50000,
                    "timestamp": "2026-01-15T10:05:07.529Z",
                }
            ]
        }
    )

    success: Literal[True]
    enabled: bool
    intervalMs: float | None
    timestamp: str


class DemoFailure(BaseModel):
    """The original's failure body (plus the project's error keys)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "success": False,
                    "error": "Failed to toggle demo mode",
                    "code": "REQUEST_FAILED",
                    "timestamp": "2026-01-15T10:05:07.520Z",
                }
            ]
        }
    )

    success: Literal[False]
    error: str
    code: str
    timestamp: str
    requestId: str | None = None
