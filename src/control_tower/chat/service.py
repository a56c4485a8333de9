"""The chat assistant: classify a message, query what the intent needs, word the reply."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from control_tower.chat import messages, repository
from control_tower.chat.entities import Entities, TimeRange, extract_entities
from control_tower.chat.intents import Intent, classify
from control_tower.chat.messages import Summary, TrendLine
from control_tower.chat.repository import CaseQuery, UnsearchableKeywords
from control_tower.core.clock import DAY_MS, iso_from_ms, local_midnight_ms
from control_tower.core.errors import BadRequest
from control_tower.core.js import js_round

TREND_LIMIT = 3
FIND_LIMIT = 50
URGENT_CASE_LIMIT = 10
URGENT_ALERT_LIMIT = 5
MOCK_TREND_BASE_PERCENT = 15
MOCK_TREND_STEP_PERCENT = 10


async def reply(
    session: AsyncSession, message: str, *, now_ms: int, scope: str | None
) -> dict[str, Any]:
    """Answer one chat message as ``{response, intent, confidence, filterState?}``."""
    classification = classify(message)
    entities = extract_entities(message, now_ms)
    intent = classification.intent
    filter_state: dict[str, Any] | None = None
    if intent is Intent.SHOW_TRENDS:
        text = await _show_trends(session, entities, now_ms=now_ms, scope=scope)
    elif intent is Intent.FIND_CASES:
        text = await _find_cases(session, entities, message, scope=scope)
    elif intent is Intent.SHOW_URGENT:
        text = await _show_urgent(session, entities, now_ms=now_ms, scope=scope)
    elif intent is Intent.WHAT_HAPPENING:
        text = await _what_happening(session, entities, now_ms=now_ms, scope=scope)
    elif intent is Intent.APPLY_FILTER:
        _require_valid_time_range(entities.time_range)
        parts = messages.filter_parts(entities)
        text = messages.filters_applied(parts)
        if parts:
            filter_state = messages.filter_state(entities)
    else:
        text = messages.general(message)
    body: dict[str, Any] = {
        "response": text,
        "intent": intent.value,
        "confidence": classification.confidence,
    }
    if filter_state is not None:
        body["filterState"] = filter_state
    return body


def _require_valid_time_range(window: TimeRange | None) -> None:
    if window is not None and window.start_ms is None:
        raise BadRequest(
            f'The time range "{window.label}" reaches back before the earliest date that can '
            "be represented (about 270,000 years ago); ask for fewer days.",
            details={"timeRange": window.label},
        )


async def _show_trends(
    session: AsyncSession, entities: Entities, *, now_ms: int, scope: str | None
) -> str:
    units = entities.business_units
    topics = await repository.rising_topics(
        session, business_units=units, scope=scope, limit=TREND_LIMIT
    )
    if topics:
        lines = [TrendLine(t.topic, t.case_count, t.percentage_change) for t in topics]
    else:
        # No computed trends: the original made some up from the busiest categories.
        categories = await repository.busiest_categories(
            session,
            since=iso_from_ms(now_ms - DAY_MS),
            business_units=units,
            scope=scope,
            limit=TREND_LIMIT,
        )
        lines = [
            TrendLine(category, count, MOCK_TREND_BASE_PERCENT + MOCK_TREND_STEP_PERCENT * index)
            for index, (category, count) in enumerate(categories)
        ]
    return messages.trends(lines)


async def _find_cases(
    session: AsyncSession, entities: Entities, message: str, *, scope: str | None
) -> str:
    window = entities.time_range
    _require_valid_time_range(window)
    query = CaseQuery(
        business_units=entities.business_units,
        channels=entities.channels,
        severities=entities.severities,
        categories=entities.categories,
        start=None if window is None or window.start_ms is None else iso_from_ms(window.start_ms),
        end=None if window is None else iso_from_ms(window.end_ms),
        urgent=entities.flags.urgent,
        risk=entities.flags.risk,
        needs_review=entities.flags.needs_review,
        topics=entities.topics,
        scope=scope,
    )
    try:
        count = await repository.count_cases_matching(session, query, cap=FIND_LIMIT)
    except UnsearchableKeywords as exc:
        # SQLite nests an OR of N keywords N levels deep and stops at 1000, and refuses
        # LIKE patterns over 50,000 bytes (the original answered both with a 500).
        longest = max((len(topic) for topic in entities.topics), default=0)
        raise BadRequest(
            f"The message has {len(entities.topics)} distinct search words (the longest "
            f"{longest:,} characters): too many or too long to search for at once. "
            "Use fewer and shorter words (at most about 997 words of up to 49,998 "
            "characters).",
            details={"topics": len(entities.topics), "longestTopic": longest},
        ) from exc
    return messages.found_cases(count, entities.topics, message)


async def _show_urgent(
    session: AsyncSession, entities: Entities, *, now_ms: int, scope: str | None
) -> str:
    units = entities.business_units
    case_levels = await repository.latest_urgent_case_severities(
        session,
        since=iso_from_ms(now_ms - DAY_MS),
        business_units=units,
        scope=scope,
        limit=URGENT_CASE_LIMIT,
    )
    alert_levels = await repository.latest_urgent_alert_severities(
        session, business_units=units, scope=scope, limit=URGENT_ALERT_LIMIT
    )
    levels = case_levels + alert_levels
    return messages.urgent(levels.count("critical"), levels.count("high"))


async def _what_happening(
    session: AsyncSession, entities: Entities, *, now_ms: int, scope: str | None
) -> str:
    units = entities.business_units
    today_start = iso_from_ms(local_midnight_ms(now_ms))
    yesterday_start = iso_from_ms(local_midnight_ms(now_ms, 1))
    today = await repository.count_cases(
        session, since=today_start, business_units=units, scope=scope
    )
    yesterday = await repository.count_cases(
        session, since=yesterday_start, until=today_start, business_units=units, scope=scope
    )
    change = js_round((today - yesterday) / yesterday * 100) if yesterday > 0 else 0
    active_alerts = await repository.count_active_alerts(session, business_units=units, scope=scope)
    top = await repository.rising_topics(session, business_units=units, scope=scope, limit=1)
    urgent_cases = await repository.count_cases(
        session, since=today_start, urgent_only=True, business_units=units, scope=scope
    )
    return messages.summary(
        Summary(
            business_units=units,
            today=today,
            change_percent=change,
            active_alerts=active_alerts,
            urgent_cases=urgent_cases,
            top_trend=(
                TrendLine(top[0].topic, top[0].case_count, top[0].percentage_change)
                if top
                else None
            ),
        )
    )
