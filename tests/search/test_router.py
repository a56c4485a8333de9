"""HTTP behaviour of /api/search and /api/search/analytics."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from control_tower.core.clock import Clock
from tests.support.databases import connect

JSON = "application/json"


def error_of(response: httpx.Response) -> str:
    body = response.json()
    assert set(body) <= {"error", "code", "details", "timestamp", "requestId"}
    message: str = body["error"]
    return message


class TestSearchRoute:
    async def test_blank_query_has_the_fixed_answer(self, client: httpx.AsyncClient) -> None:
        for url in ("/api/search", "/api/search?q=", "/api/search?q=%20%20"):
            response = await client.get(url)
            assert response.status_code == 200
            assert response.headers["content-type"] == JSON
            assert response.content == (
                b'{"results":[],"totalCount":0,"parsedQuery":{"keywords":[],"timeRange":null,'
                b'"businessUnits":[],"channels":[],"severities":[],"categories":[],'
                b'"flags":{"urgent":false,"risk":false,"needsReview":false},'
                b'"originalQuery":""},"suggestedFilters":[],"executionTimeMs":0}'
            )

    async def test_results_page_and_shape(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/search", params={"q": "app crash", "limit": "3"})
        body = response.json()
        assert body["totalCount"] == 303
        assert [r["relevanceScore"] for r in body["results"]] == [53, 53, 53]
        case = body["results"][0]["case"]
        assert list(case)[:3] == ["id", "caseNumber", "channel"]
        assert case["riskFlag"] in (True, False)
        assert body["parsedQuery"]["keywords"] == ["app", "crash"]
        assert body["results"][0]["highlightedSummary"].count("**") >= 2

    async def test_first_q_wins_and_plus_is_a_space(self, client: httpx.AsyncClient) -> None:
        first = (await client.get("/api/search?q=app&q=crash&limit=1")).json()
        assert first["parsedQuery"]["originalQuery"] == "app"
        spaced = (await client.get("/api/search?q=app+crash&limit=1")).json()
        assert spaced["parsedQuery"]["keywords"] == ["app", "crash"]

    async def test_paging_parameters_read_like_parse_int(self, client: httpx.AsyncClient) -> None:
        full = (await client.get("/api/search?q=app%20crash&limit=60")).json()
        page = (await client.get("/api/search?q=app%20crash&page=2abc&limit=5.9")).json()
        assert [r["case"]["id"] for r in page["results"]] == [
            r["case"]["id"] for r in full["results"][5:10]
        ]
        nan = (await client.get("/api/search?q=app%20crash&limit=abc")).json()
        assert (nan["results"], nan["totalCount"]) == ([], 303)

    async def test_sort_parameters(self, client: httpx.AsyncClient) -> None:
        newest = (await client.get("/api/search?q=delivery&sortBy=date&limit=5")).json()
        dates = [r["case"]["createdAt"] for r in newest["results"]]
        assert dates == sorted(dates, reverse=True)
        upper = (await client.get("/api/search?q=delivery&sortBy=date&sortOrder=DESC")).json()
        dates = [r["case"]["createdAt"] for r in upper["results"]]
        assert dates == sorted(dates)

    async def test_a_date_out_of_range_is_the_originals_500(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.get("/api/search?q=last%20999999999999%20days")
        assert response.status_code == 500
        assert error_of(response) == "Search failed"

    async def test_only_get(self, client: httpx.AsyncClient) -> None:
        response = await client.post("/api/search", json={"q": "app"})
        assert response.status_code == 405


async def log(client: httpx.AsyncClient, body: Any = None, **kwargs: Any) -> httpx.Response:
    if body is not None:
        kwargs["json"] = body
    return await client.post("/api/search/analytics", **kwargs)


def stored(database: Path) -> list[tuple[Any, ...]]:
    with connect(database) as connection:
        return connection.execute(
            "SELECT query, normalized_query, result_count, execution_time_ms, user_id,"
            " created_at FROM search_analytics ORDER BY rowid"
        ).fetchall()


class TestLogSearch:
    async def test_stores_the_search(
        self, client: httpx.AsyncClient, reference_db: Path, clock: Clock
    ) -> None:
        clock.freeze()
        response = await log(
            client,
            {"query": "  Urgent KFC  ", "resultCount": 12, "executionTimeMs": 5, "userId": "u1"},
        )
        assert response.status_code == 200
        assert response.json() == {"success": True, "logged": True}
        assert stored(reference_db) == [("Urgent KFC", "urgent kfc", 12, 5, "u1", clock.now_iso())]

    async def test_falsy_numbers_store_defaults(
        self, client: httpx.AsyncClient, reference_db: Path
    ) -> None:
        await log(client, {"query": "refund", "resultCount": 0, "executionTimeMs": 0})
        assert stored(reference_db)[0][2:5] == (0, None, None)

    @pytest.mark.parametrize("body", [{}, {"query": ""}, {"query": 123}, {"query": None}, [1]])
    async def test_query_is_required(self, client: httpx.AsyncClient, body: Any) -> None:
        response = await log(client, body)
        assert response.status_code == 400
        assert error_of(response) == "Query is required"

    @pytest.mark.parametrize("query", ["a", "  b  ", "É"])
    async def test_short_queries_are_not_logged(
        self, client: httpx.AsyncClient, reference_db: Path, query: str
    ) -> None:
        response = await log(client, {"query": query})
        assert response.json() == {"success": True, "logged": False}
        assert stored(reference_db) == []

    async def test_an_astral_character_counts_twice(
        self, client: httpx.AsyncClient, reference_db: Path
    ) -> None:
        response = await log(client, {"query": "😀"})
        assert response.json() == {"success": True, "logged": True}

    @pytest.mark.parametrize("content", [b"garbage", b"", b"null", b'{"query": "x", '], ids=repr)
    async def test_unreadable_bodies_are_swallowed(
        self, client: httpx.AsyncClient, reference_db: Path, content: bytes
    ) -> None:
        response = await log(client, content=content)
        assert response.status_code == 200
        assert response.json() == {"success": True, "logged": False}
        assert stored(reference_db) == []

    @pytest.mark.parametrize(
        "extra",
        [{"resultCount": True}, {"executionTimeMs": {"a": 1}}, {"userId": [1]}],
        ids=["boolean", "object", "array"],
    )
    async def test_values_sqlite_cannot_bind_are_swallowed(
        self, client: httpx.AsyncClient, reference_db: Path, extra: dict[str, Any]
    ) -> None:
        response = await log(client, {"query": "refund", **extra})
        assert response.json() == {"success": True, "logged": False}
        assert stored(reference_db) == []

    async def test_numbers_are_bound_as_javascript_numbers(
        self, client: httpx.AsyncClient, reference_db: Path
    ) -> None:
        await log(client, {"query": "refund", "resultCount": 10**30, "userId": 7})
        row = stored(reference_db)[0]
        assert row[2] == 1e30
        assert row[4] == "7.0"


class TestLogEvents:
    async def test_a_logged_search_is_announced_once(
        self, app: FastAPI, client: httpx.AsyncClient
    ) -> None:
        subscription = await app.state.bus.subscribe()
        await log(client, {"query": " Cold Chicken ", "resultCount": 104})
        await log(client, {"query": "x"})
        await log(client, content=b"garbage")
        events = []
        while not subscription.queue.empty():
            events.append(subscription.queue.get_nowait())
        assert [(e.type, e.channel, e.business_unit) for e in events] == [
            ("search.logged", "system", None)
        ]
        payload = events[0].payload
        assert list(payload) == ["id", "query", "resultCount", "createdAt"]
        assert (payload["query"], payload["resultCount"]) == ("cold chicken", 104)


class TestPopularSearches:
    async def seed(self, client: httpx.AsyncClient) -> None:
        for body in (
            {"query": "urgent kfc app crash", "resultCount": 324, "executionTimeMs": 5},
            {"query": "urgent kfc app crash", "resultCount": 300, "executionTimeMs": 7},
            {"query": "  Refund  ", "resultCount": 0, "executionTimeMs": 0},
            {"query": "refund", "resultCount": 12, "executionTimeMs": 3},
            {"query": "ไก่ทอดเย็น", "resultCount": 3},
            {"query": "URGENT KFC APP CRASH", "resultCount": 1, "executionTimeMs": 2},
            {"query": "half", "resultCount": 12},
            {"query": "half", "resultCount": 3},
        ):
            assert (await log(client, body)).json()["logged"] is True

    async def test_grouped_counted_and_rounded(self, client: httpx.AsyncClient) -> None:
        await self.seed(client)
        response = await client.get("/api/search/analytics")
        body = response.json()
        assert list(body) == ["popularSearches", "period"]
        assert body["period"] == "30 days"
        rows = {row["query"]: row for row in body["popularSearches"]}
        assert list(rows["urgent kfc app crash"]) == [
            "query",
            "searchCount",
            "avgResultCount",
            "avgExecutionTimeMs",
            "lastSearched",
        ]
        assert rows["urgent kfc app crash"]["searchCount"] == 3
        assert rows["urgent kfc app crash"]["avgResultCount"] == 208  # 625 / 3
        assert rows["urgent kfc app crash"]["avgExecutionTimeMs"] == 5  # 14 / 3
        assert rows["refund"]["avgExecutionTimeMs"] == 3  # the stored NULL is not averaged
        assert rows["ไก่ทอดเย็น"]["avgExecutionTimeMs"] == 0  # only NULLs
        assert rows["half"]["avgResultCount"] == 8  # 7.5 rounds half up
        counts = [row["searchCount"] for row in body["popularSearches"]]
        assert counts == sorted(counts, reverse=True)

    async def test_limit_and_days(self, client: httpx.AsyncClient, clock: Clock) -> None:
        await self.seed(client)
        limited = (await client.get("/api/search/analytics?limit=2")).json()
        assert len(limited["popularSearches"]) == 2
        everything = (await client.get("/api/search/analytics?limit=-1")).json()
        assert len(everything["popularSearches"]) == 4
        nan_limit = (await client.get("/api/search/analytics?limit=abc")).json()
        assert len(nan_limit["popularSearches"]) == 4
        nothing = (await client.get("/api/search/analytics?limit=0")).json()
        assert nothing["popularSearches"] == []
        clock.advance(2 * 86_400_000)
        recent = (await client.get("/api/search/analytics?days=1")).json()
        assert (recent["popularSearches"], recent["period"]) == ([], "1 days")
        future = (await client.get("/api/search/analytics?days=-1")).json()
        assert future == {"popularSearches": [], "period": "-1 days"}

    @pytest.mark.parametrize(
        "params",
        [{"days": "abc"}, {"days": "999999999999"}, {"limit": "99999999999999999999"}],
        ids=["nan-days", "days-past-any-date", "limit-past-int64"],
    )
    async def test_the_originals_failures_are_its_500(
        self, client: httpx.AsyncClient, params: dict[str, str]
    ) -> None:
        response = await client.get("/api/search/analytics", params=params)
        assert response.status_code == 500
        assert error_of(response) == "Failed to fetch search analytics"


class TestOpenApi:
    async def test_routes_are_documented(self, client: httpx.AsyncClient) -> None:
        spec = (await client.get("/openapi.json")).json()
        search = spec["paths"]["/api/search"]["get"]
        assert search["summary"] == "Search cases with a natural-language query"
        assert [p["name"] for p in search["parameters"]] == [
            "q",
            "page",
            "limit",
            "sortBy",
            "sortOrder",
        ]
        assert all(p["description"] for p in search["parameters"])
        assert "SearchResponse" in str(search["responses"]["200"])
        analytics = spec["paths"]["/api/search/analytics"]
        assert analytics["get"]["summary"] == "List popular searches"
        assert analytics["post"]["summary"] == "Log a search"
        assert "requestBody" in analytics["post"]
