"""Reply texts, quirks included."""

from __future__ import annotations

import math

import pytest

from control_tower.chat import messages
from control_tower.chat.entities import Entities, Flags, TimeRange
from control_tower.chat.messages import Summary, TrendLine

NO_FLAGS = Flags(urgent=False, risk=False, needs_review=False, escalation=False)


def entities(**changes: object) -> Entities:
    values: dict[str, object] = {
        "business_units": [],
        "channels": [],
        "severities": [],
        "categories": [],
        "time_range": None,
        "topics": [],
        "flags": NO_FLAGS,
    }
    values.update(changes)
    return Entities(**values)  # type: ignore[arg-type]


class TestTrends:
    def test_leading_topic(self) -> None:
        lines = [TrendLine("Crystal Water Delivery Service", 90, 75.0), TrendLine("b", 1, 2)]
        assert messages.trends(lines) == (
            "Here are the top 2 trending topics. **Crystal Water Delivery Service** is "
            "leading with 90 cases (+75%)."
        )

    def test_one_topic_still_says_topics(self) -> None:
        assert messages.trends([TrendLine("delivery", 9, 350)]).startswith(
            "Here are the top 1 trending topics."
        )

    @pytest.mark.parametrize(
        ("percent", "text"),
        [
            (433.3333333333333, "+433%"),
            (2.5, "+3%"),
            (-2.5, "+-2%"),
            (-0.4, "+0%"),
            (None, "+0%"),
            (math.inf, "+Infinity%"),
            (1e21, "+1e+21%"),
        ],
    )
    def test_percent_is_math_round(self, percent: float | None, text: str) -> None:
        assert f"cases ({text})." in messages.trends([TrendLine("t", 1, percent)])

    def test_none(self) -> None:
        assert messages.trends([]) == (
            "I don't see any significant trending topics right now. "
            "The case volume appears stable across all categories."
        )


class TestFoundCases:
    def test_plural_and_topics(self) -> None:
        assert messages.found_cases(5, ["look", "xyzzy-nonexistent"], "x") == (
            "Found **5 cases** matching look, xyzzy-nonexistent. Here are the most recent:"
        )

    def test_singular_without_topics(self) -> None:
        assert messages.found_cases(1, [], "x") == (
            "Found **1 case** matching your criteria. Here are the most recent:"
        )

    def test_nothing_quotes_the_raw_message(self) -> None:
        assert messages.found_cases(0, ["a"], ' Find "it" ') == (
            'I couldn\'t find any cases matching " Find "it" ". '
            "Try adjusting your search terms or filters."
        )


class TestUrgent:
    def test_both(self) -> None:
        assert messages.urgent(14, 1) == (
            "🚨 **14 critical** items and **1 high priority** need attention."
        )

    def test_critical_only_has_a_double_space(self) -> None:
        assert messages.urgent(1, 0) == "🚨 **1 critical** item  need attention."
        assert messages.urgent(3, 0) == "🚨 **3 critical** items  need attention."

    def test_high_only(self) -> None:
        assert messages.urgent(0, 1) == "🚨 **1 high priority** item need attention."
        assert messages.urgent(0, 2) == "🚨 **2 high priority** items need attention."

    def test_none(self) -> None:
        assert messages.urgent(0, 0) == (
            "Good news! There are no urgent cases or alerts requiring immediate attention "
            "right now."
        )


class TestSummary:
    def test_reference_summary(self) -> None:
        text = messages.summary(
            Summary([], 131, 51, 7, 51, TrendLine("Crystal Water Delivery Service", 90, 75.0))
        )
        assert text == (
            "📊 **Today's Summary**\n\n• **131** cases today (+51% from yesterday)\n"
            "• **7** active alerts\n• **51** urgent cases requiring attention\n"
            "• Top trending: **Crystal Water Delivery Service** (+75%)"
        )

    def test_units_singulars_and_a_drop(self) -> None:
        text = messages.summary(Summary(["KFC Delivery", "KFC Restaurants"], 1, -7, 1, 1, None))
        assert text == (
            "📊 **Today's Summary for KFC Delivery, KFC Restaurants**\n\n"
            "• **1** cases today (-7% from yesterday)\n• **1** active alert\n"
            "• **1** urgent case requiring attention"
        )

    def test_no_change(self) -> None:
        text = messages.summary(Summary([], 0, 0, 0, 0, TrendLine("t", 0, None)))
        assert "• **0** cases today (same as yesterday)\n• **0** active alerts\n" in text
        assert text.endswith("• Top trending: **t** (+0%)")


class TestFilters:
    def test_every_part_in_order(self) -> None:
        found = entities(
            business_units=["Beer & Spirits", "KFC Delivery"],
            channels=["phone", "web"],
            severities=["high", "critical"],
            categories=["App & Technical"],
            time_range=TimeRange("Today", 0, 1),
            flags=Flags(urgent=True, risk=True, needs_review=True, escalation=True),
        )
        assert messages.filters_applied(messages.filter_parts(found)) == (
            "✅ Applied filters:\n• **BU**: Beer & Spirits, KFC Delivery\n"
            "• **Channel**: phone, web\n• **Severity**: high, critical\n"
            "• **Category**: App & Technical\n• **Time**: Today\n• **Urgent only**\n"
            "• **At-risk cases**\n• **Needs review**\n\n"
            "The view will update to show matching results."
        )

    def test_nothing_recognised(self) -> None:
        assert messages.filter_parts(entities()) == []
        assert messages.filters_applied([]) == (
            "I couldn't identify any specific filters to apply. Try saying something like:\n"
            '• "Filter to BU Credit Cards"\n• "Show only phone channel"\n'
            '• "Filter to last 7 days"'
        )

    def test_filter_state_key_order_and_time_range(self) -> None:
        state = messages.filter_state(
            entities(channels=["line"], time_range=TimeRange("Last 30 days", 0, 1000))
        )
        assert list(state) == [
            "businessUnits",
            "channels",
            "severities",
            "categories",
            "timeRange",
            "flags",
        ]
        assert state["timeRange"] == {
            "label": "Last 30 days",
            "start": "1970-01-01T00:00:00.000Z",
            "end": "1970-01-01T00:00:01.000Z",
        }
        assert state["flags"] == {"urgent": False, "risk": False, "needsReview": False}

    def test_filter_state_without_time_range(self) -> None:
        assert "timeRange" not in messages.filter_state(entities(channels=["line"]))


class TestGeneral:
    def test_help_text(self) -> None:
        assert messages.general("   ") == (
            'I\'m not sure how to help with "   ". Here are some things I can do:\n\n'
            '• **Ask about trends**: "What\'s trending?" or "Show top topics"\n'
            '• **Find cases**: "Find cases about refunds" or "Search for payment issues"\n'
            '• **Show urgent items**: "Show urgent cases" or "What needs attention?"\n'
            '• **Get a summary**: "What\'s happening today?" or "Give me an update"\n'
            '• **Apply filters**: "Filter to BU Credit Cards" or "Show last 7 days"'
        )


class TestJsText:
    @pytest.mark.parametrize(
        ("value", "text"),
        [(None, "null"), (True, "true"), (5, "5"), (5.0, "5"), (0.1, "0.1"), ("x", "x")],
    )
    def test_template_literal_text(self, value: object, text: str) -> None:
        assert messages.js_text(value) == text
