"""Trending topics, one topic in detail, predicted risks, and the stored trending snapshot."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from control_tower.core.clock import DAY_MS, iso_from_ms
from control_tower.core.events import defer_event
from control_tower.core.jsonenc import dumps_str
from control_tower.trending import recent, repository
from control_tower.trending.analysis import (
    DEFAULT_ALERT_THRESHOLD,
    LOOKBACK_DAYS,
    TrendingTopic,
    WindowRanges,
    lookback_start_ms,
    predicted_risks,
    topic_detail,
    trending_topics,
    window_topics,
)
from control_tower.trending.terms import normalize_term

Limit = int | float | None


def _fortnight(now_ms: int) -> tuple[str, str]:
    return iso_from_ms(now_ms - LOOKBACK_DAYS * DAY_MS), iso_from_ms(now_ms)


async def list_trending(
    session: AsyncSession, *, window: str, limit: Limit, now_ms: int, scope: str | None
) -> dict[str, Any]:
    """Top rising terms of the window with their business units and sample cases."""
    ranges = WindowRanges.of(window, now_ms)
    source = await recent.source(session, ranges.baseline_start, ranges.current_end, scope=scope)
    current = source.period(ranges.current_start, ranges.current_end)
    baseline = source.period(ranges.baseline_start, ranges.baseline_end)
    topics = trending_topics(current, baseline, limit)
    return {
        "topics": [topic.to_json() for topic in topics],
        "metadata": {
            "window": window,
            "currentPeriod": {**ranges.current_json(), "caseCount": current.size},
            "baselinePeriod": {**ranges.baseline_json(), "caseCount": baseline.size},
        },
    }


async def get_topic(
    session: AsyncSession, *, topic: str, window: str, now_ms: int, scope: str | None
) -> dict[str, Any] | None:
    """One topic's metrics, daily trend and breakdowns; None when no case mentions it."""
    start, end = _fortnight(now_ms)
    source = await recent.source(session, start, end, scope=scope)
    return topic_detail(topic, normalize_term(topic), source, window, now_ms)


async def list_predictions(
    session: AsyncSession,
    *,
    window: str,
    limit: Limit,
    threshold: Limit,
    now_ms: int,
    scope: str | None,
) -> dict[str, Any]:
    """Predicted risks of the window's top rising terms (the last 14 days are analysed)."""
    start, end = _fortnight(now_ms)
    if recent.indexed():
        source = await recent.source(session, start, end, scope=scope)
        analysed = source.size
    else:
        # Without the in-memory index only the days the rules read are loaded.
        analysed = await repository.count_cases_between(session, start, end, scope=scope)
        lookback = iso_from_ms(lookback_start_ms(window, now_ms))
        source = await recent.source(session, lookback, end, scope=scope)
    found = predicted_risks(source, window, threshold=threshold, limit=limit, now_ms=now_ms)
    return {
        "predictions": found,
        "metadata": {
            "window": window,
            "threshold": threshold,
            "totalCasesAnalyzed": analysed,
            "analysisDate": end,
        },
    }


def first_or_none(values: Sequence[str]) -> str | None:
    """``values[0] || null``."""
    return values[0] if values and values[0] else None


def snapshot_rows(topics: Sequence[TrendingTopic], now_ms: int) -> list[dict[str, Any]]:
    """``trending_topics`` rows of a computed snapshot (``trend-computed-<ms>-<i>``)."""
    now = iso_from_ms(now_ms)
    rows = []
    for index, topic in enumerate(topics):
        trend = topic.trend
        rows.append(
            {
                "id": f"trend-computed-{now_ms}-{index}",
                "topic": trend.term,
                "description": f"Trending topic: {trend.term}",
                "case_count": trend.current_count,
                "baseline_count": trend.baseline_count,
                "trend": trend.direction,
                "percentage_change": trend.percent_change,
                "trend_score": trend.trend_score,
                "business_unit": first_or_none(topic.impacted_units),
                "category": first_or_none([case.category for case in topic.sample_cases[:1]]),
                "sample_case_ids": dumps_str([case.id for case in topic.sample_cases]),
                "created_at": now,
                "updated_at": now,
            }
        )
    return rows


async def compute_snapshot(
    session: AsyncSession, *, window: Any, limit: Limit, now_ms: int, scope: str | None
) -> dict[str, Any]:
    """Recompute trending topics and predictions and replace the stored trending topics."""
    start, now = _fortnight(now_ms)
    source = await recent.source(session, start, now, scope=scope)
    topics = window_topics(source, window, limit, now_ms)
    predictions = predicted_risks(
        source, window, threshold=DEFAULT_ALERT_THRESHOLD, limit=limit, now_ms=now_ms
    )
    await repository.replace_trending_topics(session, snapshot_rows(topics, now_ms), scope=scope)
    defer_event(
        session,
        "trending.updated",
        {"source": "compute", "topics": [topic.trend.term for topic in topics]},
        channel="system",
        business_unit=scope,
    )
    return {
        "success": True,
        "computed": {"trendingTopics": len(topics), "predictedRisks": len(predictions)},
        "topics": [topic.to_json() for topic in topics],
        "predictions": predictions,
        "metadata": {"window": window, "computedAt": now, "totalCasesAnalyzed": source.size},
    }
