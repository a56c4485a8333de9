"""Stream rules without a network: cursor parsing, frames, relevance, and closing."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from fastapi import FastAPI
from starlette.types import Message

from control_tower.core.clock import Clock
from control_tower.core.events import Event
from control_tower.realtime.service import (
    frame,
    get_realtime,
    initial_cursor,
    is_relevant,
    js_date_ms,
    realtime_lifespan,
)
from tests.support.paths import CLOCK_START


def event(event_type: str, business_unit: str | None = None) -> Event:
    return Event("1", event_type, "feed", "2026-01-15T10:05:00.000Z", business_unit, {})


class TestCursor:
    def test_defaults_to_the_connection_time(self) -> None:
        clock = Clock(CLOCK_START)
        clock.freeze(at=CLOCK_START)
        assert initial_cursor(None, clock) == clock.now_ms()

    @pytest.mark.parametrize(
        ("text", "iso_ms"),
        [
            ("2026-01-15T09:00:00.000Z", 1_768_467_600_000),
            ("2026-01-15", 1_768_435_200_000),
            ("2026-01-15T09:00:00", 1_768_467_600_000),  # local time; the tests run in UTC
            ("2026-01-15T09:00:00+07:00", 1_768_442_400_000),
        ],
    )
    def test_parsed_like_new_date(self, text: str, iso_ms: int) -> None:
        assert initial_cursor(text, Clock()) == iso_ms

    @pytest.mark.parametrize("text", ["abc", "2026-13-01", "+999999-01-01T00:00:00Z"])
    def test_invalid_dates_have_no_cursor(self, text: str) -> None:
        assert js_date_ms(text) is None


class TestFrame:
    def test_three_lines_and_a_blank_one(self) -> None:
        clock = Clock(CLOCK_START)
        clock.freeze(at=CLOCK_START)
        data = {"count": 7.0, "name": "ไทย"}
        assert (
            frame("alert_count", data, clock=clock)
            == (
                "id: 2026-01-15T10:05:00.000Z\n"
                "event: alert_count\n"
                'data: {"count":7,"name":"ไทย"}\n\n'
            ).encode()
        )


class TestRelevance:
    @pytest.mark.parametrize(
        ("event_type", "relevant"),
        [
            ("feed.created", True),
            ("alert.created", True),
            ("alert.updated", True),
            ("alerts.count", True),
            ("case.created", False),
            ("share.created", False),
            ("trending.created", False),
        ],
    )
    def test_only_feed_and_alert_events_wake_a_stream(
        self, event_type: str, relevant: bool
    ) -> None:
        assert is_relevant(event(event_type), None) is relevant

    def test_scoped_streams_ignore_other_business_units(self) -> None:
        assert is_relevant(event("feed.created", "Insurance"), "Insurance")
        assert is_relevant(event("feed.created", None), "Insurance")
        assert not is_relevant(event("feed.created", "Mortgages"), "Insurance")


class TestClosing:
    async def test_close_streams_ends_an_open_response(self, app: FastAPI) -> None:
        sent: list[Message] = []
        first_frame = asyncio.Event()
        never_disconnects = asyncio.Event()

        async def receive() -> Message:
            await never_disconnects.wait()
            return {"type": "http.disconnect"}

        async def send(message: Message) -> None:
            sent.append(message)
            if message.get("body"):
                first_frame.set()

        scope: dict[str, Any] = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.4"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": "/api/events",
            "raw_path": b"/api/events",
            "query_string": b"",
            "headers": [],
            "client": ("127.0.0.1", 1),
            "server": ("127.0.0.1", 80),
        }
        request = asyncio.create_task(app(scope, receive, send))
        await asyncio.wait_for(first_frame.wait(), 5)
        assert get_realtime(app).open_streams == 1
        get_realtime(app).close_streams()
        await asyncio.wait_for(request, 5)
        assert sent[0]["status"] == 200
        assert sent[-1] == {"type": "http.response.body", "body": b"", "more_body": False}
        assert get_realtime(app).open_streams == 0
        assert app.state.bus.subscriber_count == 0


class TestLifespan:
    async def test_leaving_the_lifespan_closes_streams(self, app: FastAPI) -> None:
        async with realtime_lifespan(app):
            state = get_realtime(app)
            assert not state.closing.is_set()
        assert state.closing.is_set()
