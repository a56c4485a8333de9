"""Wire shapes of the search routes (documentation only; handlers return ordered dicts)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.config import JsonDict

_CASE_EXAMPLE: JsonDict = {
    "id": "case-2014",
    "caseNumber": "CC-002015",
    "channel": "email",
    "status": "open",
    "category": "App & Technical",
    "subcategory": "App Crash",
    "sentiment": "negative",
    "severity": "high",
    "riskFlag": False,
    "needsReviewFlag": False,
    "businessUnit": "KFC Delivery",
    "summary": "KFC app crashed during payment - order lost",
    "customerName": "Somchai P.",
    "agentId": "agent-3",
    "assignedTo": None,
    "createdAt": "2026-01-15T08:00:00.000Z",
    "updatedAt": "2026-01-15T08:00:00.000Z",
    "resolvedAt": None,
    "uploadId": None,
}


class SearchCase(BaseModel):
    """A case as stored: every column, camelCase, in schema order."""

    model_config = ConfigDict(json_schema_extra={"example": _CASE_EXAMPLE})

    id: str
    caseNumber: str
    channel: Literal["phone", "email", "line", "web"]
    status: Literal["open", "in_progress", "resolved", "closed"]
    category: str
    subcategory: str | None
    sentiment: Literal["positive", "neutral", "negative"]
    severity: Literal["low", "medium", "high", "critical"]
    riskFlag: bool
    needsReviewFlag: bool
    businessUnit: str
    summary: str
    customerName: str | None
    agentId: str | None
    assignedTo: str | None
    createdAt: str = Field(description="ISO 8601 UTC, milliseconds")
    updatedAt: str
    resolvedAt: str | None
    uploadId: str | None = Field(description="Set for cases imported from a CSV upload")


class SearchResult(BaseModel):
    case: SearchCase
    relevanceScore: int = Field(description="0-100; at most 60 when only keywords are given")
    matchedFields: list[str] = Field(
        description="Filter fields (businessUnit, channel, severity, category) that matched, "
        "then summary/category/subcategory for keyword hits"
    )
    highlightedSummary: str = Field(description="The summary with keyword hits in **bold**")


class TimeRange(BaseModel):
    label: str = Field(examples=["Last 7 days"])
    start: str | None = Field(examples=["2026-01-08T00:00:00.000Z"])
    end: str = Field(examples=["2026-01-15T10:05:00.000Z"])


class QueryFlags(BaseModel):
    urgent: bool
    risk: bool
    needsReview: bool


class ParsedQuery(BaseModel):
    """What the parser understood."""

    keywords: list[str] = Field(examples=[["kfc", "app", "crash"]])
    timeRange: TimeRange | None
    businessUnits: list[str]
    channels: list[Literal["phone", "email", "line", "web"]]
    severities: list[Literal["low", "medium", "high", "critical"]]
    categories: list[str]
    flags: QueryFlags
    originalQuery: str = Field(description="The raw query (empty for a blank one)")


class SuggestedFilter(BaseModel):
    type: Literal["businessUnit", "channel", "severity", "category", "timeRange", "flag"]
    value: str = Field(
        description='For timeRange a JSON string {"start": ISO, "end": ISO}',
        examples=["urgent"],
    )
    label: str = Field(examples=["Urgent only"])
    confidence: float = Field(examples=[0.9])


class SearchResponse(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "results": [
                    {
                        "case": _CASE_EXAMPLE,
                        "relevanceScore": 87,
                        "matchedFields": ["severity", "summary", "category"],
                        "highlightedSummary": "**KFC** **app** **crash**ed during payment",
                    }
                ],
                "totalCount": 324,
                "parsedQuery": {
                    "keywords": ["kfc", "app", "crash"],
                    "timeRange": {
                        "label": "Last 7 days",
                        "start": "2026-01-08T00:00:00.000Z",
                        "end": "2026-01-15T10:05:00.000Z",
                    },
                    "businessUnits": [],
                    "channels": [],
                    "severities": ["high", "critical"],
                    "categories": [],
                    "flags": {"urgent": True, "risk": False, "needsReview": False},
                    "originalQuery": "urgent kfc app crash last 7 days",
                },
                "suggestedFilters": [
                    {
                        "type": "timeRange",
                        "value": '{"start":"2026-01-08T00:00:00.000Z",'
                        '"end":"2026-01-15T10:05:00.000Z"}',
                        "label": "Date: Last 7 days",
                        "confidence": 0.95,
                    },
                    {
                        "type": "flag",
                        "value": "urgent",
                        "label": "Urgent only",
                        "confidence": 0.9,
                    },
                ],
                "executionTimeMs": 4,
            }
        }
    )

    results: list[SearchResult]
    totalCount: int = Field(description="Matches before paging")
    parsedQuery: ParsedQuery
    suggestedFilters: list[SuggestedFilter]
    executionTimeMs: int = Field(description="Wall-clock time of the search in ms")


class PopularSearch(BaseModel):
    query: str = Field(description="The normalised (lowercased, trimmed) query")
    searchCount: int
    avgResultCount: int | None = Field(description="null when a logged count was Infinity")
    avgExecutionTimeMs: int | None = Field(description="null when a logged time was Infinity")
    lastSearched: str


class PopularSearchesResponse(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "popularSearches": [
                    {
                        "query": "urgent refund",
                        "searchCount": 2,
                        "avgResultCount": 8,
                        "avgExecutionTimeMs": 5,
                        "lastSearched": "2026-01-15T10:05:23.501Z",
                    }
                ],
                "period": "30 days",
            }
        }
    )

    popularSearches: list[PopularSearch]
    period: str = Field(examples=["30 days"])


class LogSearchRequest(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {"query": "urgent kfc app crash", "resultCount": 324, "executionTimeMs": 5}
        }
    )

    query: str = Field(description="Required, non-empty")
    resultCount: float | None = Field(default=None, description="Stored as 0 when falsy")
    executionTimeMs: float | None = Field(default=None, description="Stored as NULL when falsy")
    userId: str | None = None


class LogSearchResponse(BaseModel):
    model_config = ConfigDict(json_schema_extra={"example": {"success": True, "logged": True}})

    success: bool = Field(description="Always true: logging never fails the caller")
    logged: bool = Field(description="False for queries shorter than 2 characters or on errors")
