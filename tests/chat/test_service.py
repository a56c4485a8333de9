"""The assistant's answers against a fresh copy of the reference database."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from functools import cache
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from control_tower.chat import service
from control_tower.core.clock import datetime_to_ms
from control_tower.core.errors import BadRequest
from tests.chat.factories import (
    add_alert,
    add_case,
    clear_trending_topics,
    replace_trending_topics,
    set_alert_severity,
)
from tests.support.paths import CLOCK_START, GOLDEN

NOW_MS = datetime_to_ms(CLOCK_START)  # 2026-01-15T10:05:00.000Z


@cache
def golden() -> dict[str, dict[str, Any]]:
    records = (json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines())
    return {record["id"]: record for record in records}


def golden_message(record_id: str) -> str:
    message: str = golden()[record_id]["body"]["value"]["message"]
    return message


def golden_response(record_id: str) -> str:
    response: str = golden()[record_id]["response"]["response"]
    return response


@pytest.fixture
async def session(app: FastAPI) -> AsyncIterator[AsyncSession]:
    async with app.state.db.session() as unit_of_work:
        yield unit_of_work


async def answer(session: AsyncSession, message: str, *, scope: str | None = None) -> str:
    body = await service.reply(session, message, now_ms=NOW_MS, scope=scope)
    response: str = body["response"]
    return response


class TestReferenceData:
    async def test_whats_happening_today(self, session: AsyncSession) -> None:
        assert await answer(session, "What's happening today?") == (
            "📊 **Today's Summary**\n\n• **131** cases today (+51% from yesterday)\n"
            "• **7** active alerts\n• **51** urgent cases requiring attention\n"
            "• Top trending: **Crystal Water Delivery Service** (+75%)"
        )

    async def test_whats_trending(self, session: AsyncSession) -> None:
        assert await answer(session, "What's trending?") == (
            "Here are the top 3 trending topics. **Crystal Water Delivery Service** is "
            "leading with 90 cases (+75%)."
        )

    async def test_urgent_counts_come_from_the_capped_lists(self, session: AsyncSession) -> None:
        # The newest 10 high/critical cases (all critical, in SQLite's order for the tie
        # at 10:00) plus the newest 5 active high/critical alerts (3 critical, 2 high).
        assert await answer(session, "Show urgent cases") == (
            "🚨 **13 critical** items and **2 high priority** need attention."
        )

    @pytest.mark.parametrize(
        "record_id",
        ["mutA-072", "mutA-074", "mutA-075", "mutA-076", "mutA-077", "mutA-078", "mutA-086"],
    )
    async def test_recorded_answers(self, session: AsyncSession, record_id: str) -> None:
        assert await answer(session, golden_message(record_id)) == golden_response(record_id)

    async def test_find_cases_counts_at_most_fifty(self, session: AsyncSession) -> None:
        assert await answer(session, "find cases about delivery") == (
            "Found **50 cases** matching your criteria. Here are the most recent:"
        )


class TestAfterEarlierWrites:
    """Records of the write sequence whose answers depend on routes run before them."""

    @pytest.mark.parametrize("record_id", ["mutA-079", "mutA-080", "mutA-081", "mutA-082"])
    async def test_urgent_after_alert_escalation(
        self, session: AsyncSession, record_id: str
    ) -> None:
        # mutA-044 escalated alert-spike-1, which raises its severity to critical.
        await set_alert_severity(session, "alert-spike-1", "critical")
        assert await answer(session, golden_message(record_id)) == golden_response(record_id)

    @pytest.mark.parametrize(
        ("compute_id", "record_id"), [("mutA-157", "mutA-158"), ("mutA-162", "mutA-163")]
    )
    async def test_trends_after_trending_compute(
        self, session: AsyncSession, compute_id: str, record_id: str
    ) -> None:
        await replace_trending_topics(session, golden()[compute_id]["response"]["topics"])
        assert await answer(session, golden_message(record_id)) == golden_response(record_id)

    async def test_tied_trend_scores_keep_insertion_order(self, session: AsyncSession) -> None:
        topics = [
            {"term": term, "currentCount": count, "baselineCount": 1, "direction": "rising",
             "percentChange": 100, "trendScore": 1000, "impactedBUs": ["Beer & Spirits"]}
            for term, count in (("second", 2), ("first", 1), ("third", 3))
        ]  # fmt: skip
        await replace_trending_topics(session, topics)
        assert await answer(session, "What's trending?") == (
            "Here are the top 3 trending topics. **second** is leading with 2 cases (+100%)."
        )

    async def test_summary_after_a_drop_in_cases(self, session: AsyncSession) -> None:
        for _ in range(3):
            await add_case(session, created_at="2026-01-14T12:00:00.000Z", business_unit="T")
        # Midnight counts for today and (inclusive upper bound) for yesterday too.
        await add_case(
            session, created_at="2026-01-15T00:00:00.000Z", business_unit="T", severity="critical"
        )
        await add_case(session, created_at="2026-01-15T09:00:00.000Z", business_unit="T")
        await add_alert(session, business_unit=None)
        assert await answer(session, "What's happening today?", scope="T") == (
            "📊 **Today's Summary**\n\n• **2** cases today (-50% from yesterday)\n"
            "• **1** active alert\n• **1** urgent case requiring attention"
        )


class TestMockTrends:
    async def test_busiest_categories_stand_in_for_missing_trends(
        self, session: AsyncSession
    ) -> None:
        await clear_trending_topics(session)
        for _ in range(3):
            await add_case(
                session, created_at="2026-01-15T10:01:00.000Z", business_unit="Test Unit"
            )
        await add_case(
            session,
            created_at="2026-01-14T10:05:00.000Z",  # exactly now - 24h: still counted
            business_unit="Test Unit",
            category="Food Safety",
        )
        assert await answer(session, "trends", scope="Test Unit") == (
            "Here are the top 2 trending topics. **Order Issues** is leading with 3 cases (+15%)."
        )

    async def test_nothing_to_report(self, session: AsyncSession) -> None:
        await clear_trending_topics(session)
        assert await answer(session, "trends", scope="Nobody") == (
            "I don't see any significant trending topics right now. "
            "The case volume appears stable across all categories."
        )


class TestScope:
    async def test_summary_counts_only_the_viewers_unit(self, session: AsyncSession) -> None:
        await add_alert(session, business_unit=None)
        await add_alert(session, business_unit="KFC Delivery")
        assert await answer(session, "What's happening today?", scope="Beer & Spirits") == (
            "📊 **Today's Summary**\n\n• **27** cases today (+13% from yesterday)\n"
            "• **2** active alerts\n• **12** urgent cases requiring attention\n"
            "• Top trending: **Chang Promotion Issues** (+69%)"
        )

    async def test_trends_of_the_unit_and_of_no_unit(self, session: AsyncSession) -> None:
        await session.execute(
            text(
                "UPDATE trending_topics SET business_unit = NULL, trend = 'rising' "
                "WHERE id = 'trend-2'"
            )
        )
        assert await answer(session, "What's trending?", scope="Beer & Spirits") == (
            "Here are the top 2 trending topics. **Chang Promotion Issues** is leading with "
            "143 cases (+69%)."
        )

    async def test_find_cases_in_the_unit(self, session: AsyncSession) -> None:
        unit = "Non-Alcoholic Beverages"
        expected = await session.scalar(
            text(
                "SELECT count(*) FROM cases WHERE business_unit = :unit "
                "AND category = 'Delivery Problems'"
            ),
            {"unit": unit},
        )
        assert expected and 0 < expected < 50
        assert await answer(session, "find cases about delivery", scope=unit) == (
            f"Found **{expected} cases** matching your criteria. Here are the most recent:"
        )

    async def test_urgent_items_of_the_unit(self, session: AsyncSession) -> None:
        await add_alert(session, severity="critical", business_unit=None)
        await add_alert(session, severity="critical", business_unit="Beer & Spirits")
        await add_alert(session, severity="critical", business_unit="KFC Delivery")
        await add_case(
            session,
            created_at="2026-01-15T10:04:00.000Z",
            business_unit="Nobody's",
            severity="high",
        )
        assert await answer(session, "urgent", scope="Nobody's") == (
            "🚨 **1 critical** item and **1 high priority** need attention."
        )


class TestFindCasesLimits:
    async def test_time_range_before_javascript_dates_is_rejected(
        self, session: AsyncSession
    ) -> None:
        with pytest.raises(BadRequest, match="Last 100020469 days"):
            await answer(session, "find cases about x in the last 100020469 days")

    async def test_earliest_javascript_date_still_works(self, session: AsyncSession) -> None:
        assert await answer(session, "find cases about chang in the last 100020468 days") == (
            "Found **50 cases** matching your criteria. Here are the most recent:"
        )

    async def test_other_intents_ignore_an_impossible_time_range(
        self, session: AsyncSession
    ) -> None:
        reply = await answer(session, "what's trending in the last 999999999999 days")
        assert reply.startswith("Here are the top 3 trending topics.")

    async def test_as_many_keywords_as_sqlite_can_nest(self, session: AsyncSession) -> None:
        words = " ".join(f"zq{index}" for index in range(997))
        assert await answer(session, f"find urgent phone cases about {words}") == (
            "I couldn't find any cases matching \"find urgent phone cases about "
            f'{words}". Try adjusting your search terms or filters.'
        )

    async def test_more_keywords_than_sqlite_can_nest_is_a_clear_400(
        self, session: AsyncSession
    ) -> None:
        words = " ".join(f"zq{index}" for index in range(998))
        with pytest.raises(BadRequest, match="998 distinct search words"):
            await answer(session, f"find urgent phone cases about {words}")

    async def test_longest_keyword_sqlite_can_match(self, session: AsyncSession) -> None:
        reply = await answer(session, "find cases about " + "q" * 49_998)
        assert reply.startswith("I couldn't find any cases matching")

    async def test_longer_keyword_is_a_clear_400(self, session: AsyncSession) -> None:
        with pytest.raises(BadRequest, match="the longest 49,999 characters"):
            await answer(session, "find cases about " + "q" * 49_999)


class TestApplyFilter:
    async def test_filter_state_is_returned_with_recognised_filters(
        self, session: AsyncSession
    ) -> None:
        body = await service.reply(session, "filter by channel line", now_ms=NOW_MS, scope=None)
        assert body == golden()["mutA-087"]["response"]

    async def test_no_filter_state_without_filters(self, session: AsyncSession) -> None:
        body = await service.reply(session, "Filter to BU Credit Cards", now_ms=NOW_MS, scope=None)
        assert body == golden()["mutA-088"]["response"]
        assert list(body) == ["response", "intent", "confidence"]

    async def test_impossible_time_range_is_rejected(self, session: AsyncSession) -> None:
        with pytest.raises(BadRequest):
            await service.reply(
                session, "filter to last 99999999999 days", now_ms=NOW_MS, scope=None
            )
