"""The mock event generator: generated rows, event choice, timer, and the background task."""

from __future__ import annotations

import asyncio
import json
import random
from pathlib import Path

import pytest
from fastapi import FastAPI
from hypothesis import given
from hypothesis import strategies as st

from control_tower.core.clock import Clock, iso_from_ms
from control_tower.core.events import Event, Subscription
from control_tower.demo.service import (
    BUSINESS_UNITS,
    CASE_SUMMARIES,
    TRENDING_TOPICS,
    DemoController,
    choose_kind,
    clamp_interval,
    demo_lifespan,
    event_weights,
    generate_alert,
    generate_case,
    generate_trending,
    get_controller,
)
from tests.support.databases import connect
from tests.support.paths import CLOCK_START

NOW_MS = 1_768_471_500_123  # 2026-01-15T10:05:00.123Z
MOCK_ID = r"^{prefix}-mock-{ms}-[0-9a-z]{{6}}$"


def mock_id_pattern(prefix: str) -> str:
    return MOCK_ID.format(prefix=prefix, ms=NOW_MS)


async def wait_for_event(subscription: Subscription, event_type: str) -> Event:
    async def scan() -> Event:
        while True:
            event = await subscription.get()
            if event.type == event_type:
                return event

    return await asyncio.wait_for(scan(), 5)


class TestGenerateCase:
    @given(st.integers(0, 2**32))
    def test_case_and_its_highlight(self, seed: int) -> None:
        event = generate_case(random.Random(seed), NOW_MS)
        row, item = event.row, event.feed_item
        now = iso_from_ms(NOW_MS)
        assert event.id.startswith(f"case-mock-{NOW_MS}-") and len(event.id.split("-")[-1]) == 6
        assert row["case_number"].startswith("CASE-2026-")
        assert 100_000 <= int(row["case_number"][-6:]) <= 999_999
        assert row["summary"] in CASE_SUMMARIES[row["category"]]
        assert row["business_unit"] in BUSINESS_UNITS
        assert row["status"] in ("open", "in_progress")
        assert (row["created_at"], row["updated_at"], row["resolved_at"]) == (now, now, None)
        if row["severity"] == "critical":
            assert row["risk_flag"] == 1
        assert row["agent_id"].startswith("agent-")
        assert item["type"] == "highlight"
        urgent = row["severity"] in ("high", "critical")
        assert item["title"] == f"New {'Urgent ' if urgent else ''}Case: {row['category']}"
        assert item["content"] == row["summary"]
        assert item["priority"] == {"critical": 3, "high": 2}.get(row["severity"], 1)
        assert (item["reference_id"], item["reference_type"]) == (event.id, "case")
        assert item["id"].startswith(f"feed-mock-{NOW_MS}-")
        assert list(json.loads(item["metadata"])) == [
            "caseId",
            "businessUnit",
            "channel",
            "severity",
            "customerName",
        ]

    def test_wire_shapes_are_full_rows(self) -> None:
        event = generate_case(random.Random(1), NOW_MS)
        entity = event.entity_json()
        assert list(entity)[:3] == ["id", "caseNumber", "channel"]
        assert isinstance(entity["riskFlag"], bool)
        assert event.feed_item_json()["metadata"] == event.feed_item["metadata"]


class TestGenerateAlert:
    @given(st.integers(0, 2**32))
    def test_alert_and_its_feed_item(self, seed: int) -> None:
        event = generate_alert(random.Random(seed), NOW_MS)
        row, item = event.row, event.feed_item
        baseline, current = row["baseline_value"], row["current_value"]
        assert 10 <= baseline <= 30 and baseline + 10 <= current <= baseline + 50
        assert row["percentage_change"] == int((current - baseline) / baseline * 100 + 0.5)
        assert row["severity"] in ("medium", "high", "critical")
        assert row["status"] == "active"
        expected_title = {
            "spike": f"Case Volume Spike: {row['category']} in {row['business_unit']}",
            "threshold": f"Threshold Alert: {row['category']} Cases",
            "urgency": f"High Urgency: {row['category']} Issues",
        }[row["type"]]
        assert row["title"] == expected_title
        assert item["title"] == row["title"] and item["content"] == row["description"]
        assert item["priority"] == {"critical": 4, "high": 3}.get(row["severity"], 2)
        metadata = json.loads(item["metadata"])
        assert list(metadata) == [
            "alertId",
            "alertType",
            "businessUnit",
            "category",
            "severity",
            "baselineValue",
            "currentValue",
            "percentageChange",
        ]
        assert metadata["percentageChange"] == row["percentage_change"]

    def test_urgency_description_states_the_rise(self) -> None:
        for seed in range(200):
            event = generate_alert(random.Random(seed), NOW_MS)
            if event.row["type"] == "urgency":
                row = event.row
                assert row["description"] == (
                    f"{row['current_value']} high-severity cases detected in "
                    f"{row['business_unit']}, up {row['percentage_change']}% from baseline"
                )
                return
        pytest.fail("no urgency alert in 200 seeds")


