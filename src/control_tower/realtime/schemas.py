"""Event payloads of the ``/api/events`` stream (documentation only)."""

from __future__ import annotations

from pydantic import BaseModel


class FeedItem(BaseModel):
    """A feed item as stored (``metadata`` is a JSON *string*)."""

    id: str
    type: str
    title: str
    content: str
    metadata: str | None
    priority: int
    referenceId: str | None
    referenceType: str | None
    createdAt: str
    expiresAt: str | None


class NewFeedItems(BaseModel):
    """Feed items created since the last one sent, newest first (at most 20)."""

    items: list[FeedItem]


class AlertCount(BaseModel):
    """The number of active alerts, sent after every check."""

    count: int
    timestamp: str


class Heartbeat(BaseModel):
    """Sent every 30 s."""

    timestamp: str


class StreamError(BaseModel):
    """The check failed (e.g. `lastEventId` is not a date); sent instead of `alert_count`."""

    message: str


EVENT_MODELS: dict[str, type[BaseModel]] = {
    "new_feed_items": NewFeedItems,
    "alert_count": AlertCount,
    "heartbeat": Heartbeat,
    "error": StreamError,
}
