"""Pulse rules: KPI formulas and statuses, day buckets, and the counts behind them."""

from __future__ import annotations

import time
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from control_tower.core.clock import (
    iso_from_ms,
    local_end_of_day_ms,
    local_midnight_ms,
    ms_from_iso,
)
from control_tower.pulse import repository, service
from control_tower.pulse.repository import PulseCounts
from tests.pulse.conftest import add_alerts, add_cases, alert_row, case_row
from tests.support.sessions import use_zone

NOW = ms_from_iso("2026-01-15T10:05:00.000Z")  # a Thursday
ZONES = ["UTC", "Asia/Bangkok", "America/New_York"]


def counts(**overrides: int) -> PulseCounts:
    values = {
        "today": 0,
        "yesterday": 0,
        "open": 0,
        "open_before_today": 0,
        "urgent_open": 0,
        "urgent_open_before_today": 0,
        "resolved": 0,
        "total": 0,
        "active_alerts": 0,
    }
    values.update(overrides)
    return PulseCounts(**values)


class TestPercentChange:
    def test_rounds_the_percentage(self) -> None:
        assert service.percent_change(131, 87) == 51

    def test_zero_previous_counts_as_one(self) -> None:
        assert service.percent_change(5, 0) == 400

    def test_both_zero_is_minus_one_hundred(self) -> None:
        assert service.percent_change(0, 0) == -100

    def test_negative_half_rounds_toward_positive_infinity(self) -> None:
        assert service.percent_change(197, 200) == -1  # -1.5; Python's round() gives -2

    def test_positive_half_rounds_up(self) -> None:
        assert service.percent_change(205, 200) == 3  # 2.5; Python's round() gives 2

    def test_float_error_below_a_half_rounds_down(self) -> None:
        assert service.percent_change(193, 200) == -4  # (-7/200)*100 = -3.5000000000000004


class TestResolutionRate:
    def test_one_decimal(self) -> None:
        assert service.resolution_rate(545, 1000) == 54.5

    def test_half_of_a_tenth_rounds_up(self) -> None:
        assert service.resolution_rate(1, 16) == 6.3  # 6.25; Python's round() gives 6.2

    def test_zero_cases_count_as_one(self) -> None:
        assert service.resolution_rate(0, 0) == 0

    def test_repeating_fraction(self) -> None:
        assert service.resolution_rate(1, 3) == 33.3


class TestStatusRules:
    @pytest.mark.parametrize(
        ("change", "status"),
        [(21, "red"), (20, "yellow"), (1, "yellow"), (0, "green"), (-5, "green")],
    )
    def test_cases_today(self, change: int, status: str) -> None:
        assert service.cases_today_status(change) == status

    @pytest.mark.parametrize(
        ("change", "status"), [(11, "red"), (10, "yellow"), (1, "yellow"), (0, "green")]
    )
    def test_open_cases(self, change: int, status: str) -> None:
        assert service.open_cases_status(change) == status

    @pytest.mark.parametrize(
        ("value", "status"), [(51, "red"), (50, "yellow"), (21, "yellow"), (20, "green")]
    )
    def test_critical_uses_the_value(self, value: int, status: str) -> None:
        assert service.critical_status(value) == status

    @pytest.mark.parametrize(
        ("rate", "status"), [(90.0, "green"), (89.9, "yellow"), (70.0, "yellow"), (69.9, "red")]
    )
    def test_resolution_rate(self, rate: float, status: str) -> None:
        assert service.resolution_status(rate) == status

    @pytest.mark.parametrize(
        ("value", "status"), [(11, "red"), (10, "yellow"), (6, "yellow"), (5, "green")]
    )
    def test_active_alerts(self, value: int, status: str) -> None:
        assert service.active_alerts_status(value) == status


