"""Shared OpenAPI building blocks: the error shape, pagination, documented query parameters.

Routes parse their query strings themselves (the original's rules: first value wins, empty
means absent, ``parseInt``), so parameters are documented with ``openapi_extra`` instead of
typed FastAPI parameters.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


def query_parameter(
    name: str, description: str, *, example: str | None = None, kind: str = "string"
) -> dict[str, Any]:
    """An OpenAPI query-parameter entry (documentation only; parsing stays the original's)."""
    parameter: dict[str, Any] = {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": {"type": kind},
    }
    if example is not None:
        parameter["example"] = example
    return parameter


def query_parameters(*parameters: dict[str, Any]) -> dict[str, Any]:
    """``openapi_extra`` listing ``parameters`` for a route."""
    return {"parameters": list(parameters)}


PAGE_PARAMETERS = (
    query_parameter(
        "page",
        "Page number, read like JavaScript parseInt (default 1). Non-numeric pages echo as "
        "null and return the first page.",
        example="1",
        kind="integer",
    ),
    query_parameter(
        "limit",
        "Page size, read like parseInt (default 20, no maximum). 0 returns no rows; a "
        "negative or non-numeric limit returns every row (then only page 1 is allowed).",
        example="20",
        kind="integer",
    ),
)


class ErrorBody(BaseModel):
    """The project's error shape: the original's message plus a code and a timestamp."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "error": "Alert not found",
                    "code": "NOT_FOUND",
                    "timestamp": "2026-01-15T10:05:00.000Z",
                    "requestId": "3f1c2b7e9a0d4c55",
                }
            ]
        }
    )

    error: str = Field(description="What went wrong, in words a person can act on.")
    code: str = Field(description="Stable machine-readable error code.")
    details: Any | None = Field(default=None, description="Extra facts about the failure.")
    timestamp: str = Field(description="When the error was produced (ISO 8601, UTC).")
    requestId: str | None = Field(default=None, description="Request id for log lookups.")


class PaginationBody(BaseModel):
    """Page metadata; NaN/Infinity arithmetic results are null, as in the original."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"page": 1, "limit": 20, "total": 8, "totalPages": 1}]}
    )

    page: int | None
    limit: int | None
    total: int
    totalPages: int | None


def error_responses(**descriptions: str) -> dict[int | str, dict[str, Any]]:
    """``responses=`` entries for error statuses: ``error_responses(**{"404": "..."})``."""
    return {
        int(status): {"model": ErrorBody, "description": text}
        for status, text in descriptions.items()
    }
