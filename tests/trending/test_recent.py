"""The in-memory index of recent cases answers exactly as the list-based computation."""

from __future__ import annotations

import random
from bisect import bisect_left, bisect_right
from pathlib import Path
from typing import ClassVar

import httpx
import pytest
from fastapi import FastAPI
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncSession

from control_tower.core.clock import DAY_MS, HOUR_MS, iso_from_ms, ms_from_iso
from control_tower.core.config import Settings
from control_tower.core.db import Database
from control_tower.trending import recent, repository
from control_tower.trending.analysis import (
    CaseData,
    CaseListSource,
    predicted_risks,
    topic_detail,
    window_topics,
)
from control_tower.trending.recent import (
    PackedText,
    PackedTextBuilder,
    RecentCases,
    Snapshot,
    SnapshotSource,
)
from tests.support.databases import connect

NOW = ms_from_iso("2026-01-15T10:05:00.000Z")
FORTNIGHT = (iso_from_ms(NOW - 14 * DAY_MS), iso_from_ms(NOW))
VOCABULARY = ["late delivery", "app crash", "late app", "price hike", "crash again", "cold"]
# Day multiples land exactly on the window bounds; -1 hour is a case dated in the future.
DAYS = [1, 2, 3, 7, 8, 13, 14, 15]
OFFSETS = st.sampled_from(
    [0, HOUR_MS, 5 * HOUR_MS, DAY_MS + 1, -HOUR_MS, *(days * DAY_MS for days in DAYS)]
)
ROWS = st.lists(
    st.tuples(
        st.sampled_from(VOCABULARY),
        st.sampled_from(["A", "B", "C"]),
        st.sampled_from(["Cat 1", "Cat 2", "10"]),
        OFFSETS,
    ),
    max_size=60,
)


def _rows(drawn: list[tuple[str, str, str, int]]) -> list[tuple[int, str, str, str, str, str]]:
    rows = [
        (rowid, f"case-{rowid}", summary, unit, category, iso_from_ms(NOW - offset))
        for rowid, (summary, unit, category, offset) in enumerate(drawn, start=1)
    ]
    return sorted(rows, key=lambda row: (row[5], row[0]))


def _sources(
    rows: list[tuple[int, str, str, str, str, str]], scope: str | None
) -> tuple[CaseListSource, SnapshotSource]:
    start, end = FORTNIGHT
    listed = [
        CaseData(*row[1:])
        for row in rows
        if start <= row[5] <= end and (scope is None or row[3] == scope)
    ]
    return CaseListSource(listed), SnapshotSource(Snapshot.of_rows(rows), start, end, scope)


class TestIndexedPeriods:
    @settings(max_examples=150)
    @given(ROWS, st.sampled_from(["24h", "7d"]), st.sampled_from([None, "A"]))
    def test_trending_and_predictions_match_the_list_computation(
        self, drawn: list[tuple[str, str, str, int]], window: str, scope: str | None
    ) -> None:
        listed, indexed = _sources(_rows(drawn), scope)
        assert indexed.size == listed.size

        def topics(source: CaseListSource | SnapshotSource) -> list[object]:
            return [topic.to_json() for topic in window_topics(source, window, 20, NOW)]

        assert topics(indexed) == topics(listed)
        for threshold in (100, 8, None):
            expected = predicted_risks(listed, window, threshold=threshold, limit=30, now_ms=NOW)
            got = predicted_risks(indexed, window, threshold=threshold, limit=30, now_ms=NOW)
            assert got == expected

    @settings(max_examples=150)
    @given(ROWS, st.sampled_from(["24h", "7d"]), st.sampled_from([None, "B"]))
    def test_topic_detail_matches_the_list_computation(
        self, drawn: list[tuple[str, str, str, int]], window: str, scope: str | None
    ) -> None:
        listed, indexed = _sources(_rows(drawn), scope)
        for term in ("late", "app", "crash again", "cold", "nothing"):
            expected = topic_detail(term, term, listed, window, NOW)
            assert topic_detail(term, term, indexed, window, NOW) == expected


