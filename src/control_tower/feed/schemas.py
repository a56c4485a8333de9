"""Wire models of the feed (OpenAPI documentation; handlers return plain dicts)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from control_tower.core.openapi import PaginationBody

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


class FeedPage(BaseModel):
    """A page of feed items."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {"items": [_FEED_ITEM_EXAMPLE], "pagination": _PAGINATION_EXAMPLE}
        }
    )

    items: list[FeedItem]
    pagination: PaginationBody
