"""Trend math, trending topics, predicted risks and topic detail over case lists."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from control_tower.core.clock import DAY_MS, HOUR_MS, iso_from_ms, ms_from_iso
from control_tower.trending.analysis import (
    CaseData,
    CaseList,
    CaseListSource,
    LocalDays,
    Trend,
    TrendingTopic,
    acceleration,
    breakdown,
    consecutive_rise,
    days_to_threshold,
    percent_change,
    predicted_risks_for_window,
    predictions_for_topic,
    topic_detail,
    trend_direction,
    trend_score,
    trending_topics,
)
from control_tower.trending.jsmath import js_log, js_string, slice_end

NOW = ms_from_iso("2026-01-15T10:05:00.000Z")
COUNTS = st.integers(min_value=0, max_value=10_000)


def case(n: int, summary: str, at_ms: int, unit: str = "Unit A", category: str = "Cat") -> CaseData:
    return CaseData(f"case-{n}", summary, unit, category, iso_from_ms(at_ms))


def cases_with(summary: str, count: int, at_ms: int, first: int = 0, **kw: str) -> list[CaseData]:
    return [case(first + i, summary, at_ms, **kw) for i in range(count)]


class TestJsMath:
    def test_log_matches_v8_where_libm_differs(self) -> None:
        # Values printed by node's Math.log; Python's math.log gives ...098 for 3.
        assert js_log(3) == 1.0986122886681096
        assert js_log(48) == 3.8712010109078907
        assert js_log(1) == 0.0
        assert js_log(0) == -math.inf
        assert math.isnan(js_log(-1))

    def test_slice_end_follows_array_slice(self) -> None:
        assert slice_end(5, 2) == 2
        assert slice_end(5, 10) == 5
        assert slice_end(5, -1) == 4
        assert slice_end(5, -10) == 0
        assert slice_end(5, None) == 0
        assert slice_end(5, 0) == 0

    def test_js_string_of_json_values(self) -> None:
        assert js_string(3) == "3"
        assert js_string(5.7) == "5.7"
        assert js_string(True) == "true"
        assert js_string([3, [4]]) == "3,4"
        assert js_string({"a": 1}) == "[object Object]"
        assert js_string(10**22) == "1e+22"


class TestTrendMath:
    def test_new_term_counts_as_plus_100_percent(self) -> None:
        assert percent_change(4, 0) == 100
        assert percent_change(0, 0) == 0

    def test_percent_change_is_a_raw_float(self) -> None:
        assert percent_change(16, 3) == 433.3333333333333

    def test_score_of_a_new_term_has_no_velocity_bonus(self) -> None:
        assert trend_score(16, 0) == 283.3213344056216
        assert trend_score(9, 4) == 431.73470493638354

    def test_growth_from_one_outscores_a_brand_new_term(self) -> None:
        assert trend_score(5, 1) > trend_score(5, 0)

    def test_direction_thresholds(self) -> None:
        assert trend_direction(10.0001) == "rising"
        assert trend_direction(10) == "stable"
        assert trend_direction(-10) == "stable"
        assert trend_direction(-10.5) == "declining"

    @given(COUNTS, COUNTS)
    def test_score_is_never_above_the_cap_nor_negative(self, current: int, baseline: int) -> None:
        assert 0 <= trend_score(current, baseline) <= 1000

    @given(COUNTS, COUNTS)
    def test_score_is_zero_when_not_growing(self, current: int, baseline: int) -> None:
        if current <= baseline:
            assert trend_score(current, baseline) == 0

    @given(COUNTS, COUNTS, st.integers(min_value=1, max_value=1000))
    def test_score_never_falls_as_the_current_count_grows(
        self, current: int, baseline: int, more: int
    ) -> None:
        assert trend_score(current + more, baseline) >= trend_score(current, baseline)


class TestTrendingTopics:
    def test_capped_terms_rank_in_first_seen_order(self) -> None:
        day_ago = NOW - DAY_MS
        current = cases_with("zeta alpha", 6, NOW - HOUR_MS)
        baseline = [case(100, "zeta alpha", day_ago - HOUR_MS)]
        topics = trending_topics(CaseList(current), CaseList(baseline), 5)
        assert [t.trend.term for t in topics] == ["zeta", "alpha", "zeta alpha"]
        assert all(t.trend.trend_score == 1000 for t in topics)

    def test_only_rising_terms_seen_five_times(self) -> None:
        current = cases_with("steady", 5, NOW) + cases_with("rare", 4, NOW, first=10)
        baseline = cases_with("steady", 5, NOW - DAY_MS, first=20)
        assert trending_topics(CaseList(current), CaseList(baseline), 5) == []

    def test_units_and_samples_come_from_matching_current_cases(self) -> None:
        current = [
            case(1, "late delivery", NOW, unit="KFC"),
            case(2, "other thing", NOW, unit="Beer"),
            case(3, "delivery late again", NOW, unit="Oishi"),
            case(4, "late delivery", NOW, unit="KFC"),
            case(5, "late delivery", NOW, unit="Beer"),
            case(6, "delivery", NOW, unit="KFC"),
        ]
        (topic,) = [
            t
            for t in trending_topics(CaseList(current), CaseList([]), 10)
            if t.trend.term == "delivery"
        ]
        assert topic.impacted_units == ["KFC", "Oishi", "Beer"]
        assert [c.id for c in topic.sample_cases] == ["case-1", "case-3", "case-4"]

    def test_limit_follows_slice_semantics(self) -> None:
        current = cases_with("one two three", 5, NOW)
        lists = (CaseList(current), CaseList([]))
        assert len(trending_topics(*lists, 2)) == 2
        assert len(trending_topics(*lists, -1)) == 4
        assert trending_topics(*lists, None) == []

    def test_wire_shape(self) -> None:
        topic = TrendingTopic(Trend.of("late", 6, 1), ["KFC"], [case(1, "late", NOW)])
        assert list(topic.to_json()) == [
            "term", "currentCount", "baselineCount", "percentChange", "trendScore",
            "direction", "impactedBUs", "sampleCases",
        ]  # fmt: skip


class TestPredictionRules:
    def test_consecutive_rise_counts_days_spanned(self) -> None:
        assert consecutive_rise([1, 2, 3, 4]) == (True, 4)
        assert consecutive_rise([5, 1, 2]) == (False, 2)
        assert consecutive_rise([3, 1, 2, 3]) == (True, 3)
        assert consecutive_rise([1, 2]) == (False, 0)

    def test_acceleration_compares_the_last_two_day_pairs(self) -> None:
        growth = acceleration([2, 2, 4, 11])
        assert growth.accelerating
        assert growth.growth_rate == 175
        assert growth.projected_count == 30

    def test_acceleration_needs_more_than_20_percent(self) -> None:
        assert not acceleration([10, 10, 10, 12]).accelerating
        assert not acceleration([1, 2, 3]).accelerating

    def test_projected_count_can_fall_below_the_window_count(self) -> None:
        assert acceleration([0, 4, 4, 7]).projected_count == 12

    def test_days_to_threshold(self) -> None:
        assert days_to_threshold(26, 75, 30) == 1
        assert days_to_threshold(85, 10, 100) == 2
        assert days_to_threshold(85, 0, 100) is None
        assert days_to_threshold(100, 50, 100) is None

    def _topic(self, count: int) -> TrendingTopic:
        return TrendingTopic(Trend.of("late", count, 1), ["KFC"], [])

    def test_consecutive_increase_prediction(self) -> None:
        (found,) = predictions_for_topic(self._topic(6), [0, 1, 2, 3, 4], 100, NOW)
        assert found["type"] == "consecutive_increase"
        assert found["severity"] == "high"
        assert found["consecutiveDays"] == 5
        assert found["explanation"] == (
            '"late" has increased for 5 consecutive days, suggesting a sustained trend that '
            "may require attention."
        )
        assert list(found)[6:9] == ["currentCount", "consecutiveDays", "impactedBUs"]

    def test_approaching_threshold_with_days_to_threshold(self) -> None:
        found = predictions_for_topic(self._topic(26), [0, 4, 4, 7], 30, NOW)
        threshold = next(p for p in found if p["type"] == "approaching_threshold")
        assert threshold["severity"] == "low"
        assert threshold["daysToThreshold"] == 1
        assert threshold["explanation"].endswith(
            "(87% of threshold). At current rate, will trigger spike alert in ~1 days."
        )
        assert list(threshold)[6:10] == [
            "currentCount",
            "threshold",
            "daysToThreshold",
            "impactedBUs",
        ]

    def test_approaching_threshold_without_growth_omits_days(self) -> None:
        (found,) = predictions_for_topic(self._topic(96), [5, 5, 5, 5], 100, NOW)
        assert found["severity"] == "high"
        assert "daysToThreshold" not in found
        assert found["explanation"].endswith(
            "(96% of threshold). Monitor closely for potential spike."
        )

    def test_nan_threshold_disables_the_threshold_rule(self) -> None:
        assert predictions_for_topic(self._topic(90), [5, 5, 5, 5], None, NOW) == []

    def test_accelerating_growth_prediction(self) -> None:
        (found,) = predictions_for_topic(self._topic(11), [4, 4, 4, 11], 100, NOW)
        assert found["id"] == f"pred-accelerating_growth-late-{NOW}"
        assert found["explanation"] == (
            '"late" shows accelerating growth at 175% daily rate. Projected to reach 30 cases '
            "tomorrow if trend continues."
        )
        assert list(found)[6:9] == ["currentCount", "projectedCount", "growthRate"]

    def test_predictions_sorted_by_severity_then_count_and_limited(self) -> None:
        start = NOW - 3 * DAY_MS
        cases = []
        for day, count in enumerate([2, 2, 4, 11]):
            cases += cases_with("price hike", count, start + day * DAY_MS, first=100 * day)
        found = predicted_risks_for_window(cases, "24h", threshold=100, limit=10, now_ms=NOW)
        terms = ["price", "hike", "price hike"]
        assert [(p["term"], p["severity"]) for p in found] == [
            *((term, "high") for term in terms),
            *((term, "low") for term in terms),
        ]
        assert (
            predicted_risks_for_window(cases, "24h", threshold=100, limit=1, now_ms=NOW)[0]["term"]
            == "price"
        )
        assert predicted_risks_for_window(cases, "24h", threshold=100, limit=None, now_ms=NOW) == []


class TestTopicDetail:
    def test_breakdowns_order_by_count_then_object_key_order(self) -> None:
        counts = {"Zed": 2, "2": 1, "Alpha": 2, "10": 2}
        assert breakdown(counts, "category") == [
            {"category": "10", "count": 2},
            {"category": "Zed", "count": 2},
            {"category": "Alpha", "count": 2},
            {"category": "2", "count": 1},
        ]

    def test_unknown_topic_is_none(self) -> None:
        source = CaseListSource(cases_with("late delivery", 3, NOW))
        assert topic_detail("xyzzy", "xyzzy", source, "7d", NOW) is None
        assert topic_detail("a b c", "a b c", source, "7d", NOW) is None

    def test_detail_counts_days_and_samples(self) -> None:
        cases = cases_with("late delivery", 2, NOW - 9 * DAY_MS) + cases_with(
            "late delivery", 3, NOW - HOUR_MS, first=10, unit="KFC", category="Delivery"
        )
        detail = topic_detail("Late!", "late", CaseListSource(cases), "7d", NOW)
        assert detail is not None
        assert detail["metrics"]["currentCount"] == 3
        assert detail["metrics"]["baselineCount"] == 2
        assert detail["impactedBUs"] == ["KFC"]
        assert detail["dailyTrend"][-1] == {"date": "2026-01-15", "count": 3}
        assert detail["dailyTrend"][4] == {"date": "2026-01-06", "count": 2}
        assert len(detail["dailyTrend"]) == 14
        assert detail["categoryBreakdown"] == [{"category": "Delivery", "count": 3}]
        assert [c["id"] for c in detail["sampleCases"]] == ["case-10", "case-11", "case-12"]


class TestLocalDays:
    def test_days_are_local_midnight_to_end_of_day(self) -> None:
        days = LocalDays.ending_at(NOW, 2)
        assert days.starts == ["2026-01-14T00:00:00.000Z", "2026-01-15T00:00:00.000Z"]
        assert days.ends == ["2026-01-14T23:59:59.999Z", "2026-01-15T23:59:59.999Z"]
        assert days.counts(
            ["2026-01-13T23:59:59.999Z", "2026-01-14T00:00:00.000Z", "2026-01-15T12:00:00.000Z"]
        ) == [1, 1]