class TestBuildKpis:
    def test_reference_numbers(self) -> None:
        kpis = service.build_kpis(
            counts(
                today=131,
                yesterday=87,
                open=974,
                open_before_today=910,
                urgent_open=465,
                urgent_open_before_today=443,
                resolved=1165,
                total=2139,
                active_alerts=7,
            )
        )
        assert kpis == {
            "totalCasesToday": {
                "value": 131,
                "change": 51,
                "changeLabel": "vs yesterday",
                "status": "red",
            },
            "openCases": {
                "value": 974,
                "change": 7,
                "changeLabel": "vs yesterday",
                "status": "yellow",
            },
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
        assert list(kpis["totalCasesToday"]) == ["value", "change", "changeLabel", "status"]
        assert list(kpis["activeAlerts"]) == ["value", "status"]

    def test_empty_database(self) -> None:
        kpis = service.build_kpis(counts())
        assert kpis["totalCasesToday"]["change"] == -100
        assert kpis["totalCasesToday"]["status"] == "green"
        assert kpis["resolutionRate"]["value"] == "0%"
        assert kpis["resolutionRate"]["status"] == "red"

    def test_integral_rate_has_no_decimal(self) -> None:
        kpis = service.build_kpis(counts(resolved=3, total=5))
        assert kpis["resolutionRate"]["value"] == "60%"
        assert kpis["resolutionRate"]["status"] == "red"


async def original_pulse_counts(session: AsyncSession, now_ms: int) -> PulseCounts:
    """The original's separate counts, statement for statement."""
    t0 = iso_from_ms(local_midnight_ms(now_ms))
    y0 = iso_from_ms(local_midnight_ms(now_ms, 1))
    is_open = "(status = 'open' OR status = 'in_progress')"
    urgent = "(severity = 'high' OR severity = 'critical')"

    async def count(sql: str) -> int:
        return int((await session.execute(text(sql), {"t0": t0, "y0": y0})).scalar_one())

    return PulseCounts(
        today=await count("SELECT count(*) FROM cases WHERE created_at >= :t0"),
        yesterday=await count(
            "SELECT count(*) FROM cases WHERE created_at >= :y0 AND created_at < :t0"
        ),
        open=await count(f"SELECT count(*) FROM cases WHERE {is_open}"),
        open_before_today=await count(
            f"SELECT count(*) FROM cases WHERE {is_open} AND created_at < :t0"
        ),
        urgent_open=await count(f"SELECT count(*) FROM cases WHERE {urgent} AND {is_open}"),
        urgent_open_before_today=await count(
            f"SELECT count(*) FROM cases WHERE {urgent} AND {is_open} AND created_at < :t0"
        ),
        resolved=await count(
            "SELECT count(*) FROM cases WHERE status = 'resolved' OR status = 'closed'"
        ),
        total=await count("SELECT count(*) FROM cases"),
        active_alerts=await count("SELECT count(*) FROM alerts WHERE status = 'active'"),
    )


async def pulse_counts(session: AsyncSession, now_ms: int, scope: str | None = None) -> PulseCounts:
    return await repository.pulse_counts(
        session,
        today_start=iso_from_ms(local_midnight_ms(now_ms)),
        yesterday_start=iso_from_ms(local_midnight_ms(now_ms, 1)),
        scope=scope,
    )


class TestPulseCounts:
    @pytest.mark.parametrize("zone", ZONES)
    async def test_one_statement_equals_the_original_counts(
        self, reference_session: AsyncSession, zone: str
    ) -> None:
        with use_zone(zone):
            expected = await original_pulse_counts(reference_session, NOW)
            got = await pulse_counts(reference_session, NOW)
        assert got == expected

    async def test_reference_kpis(self, reference_session: AsyncSession) -> None:
        body = await service.get_pulse(reference_session, now_ms=NOW, scope=None)
        assert body["kpis"]["totalCasesToday"]["value"] == 131
        assert body["kpis"]["resolutionRate"]["value"] == "54.5%"

    async def test_day_boundaries(self, session: AsyncSession) -> None:
        await add_cases(
            session,
            case_row(created_at="2026-01-15T00:00:00.000Z"),  # today, open
            case_row(created_at="2026-01-14T23:59:59.999Z", severity="high"),  # yesterday
            case_row(created_at="2026-01-14T00:00:00.000Z", status="closed"),  # yesterday
            case_row(created_at="2026-01-13T23:59:59.999Z", severity="critical"),  # neither
        )
        got = await pulse_counts(session, NOW)
        assert got == await original_pulse_counts(session, NOW)
        assert (got.today, got.yesterday) == (1, 2)
        assert (got.open, got.open_before_today) == (3, 2)
        assert (got.urgent_open, got.urgent_open_before_today) == (2, 2)
        assert (got.resolved, got.total) == (1, 4)

    async def test_unknown_statuses_are_neither_open_nor_resolved(
        self, session: AsyncSession
    ) -> None:
        await add_cases(
            session,
            *(
                case_row(created_at="2026-01-15T08:00:00.000Z", status=status)
                for status in [
                    "open",
                    "in_progress",
                    "resolved",
                    "closed",
                    "Open",
                    "archived",
                    "",
                    "a",
                    "zzz",
                    "in_progress2",
                    "opened",
                    "pending",
                ]
            ),
        )
        got = await pulse_counts(session, NOW)
        assert got == await original_pulse_counts(session, NOW)
        assert (got.open, got.resolved, got.total) == (2, 2, 12)

    async def test_zero_yesterday_counts_as_one(self, session: AsyncSession) -> None:
        await add_cases(
            session, *(case_row(created_at="2026-01-15T08:00:00.000Z") for _ in range(5))
        )
        body = await service.get_pulse(session, now_ms=NOW, scope=None)
        assert body["kpis"]["totalCasesToday"] == {
            "value": 5,
            "change": 400,
            "changeLabel": "vs yesterday",
            "status": "red",
        }
        assert body["kpis"]["openCases"]["change"] == 400

    async def test_bangkok_today_starts_at_17_utc(self, session: AsyncSession) -> None:
        await add_cases(
            session,
            case_row(created_at="2026-01-14T17:00:00.000Z"),
            case_row(created_at="2026-01-14T16:59:59.999Z"),
        )
        with use_zone("Asia/Bangkok"):
            got = await pulse_counts(session, NOW)
        assert (got.today, got.yesterday) == (1, 1)

    async def test_scope_limits_cases_and_alerts(self, session: AsyncSession) -> None:
        await add_cases(
            session,
            case_row(created_at="2026-01-15T08:00:00.000Z", business_unit="KFC Delivery"),
            case_row(created_at="2026-01-15T08:00:00.000Z", business_unit="Oishi"),
            case_row(created_at="2026-01-10T08:00:00.000Z", business_unit="Oishi"),
        )
        await add_alerts(
            session,
            alert_row(business_unit="KFC Delivery"),
            alert_row(business_unit=None),
            alert_row(business_unit="Oishi"),
            alert_row(business_unit="KFC Delivery", status="resolved"),
        )
        scoped = await pulse_counts(session, NOW, scope="KFC Delivery")
        assert (scoped.today, scoped.total, scoped.open) == (1, 1, 1)
        assert scoped.active_alerts == 2
        everyone = await pulse_counts(session, NOW)
        assert (everyone.today, everyone.total, everyone.active_alerts) == (2, 3, 3)


class TestLocale:
    @pytest.mark.parametrize(
        ("query", "header", "locale"),
        [
            (None, None, "en"),
            ("th", None, "th"),
            (None, "th", "th"),
            ("en", "th", "en"),
            ("", "th", "th"),
            (None, "", "en"),
        ],
    )
    def test_query_then_header_then_english(
        self, query: str | None, header: str | None, locale: str
    ) -> None:
        assert service.pick_locale(query, header) == locale


class TestDayBuckets:
    def test_english_labels_oldest_first(self) -> None:
        labels = [b.label for b in service.day_buckets(NOW, "en")]
        assert labels == ["Fri", "Sat", "Sun", "Mon", "Tue", "Yesterday", "Today"]

    def test_thai_labels_keep_today_and_yesterday_english(self) -> None:
        labels = [b.label for b in service.day_buckets(NOW, "th")]
        assert labels == ["ศุกร์", "เสาร์", "อาทิตย์", "จันทร์", "อังคาร", "Yesterday", "Today"]

    def test_only_exact_th_is_thai(self) -> None:
        assert service.day_buckets(NOW, "th-TH")[0].label == "Fri"

    def test_every_thai_weekday(self) -> None:
        week = [
            service.day_label(2, ms_from_iso(f"2026-01-{day:02d}T00:00:00.000Z"), "th")
            for day in range(4, 11)
        ]
        assert week == list(service.WEEKDAYS_TH)  # 2026-01-04 is a Sunday

    def test_utc_buckets_span_whole_days(self) -> None:
        buckets = service.day_buckets(NOW, "en")
        assert buckets[0].range.start == "2026-01-09T00:00:00.000Z"
        assert buckets[0].range.end == "2026-01-09T23:59:59.999Z"
        assert buckets[-1].range.start == "2026-01-15T00:00:00.000Z"
        assert buckets[-1].range.end == "2026-01-15T23:59:59.999Z"

    def test_bangkok_buckets_follow_local_days(self) -> None:
        with use_zone("Asia/Bangkok"):
            late = ms_from_iso("2026-01-15T18:00:00.000Z")  # Friday 01:00 in Bangkok
            buckets = service.day_buckets(late, "en")
        assert buckets[-1].range.start == "2026-01-15T17:00:00.000Z"
        assert buckets[-1].range.end == "2026-01-16T16:59:59.999Z"
        assert [b.label for b in buckets][:5] == ["Sat", "Sun", "Mon", "Tue", "Wed"]

    def test_daylight_saving_day_is_23_hours(self) -> None:
        with use_zone("America/New_York"):
            buckets = service.day_buckets(ms_from_iso("2026-03-10T15:00:00.000Z"), "en")
            starts = [time.localtime(b.start_ms // 1000)[3:6] for b in buckets]
        assert starts == [(0, 0, 0)] * 7
        spring_forward = buckets[4]  # Sunday 2026-03-08
        assert spring_forward.label == "Sun"
        assert spring_forward.end_ms - spring_forward.start_ms == 23 * 3_600_000 - 1

    def test_end_is_the_last_millisecond_of_the_day(self) -> None:
        for bucket in service.day_buckets(NOW, "en"):
            assert bucket.end_ms == local_end_of_day_ms(bucket.start_ms)


async def original_day_counts(session: AsyncSession, now_ms: int) -> list[dict[str, int]]:
    """The original's 28 statements."""
    result = []
    for bucket in service.day_buckets(now_ms, "en"):
        params: dict[str, Any] = {"s": bucket.range.start, "e": bucket.range.end}

        async def count(sql: str, params: dict[str, Any] = params) -> int:
            return int((await session.execute(text(sql), params)).scalar_one())

        result.append(
            {
                "total": await count(
                    "SELECT count(*) FROM cases WHERE created_at >= :s AND created_at <= :e"
                ),
                "open": await count(
                    "SELECT count(*) FROM cases WHERE created_at <= :e "
                    "AND (status = 'open' OR status = 'in_progress')"
                ),
                "urgent": await count(
                    "SELECT count(*) FROM cases WHERE created_at >= :s AND created_at <= :e "
                    "AND (severity = 'high' OR severity = 'critical')"
                ),
                "resolved": await count(
                    "SELECT count(*) FROM cases WHERE resolved_at >= :s AND resolved_at <= :e"
                ),
            }
        )
    return result


async def day_counts(
    session: AsyncSession, now_ms: int, scope: str | None = None
) -> list[dict[str, int]]:
    ranges = [b.range for b in service.day_buckets(now_ms, "en")]
    got = await repository.day_counts(session, ranges, scope=scope)
    return [
        {"total": c.total, "open": c.open, "urgent": c.urgent, "resolved": c.resolved} for c in got
    ]


class TestDayCounts:
    @pytest.mark.parametrize("zone", ZONES)
    async def test_one_statement_equals_the_original_counts(
        self, reference_session: AsyncSession, zone: str
    ) -> None:
        with use_zone(zone):
            expected = await original_day_counts(reference_session, NOW)
            got = await day_counts(reference_session, NOW)
        assert got == expected

    async def test_boundaries_and_current_status(self, session: AsyncSession) -> None:
        await add_cases(
            session,
            case_row(created_at="2026-01-15T23:59:59.999Z", severity="critical"),  # today
            case_row(created_at="2026-01-16T00:00:00.000Z"),  # tomorrow: never counted
            case_row(created_at="2026-01-09T00:00:00.000Z", status="in_progress"),  # first day
            case_row(created_at="2026-01-08T23:59:59.999Z"),  # before the window, open
            case_row(
                created_at="2025-12-01T00:00:00.000Z",
                status="open",
                resolved_at="2026-01-12T12:00:00.000Z",  # resolved_at counts whatever the status
            ),
        )
        got = await day_counts(session, NOW)
        assert got == await original_day_counts(session, NOW)
        assert [d["total"] for d in got] == [1, 0, 0, 0, 0, 0, 1]
        assert [d["urgent"] for d in got] == [0, 0, 0, 0, 0, 0, 1]
        assert [d["open"] for d in got] == [3, 3, 3, 3, 3, 3, 4]
        assert [d["resolved"] for d in got] == [0, 0, 0, 1, 0, 0, 0]

    async def test_text_between_days_and_after_the_last_day(self, session: AsyncSession) -> None:
        await add_cases(
            session,
            case_row(created_at="2026-01-12T24:00:00.000Z"),  # after Jan 12's end, before Jan 13
            case_row(created_at="2026-01-12T23:59:59.999Za", status="in_progress"),
            case_row(created_at="2026-01-16T00:00:00.000Z"),
            case_row(created_at="9999-12-31T00:00:00.000Z", status="closed"),
            case_row(created_at="2026-01-13T00:00:00.000Z", severity="high"),
        )
        got = await day_counts(session, NOW)
        assert got == await original_day_counts(session, NOW)
        assert [d["open"] for d in got] == [0, 0, 0, 0, 3, 3, 3]
        assert [d["total"] for d in got] == [0, 0, 0, 0, 1, 0, 0]

    async def test_scope(self, session: AsyncSession) -> None:
        await add_cases(
            session,
            case_row(created_at="2026-01-15T08:00:00.000Z", business_unit="KFC Delivery"),
            case_row(created_at="2026-01-15T08:00:00.000Z", business_unit="Oishi"),
            case_row(
                created_at="2026-01-01T08:00:00.000Z",
                business_unit="Oishi",
                status="closed",
                resolved_at="2026-01-15T09:00:00.000Z",
            ),
        )
        scoped = await day_counts(session, NOW, scope="KFC Delivery")
        assert scoped[-1] == {"total": 1, "open": 1, "urgent": 0, "resolved": 0}
        everyone = await day_counts(session, NOW)
        assert everyone[-1] == {"total": 2, "open": 2, "urgent": 0, "resolved": 1}

    async def test_sparklines_body(self, reference_session: AsyncSession) -> None:
        body = await service.get_sparklines(reference_session, now_ms=NOW, locale="en", scope=None)
        sparklines = body["sparklines"]
        assert list(sparklines) == ["totalCases", "openCases", "criticalCases", "resolvedCases"]
        total = sparklines["totalCases"]
        assert list(total) == ["data", "currentValue"]
        assert total["data"][-1] == {"label": "Today", "value": 131}
        assert total["currentValue"] == 131
        assert sparklines["openCases"]["currentValue"] == 974


class TestWordcloud:
    async def test_most_frequent_first_ties_by_category(self, session: AsyncSession) -> None:
        recent = "2026-01-14T00:00:00.000Z"
        await add_cases(
            session,
            *(case_row(created_at=recent, category="Zeta") for _ in range(3)),
            *(case_row(created_at=recent, category="Beta") for _ in range(2)),
            *(case_row(created_at=recent, category="Alpha") for _ in range(2)),
            case_row(created_at=recent, category="alpha"),
        )
        body = await service.get_wordcloud(session, now_ms=NOW, scope=None)
        assert body["words"] == [
            {"text": "Zeta", "count": 3, "category": "Zeta"},
            {"text": "Alpha", "count": 2, "category": "Alpha"},
            {"text": "Beta", "count": 2, "category": "Beta"},
            {"text": "alpha", "count": 1, "category": "alpha"},
        ]
        assert body["generatedAt"] == "2026-01-15T10:05:00.000Z"

    async def test_window_is_seven_days_back_to_the_millisecond(
        self, session: AsyncSession
    ) -> None:
        await add_cases(
            session,
            case_row(created_at="2026-01-08T10:05:00.000Z", category="Edge"),
            case_row(created_at="2026-01-08T10:04:59.999Z", category="Older"),
        )
        body = await service.get_wordcloud(session, now_ms=NOW, scope=None)
        assert [w["text"] for w in body["words"]] == ["Edge"]

    async def test_scope(self, session: AsyncSession) -> None:
        recent = "2026-01-14T00:00:00.000Z"
        await add_cases(
            session,
            case_row(created_at=recent, category="Own", business_unit="KFC Delivery"),
            case_row(created_at=recent, category="Other", business_unit="Oishi"),
        )
        body = await service.get_wordcloud(session, now_ms=NOW, scope="KFC Delivery")
        assert [w["text"] for w in body["words"]] == ["Own"]

    async def test_empty_window(self, session: AsyncSession) -> None:
        body = await service.get_wordcloud(session, now_ms=NOW, scope=None)
        assert body["words"] == []
