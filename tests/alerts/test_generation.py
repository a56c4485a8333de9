"""Alert generation rules, texts and orderings, over light case rows."""

from __future__ import annotations

from itertools import count

from control_tower.alerts.generation import (
    WINDOWS,
    AlertCase,
    alert_json,
    detect_misclassified,
    detect_spikes,
    detect_threshold_violations,
    detect_urgent,
    generate_alerts,
    misclassification_alerts,
    spike_alerts,
    threshold_alerts,
    urgency_alerts,
)
from control_tower.core.clock import HOUR_MS, iso_from_ms, ms_from_iso

NOW = ms_from_iso("2026-01-15T10:05:00.000Z")
DAILY, HOURLY, WEEKLY = WINDOWS["daily"], WINDOWS["hourly"], WINDOWS["weekly"]
_seq = count(1)


def cases(
    n: int,
    *,
    unit: str = "KFC Delivery",
    category: str = "App & Technical",
    severity: str = "medium",
    summary: str = "nothing to see",
    hours_ago: float = 1,
) -> list[AlertCase]:
    at = iso_from_ms(NOW - int(hours_ago * HOUR_MS))
    made = []
    for _ in range(n):
        seq = next(_seq)
        made.append(AlertCase(seq, f"case-{seq}", unit, category, severity, summary, at))
    return made


class TestSpikes:
    def test_fires_above_one_and_a_half_times_the_baseline(self) -> None:
        rows = cases(19) + cases(10, hours_ago=30)
        (spike,) = detect_spikes(rows, DAILY, NOW)
        assert (spike.current_count, spike.baseline_count, spike.percentage_change) == (19, 10, 90)
        assert spike.severity == "medium"

    def test_exactly_one_and_a_half_times_does_not_fire(self) -> None:
        assert detect_spikes(cases(15) + cases(10, hours_ago=30), DAILY, NOW) == []

    def test_baseline_below_five_is_ignored(self) -> None:
        assert detect_spikes(cases(40) + cases(4, hours_ago=30), DAILY, NOW) == []

    def test_severity_by_growth(self) -> None:
        def severity(current: int) -> str:
            (spike,) = detect_spikes(cases(current) + cases(10, hours_ago=30), DAILY, NOW)
            return spike.severity

        assert [severity(n) for n in (16, 17, 20, 30)] == ["low", "medium", "high", "critical"]

    def test_groups_per_unit_and_category_largest_growth_first(self) -> None:
        rows = (
            cases(19, unit="KFC Delivery")
            + cases(10, unit="KFC Delivery", hours_ago=30)
            + cases(25, unit="Beer & Spirits", category="Promotions & Pricing")
            + cases(15, unit="Beer & Spirits", category="Promotions & Pricing", hours_ago=30)
        )
        spikes = detect_spikes(rows, DAILY, NOW)
        assert [s.business_unit for s in spikes] == ["KFC Delivery", "Beer & Spirits"]
        (first, second) = spike_alerts(spikes, DAILY, NOW, 42)
        assert first["id"] == "alert-spike-42-0"
        assert first["title"] == "KFC Delivery: App & Technical +90% vs previous 24 hours"
        assert first["description"] == (
            "App & Technical case volume in KFC Delivery increased by 90% in the last 24 hours. "
            "Current: 19 cases (baseline: 10)."
        )
        assert second["title"] == "Beer & Spirits: Promotions & Pricing +67% vs previous 24 hours"
        assert second["percentage_change"] == 66.66666666666666
        assert (second["baseline_value"], second["current_value"]) == (15, 25)

    def test_window_bounds_exclude_now_and_include_the_start(self) -> None:
        current = cases(8, hours_ago=24) + cases(5, hours_ago=0)  # at now: excluded
        baseline = cases(5, hours_ago=48) + cases(5, hours_ago=48.5)  # before the baseline
        (spike,) = detect_spikes(current + baseline, DAILY, NOW)
        assert (spike.current_count, spike.baseline_count) == (8, 5)

    def test_weekly_texts_say_hours(self) -> None:
        rows = cases(30, hours_ago=10) + cases(10, hours_ago=200)
        (alert,) = spike_alerts(detect_spikes(rows, WEEKLY, NOW), WEEKLY, NOW, 1)
        assert alert["title"].endswith("+200% vs last week")
        assert "in the last 168 hours" in alert["description"]


class TestThresholds:
    def test_fires_above_the_daily_limit_with_severity_by_ratio(self) -> None:
        rows = (
            cases(101, unit="A")
            + cases(150, unit="B")
            + cases(200, unit="C")
            + cases(300, unit="D")
            + cases(100, unit="E")
        )
        found = detect_threshold_violations(rows, DAILY, NOW)
        assert [(v.business_unit, v.severity) for v in found] == [
            ("D", "critical"),
            ("C", "high"),
            ("B", "medium"),
            ("A", "low"),
        ]

    def test_texts_say_one_days_and_the_excess(self) -> None:
        violations = detect_threshold_violations(cases(170, unit="Cards"), DAILY, NOW)
        (alert,) = threshold_alerts(violations, DAILY, NOW, 7)
        assert alert["id"] == "alert-threshold-7-0"
        assert alert["title"] == "High volume: 170 cases in Cards"
        assert alert["description"] == (
            "Case volume in Cards has exceeded the threshold. Current: 170 cases in the last "
            "1 days (threshold: 100, +70 cases / +70% over limit)."
        )
        assert (alert["baseline_value"], alert["current_value"], alert["percentage_change"]) == (
            100,
            170,
            70,
        )
        assert alert["category"] is None

    def test_hourly_and_weekly_limits_and_unit_overrides(self) -> None:
        assert detect_threshold_violations(cases(21, hours_ago=1), HOURLY, NOW)
        assert not detect_threshold_violations(cases(21, unit="Customer Service"), HOURLY, NOW)
        (alert,) = threshold_alerts(
            detect_threshold_violations(cases(501, hours_ago=100), WEEKLY, NOW), WEEKLY, NOW, 1
        )
        assert "in the last 7 days (threshold: 500" in alert["description"]
        (hourly,) = threshold_alerts(
            detect_threshold_violations(cases(26, unit="Technical Support"), HOURLY, NOW),
            HOURLY,
            NOW,
            1,
        )
        assert (
            "in the last 4 hours (threshold: 25, +1 cases / +4% over limit)"
            in (hourly["description"])
        )


