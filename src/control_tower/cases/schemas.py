"""Wire shapes of the cases routes (OpenAPI documentation only; handlers return dicts)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from control_tower.core.openapi import ErrorBody, PaginationBody

__all__ = [
    "AiSummary",
    "CaseBody",
    "CaseDetailResponse",
    "CaseListResponse",
    "ErrorBody",
    "TimelineEvent",
]

CASE_EXAMPLE: dict[str, Any] = {
    "id": "case-3",
    "caseNumber": "CC-000003",
    "channel": "phone",
    "status": "closed",
    "category": "Product Quality",
    "subcategory": "Taste Complaint",
    "sentiment": "negative",
    "severity": "high",
    "riskFlag": False,
    "needsReviewFlag": False,
    "businessUnit": "KFC Restaurants",
    "summary": "Complaint about cleanliness at Sukhumvit 21 branch",
    "customerName": "William Martinez",
    "agentId": "agent-7",
    "assignedTo": "user-supervisor-9",
    "createdAt": "2025-12-30T10:00:00.000Z",
    "updatedAt": "2025-12-30T10:00:00.000Z",
    "resolvedAt": "2026-01-05T10:00:00.000Z",
    "uploadId": None,
}


class CaseBody(BaseModel):
    """A case row, columns in schema order."""

    model_config = ConfigDict(json_schema_extra={"examples": [CASE_EXAMPLE]})

    id: str
    caseNumber: str
    channel: str = Field(description="phone | email | line | web")
    status: str = Field(description="open | in_progress | resolved | closed")
    category: str
    subcategory: str | None
    sentiment: str = Field(description="positive | neutral | negative")
    severity: str = Field(description="low | medium | high | critical")
    riskFlag: bool
    needsReviewFlag: bool
    businessUnit: str
    summary: str
    customerName: str | None
    agentId: str | None
    assignedTo: str | None
    createdAt: str
    updatedAt: str
    resolvedAt: str | None
    uploadId: str | None


class CaseListResponse(BaseModel):
    """One page of cases."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "cases": [CASE_EXAMPLE],
                    "pagination": {"page": 1, "limit": 1, "total": 2139, "totalPages": 2139},
                }
            ]
        }
    )

    cases: list[CaseBody]
    pagination: PaginationBody


class AiSummary(BaseModel):
    """Canned summary sentences derived from the case's fields."""

    whatHappened: str
    impact: str | None = Field(
        default=None, description="Absent when the severity is not one of the four known."
    )
    suggestedAction: str


class TimelineEvent(BaseModel):
    """One derived event; ids are fixed (1 created, 2 assigned, 3 contact, 4 resolved)."""

    id: str
    type: str = Field(description="created | assigned | contact | resolved")
    title: str
    description: str
    timestamp: str


class CaseDetailResponse(CaseBody):
    """Every case column at the top level, then ``aiSummary`` and ``timeline``."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **CASE_EXAMPLE,
                    "aiSummary": {
                        "whatHappened": "Customer William Martinez via phone regarding product "
                        "quality - Taste Complaint. Complaint about cleanliness at Sukhumvit "
                        "21 branch",
                        "impact": "High impact on customer experience. May affect customer "
                        "retention if not resolved promptly.",
                        "suggestedAction": "No further action required. Case has been fully "
                        "resolved and documented. Prioritize empathetic communication and "
                        "expedited resolution. Consider follow-up call after resolution.",
                    },
                    "timeline": [
                        {
                            "id": "1",
                            "type": "created",
                            "title": "Case Created",
                            "description": "Case opened via phone channel",
                            "timestamp": "2025-12-30T10:00:00.000Z",
                        },
                        {
                            "id": "2",
                            "type": "assigned",
                            "title": "Agent Assigned",
                            "description": "Case assigned to agent agent-7",
                            "timestamp": "2025-12-30T10:05:00.000Z",
                        },
                        {
                            "id": "3",
                            "type": "contact",
                            "title": "Customer Contacted",
                            "description": "Initial contact made with customer",
                            "timestamp": "2025-12-30T10:15:00.000Z",
                        },
                        {
                            "id": "4",
                            "type": "resolved",
                            "title": "Case Resolved",
                            "description": "Issue has been resolved",
                            "timestamp": "2026-01-05T10:00:00.000Z",
                        },
                    ],
                }
            ]
        }
    )

    aiSummary: AiSummary
    timeline: list[TimelineEvent]
