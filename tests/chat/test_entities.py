"""Entity extraction in the chat assistant's ThaiBev vocabulary."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from control_tower.chat.entities import (
    Flags,
    TimeRange,
    extract_business_units,
    extract_categories,
    extract_channels,
    extract_entities,
    extract_flags,
    extract_severities,
    extract_time_range,
    extract_topics,
)
from control_tower.core.clock import datetime_to_ms, iso_from_ms
from tests.support.paths import CLOCK_START

NOW_MS = datetime_to_ms(CLOCK_START)  # 2026-01-15T10:05:00Z, TZ=UTC


def datetime_to_ms_iso(day: str) -> int:
    """Epoch ms of UTC midnight of ``day`` (YYYY-MM-DD)."""
    return datetime_to_ms(datetime.fromisoformat(day).replace(tzinfo=UTC))


class TestBusinessUnits:
    def test_alias_substrings_match_inside_words(self) -> None:
        assert extract_business_units("show the latest") == ["Non-Alcoholic Beverages"]
        assert extract_business_units("request") == ["Non-Alcoholic Beverages"]
        assert extract_business_units("change it") == ["Beer & Spirits"]

    def test_kfc_delivery_also_names_kfc_restaurants(self) -> None:
        assert extract_business_units("kfc delivery") == ["KFC Delivery", "KFC Restaurants"]

    def test_longest_alias_first_decides_the_order(self) -> None:
        assert extract_business_units("oishi green tea and beer") == [
            "Oishi Beverages",
            "Oishi Restaurants",
            "Beer & Spirits",
        ]

    def test_canonical_names_match_and_deduplicate(self) -> None:
        assert extract_business_units("beer & spirits") == ["Beer & Spirits"]
        assert extract_business_units("kfc loyalty") == ["KFC Loyalty", "KFC Restaurants"]

    def test_wholesale_is_a_business_unit_and_a_category(self) -> None:
        assert extract_business_units("wholesale") == ["Corporate & Events"]
        assert extract_categories("wholesale") == ["Corporate & Bulk Orders"]

    def test_banking_names_are_not_vocabulary(self) -> None:
        assert extract_business_units("filter to bu credit cards") == []


class TestChannels:
    @pytest.mark.parametrize(
        ("text", "channels"),
        [
            ("phone calls", ["phone"]),
            ("by email or mail", ["email"]),
            ("line", ["line"]),
            ("chat and website", ["web"]),
            ("online", []),
            ("emailing", []),
            ("web, phone", ["phone", "web"]),
        ],
    )
    def test_whole_word_aliases(self, text: str, channels: list[str]) -> None:
        assert extract_channels(text) == channels


class TestCategories:
    def test_substrings_match(self) -> None:
        assert extract_categories("apply") == ["App & Technical"]
        assert extract_categories("what's happening") == ["App & Technical"]

    def test_longest_alias_first(self) -> None:
        assert extract_categories("late delivery app crash") == [
            "Delivery Problems",
            "App & Technical",
        ]


class TestSeverities:
    def test_indicator_order_decides_the_list(self) -> None:
        assert extract_severities("urgent") == ["high", "critical"]
        assert extract_severities("critical high") == ["critical", "high"]
        assert extract_severities("minor and serious") == ["high", "critical", "low"]

    def test_whole_words_only(self) -> None:
        assert extract_severities("highway lowest") == []


class TestFlags:
    def test_flags(self) -> None:
        assert extract_flags("urgent at-risk needs review escalate") == Flags(
            urgent=True, risk=True, needs_review=True, escalation=True
        )
        assert extract_flags("at risk") == Flags(False, True, False, False)
        assert extract_flags("reviewer risks") == Flags(False, False, False, False)


class TestTimeRange:
    def test_last_n_days_starts_at_local_midnight(self) -> None:
        window = extract_time_range("past 30 days", NOW_MS)
        assert window == TimeRange("Last 30 days", datetime_to_ms_iso("2025-12-16"), NOW_MS)

    def test_one_day_keeps_the_plural(self) -> None:
        window = extract_time_range("last 1 day", NOW_MS)
        assert window is not None and window.label == "Last 1 days"

    def test_leading_zeros(self) -> None:
        window = extract_time_range("last 007 days", NOW_MS)
        assert window is not None and window.label == "Last 7 days"

    def test_today_needs_a_whole_word(self) -> None:
        assert extract_time_range("today", NOW_MS) == TimeRange(
            "Today", datetime_to_ms_iso("2026-01-15"), NOW_MS
        )
        assert extract_time_range("this afternoon", NOW_MS) is not None
        assert extract_time_range("todays", NOW_MS) is None

    def test_yesterday_ends_at_the_last_millisecond(self) -> None:
        window = extract_time_range("yesterday", NOW_MS)
        assert window is not None
        assert window.start_ms is not None
        assert iso_from_ms(window.start_ms) == "2026-01-14T00:00:00.000Z"
        assert iso_from_ms(window.end_ms) == "2026-01-14T23:59:59.999Z"

    @pytest.mark.parametrize("text", ["last week", "pastweek", "this week", "past 7days"])
    def test_week_phrases(self, text: str) -> None:
        window = extract_time_range(text, NOW_MS)
        assert window is not None and window.label == "Last 7 days"
        assert window.start_ms == datetime_to_ms_iso("2026-01-08")

    @pytest.mark.parametrize("text", ["last month", "this month", "past month"])
    def test_month_phrases(self, text: str) -> None:
        window = extract_time_range(text, NOW_MS)
        assert window == TimeRange("Last 30 days", datetime_to_ms_iso("2025-12-16"), NOW_MS)

    def test_no_quarter_rule(self) -> None:
        assert extract_time_range("last quarter", NOW_MS) is None

    def test_days_before_the_javascript_date_range_have_no_start(self) -> None:
        # new Date(...).setDate() turns Invalid past -8.64e15 ms.
        latest_valid = extract_time_range("last 100020468 days", NOW_MS)
        assert latest_valid is not None and latest_valid.start_ms is not None
        assert iso_from_ms(latest_valid.start_ms) == "-271821-04-20T00:00:00.000Z"
        too_far = extract_time_range("last 100020469 days", NOW_MS)
        assert too_far == TimeRange("Last 100020469 days", None, NOW_MS)

    def test_huge_numbers_print_like_javascript(self) -> None:
        window = extract_time_range("last 1" + "0" * 21 + " days", NOW_MS)
        assert window == TimeRange("Last 1e+21 days", None, NOW_MS)
        window = extract_time_range("last " + "9" * 5000 + " days", NOW_MS)
        assert window == TimeRange("Last Infinity days", None, NOW_MS)


class TestTopics:
    @pytest.mark.parametrize(
        ("message", "topics"),
        [
            ("Find cases about late delivery", ["late"]),
            ("look for xyzzy-nonexistent", ["look", "xyzzy-nonexistent"]),
            ("search for discount code", ["code"]),
            ("cases related to food poisoning in Oishi", []),
            ("Find cases about refunds from yesterday", ["refunds", "from"]),
            ('refunds!! 2024 a_b_c "quoted" ok', ["refunds", "a_b_c", "quoted"]),
            ("beer & spirits", []),
            ("สวัสดีครับ มีเคสอะไรบ้าง", []),
            ("shows Shows showing", ["shows", "showing"]),
            ("colonel's club points", []),
            ("wait\u2028time\ufeffstaff", ["wait", "time"]),
        ],
    )
    def test_topics(self, message: str, topics: list[str]) -> None:
        assert extract_topics(message) == topics

    @given(st.text())
    def test_topics_are_plain_words(self, message: str) -> None:
        for topic in extract_topics(message):
            assert len(topic) > 2 and not topic.isdigit()
            assert all(c.isascii() and (c.isalnum() or c in "_-") for c in topic)


class TestExtractEntities:
    def test_everything_at_once(self) -> None:
        entities = extract_entities("apply filter for phone calls in the past 30 days", NOW_MS)
        assert entities.business_units == []
        assert entities.channels == ["phone"]
        assert entities.categories == ["App & Technical"]
        assert entities.time_range is not None and entities.time_range.label == "Last 30 days"
        assert entities.topics == ["apply"]
