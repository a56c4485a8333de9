"""Wire shapes of the alerts routes (OpenAPI documentation only; handlers return dicts)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from control_tower.core.openapi import PaginationBody

ALERT_EXAMPLE: dict[str, Any] = {
    "id": "alert-spike-1",
    "type": "spike",
    "severity": "high",
    "title": "KFC Delivery App Crash Spike",
    "description": "App crash reports increased by 95% in the last 4 hours.",
    "businessUnit": "KFC Delivery",
    "category": "App & Technical",
    "channel": "line",
    "baselineValue": 26,
    "currentValue": 90,
    "percentageChange": 95,
    "status": "active",
    "acknowledgedBy": None,
    "acknowledgedAt": None,
    "createdAt": "2026-01-14T10:00:00.000Z",
    "updatedAt": "2026-01-15T10:00:00.000Z",
}


class AlertBody(BaseModel):
    """An alert row, columns in schema order."""

    model_config = ConfigDict(json_schema_extra={"examples": [ALERT_EXAMPLE]})

    id: str
    type: str = Field(description="spike | threshold | urgency | misclassification")
    severity: str = Field(description="low | medium | high | critical")
    title: str
    description: str
    businessUnit: str | None
    category: str | None
    channel: str | None
    baselineValue: float | None
    currentValue: float | None
    percentageChange: float | None
    status: str = Field(description="active | acknowledged | resolved | dismissed")
    acknowledgedBy: str | None
    acknowledgedAt: str | None
    createdAt: str
    updatedAt: str


class AlertListResponse(BaseModel):
    """One page of alerts."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "alerts": [ALERT_EXAMPLE],
                    "pagination": {"page": 1, "limit": 20, "total": 1, "totalPages": 1},
                }
            ]
        }
    )

    alerts: list[AlertBody]
    pagination: PaginationBody


class AlertCountResponse(BaseModel):
    """Active alert counts for the header badge."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"total": 7, "critical": 3, "high": 4, "timestamp": "2026-01-15T10:05:01.122Z"}
            ]
        }
    )

    total: int = Field(description="Active alerts.")
    critical: int = Field(description="Active alerts of severity critical.")
    high: int = Field(description="Active alerts of severity high.")
    timestamp: str


class SampleCase(BaseModel):
    """A recent case matching the alert's business unit, category and severity band."""

    id: str
    caseNumber: str
    summary: str
    severity: str
    status: str
    businessUnit: str
    category: str
    createdAt: str


class AlertDetailResponse(BaseModel):
    """An alert with up to ten sample cases from the last 24 hours."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "alert": ALERT_EXAMPLE,
                    "sampleCases": [
                        {
                            "id": "case-2019",
                            "caseNumber": "CC-002020",
                            "summary": "KFC app crashed during payment - order lost",
                            "severity": "high",
                            "status": "closed",
                            "businessUnit": "KFC Delivery",
                            "category": "App & Technical",
                            "createdAt": "2026-01-15T09:12:44.000Z",
                        }
                    ],
                    "contributingPhrases": [],
                    "timeWindow": "Comparison period",
                }
            ]
        }
    )

    alert: AlertBody
    sampleCases: list[SampleCase]
    contributingPhrases: list[str] = Field(
        description="Risk keywords found in the sample summaries (urgency and "
        "misclassification alerts only; substring matches, at most 10)."
    )
    timeWindow: str | None = Field(
        default=None,
        description="Comparison window label; the key is absent when none applies.",
    )


class EscalateRequest(BaseModel):
    """Who escalates the alert to whom."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "senderId": "user-admin-1",
                    "recipientId": "user-manager-3",
                    "message": "Please look at this now",
                    "channel": "internal",
                }
            ]
        }
    )

    senderId: str
    recipientId: str
    message: str | None = None
    channel: str = Field(default="internal", description="internal | email | line")


class EscalateResponse(BaseModel):
    """The escalation share that was created."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "success": True,
                    "id": "8d2ae3b2-ac8e-424f-bd83-5834df107b38",
                    "alertId": "alert-spike-1",
                    "message": "Alert escalated successfully",
                }
            ]
        }
    )

    success: bool
    id: str = Field(description="Id (UUID v4) of the new escalation share.")
    alertId: str
    message: str
