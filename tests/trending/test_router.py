"""Trending, topic detail, predictions and compute over HTTP, on the reference data."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from control_tower.auth.deps import Viewer, authenticate
from control_tower.core.clock import Clock
from control_tower.core.models import UserRole
from tests.support.databases import connect


@pytest.fixture
def kfc_manager(app: FastAPI) -> Iterator[None]:
    app.dependency_overrides[authenticate] = lambda: Viewer(
        "user-manager-1", UserRole.BU_MANAGER, "KFC Delivery"
    )
    yield
    app.dependency_overrides.pop(authenticate, None)


def terms(body: dict[str, object], key: str = "topics") -> list[str]:
    items = body[key]
    assert isinstance(items, list)
    return [item["term"] for item in items]


class TestListTrending:
    async def test_default_24h_top_five(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/trending")
        assert response.status_code == 200
        body = response.json()
        assert terms(body) == ["discount code", "wrong", "early", "honored", "chang50"]
        first = body["topics"][0]
        assert (first["currentCount"], first["baselineCount"]) == (6, 1)
        assert (first["percentChange"], first["trendScore"]) == (500, 1000)
        assert first["impactedBUs"] == ["Beer & Spirits"]
        assert first["sampleCases"][0]["id"] == "case-101"
        metadata = body["metadata"]
        assert metadata["window"] == "24h"
        assert metadata["currentPeriod"]["caseCount"] == 131
        assert metadata["baselinePeriod"]["caseCount"] == 87

    async def test_top_ten_24h_as_compute_uses_it(self, client: httpx.AsyncClient) -> None:
        body = (await client.get("/api/trending?limit=10")).json()
        assert terms(body)[5:] == ["code chang50", "chang50 rejected", "delivery", "price", "kfc"]

    async def test_7d_tie_order_follows_created_at_then_insertion(
        self, client: httpx.AsyncClient
    ) -> None:
        body = (await client.get("/api/trending?window=7d")).json()
        assert terms(body) == [
            "sold",
            "redeem",
            "accumulated",
            "redeem accumulated",
            "accumulated points",
        ]
        assert body["metadata"]["currentPeriod"]["caseCount"] == 572

    async def test_unknown_window_computes_7d_and_echoes_it(
        self, client: httpx.AsyncClient
    ) -> None:
        body = (await client.get("/api/trending?window=month&window=24h")).json()
        assert body["metadata"]["window"] == "month"
        assert terms(body)[0] == "sold"

    async def test_non_numeric_limit_gives_no_topics(self, client: httpx.AsyncClient) -> None:
        assert (await client.get("/api/trending?limit=abc")).json()["topics"] == []

    async def test_kfc_app_outage_is_not_a_trend(self, client: httpx.AsyncClient) -> None:
        for window in ("24h", "7d"):
            body = (await client.get(f"/api/trending?window={window}&limit=10")).json()
            assert "app" not in terms(body)
            found = (await client.get(f"/api/predictions?window={window}")).json()
            assert "app" not in terms(found, "predictions")

    async def test_scoped_viewer_sees_only_their_unit(
        self, client: httpx.AsyncClient, kfc_manager: None
    ) -> None:
        body = (await client.get("/api/trending?window=7d&limit=-1")).json()
        assert body["topics"]
        for topic in body["topics"]:
            assert topic["impactedBUs"] == ["KFC Delivery"]
        assert body["metadata"]["currentPeriod"]["caseCount"] < 572


class TestTopicDetail:
    async def test_topic_is_decoded_and_normalised(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/trending/Discount%20Code!?window=24h")
        assert response.status_code == 200
        body = response.json()
        assert (body["topic"], body["normalizedTopic"]) == ("Discount Code!", "discount code")
        assert body["metrics"]["currentCount"] == 6
        assert len(body["dailyTrend"]) == 14
        assert body["dailyTrend"][-1]["date"] == "2026-01-15"

    async def test_unknown_topic_is_404_with_the_topic(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/trending/%E0%B9%84%E0%B8%81%E0%B9%88")
        assert response.status_code == 404
        body = response.json()
        assert (body["error"], body["topic"]) == ("Topic not found", "ไก่")

    async def test_encoded_slash_is_part_of_the_topic(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/trending/a%2Fb")
        assert response.status_code == 404
        assert response.json()["topic"] == "a/b"

    async def test_literal_extra_segment_is_no_route(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/trending/a/b")
        assert response.status_code == 404
        assert "topic" not in response.json()

    async def test_malformed_percent_encoding_is_a_clear_400(
        self, client: httpx.AsyncClient
    ) -> None:
        for path in ("/api/trending/%E0%A4", "/api/trending/100%", "/api/trending/%zz"):
            response = await client.get(path)
            assert response.status_code == 400, path
            assert response.json()["code"] == "VALIDATION_ERROR"
            assert "percent-encoded" in response.json()["error"]

    async def test_percent_is_decoded_exactly_once(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/trending/100%25")
        assert response.status_code == 200
        assert (response.json()["topic"], response.json()["normalizedTopic"]) == ("100%", "100")

    async def test_compute_is_its_own_post_only_route(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/trending/compute")
        assert response.status_code == 405
        assert response.headers["allow"] == "OPTIONS, POST"


class TestPredictions:
    async def test_24h_golden_predictions(self, client: httpx.AsyncClient) -> None:
        body = (await client.get("/api/predictions?window=24h")).json()
        found = body["predictions"]
        assert [p["term"] for p in found] == [
            "price", "honored", "delivery", "early", "discount code", "chang50",
            "code chang50", "chang50 rejected",
        ]  # fmt: skip
        assert {(p["type"], p["severity"]) for p in found} == {("accelerating_growth", "high")}
        assert (found[0]["currentCount"], found[0]["growthRate"], found[0]["projectedCount"]) == (
            11,
            175,
            30,
        )
        assert body["metadata"]["totalCasesAnalyzed"] == 1060

    async def test_7d_default(self, client: httpx.AsyncClient) -> None:
        (online,) = (await client.get("/api/predictions")).json()["predictions"]
        assert (online["term"], online["currentCount"], online["growthRate"]) == ("online", 26, 75)
        assert online["projectedCount"] == 12

    async def test_non_numeric_threshold_is_null(self, client: httpx.AsyncClient) -> None:
        body = (await client.get("/api/predictions?threshold=abc")).json()
        assert body["metadata"]["threshold"] is None
        assert [p["type"] for p in body["predictions"]] == ["accelerating_growth"]

    async def test_threshold_near_the_count_adds_a_prediction(
        self, client: httpx.AsyncClient
    ) -> None:
        found = (await client.get("/api/predictions?threshold=30")).json()["predictions"]
        assert [p["type"] for p in found] == ["accelerating_growth", "approaching_threshold"]
        assert found[1]["daysToThreshold"] == 1


def trending_rows(database: Path) -> list[tuple[str, ...]]:
    with connect(database) as connection:
        return connection.execute(
            "SELECT id, topic, description, business_unit, category, sample_case_ids "
            "FROM trending_topics ORDER BY rowid"
        ).fetchall()


class TestCompute:
    async def test_defaults_replace_the_stored_topics(
        self, client: httpx.AsyncClient, reference_db: Path
    ) -> None:
        response = await client.post("/api/trending/compute")
        assert response.status_code == 200
        body = response.json()
        assert body["computed"] == {"trendingTopics": 10, "predictedRisks": 8}
        assert body["metadata"]["window"] == "24h"
        assert body["metadata"]["totalCasesAnalyzed"] == 1060
        rows = trending_rows(reference_db)
        assert [row[1] for row in rows] == terms(body)
        first = rows[0]
        assert first[0].startswith("trend-computed-") and first[0].endswith("-0")
        assert first[2:5] == (
            "Trending topic: discount code",
            "Beer & Spirits",
            "Payment & Billing",
        )
        assert first[5].startswith('["case-101",')

    async def test_body_variants(self, client: httpx.AsyncClient) -> None:
        async def computed(**kwargs: object) -> dict[str, object]:
            response = await client.post("/api/trending/compute", **kwargs)  # type: ignore[arg-type]
            assert response.status_code == 200
            body: dict[str, object] = response.json()
            return body

        assert (await computed(content=b"garbage"))["computed"] == {
            "trendingTopics": 10,
            "predictedRisks": 8,
        }
        assert len((await computed(json={"limit": "3"}))["topics"]) == 3  # type: ignore[arg-type]
        assert len((await computed(json={"limit": 0}))["topics"]) == 10  # type: ignore[arg-type]
        seven = await computed(json={"window": "7d", "limit": 5})
        assert terms(seven)[0] == "sold"
        truthy = await computed(json={"window": True, "limit": 5})
        assert truthy["metadata"]["window"] is True  # type: ignore[index]
        assert truthy["topics"] == seven["topics"]
        assert (await computed(json={"limit": "abc"}))["topics"] == []

    async def test_null_body_is_a_400(self, client: httpx.AsyncClient) -> None:
        response = await client.post("/api/trending/compute", content=b"null")
        assert response.status_code == 400

    async def test_only_an_admin_may_compute(
        self, client: httpx.AsyncClient, reference_db: Path, kfc_manager: None
    ) -> None:
        before = trending_rows(reference_db)
        response = await client.post("/api/trending/compute", json={"window": "7d"})
        assert response.status_code == 403
        assert response.json()["code"] == "FORBIDDEN"
        assert trending_rows(reference_db) == before


class TestClockJumps:
    async def test_a_jump_of_the_clock_is_never_answered_from_before_it(
        self, client: httpx.AsyncClient, clock: Clock
    ) -> None:
        trending = (await client.get("/api/trending")).json()
        predictions = (await client.get("/api/predictions")).json()
        assert trending["metadata"]["currentPeriod"]["caseCount"] > 0
        assert predictions["metadata"]["totalCasesAnalyzed"] > 0
        clock.advance(60 * 24 * 3600 * 1000)  # sixty days on: no case is in either window
        trending = (await client.get("/api/trending")).json()
        predictions = (await client.get("/api/predictions")).json()
        assert trending["metadata"]["currentPeriod"]["caseCount"] == 0
        assert trending["topics"] == []
        assert predictions["metadata"]["totalCasesAnalyzed"] == 0
        assert predictions["predictions"] == []
