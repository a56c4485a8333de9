"""Wire models of the pulse routes (OpenAPI documentation; handlers return plain dicts)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

_KPIS_EXAMPLE: dict[str, Any] = {
    "kpis": {
        "totalCasesToday": {
            "value": 131,
            "change": 51,
            "changeLabel": "vs yesterday",
            "status": "red",
        },
        "openCases": {"value": 974, "change": 7, "changeLabel": "vs yesterday", "status": "yellow"},
        "criticalUrgent": {
            "value": 465,
            "change": 5,
            "changeLabel": "vs yesterday",
            "status": "red",
        },
        "resolutionRate": {
            "value": "54.5%",
            "change": 2.1,
            "changeLabel": "this week",
            "status": "red",
        },
        "activeAlerts": {"value": 7, "status": "yellow"},
    }
}


def _points(values: list[int], labels: list[str]) -> dict[str, Any]:
    return {
        "data": [
            {"label": label, "value": value} for label, value in zip(labels, values, strict=True)
        ],
        "currentValue": values[-1],
    }


_LABELS = ["Fri", "Sat", "Sun", "Mon", "Tue", "Yesterday", "Today"]
_SPARKLINES_EXAMPLE: dict[str, Any] = {
    "sparklines": {
        "totalCases": _points([63, 62, 89, 61, 79, 87, 131], _LABELS),
        "openCases": _points([590, 631, 688, 726, 780, 843, 974], _LABELS),
        "criticalCases": _points([33, 31, 43, 28, 37, 46, 51], _LABELS),
        "resolvedCases": _points([12, 15, 24, 31, 43, 66, 109], _LABELS),
    }
}
_WORDCLOUD_EXAMPLE: dict[str, Any] = {
    "words": [
        {"text": "Promotions & Pricing", "count": 131, "category": "Promotions & Pricing"},
        {"text": "Product Quality", "count": 83, "category": "Product Quality"},
    ],
    "generatedAt": "2026-01-15T10:05:00.000Z",
}

Status = Field(description="`green`, `yellow` or `red`")


class CountKpi(BaseModel):
    value: int
    change: int = Field(description="Percent change vs yesterday, rounded like `Math.round`")
    changeLabel: str = Field(description="Always `vs yesterday`")
    status: str = Status


class RateKpi(BaseModel):
    value: str = Field(description="All-time resolved share with at most one decimal, e.g. `54.5%`")
    change: float = Field(description="Always `2.1` (the original's placeholder)")
    changeLabel: str = Field(description="Always `this week`")
    status: str = Status


class AlertKpi(BaseModel):
    value: int = Field(description="Active alerts")
    status: str = Status


class Kpis(BaseModel):
    totalCasesToday: CountKpi = Field(description="Cases created since local midnight")
    openCases: CountKpi = Field(description="Cases open or in progress now")
    criticalUrgent: CountKpi = Field(
        description="Open high/critical cases; status judged on the value (>50 red, >20 yellow)"
    )
    resolutionRate: RateKpi
    activeAlerts: AlertKpi


class PulseResponse(BaseModel):
    """The sidebar KPIs."""

    model_config = ConfigDict(json_schema_extra={"example": _KPIS_EXAMPLE})

    kpis: Kpis


class SparklinePoint(BaseModel):
    label: str = Field(description="`Today`, `Yesterday` or the short weekday name")
    value: int


class Sparkline(BaseModel):
    data: list[SparklinePoint] = Field(description="Seven local days, oldest first")
    currentValue: int = Field(description="The value of the `Today` point")


class Sparklines(BaseModel):
    totalCases: Sparkline = Field(description="Cases created that day")
    openCases: Sparkline = Field(description="Cases created by the day's end that are open now")
    criticalCases: Sparkline = Field(description="High/critical cases created that day")
    resolvedCases: Sparkline = Field(description="Cases whose `resolvedAt` falls on that day")


class SparklinesResponse(BaseModel):
    """Seven-day trend series of the sidebar KPIs."""

    model_config = ConfigDict(json_schema_extra={"example": _SPARKLINES_EXAMPLE})

    sparklines: Sparklines


class Word(BaseModel):
    text: str = Field(description="The category")
    count: int = Field(description="Cases of that category created in the last 7 days")
    category: str = Field(description="The category (same as `text`)")


class WordcloudResponse(BaseModel):
    """Case counts per category over the last seven days, most frequent first."""

    model_config = ConfigDict(json_schema_extra={"example": _WORDCLOUD_EXAMPLE})

    words: list[Word]
    generatedAt: str = Field(description="ISO 8601 UTC, millisecond precision")
