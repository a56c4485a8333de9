"""Wire shapes of the trending routes (documentation only; handlers return dicts)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Direction = Literal["rising", "stable", "declining"]
PredictionType = Literal["consecutive_increase", "approaching_threshold", "accelerating_growth"]


# Example objects shared by the documented responses (the reference data's values).
_EXAMPLE_SAMPLE_CASES: list[dict[str, Any]] = [
    {
        "id": "case-101",
        "summary": "Discount code THAIBEV20 not applied - Villa Market",
        "businessUnit": "Beer & Spirits",
        "category": "Payment & Billing",
        "createdAt": "2026-01-15T10:00:00.000Z",
    }
]
_EXAMPLE_TOPIC: dict[str, Any] = {
    "term": "discount code",
    "currentCount": 6,
    "baselineCount": 1,
    "percentChange": 500,
    "trendScore": 1000,
    "direction": "rising",
    "impactedBUs": ["Beer & Spirits"],
    "sampleCases": _EXAMPLE_SAMPLE_CASES,
}
_EXAMPLE_PREDICTION: dict[str, Any] = {
    "id": "pred-accelerating_growth-online-1768471500908",
    "term": "online",
    "type": "accelerating_growth",
    "severity": "high",
    "title": "online - Accelerating Growth",
    "explanation": (
        '"online" shows accelerating growth at 75% daily rate. '
        "Projected to reach 12 cases tomorrow if trend continues."
    ),
    "currentCount": 26,
    "projectedCount": 12,
    "growthRate": 75,
    "impactedBUs": ["Beer & Spirits"],
    "sampleCases": _EXAMPLE_SAMPLE_CASES,
    "createdAt": "2026-01-15T10:05:00.908Z",
}


class CaseData(BaseModel):
    """The light case shape used by trending and predictions."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "id": "case-101",
                "summary": "Discount code THAIBEV20 not applied - Villa Market",
                "businessUnit": "Beer & Spirits",
                "category": "Payment & Billing",
                "createdAt": "2026-01-15T10:00:00.000Z",
            }
        }
    )

    id: str
    summary: str
    businessUnit: str
    category: str
    createdAt: str


class TrendingTopic(BaseModel):
    """A rising term: its counts now and in the previous period, score and direction."""

    term: str = Field(examples=["discount code"])
    currentCount: int = Field(examples=[6])
    baselineCount: int = Field(examples=[1])
    percentChange: float = Field(description="Raw percentage, not rounded", examples=[500])
    trendScore: float = Field(description="Capped at 1000", examples=[1000])
    direction: Direction
    impactedBUs: list[str] = Field(description="Business units of the matching current cases")
    sampleCases: list[CaseData] = Field(description="First three matching current cases")


class Period(BaseModel):
    start: str = Field(examples=["2026-01-14T10:05:00.000Z"])
    end: str = Field(examples=["2026-01-15T10:05:00.000Z"])


class CountedPeriod(Period):
    caseCount: int = Field(examples=[131])


class TrendingMetadata(BaseModel):
    window: str = Field(description="The `window` parameter as sent", examples=["24h"])
    currentPeriod: CountedPeriod
    baselinePeriod: CountedPeriod


class TrendingList(BaseModel):
    """Top rising terms of the window."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "topics": [_EXAMPLE_TOPIC],
                    "metadata": {
                        "window": "24h",
                        "currentPeriod": {
                            "start": "2026-01-14T10:05:00.608Z",
                            "end": "2026-01-15T10:05:00.608Z",
                            "caseCount": 131,
                        },
                        "baselinePeriod": {
                            "start": "2026-01-13T10:05:00.608Z",
                            "end": "2026-01-14T10:05:00.608Z",
                            "caseCount": 87,
                        },
                    },
                }
            ]
        }
    )

    topics: list[TrendingTopic]
    metadata: TrendingMetadata


class TopicMetrics(BaseModel):
    currentCount: int = Field(examples=[9])
    baselineCount: int = Field(examples=[4])
    percentChange: float = Field(examples=[125])
    trendScore: float = Field(examples=[431.73470493638354])
    direction: Direction


class DailyCount(BaseModel):
    date: str = Field(description="UTC date of the local midnight", examples=["2026-01-15"])
    count: int = Field(examples=[6])


class CategoryCount(BaseModel):
    category: str
    count: int


class UnitCount(BaseModel):
    businessUnit: str
    count: int


class TopicMetadata(BaseModel):
    window: str = Field(examples=["7d"])
    currentPeriod: Period
    baselinePeriod: Period


class TopicDetail(BaseModel):
    """One topic over the window, with 14 days of daily counts."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "topic": "discount code",
                    "normalizedTopic": "discount code",
                    "metrics": {
                        "currentCount": 9,
                        "baselineCount": 4,
                        "percentChange": 125,
                        "trendScore": 431.73470493638354,
                        "direction": "rising",
                    },
                    "impactedBUs": ["Beer & Spirits"],
                    "dailyTrend": [{"date": "2026-01-14", "count": 2}],
                    "categoryBreakdown": [{"category": "Promotions & Pricing", "count": 8}],
                    "buBreakdown": [{"businessUnit": "Beer & Spirits", "count": 9}],
                    "sampleCases": [
                        {
                            "id": "case-2084",
                            "summary": "Discount code CHANG50 rejected at checkout",
                            "businessUnit": "Beer & Spirits",
                            "category": "Promotions & Pricing",
                            "createdAt": "2026-01-12T10:00:00.000Z",
                        }
                    ],
                    "metadata": {
                        "window": "7d",
                        "currentPeriod": {
                            "start": "2026-01-08T10:05:00.960Z",
                            "end": "2026-01-15T10:05:00.960Z",
                        },
                        "baselinePeriod": {
                            "start": "2026-01-01T10:05:00.960Z",
                            "end": "2026-01-08T10:05:00.960Z",
                        },
                    },
                }
            ]
        }
    )

    topic: str = Field(description="The path segment, percent-decoded", examples=["Discount Code!"])
    normalizedTopic: str = Field(examples=["discount code"])
    metrics: TopicMetrics
    impactedBUs: list[str]
    dailyTrend: list[DailyCount] = Field(description="14 days, oldest first")
    categoryBreakdown: list[CategoryCount]
    buBreakdown: list[UnitCount]
    sampleCases: list[CaseData] = Field(description="First ten matching current cases")
    metadata: TopicMetadata