class TestIndexedPeriodsAtScale:
    """Larger periods: case groups longer than the day count, many and few summaries."""

    @pytest.mark.parametrize("seed", range(6))
    def test_matches_the_list_computation(self, seed: int) -> None:
        chooser = random.Random(seed)
        unique = seed % 2 == 1
        drawn = [
            (
                f"{chooser.choice(VOCABULARY)} #{n}" if unique else chooser.choice(VOCABULARY),
                chooser.choice("AAB"),
                chooser.choice(["Cat 1", "Cat 1", "2"]),
                chooser.randrange(-HOUR_MS, 15 * DAY_MS),
            )
            for n in range(600)
        ]
        for window, scope in (("24h", None), ("7d", None), ("7d", "A")):
            listed, indexed = _sources(_rows(drawn), scope)
            expected = predicted_risks(listed, window, threshold=60, limit=30, now_ms=NOW)
            assert predicted_risks(indexed, window, threshold=60, limit=30, now_ms=NOW) == expected
            for term in ("late", "app crash", "cold"):
                expected_detail = topic_detail(term, term, listed, window, NOW)
                assert topic_detail(term, term, indexed, window, NOW) == expected_detail


def _insert(database: Path, rows: list[tuple[str, str, str]]) -> None:
    """Insert cases ``(id, summary, created_at)`` straight into the database."""
    with connect(database) as connection:
        connection.executemany(
            "INSERT INTO cases (id, case_number, channel, status, category, sentiment, severity, "
            "business_unit, summary, created_at, updated_at) VALUES (?, ?, 'web', 'open', "
            "'Cat', 'neutral', 'low', 'Unit', ?, ?, ?)",
            [(case_id, case_id, summary, at, at) for case_id, summary, at in rows],
        )


class TestRecentCases:
    async def _compare(self, session: AsyncSession, cache: RecentCases) -> None:
        start, end = FORTNIGHT
        source = await cache.source(session, start, end, scope=None)
        expected = await repository.cases_between(session, start, end, scope=None)
        got = source.snapshot.rows[source.low : source.high]
        assert got == expected

    async def test_follows_inserts_deletes_and_older_requests(self, reference_db: Path) -> None:
        database = Database(Settings(_env_file=None, database_url=str(reference_db)))  # type: ignore[call-arg]
        cache = RecentCases()
        try:
            async with database.session() as session:
                await self._compare(session, cache)
                assert (cache.reloads, cache.merges) == (1, 0)
                await self._compare(session, cache)
                assert (cache.reloads, cache.merges) == (1, 0)

            # Appended rows, one of them older than most: merged in place.
            _insert(
                reference_db,
                [
                    ("case-x1", "late delivery again", "2026-01-10T10:00:00.000Z"),
                    ("case-x2", "late delivery again", "2026-01-15T09:00:00.000Z"),
                    ("case-x3", "too old to matter", "2025-01-01T00:00:00.000Z"),
                ],
            )
            async with database.session() as session:
                await self._compare(session, cache)
                assert (cache.reloads, cache.merges) == (1, 1)

            # A deleted row cannot be merged: the snapshot is reloaded.
            with connect(reference_db) as connection:
                connection.execute("DELETE FROM cases WHERE id = 'case-x1'")
            async with database.session() as session:
                await self._compare(session, cache)
                assert cache.reloads == 2

            # A request reaching before the floor reloads from further back.
            async with database.session() as session:
                early = iso_from_ms(NOW - 40 * DAY_MS)
                source = await cache.source(session, early, FORTNIGHT[1], scope=None)
                expected = await repository.cases_between(session, early, FORTNIGHT[1], scope=None)
                assert source.snapshot.rows[source.low : source.high] == expected
                assert cache.reloads == 3
        finally:
            await database.dispose()

    async def test_a_late_commit_below_the_maximum_rowid_is_not_skipped(
        self, reference_db: Path
    ) -> None:
        # On PostgreSQL a transaction can commit rowid n after n + 1 is visible: the row
        # then appears below the maximum the snapshot was built up to.
        database = Database(Settings(_env_file=None, database_url=str(reference_db)))  # type: ignore[call-arg]
        cache = RecentCases()
        with connect(reference_db) as connection:
            top = connection.execute("SELECT max(rowid) FROM cases").fetchone()[0]

        def insert(rowid: int, case_id: str) -> None:
            with connect(reference_db) as connection:
                connection.execute(
                    "INSERT INTO cases (rowid, id, case_number, channel, status, category, "
                    "sentiment, severity, business_unit, summary, created_at, updated_at) VALUES "
                    "(?, ?, ?, 'web', 'open', 'Cat', 'neutral', 'low', 'Unit', 'late commit', "
                    "'2026-01-14T10:00:00.000Z', '2026-01-14T10:00:00.000Z')",
                    (rowid, case_id, case_id),
                )

        try:
            insert(top + 5, "case-first-visible")
            async with database.session() as session:
                await self._compare(session, cache)
            insert(top + 2, "case-committed-late")
            async with database.session() as session:
                await self._compare(session, cache)
                start, end = FORTNIGHT
                ids = [
                    case.id
                    for case in (await cache.source(session, start, end, scope=None)).snapshot.rows
                ]
                assert {"case-first-visible", "case-committed-late"} <= set(ids)
                assert cache.reloads == 2
        finally:
            await database.dispose()

    async def test_short_and_long_windows_share_one_snapshot(self, reference_db: Path) -> None:
        database = Database(Settings(_env_file=None, database_url=str(reference_db)))  # type: ignore[call-arg]
        cache = RecentCases()
        end = FORTNIGHT[1]
        try:
            async with database.session() as session:
                for start in (NOW - 2 * DAY_MS, NOW - 14 * DAY_MS, NOW - 2 * DAY_MS) * 2:
                    await cache.source(session, iso_from_ms(start), end, scope=None)
                assert (cache.reloads, cache.merges) == (1, 0)
                # Four days later the snapshot drops what no window can reach any more.
                later = iso_from_ms(NOW + 4 * DAY_MS)
                source = await cache.source(session, iso_from_ms(NOW), later, scope=None)
                assert cache.reloads == 1
                assert cache.floor is not None and cache.floor > FORTNIGHT[0]
                expected = await repository.cases_between(
                    session, iso_from_ms(NOW), later, scope=None
                )
                assert source.snapshot.rows[source.low : source.high] == expected
        finally:
            await database.dispose()

    async def test_source_uses_the_index_on_both_databases(self, reference_db: Path) -> None:
        database = Database(Settings(_env_file=None, database_url=str(reference_db)))  # type: ignore[call-arg]
        try:
            async with database.session() as session:
                assert recent.indexed()
                source = await recent.source(session, *FORTNIGHT, scope="KFC Delivery")
                assert isinstance(source, SnapshotSource)
                expected = await repository.cases_between(session, *FORTNIGHT, scope="KFC Delivery")
                assert source.size == len(expected) > 0
        finally:
            await database.dispose()


