"""Wire shapes of the chat route (OpenAPI documentation only; the handler returns a dict)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

FILTER_STATE_EXAMPLE: dict[str, Any] = {
    "businessUnits": [],
    "channels": ["phone"],
    "severities": [],
    "categories": ["App & Technical"],
    "timeRange": {
        "label": "Last 30 days",
        "start": "2025-12-16T00:00:00.000Z",
        "end": "2026-01-15T10:05:01.092Z",
    },
    "flags": {"urgent": False, "risk": False, "needsReview": False},
}


class ChatRequest(BaseModel):
    """A message typed into the chat drawer."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"message": "What's happening today?"}]}
    )

    message: str = Field(
        description="Free text. Must be a non-empty string (whitespace alone is accepted)."
    )


class TimeRangeBody(BaseModel):
    label: str = Field(description="`Today`, `Yesterday`, `Last 7 days`, `Last N days`, ...")
    start: str = Field(description="ISO timestamp (local midnight of the first day)")
    end: str = Field(description="ISO timestamp (now, or 23:59:59.999 for `Yesterday`)")


class FilterFlags(BaseModel):
    urgent: bool
    risk: bool
    needsReview: bool


class FilterState(BaseModel):
    """Filters recognised in the message, for the UI's filter context."""

    model_config = ConfigDict(json_schema_extra={"examples": [FILTER_STATE_EXAMPLE]})

    businessUnits: list[str]
    channels: list[str] = Field(description="phone | email | line | web")
    severities: list[str] = Field(description="low | medium | high | critical")
    categories: list[str]
    timeRange: TimeRangeBody | None = Field(
        default=None, description="Present only when the message names a time window"
    )
    flags: FilterFlags


class ChatReply(BaseModel):
    """The assistant's answer."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "response": "🚨 **14 critical** items and **1 high priority** need attention.",
                    "intent": "show_urgent",
                    "confidence": 0.95,
                },
                {
                    "response": "✅ Applied filters:\n• **Channel**: line\n\n"
                    "The view will update to show matching results.",
                    "intent": "apply_filter",
                    "confidence": 0.8,
                    "filterState": {
                        "businessUnits": [],
                        "channels": ["line"],
                        "severities": [],
                        "categories": [],
                        "flags": {"urgent": False, "risk": False, "needsReview": False},
                    },
                },
            ]
        }
    )

    response: str = Field(description="Markdown-style reply text")
    intent: str = Field(
        description="show_trends | find_cases | show_urgent | what_happening | apply_filter "
        "| general_question"
    )
    confidence: float = Field(description="0.3 (general question) or 0.8 to 0.95")
    filterState: FilterState | None = Field(
        default=None,
        description="Only for `apply_filter` when at least one filter was recognised",
    )