class TestUrgency:
    def test_substring_keywords_on_high_and_critical_cases(self) -> None:
        rows = (
            cases(1, unit="Support", severity="critical", summary="Food safety emergency")
            + cases(1, unit="Support", severity="medium", summary="safety lawsuit")
            + cases(1, unit="Oishi", severity="high", summary="Stomach issues after meal")
        )
        groups = detect_urgent(rows, DAILY, NOW)
        assert [(g.business_unit, g.severity, g.matched_keywords) for g in groups] == [
            ("Support", "critical", ["safety", "emergency"]),
            ("Oishi", "high", ["sue"]),
        ]

    def test_texts_singular_and_plural(self) -> None:
        one = detect_urgent(cases(1, unit="Support", severity="high", summary="urgent"), DAILY, NOW)
        (alert,) = urgency_alerts(one, DAILY, NOW, 3)
        assert alert["title"] == "Urgent: 1 high-risk case detected in Support"
        assert alert["description"] == (
            "1 high-severity case in Support contains risk indicators in the last 1 days. "
            "Keywords detected: urgent. Immediate review recommended."
        )
        two = detect_urgent(cases(2, unit="Support", severity="high", summary="harm"), DAILY, NOW)
        (alert,) = urgency_alerts(two, DAILY, NOW, 3)
        assert alert["title"] == "Urgent: 2 high-risk cases detected in Support"
        assert alert["description"].startswith("2 high-severity cases in Support contain risk")
        assert (alert["baseline_value"], alert["current_value"]) == (None, 2)

    def test_five_cases_are_critical_and_extra_keywords_are_counted(self) -> None:
        summary = "safety legal threat injury hazard accident"
        (group,) = detect_urgent(cases(5, severity="high", summary=summary), DAILY, NOW)
        assert group.severity == "critical"
        (alert,) = urgency_alerts([group], DAILY, NOW, 1)
        assert (
            "Keywords detected: safety, legal, threat, injury, hazard (+1 more)."
            in (alert["description"])
        )

    def test_critical_cases_are_walked_before_high_ones(self) -> None:
        rows = cases(1, unit="B", severity="high", summary="harm") + cases(
            1, unit="A", severity="critical", summary="legal"
        )
        groups = detect_urgent(rows, DAILY, NOW)
        assert [g.business_unit for g in groups] == ["A", "B"]


class TestMisclassification:
    def test_low_and_medium_cases_with_wider_keywords(self) -> None:
        rows = cases(4, unit="Oishi Restaurants", severity="low", summary="Stomach issues") + cases(
            1, unit="Cards", severity="medium", summary="Refund please"
        )
        groups = detect_misclassified(rows, DAILY, NOW)
        assert [(g.business_unit, g.case_count, g.severity) for g in groups] == [
            ("Oishi Restaurants", 4, "medium"),
            ("Cards", 1, "medium"),
        ]
        first, second = misclassification_alerts(groups, DAILY, NOW, 9)
        assert first["title"] == (
            "Review needed: 4 potentially misclassified cases in Oishi Restaurants"
        )
        assert first["description"] == (
            "4 low-severity cases in Oishi Restaurants contain risk indicators that may warrant "
            "reclassification. Found in the last 1 days. Keywords detected: sue. Review "
            "recommended to ensure proper severity assignment."
        )
        assert second["description"].startswith("1 low-severity case in Cards contains risk")

    def test_injury_or_five_cases_make_it_high(self) -> None:
        (group,) = detect_misclassified(
            cases(1, severity="low", summary="minor injury"), DAILY, NOW
        )
        assert group.severity == "high"
        (group,) = detect_misclassified(cases(5, severity="low", summary="manager"), DAILY, NOW)
        assert group.severity == "high"


class TestGenerateAlerts:
    def test_rows_in_the_originals_insertion_order(self) -> None:
        rows = (
            cases(19)
            + cases(10, hours_ago=30)
            + cases(101, unit="Cards", summary="refund")
            + cases(1, unit="Support", severity="critical", summary="emergency")
        )
        generated = generate_alerts(rows, DAILY, NOW, id_ms=5)
        assert [row["id"] for row in generated.rows] == [
            "alert-threshold-5-0",
            "alert-urgency-5-0",
            "alert-misclass-5-0",
            "alert-spike-5-0",
        ]
        assert len(generated) == 4
        assert {row["created_at"] for row in generated.rows} == {iso_from_ms(NOW)}

    def test_alert_json_is_the_api_shape(self) -> None:
        (row,) = generate_alerts(cases(101, unit="Cards"), DAILY, NOW).rows
        body = alert_json(row)
        assert list(body) == [
            "id", "type", "severity", "title", "description", "businessUnit", "category",
            "channel", "baselineValue", "currentValue", "percentageChange", "status",
            "acknowledgedBy", "acknowledgedAt", "createdAt", "updatedAt",
        ]  # fmt: skip
        assert body["status"] == "active"
        assert body["id"] == f"alert-threshold-{NOW}-0"
