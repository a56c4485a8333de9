"""Feed rules: date window, filters, ranking, pagination and business-unit scope."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from control_tower.core.clock import DAY_MS, iso_from_ms, ms_from_iso
from control_tower.core.errors import BadRequest
from control_tower.core.query import Pagination
from control_tower.feed.service import FeedFilters, list_feed, window_start_ms
from tests.feed.conftest import add_feed_items, feed_row
from tests.support.sessions import use_zone

NOW = ms_from_iso("2026-01-15T10:05:00.000Z")
PAGE_ONE = Pagination(1, 10)


def ids(body: dict[str, object]) -> list[str]:
    items = body["items"]
    assert isinstance(items, list)
    return [item["id"] for item in items]


class TestWindowStart:
    def test_today_starts_at_utc_midnight_in_utc(self) -> None:
        assert iso_from_ms(window_start_ms("today", NOW)) == "2026-01-15T00:00:00.000Z"

    def test_today_starts_at_local_midnight_in_bangkok(self) -> None:
        with use_zone("Asia/Bangkok"):
            start = window_start_ms("today", NOW)
        assert iso_from_ms(start) == "2026-01-14T17:00:00.000Z"

    def test_today_follows_local_date_west_of_utc(self) -> None:
        with use_zone("America/Los_Angeles"):
            start = window_start_ms("today", ms_from_iso("2026-01-15T05:00:00.000Z"))
        assert iso_from_ms(start) == "2026-01-14T08:00:00.000Z"

    @pytest.mark.parametrize(("date_range", "days"), [("7d", 7), ("30d", 30)])
    def test_rolling_windows_end_now(self, date_range: str, days: int) -> None:
        assert window_start_ms(date_range, NOW) == NOW - days * DAY_MS

    @pytest.mark.parametrize("date_range", ["bogus", "7D", "1d", "30"])
    def test_unknown_values_mean_today(self, date_range: str) -> None:
        assert window_start_ms(date_range, NOW) == window_start_ms("today", NOW)


class TestRanking:
    async def test_priority_first_then_newest(self, session: AsyncSession) -> None:
        await add_feed_items(
            session,
            feed_row(item_id="low-new", priority=5, created_at="2026-01-15T10:04:00.000Z"),
            feed_row(item_id="high-old", priority=90, created_at="2026-01-15T01:00:00.000Z"),
            feed_row(item_id="high-new", priority=90, created_at="2026-01-15T09:00:00.000Z"),
            feed_row(item_id="mid", priority=40, created_at="2026-01-15T08:00:00.000Z"),
        )
        body = await list_feed(
            session, filters=FeedFilters(), pagination=PAGE_ONE, now_ms=NOW, scope=None
        )
        assert ids(body) == ["high-new", "high-old", "mid", "low-new"]

    async def test_full_ties_keep_sqlite_insertion_order(self, session: AsyncSession) -> None:
        stamp = "2026-01-15T10:00:00.000Z"
        await add_feed_items(
            session,
            feed_row(item_id="b", priority=100, created_at=stamp),
            feed_row(item_id="a", priority=100, created_at=stamp),
            feed_row(item_id="c", priority=100, created_at=stamp),
        )
        body = await list_feed(
            session, filters=FeedFilters(), pagination=PAGE_ONE, now_ms=NOW, scope=None
        )
        assert ids(body) == ["b", "a", "c"]


class TestFilters:
    async def test_today_includes_midnight_and_excludes_earlier(
        self, session: AsyncSession
    ) -> None:
        await add_feed_items(
            session,
            feed_row(item_id="midnight", created_at="2026-01-15T00:00:00.000Z"),
            feed_row(item_id="before", created_at="2026-01-14T23:59:59.999Z"),
        )
        body = await list_feed(
            session, filters=FeedFilters(), pagination=PAGE_ONE, now_ms=NOW, scope=None
        )
        assert ids(body) == ["midnight"]

    async def test_seven_days_is_a_rolling_window(self, session: AsyncSession) -> None:
        await add_feed_items(
            session,
            feed_row(item_id="edge", priority=2, created_at="2026-01-08T10:05:00.000Z"),
            feed_row(item_id="older", priority=1, created_at="2026-01-08T10:04:59.999Z"),
        )
        body = await list_feed(
            session,
            filters=FeedFilters(date_range="7d"),
            pagination=PAGE_ONE,
            now_ms=NOW,
            scope=None,
        )
        assert ids(body) == ["edge"]

    async def test_type_filter_is_exact(self, session: AsyncSession) -> None:
        stamp = "2026-01-15T09:00:00.000Z"
        await add_feed_items(
            session,
            feed_row(item_id="t", item_type="trending", created_at=stamp),
            feed_row(item_id="a", item_type="alert", created_at=stamp),
        )
        body = await list_feed(
            session,
            filters=FeedFilters(item_type="trending"),
            pagination=PAGE_ONE,
            now_ms=NOW,
            scope=None,
        )
        assert ids(body) == ["t"]
        assert body["pagination"] == {"page": 1, "limit": 10, "total": 1, "totalPages": 1}

    async def test_bu_and_channel_match_the_metadata_text(self, session: AsyncSession) -> None:
        stamp = "2026-01-15T09:00:00.000Z"
        await add_feed_items(
            session,
            feed_row(
                item_id="kfc-line",
                created_at=stamp,
                metadata={"businessUnit": "KFC Delivery", "channel": "line"},
            ),
            feed_row(
                item_id="kfc-web",
                created_at=stamp,
                metadata={"businessUnit": "KFC Delivery", "channel": "web"},
            ),
            feed_row(item_id="oishi", created_at=stamp, metadata={"businessUnit": "Oishi"}),
            feed_row(item_id="plain", created_at=stamp, metadata={"severity": "high"}),
        )
        body = await list_feed(
            session,
            filters=FeedFilters(bu="KFC Delivery", channel="line"),
            pagination=PAGE_ONE,
            now_ms=NOW,
            scope=None,
        )
        assert ids(body) == ["kfc-line"]

    async def test_bu_wildcards_are_not_escaped(self, session: AsyncSession) -> None:
        stamp = "2026-01-15T09:00:00.000Z"
        await add_feed_items(
            session,
            feed_row(item_id="with-bu", created_at=stamp, metadata={"businessUnit": "Oishi"}),
            feed_row(item_id="without", created_at=stamp, metadata={"severity": "high"}),
            feed_row(item_id="null", created_at=stamp, metadata=None),
        )
        body = await list_feed(
            session,
            filters=FeedFilters(bu="%"),
            pagination=PAGE_ONE,
            now_ms=NOW,
            scope=None,
        )
        assert ids(body) == ["with-bu"]

    async def test_metadata_stays_a_json_string(self, session: AsyncSession) -> None:
        await add_feed_items(
            session,
            feed_row(created_at="2026-01-15T09:00:00.000Z", metadata={"severity": "high"}),
        )
        body = await list_feed(
            session, filters=FeedFilters(), pagination=PAGE_ONE, now_ms=NOW, scope=None
        )
        items = body["items"]
        assert isinstance(items, list)
        assert items[0]["metadata"] == '{"severity":"high"}'


class TestPagination:
    async def _five(self, session: AsyncSession) -> None:
        await add_feed_items(
            session,
            *(
                feed_row(item_id=f"i{n}", priority=n, created_at="2026-01-15T09:00:00.000Z")
                for n in range(5)
            ),
        )

    async def test_second_page(self, session: AsyncSession) -> None:
        await self._five(session)
        body = await list_feed(
            session, filters=FeedFilters(), pagination=Pagination(2, 2), now_ms=NOW, scope=None
        )
        assert ids(body) == ["i2", "i1"]
        assert body["pagination"] == {"page": 2, "limit": 2, "total": 5, "totalPages": 3}

    async def test_limit_zero_returns_no_items(self, session: AsyncSession) -> None:
        await self._five(session)
        body = await list_feed(
            session, filters=FeedFilters(), pagination=Pagination(1, 0), now_ms=NOW, scope=None
        )
        assert body == {
            "items": [],
            "pagination": {"page": 1, "limit": 0, "total": 5, "totalPages": None},
        }

    async def test_non_numeric_limit_returns_everything(self, session: AsyncSession) -> None:
        await self._five(session)
        body = await list_feed(
            session,
            filters=FeedFilters(),
            pagination=Pagination(1, None),
            now_ms=NOW,
            scope=None,
        )
        assert len(ids(body)) == 5
        assert body["pagination"] == {"page": 1, "limit": None, "total": 5, "totalPages": None}

    async def test_page_zero_behaves_as_page_one(self, session: AsyncSession) -> None:
        await self._five(session)
        body = await list_feed(
            session, filters=FeedFilters(), pagination=Pagination(0, 2), now_ms=NOW, scope=None
        )
        assert ids(body) == ["i4", "i3"]
        assert body["pagination"]["page"] == 0

    async def test_offset_without_limit_is_rejected(self, session: AsyncSession) -> None:
        with pytest.raises(BadRequest, match="only page 1 exists"):
            await list_feed(
                session,
                filters=FeedFilters(),
                pagination=Pagination(2, -1),
                now_ms=NOW,
                scope=None,
            )


class TestScope:
    async def _mixed(self, session: AsyncSession) -> None:
        stamp = "2026-01-15T09:00:00.000Z"
        await add_feed_items(
            session,
            feed_row(item_id="own", created_at=stamp, metadata={"businessUnit": "KFC Delivery"}),
            feed_row(item_id="other", created_at=stamp, metadata={"businessUnit": "Oishi"}),
            feed_row(item_id="global", created_at=stamp, metadata={"severity": "critical"}),
            feed_row(item_id="no-metadata", created_at=stamp, metadata=None),
            feed_row(item_id="prefix", created_at=stamp, metadata={"businessUnit": "KFC Del"}),
        )

    async def test_viewer_sees_own_unit_and_global_items(self, session: AsyncSession) -> None:
        await self._mixed(session)
        body = await list_feed(
            session,
            filters=FeedFilters(),
            pagination=PAGE_ONE,
            now_ms=NOW,
            scope="KFC Delivery",
        )
        assert sorted(ids(body)) == ["global", "no-metadata", "own"]
        assert body["pagination"]["total"] == 3

    async def test_unscoped_viewer_sees_everything(self, session: AsyncSession) -> None:
        await self._mixed(session)
        body = await list_feed(
            session, filters=FeedFilters(), pagination=PAGE_ONE, now_ms=NOW, scope=None
        )
        assert body["pagination"]["total"] == 5

    async def test_scope_wildcards_match_literally(self, session: AsyncSession) -> None:
        stamp = "2026-01-15T09:00:00.000Z"
        await add_feed_items(
            session,
            feed_row(item_id="look-alike", created_at=stamp, metadata={"businessUnit": "AxB"}),
            feed_row(item_id="own", created_at=stamp, metadata={"businessUnit": "A_B"}),
        )
        body = await list_feed(
            session, filters=FeedFilters(), pagination=PAGE_ONE, now_ms=NOW, scope="A_B"
        )
        assert ids(body) == ["own"]