class TopicNotFound(BaseModel):
    error: str = Field(examples=["Topic not found"])
    topic: str = Field(examples=["xyzzy"])
    code: str = Field(examples=["NOT_FOUND"])
    timestamp: str
    requestId: str | None = None


class PredictedRisk(BaseModel):
    """A risk predicted for a rising term; type-specific keys appear only for their type."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "id": "pred-accelerating_growth-price-1768471503282",
                "term": "price",
                "type": "accelerating_growth",
                "severity": "high",
                "title": "price - Accelerating Growth",
                "explanation": '"price" shows accelerating growth at 175% daily rate. '
                "Projected to reach 30 cases tomorrow if trend continues.",
                "currentCount": 11,
                "projectedCount": 30,
                "growthRate": 175,
                "impactedBUs": ["Oishi Beverages", "Beer & Spirits"],
                "sampleCases": [],
                "createdAt": "2026-01-15T10:05:03.282Z",
            }
        }
    )

    id: str
    term: str
    type: PredictionType
    severity: Literal["low", "medium", "high"]
    title: str
    explanation: str
    currentCount: int
    projectedCount: int | None = Field(None, description="accelerating_growth only")
    threshold: int | None = Field(None, description="approaching_threshold only")
    daysToThreshold: int | None = Field(
        None, description="approaching_threshold only, omitted when it would never be reached"
    )
    consecutiveDays: int | None = Field(None, description="consecutive_increase only")
    growthRate: float | None = Field(None, description="accelerating_growth only")
    impactedBUs: list[str]
    sampleCases: list[CaseData]
    createdAt: str


class PredictionsMetadata(BaseModel):
    window: str = Field(examples=["7d"])
    threshold: int | None = Field(description="null when `threshold` was not a number")
    totalCasesAnalyzed: int = Field(description="Cases of the last 14 days", examples=[1060])
    analysisDate: str


class PredictionList(BaseModel):
    """Predicted risks, most severe first."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "predictions": [_EXAMPLE_PREDICTION],
                    "metadata": {
                        "window": "7d",
                        "threshold": 100,
                        "totalCasesAnalyzed": 1060,
                        "analysisDate": "2026-01-15T10:05:00.908Z",
                    },
                }
            ]
        }
    )

    predictions: list[PredictedRisk]
    metadata: PredictionsMetadata


class ComputeRequest(BaseModel):
    """Optional JSON body; anything that is not JSON means the defaults."""

    window: Any = Field("24h", description="`24h`; any other truthy value computes 7 days")
    limit: int | str = Field(10, description="parseInt'ed; 0 or empty means 10")


class ComputedCounts(BaseModel):
    trendingTopics: int = Field(examples=[10])
    predictedRisks: int = Field(examples=[9])


class ComputeMetadata(BaseModel):
    window: Any = Field(examples=["24h"])
    computedAt: str
    totalCasesAnalyzed: int = Field(examples=[1060])


class ComputeResult(BaseModel):
    """The computed snapshot, stored in trending_topics."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "success": True,
                    "computed": {"trendingTopics": 10, "predictedRisks": 8},
                    "topics": [_EXAMPLE_TOPIC],
                    "predictions": [_EXAMPLE_PREDICTION],
                    "metadata": {
                        "window": "24h",
                        "computedAt": "2026-01-15T10:05:00.866Z",
                        "totalCasesAnalyzed": 1060,
                    },
                }
            ]
        }
    )

    success: bool = True
    computed: ComputedCounts
    topics: list[TrendingTopic]
    predictions: list[PredictedRisk]
    metadata: ComputeMetadata
