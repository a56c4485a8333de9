"""Wire models of the feed (OpenAPI documentation; handlers return plain dicts)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

_FEED_ITEM_EXAMPLE: dict[str, Any] = {
    "id": "feed-alert-6",
    "type": "alert",
    "title": "Food Safety Alert - KFC Restaurant",
    "content": "Multiple food safety complaints from single location require immediate "
    "investigation.",
    "metadata": '{"severity":"critical","type":"urgency"}',
    "priority": 100,
    "referenceId": "alert-urgency-1",
    "referenceType": "alert",
    "createdAt": "2026-01-15T10:00:00.000Z",
    "expiresAt": None,
}
_PAGINATION_EXAMPLE: dict[str, Any] = {"page": 1, "limit": 10, "total": 5, "totalPages": 1}


class FeedItem(BaseModel):
    """One card of the home feed."""

    model_config = ConfigDict(json_schema_extra={"example": _FEED_ITEM_EXAMPLE})

    id: str
    type: str = Field(description="`alert`, `trending`, `highlight` or `upload`")
    title: str
    content: str
    metadata: str | None = Field(
        description="A JSON object serialised as a string (the frontend `JSON.parse`s it)"
    )
    priority: int = Field(description="Higher first: seed items 40-100, demo items 1-4")
    referenceId: str | None
    referenceType: str | None
    createdAt: str = Field(description="ISO 8601 UTC, millisecond precision")
    expiresAt: str | None


class Pagination(BaseModel):
    """Where this page sits; `null` where the original computed NaN or Infinity."""

    model_config = ConfigDict(json_schema_extra={"example": _PAGINATION_EXAMPLE})

    page: int | None = Field(description="`parseInt(page)`; `null` if not a number")
    limit: int | None = Field(description="`parseInt(limit)`; `null` if not a number")
    total: int = Field(description="Items matching the filters")
    totalPages: int | None = Field(description="`ceil(total / limit)`; `null` for limit 0/NaN")


class FeedPage(BaseModel):
    """A page of feed items."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {"items": [_FEED_ITEM_EXAMPLE], "pagination": _PAGINATION_EXAMPLE}
        }
    )

    items: list[FeedItem]
    pagination: Pagination


class ErrorBody(BaseModel):
    """The service's one error shape."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "error": "Invalid pagination: limit=-1 returns every row, so only page 1 "
                "exists (got page=2). Use a positive limit to page.",
                "code": "VALIDATION_ERROR",
                "details": {"page": 2, "limit": -1},
                "timestamp": "2026-01-15T10:05:00.000Z",
                "requestId": "3f2b8c1e9a7d4f60",
            }
        }
    )

    error: str
    code: str
    details: Any | None = None
    timestamp: str
    requestId: str | None = None
