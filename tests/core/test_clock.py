"""The settable clock and JavaScript Date arithmetic."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from control_tower.core.clock import (
    Clock,
    iso_from_ms,
    local_days_ago_ms,
    local_end_of_day_ms,
    local_midnight_ms,
    local_weekday,
    parse_js_date,
)
from tests.support.node import NodeOracle

START = datetime(2026, 1, 15, 10, 5, tzinfo=UTC)
START_MS = 1768471500000


class TestClock:
    def test_starts_at_the_given_instant_and_advances(self) -> None:
        clock = Clock(START)
        first = clock.now_ms()
        assert START_MS <= first < START_MS + 1000
        time.sleep(0.02)
        assert clock.now_ms() >= first + 15

    def test_set_and_advance(self) -> None:
        clock = Clock()
        clock.freeze()
        clock.set(START)
        assert clock.now_iso() == "2026-01-15T10:05:00.000Z"
        clock.advance(86_400_000)
        assert clock.now_iso() == "2026-01-16T10:05:00.000Z"
        clock.unfreeze()
        assert clock.now_ms() >= START_MS + 86_400_000

    def test_freeze_at_an_instant_has_no_race(self, monkeypatch: pytest.MonkeyPatch) -> None:
        # The wall clock ticks a millisecond between every reading, as it can on a slow
        # machine: set-then-freeze would land a millisecond late, freeze(at=) cannot.
        ticks = iter(range(1_000_000, 2_000_000))
        monkeypatch.setattr(Clock, "_wall_ms", staticmethod(lambda: next(ticks)))
        late = Clock()
        late.set(START_MS)
        late.freeze()
        assert late.now_ms() == START_MS + 1
        exact = Clock()
        exact.freeze(at=START)
        assert exact.now_ms() == START_MS
        exact.freeze(at=START_MS + 92)
        assert exact.now_iso() == "2026-01-15T10:05:00.092Z"

    def test_iso_format(self) -> None:
        assert iso_from_ms(START_MS + 7) == "2026-01-15T10:05:00.007Z"


class TestLocalTime:
    def test_midnights_in_utc(self) -> None:
        assert iso_from_ms(local_midnight_ms(START_MS)) == "2026-01-15T00:00:00.000Z"
        assert iso_from_ms(local_midnight_ms(START_MS, 6)) == "2026-01-09T00:00:00.000Z"
        assert iso_from_ms(local_end_of_day_ms(local_midnight_ms(START_MS))) == (
            "2026-01-15T23:59:59.999Z"
        )
        assert iso_from_ms(local_days_ago_ms(START_MS, 7)) == "2026-01-08T10:05:00.000Z"
        assert local_weekday(START_MS) == 4  # Thursday

    def test_midnight_follows_tz(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("TZ", "Asia/Bangkok")
        time.tzset()
        try:
            assert iso_from_ms(local_midnight_ms(START_MS)) == "2026-01-14T17:00:00.000Z"
        finally:
            monkeypatch.setenv("TZ", "UTC")
            time.tzset()


class TestParseJsDate:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("2026-01-15T10:05:00.000Z", "2026-01-15T10:05:00.000Z"),
            ("2026-01-15", "2026-01-15T00:00:00.000Z"),
            ("2026-01-15T10:05:00", "2026-01-15T10:05:00.000Z"),
            ("2026-01-15T10:05:00+07:00", "2026-01-15T03:05:00.000Z"),
            ("2024-02-30", "2024-03-01T00:00:00.000Z"),
            ("1/15/2024", "2024-01-15T00:00:00.000Z"),
            ("2024/1/5", "2024-01-05T00:00:00.000Z"),
            ("1-15-2024", "2024-01-15T00:00:00.000Z"),
            ("2024-1-5", "2024-01-05T00:00:00.000Z"),
        ],
    )
    def test_valid(self, text: str, expected: str) -> None:
        parsed = parse_js_date(text)
        assert parsed is not None and iso_from_ms(parsed) == expected

    @pytest.mark.parametrize(
        "text", ["abc", "", "2024-13-01", "15/01/2024", "2024-01-15T25:00:00Z", "2024-01-15T10:60"]
    )
    def test_invalid(self, text: str) -> None:
        assert parse_js_date(text) is None


class TestParseJsDateAgainstNode:
    """Generated date strings in the shapes the API meets, parsed by Node.js and by us."""

    @staticmethod
    def _two(n: int) -> str:
        return f"{n:02d}"

    @given(
        st.one_of(
            st.builds(
                lambda y, m, d: f"{y:04d}-{m:02d}-{d:02d}",
                st.integers(0, 9999),
                st.integers(0, 13),
                st.integers(0, 32),
            ),
            st.builds(
                lambda y, m, d, hh, mm, ss, ms, z: (
                    f"{y:04d}-{m:02d}-{d:02d}T{hh:02d}:{mm:02d}:{ss:02d}{ms}{z}"
                ),
                st.integers(1900, 2100),
                st.integers(1, 12),
                st.integers(1, 31),
                st.integers(0, 25),
                st.integers(0, 60),
                st.integers(0, 60),
                st.sampled_from(["", ".5", ".123", ".1234"]),
                st.sampled_from(["", "Z", "+07:00", "-05:30"]),
            ),
            st.builds(
                lambda m, d, y, sep: f"{m}{sep}{d}{sep}{y}",
                st.integers(0, 13),
                st.integers(0, 32),
                st.integers(1000, 9999),
                st.sampled_from(["/", "-"]),
            ),
            st.builds(
                lambda y, m, d: f"{y}/{m}/{d}",
                st.integers(1000, 9999),
                st.integers(0, 13),
                st.integers(0, 32),
            ),
        )
    )
    def test_matches_new_date(self, node: NodeOracle, text: str) -> None:
        expected = node.ask(op="date", value=text)
        parsed = parse_js_date(text)
        assert (str(parsed) if parsed is not None else "NaN") == expected, text
