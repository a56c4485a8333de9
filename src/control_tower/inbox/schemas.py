"""Wire shapes of the inbox and shares routes (documentation only: handlers return dicts)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from control_tower.core.openapi import PaginationBody


def _examples(*examples: dict[str, Any]) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": list(examples)})


class Sender(BaseModel):
    """The user who sent the share (``null`` when the sender is not a known user)."""

    id: str
    name: str
    email: str
    role: str
    avatarUrl: str | None


class AlertSource(BaseModel):
    """The shared alert."""

    id: str
    type: str
    severity: str
    title: str
    description: str
    businessUnit: str | None
    status: str
    sourceType: Literal["alert"]


class CaseSource(BaseModel):
    """The shared case."""

    id: str
    caseNumber: str
    severity: str
    summary: str
    businessUnit: str
    status: str
    category: str
    sourceType: Literal["case"]


class InboxItem(BaseModel):
    """One share received by the user, with its sender and source."""

    id: str
    type: str = Field(description="`share` or `escalation` (stored verbatim)")
    sourceType: str = Field(description="`alert` or `case` (stored verbatim)")
    sourceId: str
    senderId: str
    message: str | None
    channel: str = Field(description="`internal`, `email` or `line`")
    status: str = Field(description="`pending`, `read` or `actioned`")
    createdAt: str
    readAt: str | None
    actionedAt: str | None
    sender: Sender | None
    source: AlertSource | CaseSource | None = Field(
        description="`null` when the source does not exist or its type is neither alert nor case"
    )


class InboxPage(BaseModel):
    """A page of the user's inbox, newest first."""

    model_config = _examples(
        {
            "items": [
                {
                    "id": "share-3",
                    "type": "escalation",
                    "sourceType": "case",
                    "sourceId": "case-1",
                    "senderId": "user-supervisor-3",
                    "message": "Customer threatening social media exposure",
                    "channel": "line",
                    "status": "actioned",
                    "createdAt": "2026-01-13T10:00:00.000Z",
                    "readAt": "2026-01-14T10:00:00.000Z",
                    "actionedAt": "2026-01-15T10:00:00.000Z",
                    "sender": {
                        "id": "user-supervisor-3",
                        "name": "ชัยวัฒน์ ศรีสุข",
                        "email": "supervisor3@thaibev.com",
                        "role": "supervisor",
                        "avatarUrl": None,
                    },
                    "source": {
                        "id": "case-1",
                        "caseNumber": "CC-000001",
                        "severity": "medium",
                        "summary": "Request for extended breakfast hours",
                        "businessUnit": "KFC Restaurants",
                        "status": "closed",
                        "category": "Feedback & Suggestions",
                        "sourceType": "case",
                    },
                }
            ],
            "pagination": {"page": 1, "limit": 20, "total": 1, "totalPages": 1},
        }
    )

    items: list[InboxItem]
    pagination: PaginationBody


class InboxCount(BaseModel):
    """Pending shares of the user, and whether any of them is an escalation."""

    model_config = _examples({"count": 3, "hasEscalations": True})

    count: int
    hasEscalations: bool


class InboxUpdate(BaseModel):
    """Body of ``PATCH /api/inbox``."""

    model_config = _examples({"id": "share-1", "status": "read"})

    id: str = Field(description="The share to update")
    status: Literal["pending", "read", "actioned"] = Field(
        description="`read` stamps readAt; `actioned` stamps readAt and actionedAt; "
        "`pending` clears both"
    )


class InboxUpdated(BaseModel):
    """The update as requested (an unknown id is not an error, as in the original)."""

    model_config = _examples({"success": True, "id": "share-1", "status": "read"})

    success: Literal[True]
    id: Any
    status: str


class ShareCreate(BaseModel):
    """Body of ``POST /api/shares``."""

    model_config = _examples(
        {
            "type": "escalation",
            "sourceType": "case",
            "sourceId": "case-5",
            "senderId": "user-admin-1",
            "recipientId": "user-manager-1",
            "message": "Customer is very upset, please call back today",
            "channel": "internal",
        }
    )

    type: str = Field(
        default="share",
        description="`share` or `escalation`; escalating a case marks it critical and at risk",
    )
    sourceType: str = Field(description="`alert` or `case`")
    sourceId: str
    senderId: str
    recipientId: str
    message: str | None = None
    channel: str = Field(default="internal", description="`internal`, `email` or `line`")


class ShareCreated(BaseModel):
    """The new share's id."""

    model_config = _examples(
        {"id": "bf3d7bd1-4def-4c05-95dc-bb599c1978d9", "message": "Successfully escalated"}
    )

    id: str
    message: Literal["Successfully shared", "Successfully escalated"]
