"""Property 10: search analytics tracking.

The original's search route logs nothing; the UI logs each search it ran with
``POST /api/search/analytics`` (analytics.md §1.1, §1.7). So, for generated searches and log
bodies:

* ``GET /api/search`` never writes;
* a logged search with a usable query writes exactly one ``search_analytics`` row with the
  documented fields (``search_<ms>_<7 base-36>`` id, trimmed query, lower-cased trimmed
  normalized query, ``resultCount || 0``, ``executionTimeMs || null``, ``userId || null``,
  the service clock's ``createdAt``);
* a missing or non-string query answers 400 ``Query is required``; a normalized query
  shorter than 2 characters, or a value SQLite could not bind, answers ``logged: false``;
  neither writes anything;
* ``GET /api/search/analytics`` counts exactly the rows logged for each normalized query.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.properties.support_a import Harness, assert_error_shape, running_app


class Absent:
    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = Absent()
ROW_ID = re.compile(r"search_(\d+)_[0-9a-z]{1,7}")
WORDS = ["KFC", "app crash", "Chang promo", "ไก่ทอด", "x", "ab", "Oishi  Tea", "a", "ab\udc00"]
PADDING = st.sampled_from(["", " ", "  ", "\t", "\n "])


@pytest.fixture(scope="module")
def harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    with running_app(tmp_path_factory.mktemp("p10")) as running:
        running.clock.freeze()
        yield running


queries = st.one_of(
    st.builds(lambda a, w, b: a + w + b, PADDING, st.sampled_from(WORDS), PADDING),
    # Letters, digits, punctuation and spaces: the characters JavaScript's trim() and
    # toLowerCase() treat exactly as Python's strip() and lower() do.
    st.text(st.characters(categories=["L", "N", "P", "Zs"]), max_size=12),
    st.sampled_from([ABSENT, None, "", 0, 42, True, ["kfc"], {"q": "kfc"}]),
)
# 10**400 is JavaScript's Infinity, which SQLite stores as an infinite REAL.
numbers = st.sampled_from([ABSENT, None, 0, 7, 1234, False, True, "12", 10**400])
user_ids = st.sampled_from([ABSENT, None, "", "user-admin-1", "user-9"])


def well_formed(text: str) -> str:
    return re.sub("[\ud800-\udfff]", "\ufffd", text)


def analytics_rows(harness: Harness) -> dict[str, tuple[Any, ...]]:
    rows = harness.rows(
        "SELECT id, query, normalized_query, result_count, execution_time_ms, user_id, "
        "created_at FROM search_analytics"
    )
    return {row[0]: row[1:] for row in rows}


class TestLogging:
    @given(query=queries, result_count=numbers, execution_ms=numbers, user_id=user_ids)
    def test_each_logged_search_writes_exactly_one_documented_row(
        self, harness: Harness, query: Any, result_count: Any, execution_ms: Any, user_id: Any
    ) -> None:
        harness.clock.advance(1)
        body = {
            key: value
            for key, value in (
                ("query", query),
                ("resultCount", result_count),
                ("executionTimeMs", execution_ms),
                ("userId", user_id),
            )
            if value is not ABSENT
        }
        before = analytics_rows(harness)
        version = harness.data_version()
        response = harness.request(
            "POST", "/api/search/analytics", content=json.dumps(body).encode()
        )

        if not isinstance(query, str) or not query:
            assert_error_shape(response, 400)
            assert response.json()["error"] == "Query is required"
            assert harness.data_version() == version
            return
        normalized = query.lower().strip()
        unbindable = any(value is True for value in (result_count, execution_ms, user_id))
        if len(normalized.encode("utf-16-le", "surrogatepass")) // 2 < 2 or unbindable:
            assert response.json() == {"success": True, "logged": False}
            assert harness.data_version() == version
            return

        assert response.json() == {"success": True, "logged": True}
        after = analytics_rows(harness)
        new = set(after) - set(before)
        assert len(new) == 1 and len(after) == len(before) + 1
        (row_id,) = new
        match = ROW_ID.fullmatch(row_id)
        assert match and int(match.group(1)) == harness.clock.now_ms()
        expected_count: Any = result_count if result_count not in (ABSENT, None, False) else 0
        if expected_count == "12":
            expected_count = 12  # an INTEGER column stores the numeric text as a number
        if expected_count == 10**400:
            expected_count = math.inf
        expected_ms: Any = execution_ms if execution_ms not in (ABSENT, None, 0, False) else None
        if expected_ms == "12":
            expected_ms = 12
        if expected_ms == 10**400:
            expected_ms = math.inf
        # The original's driver bound a lone surrogate as U+FFFD.
        assert after[row_id] == (
            well_formed(query.strip()),
            well_formed(normalized),
            expected_count,
            expected_ms,
            user_id if user_id not in (ABSENT, None, "") else None,
            harness.clock.now_iso(),
        )
        popular = harness.get("/api/search/analytics?limit=1000&days=3650")
        assert popular.status_code == 200, popular.text  # also over an infinite count


class TestSearching:
    @given(
        q=st.sampled_from([*WORDS[:-1], "urgent kfc last 7 days", ""]),  # URL-safe text
        limit=st.integers(0, 5),
        page=st.integers(1, 3),
    )
    def test_a_search_writes_nothing_and_the_log_counts_each_logged_one(
        self, harness: Harness, q: str, limit: int, page: int
    ) -> None:
        version = harness.data_version()
        search = harness.get("/api/search?" + urlencode({"q": q, "limit": limit, "page": page}))
        assert search.status_code == 200
        assert harness.data_version() == version

        logged = harness.request(
            "POST",
            "/api/search/analytics",
            json={"query": q or "-", "resultCount": search.json()["totalCount"]},
        )
        assert harness.get("/api/search/analytics?limit=1000&days=3650").status_code == 200
        assert logged.status_code in (200, 400)
        popular = harness.get("/api/search/analytics?limit=1000&days=3650").json()
        counts = {item["query"]: item["searchCount"] for item in popular["popularSearches"]}
        stored = harness.rows(
            "SELECT normalized_query, count(*) FROM search_analytics GROUP BY normalized_query"
        )
        assert counts == dict(stored)