class TestGenerateTrending:
    @given(st.integers(0, 2**32))
    def test_topic_and_its_feed_item(self, seed: int) -> None:
        event = generate_trending(random.Random(seed), NOW_MS)
        row, item = event.row, event.feed_item
        pct = row["percentage_change"]
        assert row["topic"] in TRENDING_TOPICS
        assert row["trend"] == "rising"
        assert row["trend_score"] == pct / 10
        assert row["description"] == (
            f'Increase in "{row["topic"]}" related cases in {row["business_unit"]}'
        )
        assert item["type"] == "trending"
        assert item["reference_type"] == "trending"
        assert item["content"] == (
            f'"{row["topic"]}" is trending with {row["case_count"]} cases (+{pct}% from baseline)'
        )
        assert item["priority"] == (3 if pct > 100 else 2 if pct > 50 else 1)
        assert json.loads(item["metadata"])["trend"] == "rising"


class TestEventChoice:
    def test_weights_drop_for_recent_types(self) -> None:
        assert event_weights([]) == [("case", 50), ("alert", 30), ("trending", 20)]
        assert event_weights(["case", "case", "alert"]) == [
            ("case", pytest.approx(10.0)),
            ("alert", pytest.approx(18.0)),
            ("trending", 20),
        ]
        assert event_weights(["trending"] * 3)[2] == ("trending", 5.0)

    def test_choice_follows_the_weights(self) -> None:
        rng = random.Random(42)
        picks = [choose_kind(rng, []) for _ in range(5000)]
        assert 0.45 < picks.count("case") / 5000 < 0.55
        assert 0.16 < picks.count("trending") / 5000 < 0.24


class TestInterval:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [(50000, 50000), (10, 30000), (90000, 60000), ("50000", 50000), (True, 30000)],
    )
    def test_clamped_to_the_window(self, value: object, expected: float) -> None:
        assert clamp_interval(value) == expected

    @pytest.mark.parametrize("value", ["abc", {}, [1, 2]])
    def test_non_numbers_are_nan(self, value: object) -> None:
        assert clamp_interval(value) is None

    @given(st.floats(allow_nan=False) | st.none(), st.integers(0, 2**32))
    def test_real_delay_always_stays_in_30_to_60_seconds(
        self, interval: float | None, seed: int
    ) -> None:
        controller = DemoController(database=None, clock=Clock(), rng=random.Random(seed))  # type: ignore[arg-type]
        controller.interval_ms = interval
        assert 30_000 <= controller.next_delay_ms() <= 60_000


class TestController:
    async def test_start_writes_one_event_at_once(self, app: FastAPI, reference_db: Path) -> None:
        controller = get_controller(app)
        subscription = await app.state.bus.subscribe()
        await controller.start(45000)
        assert controller.running
        event = await wait_for_event(subscription, "feed.created")
        item = event.payload
        assert item["id"].startswith("feed-mock-")
        with connect(reference_db) as connection:
            stored = connection.execute(
                "SELECT type, reference_id, reference_type, created_at FROM feed_items "
                "WHERE id = ?",
                (item["id"],),
            ).fetchone()
            table = {"case": "cases", "alert": "alerts", "trending": "trending_topics"}[
                controller.recent[0]
            ]
            entity = connection.execute(
                f"SELECT created_at FROM {table} WHERE id = ?", (stored[1],)
            ).fetchone()
        assert stored[0] == item["type"]
        assert entity == (stored[3],)
        await controller.stop()
        assert not controller.running

    async def test_alert_events_publish_the_active_count(self, app: FastAPI) -> None:
        controller = get_controller(app)
        controller.rng = random.Random(0)
        subscription = await app.state.bus.subscribe()
        while True:
            event = await controller.generate_once()
            if event.kind == "alert":
                break
        counted = await wait_for_event(subscription, "alerts.count")
        assert counted.channel == "alerts"
        assert counted.payload["total"] >= 1

    async def test_events_repeat_within_the_timer_window(self, app: FastAPI) -> None:
        controller = get_controller(app)
        controller.timer_window_ms = (10, 20)
        subscription = await app.state.bus.subscribe()
        await controller.start(45000)
        for _ in range(3):
            await wait_for_event(subscription, "feed.created")
        await controller.stop()

    async def test_stop_cancels_the_task(self, app: FastAPI) -> None:
        controller = get_controller(app)
        await controller.start(30000)
        task = controller._task
        assert task is not None
        await controller.stop()
        assert task.cancelled() or task.done()
        assert await controller.status() == {"enabled": False, "intervalMs": 30000}


class TestLifespan:
    async def test_shutdown_cancels_a_running_generator(self, app: FastAPI) -> None:
        # A second lifespan on the same app stands in for the app's own shutdown.
        async with demo_lifespan(app):
            controller = app.state.demo
            await controller.start(45000)
            task = controller._task
            assert controller.running
        assert task is not None and task.done()
        assert not controller.running

    async def test_app_shutdown_stops_the_generator(self, settings: object) -> None:
        from control_tower.main import create_app

        application = create_app(settings, clock=Clock(CLOCK_START))  # type: ignore[arg-type]
        async with application.router.lifespan_context(application):
            controller = application.state.demo
            await controller.start(45000)
            task = controller._task
        assert task is not None and task.done()