class TestWarmUp:
    async def test_startup_loads_the_fortnight_and_requests_reuse_it(
        self, app: FastAPI, client: httpx.AsyncClient
    ) -> None:
        warmed = await app.state.trending_window_warming
        assert warmed is not None
        assert warmed.reloads == 1 and len(warmed.snapshot.rows) > 0
        async with app.state.db.session() as session:
            assert recent.cache_for(session) is warmed
        for url in ("/api/trending?window=7d", "/api/trending?window=24h", "/api/predictions"):
            assert (await client.get(url)).status_code == 200
        assert (warmed.reloads, warmed.merges) == (1, 0)

    async def test_nothing_to_warm_when_the_window_is_disabled(
        self, app: FastAPI, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(recent, "ENABLED", False)
        assert await recent.warm_window(app) is None


class TestPackedText:
    VALUES: ClassVar[list[str]] = [
        "2026-01-01T00:00:00.000Z",
        "",
        "case-7",
        "ไก่ทอด",
        "2026-01-02T00:00:00.000Z",
    ]

    def test_reads_back_what_it_packed(self) -> None:
        builder = PackedTextBuilder()
        builder.extend(self.VALUES[:2])
        builder.extend(self.VALUES[2:])
        packed = builder.build()
        assert len(packed) == len(self.VALUES)
        assert list(packed) == self.VALUES
        assert packed[-1] == self.VALUES[-1]
        with pytest.raises(IndexError):
            packed[len(self.VALUES)]

    @given(st.lists(st.text(max_size=12), max_size=30), st.integers(-35, 35), st.integers(-35, 35))
    def test_slices_are_list_slices(self, values: list[str], low: int, high: int) -> None:
        packed = PackedText.of(values)
        assert list(packed[low:high]) == values[low:high]
        assert list(packed[low:]) == values[low:]
        assert list(packed[::2]) == values[::2]

    @given(st.lists(st.sampled_from(["a", "b", "bb", "c", "ca"]), max_size=30), st.text(max_size=3))
    def test_bisect_sees_a_sorted_list(self, values: list[str], probe: str) -> None:
        ordered = sorted(values)
        packed = PackedText.of(ordered)
        assert bisect_left(packed, probe) == bisect_left(ordered, probe)
        assert bisect_right(packed, probe) == bisect_right(ordered, probe)
