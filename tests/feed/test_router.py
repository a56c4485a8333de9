"""GET /api/feed over HTTP against the reference database."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from control_tower.auth.deps import Viewer, authenticate
from control_tower.core.models import UserRole

ITEM_KEYS = [
    "id",
    "type",
    "title",
    "content",
    "metadata",
    "priority",
    "referenceId",
    "referenceType",
    "createdAt",
    "expiresAt",
]


class TestListFeed:
    async def test_default_page_is_today_by_priority(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/feed")
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"
        body = response.json()
        assert list(body) == ["items", "pagination"]
        assert [item["id"] for item in body["items"]] == [
            "feed-alert-6",
            "feed-alert-7",
            "feed-highlight-1",
            "feed-alert-8",
            "feed-upload-1",
        ]
        assert list(body["items"][0]) == ITEM_KEYS
        assert body["pagination"] == {"page": 1, "limit": 10, "total": 5, "totalPages": 1}

    async def test_metadata_is_sent_as_a_string(self, client: httpx.AsyncClient) -> None:
        body = (await client.get("/api/feed?type=highlight")).json()
        metadata = body["items"][0]["metadata"]
        assert isinstance(metadata, str)
        assert metadata.startswith('{"topBUs":')

    async def test_compact_json_bytes(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/feed?limit=1")
        assert response.content.startswith(b'{"items":[{"id":"feed-alert-6","type":"alert",')
        assert response.content.endswith(
            b'"pagination":{"page":1,"limit":1,"total":5,"totalPages":5}}'
        )

    async def test_first_occurrence_of_a_parameter_wins(self, client: httpx.AsyncClient) -> None:
        body = (await client.get("/api/feed?type=trending&type=alert&dateRange=7d")).json()
        assert {item["type"] for item in body["items"]} == {"trending"}

    async def test_empty_parameters_are_absent(self, client: httpx.AsyncClient) -> None:
        body = (await client.get("/api/feed?type=&bu=&page=&limit=&dateRange=")).json()
        assert body["pagination"] == {"page": 1, "limit": 10, "total": 5, "totalPages": 1}

    async def test_nan_page_echoes_null(self, client: httpx.AsyncClient) -> None:
        body = (await client.get("/api/feed?page=abc&limit=2")).json()
        assert body["pagination"] == {"page": None, "limit": 2, "total": 5, "totalPages": 3}
        assert len(body["items"]) == 2

    async def test_offset_without_limit_answers_400(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/feed?limit=-1&page=2")
        assert response.status_code == 400
        body = response.json()
        assert body["code"] == "VALIDATION_ERROR"
        assert "only page 1 exists" in body["error"]

    async def test_thirty_days_lists_every_seed_item(self, client: httpx.AsyncClient) -> None:
        body = (await client.get("/api/feed?dateRange=30d&limit=100")).json()
        assert body["pagination"]["total"] == 14
        priorities = [item["priority"] for item in body["items"]]
        assert priorities == sorted(priorities, reverse=True)


class TestScopedViewer:
    async def test_global_seed_items_stay_visible(
        self, app: FastAPI, client: httpx.AsyncClient
    ) -> None:
        app.dependency_overrides[authenticate] = lambda: Viewer(
            "user-manager-1", UserRole.BU_MANAGER, "KFC Delivery"
        )
        body = (await client.get("/api/feed")).json()
        assert body["pagination"]["total"] == 5


class TestOpenApi:
    async def test_route_is_documented(self, client: httpx.AsyncClient) -> None:
        spec = (await client.get("/openapi.json")).json()
        operation = spec["paths"]["/api/feed"]["get"]
        assert operation["summary"] == "List feed items"
        names = [parameter["name"] for parameter in operation["parameters"]]
        assert names == ["page", "limit", "type", "bu", "channel", "dateRange"]
        assert set(operation["responses"]) >= {"200", "400"}
