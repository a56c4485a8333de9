"""Business rules of the alerts feature, against a fresh copy of the reference database."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import FastAPI
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from control_tower.alerts import service
from control_tower.alerts.service import (
    MISCLASSIFICATION_KEYWORDS,
    AlertFilters,
    AlertListQuery,
    contributing_phrases,
    sample_case_severities,
    sample_window_start,
    time_window,
)
from control_tower.core.clock import datetime_to_ms
from control_tower.core.db import Database
from control_tower.core.errors import BadRequest, NotFound, OriginalFailure
from control_tower.core.events import Event, Subscription
from control_tower.core.query import Pagination
from control_tower.core.rows import ALERT, SHARE
from tests.cases.factories import insert_alert, insert_case
from tests.support.paths import CLOCK_START

NOW_MS = datetime_to_ms(CLOCK_START)


def listing(
    *,
    page: int | None = 1,
    limit: int | None = 20,
    sort_by: str | None = None,
    sort_order: str | None = None,
    **filters: Any,
) -> AlertListQuery:
    return AlertListQuery(
        filters=AlertFilters(**filters),
        pagination=Pagination(page, limit),
        sort_by=sort_by,
        sort_order=sort_order,
    )


@pytest.fixture
def db(app: FastAPI) -> Database:
    database: Database = app.state.db
    return database


async def list_ids(db: Database, query: AlertListQuery, scope: str | None = None) -> list[str]:
    async with db.session() as session:
        body = await service.list_alerts(session, query=query, scope=scope)
    return [alert["id"] for alert in body["alerts"]]


def drain(subscription: Subscription) -> list[Event]:
    events = []
    while not subscription.queue.empty():
        events.append(subscription.queue.get_nowait())
    return events


# -- pure rules ---------------------------------------------------------------------------


class TestContributingPhrases:
    def test_substring_matches_in_keyword_order(self) -> None:
        summary = "Customer threatens LAWSUIT over injury, urgent issue"
        assert contributing_phrases("urgency", [summary]) == [
            "threat",
            "lawsuit",
            "injury",
            "urgent",
            "sue",
        ]

    def test_first_seen_order_across_cases_without_duplicates(self) -> None:
        phrases = contributing_phrases("urgency", ["urgent help", "safety and urgent"])
        assert phrases == ["urgent", "safety"]

    def test_misclassification_adds_service_words(self) -> None:
        assert contributing_phrases("misclassification", ["Refund please, manager"]) == [
            "manager",
            "refund",
        ]

    def test_urgency_ignores_misclassification_only_words(self) -> None:
        assert contributing_phrases("urgency", ["Refund please, manager"]) == []

    @pytest.mark.parametrize("alert_type", ["spike", "threshold", "Urgency", ""])
    def test_other_types_have_no_phrases(self, alert_type: str) -> None:
        assert contributing_phrases(alert_type, ["urgent safety lawsuit"]) == []

    def test_at_most_ten(self) -> None:
        summary = " ".join(MISCLASSIFICATION_KEYWORDS)
        phrases = contributing_phrases("misclassification", [summary])
        assert phrases == list(MISCLASSIFICATION_KEYWORDS[:10])

    def test_non_text_summary_is_read_as_its_string(self) -> None:
        assert contributing_phrases("urgency", [None, 42]) == []

    @given(st.lists(st.text(alphabet="abcdefghijklmnopqrstuvwxyzSUE ,", max_size=60), max_size=5))
    def test_every_phrase_is_a_keyword_found_in_some_summary(self, summaries: list[str]) -> None:
        phrases = contributing_phrases("misclassification", summaries)
        assert len(phrases) <= 10
        assert len(set(phrases)) == len(phrases)
        for phrase in phrases:
            assert phrase in MISCLASSIFICATION_KEYWORDS
            assert any(phrase in summary.lower() for summary in summaries)


class TestTimeWindow:
    @pytest.mark.parametrize(
        ("title", "expected"),
        [
            ("Cards +50% vs last week", "Last 7 days"),
            ("Cards +50% vs previous 24 hours", "Last 24 hours"),
            ("Cards +50% vs previous 4 hours", "Last 4 hours"),
            ("vs last week and vs previous 4 hours", "Last 7 days"),
        ],
    )
    def test_title_decides_first(self, title: str, expected: str) -> None:
        assert time_window(title, "threshold") == expected

    def test_spike_without_marker_is_a_comparison_period(self) -> None:
        assert time_window("App crash spike", "spike") == "Comparison period"

    def test_other_types_without_marker_have_none(self) -> None:
        assert time_window("App crash spike", "urgency") is None

    def test_markers_are_case_sensitive(self) -> None:
        assert time_window("Cards VS LAST WEEK", "threshold") is None


class TestSampleCaseSeverities:
    def test_urgency_samples_severe_cases(self) -> None:
        assert sample_case_severities("urgency") == ("high", "critical")

    def test_misclassification_samples_mild_cases(self) -> None:
        assert sample_case_severities("misclassification") == ("low", "medium")

    def test_other_types_sample_any_severity(self) -> None:
        assert sample_case_severities("spike") is None


class TestSampleWindowStart:
    def test_twenty_four_hours_back_in_utc(self) -> None:
        assert sample_window_start(NOW_MS) == "2026-01-14T10:05:00.000Z"

    def test_same_local_time_a_day_back_across_a_dst_change(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("TZ", "America/New_York")
        time.tzset()
        try:
            # 08:00 EDT on 2026-03-08 (clocks went forward at 02:00); the day before,
            # 08:00 was still EST, so the window is 23 hours long.
            now = datetime_to_ms(datetime(2026, 3, 8, 12, 0, tzinfo=UTC))
            assert sample_window_start(now) == "2026-03-07T13:00:00.000Z"
        finally:
            monkeypatch.setenv("TZ", "UTC")
            time.tzset()


# -- listing and counts -------------------------------------------------------------------


class TestListAlerts:
    async def test_default_is_newest_first_with_pagination(self, db: Database) -> None:
        async with db.session() as session:
            body = await service.list_alerts(session, query=listing(), scope=None)
        assert list(body) == ["alerts", "pagination"]
        assert body["pagination"] == {"page": 1, "limit": 20, "total": 8, "totalPages": 1}
        created = [alert["createdAt"] for alert in body["alerts"]]
        assert created == sorted(created, reverse=True)
        assert list(body["alerts"][0]) == [
            "id",
            "type",
            "severity",
            "title",
            "description",
            "businessUnit",
            "category",
            "channel",
            "baselineValue",
            "currentValue",
            "percentageChange",
            "status",
            "acknowledgedBy",
            "acknowledgedAt",
            "createdAt",
            "updatedAt",
        ]

    async def test_filters_are_exact_and_combined(self, db: Database) -> None:
        ids = await list_ids(
            db, listing(type="spike", status="active", business_unit="KFC Delivery")
        )
        assert ids == ["alert-spike-1"]
        assert await list_ids(db, listing(business_unit="kfc delivery")) == []
        assert set(await list_ids(db, listing(severity="critical"))) == {
            "alert-spike-3",
            "alert-urgency-1",
            "alert-urgency-2",
        }

    async def test_dates_compare_as_text(self, db: Database) -> None:
        since = await list_ids(db, listing(start_date="2026-01-15"))
        assert set(since) == {"alert-urgency-1", "alert-urgency-2", "alert-misclass-1"}
        # A bare date sorts before every timestamp of that day, so the day is excluded.
        assert await list_ids(db, listing(end_date="2026-01-12")) == []
        assert await list_ids(db, listing(start_date="garbage")) == []

    async def test_severity_sorts_alphabetically(self, db: Database) -> None:
        async with db.session() as session:
            body = await service.list_alerts(
                session, query=listing(sort_by="severity", sort_order="asc"), scope=None
            )
        severities = [alert["severity"] for alert in body["alerts"]]
        assert severities == ["critical"] * 3 + ["high"] * 5

    async def test_only_lowercase_asc_is_ascending(self, db: Database) -> None:
        asc = await list_ids(db, listing(sort_by="type", sort_order="asc"))
        upper = await list_ids(db, listing(sort_by="type", sort_order="ASC"))
        assert asc[0] == "alert-misclass-1"
        assert upper[-1] == "alert-misclass-1"

    async def test_unknown_sort_key_sorts_by_creation(self, db: Database) -> None:
        assert await list_ids(db, listing(sort_by="title")) == await list_ids(db, listing())

    async def test_pages(self, db: Database) -> None:
        every = await list_ids(db, listing(limit=-1))
        assert len(every) == 8
        assert await list_ids(db, listing(page=2, limit=3)) == every[3:6]
        assert await list_ids(db, listing(page=0, limit=3)) == every[:3]
        assert await list_ids(db, listing(page=None, limit=2)) == every[:2]

    async def test_limit_zero_has_no_rows_and_null_total_pages(self, db: Database) -> None:
        async with db.session() as session:
            body = await service.list_alerts(session, query=listing(limit=0), scope=None)
        assert body == {
            "alerts": [],
            "pagination": {"page": 1, "limit": 0, "total": 8, "totalPages": None},
        }

    async def test_offset_without_limit_is_rejected(self, db: Database) -> None:
        async with db.session() as session:
            with pytest.raises(BadRequest):
                await service.list_alerts(session, query=listing(page=2, limit=-1), scope=None)

    async def test_scope_keeps_the_unit_and_global_alerts(self, db: Database) -> None:
        async with db.session() as session:
            await insert_alert(session, id="alert-global", business_unit=None)
        ids = await list_ids(db, listing(), scope="KFC Delivery")
        assert set(ids) == {
            "alert-spike-1",
            "alert-threshold-1",
            "alert-misclass-1",
            "alert-global",
        }
        assert await list_ids(db, listing(), scope="Nowhere") == ["alert-global"]


class TestAlertCounts:
    async def test_counts_active_alerts_by_severity(self, db: Database) -> None:
        async with db.session() as session:
            counts = await service.alert_counts(session, scope=None)
        assert counts == {"total": 7, "critical": 3, "high": 4}

    async def test_scope_counts_the_unit_and_global_alerts(self, db: Database) -> None:
        async with db.session() as session:
            await insert_alert(session, id="alert-global", business_unit=None, severity="high")
            counts = await service.alert_counts(session, scope="KFC Delivery")
        # KFC Delivery's three active high alerts, plus the global one.
        assert counts == {"total": 4, "critical": 0, "high": 4}

    async def test_empty_scope_counts_zero(self, db: Database) -> None:
        async with db.session() as session:
            counts = await service.alert_counts(session, scope="Nowhere")
        assert counts == {"total": 0, "critical": 0, "high": 0}


# -- detail -------------------------------------------------------------------------------


class TestAlertDetail:
    async def test_missing_alert(self, db: Database) -> None:
        async with db.session() as session:
            with pytest.raises(NotFound, match="Alert not found"):
                await service.get_alert_detail(
                    session, alert_id="ALERT-SPIKE-1", now_ms=NOW_MS, scope=None
                )

    async def test_spike_samples_recent_cases_of_its_unit_and_category(self, db: Database) -> None:
        async with db.session() as session:
            detail = await service.get_alert_detail(
                session, alert_id="alert-spike-1", now_ms=NOW_MS, scope=None
            )
        assert list(detail) == ["alert", "sampleCases", "contributingPhrases", "timeWindow"]
        assert detail["timeWindow"] == "Comparison period"
        assert detail["contributingPhrases"] == []
        samples = detail["sampleCases"]
        assert 0 < len(samples) <= 10
        assert list(samples[0]) == [
            "id",
            "caseNumber",
            "summary",
            "severity",
            "status",
            "businessUnit",
            "category",
            "createdAt",
        ]
        for sample in samples:
            assert sample["businessUnit"] == "KFC Delivery"
            assert sample["category"] == "App & Technical"
            assert sample["createdAt"] >= "2026-01-14T10:05:00.000Z"
        created = [sample["createdAt"] for sample in samples]
        assert created == sorted(created, reverse=True)

    async def test_urgency_samples_severe_cases_and_finds_phrases(self, db: Database) -> None:
        async with db.session() as session:
            await insert_alert(session, id="alert-u", type="urgency", category="Safety")
            await insert_case(
                session,
                id="case-u1",
                case_number="U-1",
                category="Safety",
                severity="critical",
                summary="Customer threatens LAWSUIT over injury",
            )
            await insert_case(
                session,
                id="case-u2",
                case_number="U-2",
                category="Safety",
                severity="low",
                summary="Emergency, not severe",
            )
        async with db.session() as session:
            detail = await service.get_alert_detail(
                session, alert_id="alert-u", now_ms=NOW_MS, scope=None
            )
        assert [sample["id"] for sample in detail["sampleCases"]] == ["case-u1"]
        assert detail["contributingPhrases"] == ["threat", "lawsuit", "injury"]
        assert "timeWindow" not in detail

    async def test_old_cases_are_not_sampled(self, db: Database) -> None:
        async with db.session() as session:
            await insert_alert(session, id="alert-o", type="spike", category="Old")
            await insert_case(session, category="Old", created_at="2026-01-14T10:04:59.999Z")
        async with db.session() as session:
            detail = await service.get_alert_detail(
                session, alert_id="alert-o", now_ms=NOW_MS, scope=None
            )
        assert detail["sampleCases"] == []

    async def test_empty_unit_and_category_do_not_filter(self, db: Database) -> None:
        async with db.session() as session:
            await insert_alert(session, id="alert-g", business_unit="", category="")
            detail = await service.get_alert_detail(
                session, alert_id="alert-g", now_ms=NOW_MS, scope=None
            )
        # Filtering on "" would match nothing; the original skipped falsy values instead.
        assert len(detail["sampleCases"]) == 10

    async def test_scope_hides_other_units_alerts(self, db: Database) -> None:
        async with db.session() as session:
            with pytest.raises(NotFound):
                await service.get_alert_detail(
                    session, alert_id="alert-spike-1", now_ms=NOW_MS, scope="Oishi Beverages"
                )

    async def test_scope_limits_the_samples_of_a_global_alert(self, db: Database) -> None:
        async with db.session() as session:
            await insert_alert(session, id="alert-g", business_unit=None)
            detail = await service.get_alert_detail(
                session, alert_id="alert-g", now_ms=NOW_MS, scope="Oishi Beverages"
            )
        units = {sample["businessUnit"] for sample in detail["sampleCases"]}
        assert units == {"Oishi Beverages"}


# -- escalation ---------------------------------------------------------------------------


async def read_alert(db: Database, alert_id: str) -> dict[str, Any]:
    async with db.session() as session:
        row = (
            await session.execute(select(*ALERT.columns).where(ALERT.table.c.id == alert_id))
        ).one()
    return ALERT.to_json(row)


async def read_shares(db: Database) -> list[dict[str, Any]]:
    async with db.session() as session:
        rows = (
            await session.execute(select(*SHARE.columns).order_by(SHARE.table.c.created_at))
        ).all()
    return SHARE.many(rows)


async def escalate(
    db: Database, body: Any, alert_id: str = "alert-spike-1", scope: str | None = None
) -> dict[str, Any]:
    async with db.session() as session:
        return await service.escalate_alert(
            session, body, alert_id=alert_id, now_ms=NOW_MS, scope=scope
        )


@pytest.fixture
async def events(app: FastAPI) -> AsyncIterator[Subscription]:
    subscription = await app.state.bus.subscribe()
    yield subscription
    app.state.bus.unsubscribe(subscription)


class TestEscalateAlert:
    async def test_raises_severity_and_records_a_share(self, db: Database) -> None:
        before = len(await read_shares(db))
        result = await escalate(
            db, {"senderId": "user-admin-1", "recipientId": "user-manager-3", "message": "Look"}
        )
        assert list(result) == ["success", "id", "alertId", "message"]
        assert result["success"] is True
        assert uuid.UUID(result["id"]).version == 4
        assert result["alertId"] == "alert-spike-1"
        assert result["message"] == "Alert escalated successfully"
        alert = await read_alert(db, "alert-spike-1")
        assert alert["severity"] == "critical"
        assert alert["updatedAt"] == "2026-01-15T10:05:00.000Z"
        assert alert["status"] == "active"
        shares = await read_shares(db)
        assert len(shares) == before + 1
        share = next(s for s in shares if s["id"] == result["id"])
        assert share == {
            "id": result["id"],
            "type": "escalation",
            "sourceType": "alert",
            "sourceId": "alert-spike-1",
            "senderId": "user-admin-1",
            "recipientId": "user-manager-3",
            "channel": "internal",
            "message": "Look",
            "status": "pending",
            "createdAt": "2026-01-15T10:05:00.000Z",
            "readAt": None,
            "actionedAt": None,
        }

    async def test_critical_alert_is_left_alone(self, db: Database) -> None:
        before = await read_alert(db, "alert-urgency-1")
        await escalate(db, {"senderId": "a", "recipientId": "b"}, alert_id="alert-urgency-1")
        assert await read_alert(db, "alert-urgency-1") == before

    async def test_channel_and_message_rules(self, db: Database) -> None:
        result = await escalate(
            db, {"senderId": 123, "recipientId": "b", "channel": "weird", "message": ""}
        )
        share = next(s for s in await read_shares(db) if s["id"] == result["id"])
        assert share["senderId"] == "123"
        assert share["channel"] == "weird"
        assert share["message"] is None

    @pytest.mark.parametrize(
        "body",
        [
            {},
            {"senderId": "a"},
            {"recipientId": "b"},
            {"senderId": "", "recipientId": "b"},
            {"senderId": 0, "recipientId": "b"},
            {"senderId": None, "recipientId": "b"},
            {"senderId": False, "recipientId": "b"},
            [],
            "text",
            7,
        ],
    )
    async def test_missing_people_are_refused_before_the_lookup(
        self, db: Database, body: Any
    ) -> None:
        with pytest.raises(BadRequest, match="Missing required fields: senderId, recipientId"):
            await escalate(db, body, alert_id="alert-nope")

    async def test_null_body_is_the_original_failure(self, db: Database) -> None:
        with pytest.raises(OriginalFailure, match="Failed to escalate alert"):
            await escalate(db, None)

    async def test_unknown_alert(self, db: Database) -> None:
        with pytest.raises(NotFound, match="Alert not found"):
            await escalate(db, {"senderId": "a", "recipientId": "b"}, alert_id="alert-nope")

    async def test_scope_cannot_escalate_other_units_alerts(self, db: Database) -> None:
        with pytest.raises(NotFound):
            await escalate(db, {"senderId": "a", "recipientId": "b"}, scope="Oishi Beverages")

    @pytest.mark.parametrize(
        "body",
        [
            {"senderId": "a", "recipientId": "b", "channel": None},
            {"senderId": True, "recipientId": "b"},
            {"senderId": "a", "recipientId": {"id": "b"}},
            {"senderId": "a", "recipientId": "b", "message": ["x"]},
        ],
    )
    async def test_a_failed_share_leaves_nothing_written(
        self, db: Database, events: Subscription, body: dict[str, Any]
    ) -> None:
        before_alert = await read_alert(db, "alert-threshold-2")
        before_shares = await read_shares(db)
        with pytest.raises(OriginalFailure, match="Failed to escalate alert"):
            await escalate(db, body, alert_id="alert-threshold-2")
        assert await read_alert(db, "alert-threshold-2") == before_alert
        assert await read_shares(db) == before_shares
        assert drain(events) == []

    async def test_publishes_update_share_and_counts(
        self, db: Database, events: Subscription
    ) -> None:
        result = await escalate(db, {"senderId": "a", "recipientId": "b", "channel": "line"})
        published = drain(events)
        assert [(e.type, e.channel) for e in published] == [
            ("alert.updated", "alerts"),
            ("share.created", "alerts"),
            ("alerts.count", "alerts"),
        ]
        updated, share, counts = published
        assert updated.payload == await read_alert(db, "alert-spike-1")
        assert updated.business_unit == "KFC Delivery"
        assert share.payload == {
            "id": result["id"],
            "type": "escalation",
            "sourceType": "alert",
            "sourceId": "alert-spike-1",
            "senderId": "a",
            "recipientId": "b",
            "channel": "line",
            "status": "pending",
            "createdAt": "2026-01-15T10:05:00.000Z",
        }
        assert counts.payload == {"total": 7, "critical": 4, "high": 3}

    async def test_no_update_or_count_event_when_already_critical(
        self, db: Database, events: Subscription
    ) -> None:
        await escalate(db, {"senderId": "a", "recipientId": "b"}, alert_id="alert-urgency-1")
        assert [e.type for e in drain(events)] == ["share.created"]

    async def test_no_count_event_for_an_inactive_alert(
        self, db: Database, events: Subscription
    ) -> None:
        await escalate(db, {"senderId": "a", "recipientId": "b"}, alert_id="alert-spike-2")
        assert [e.type for e in drain(events)] == ["alert.updated", "share.created"]
