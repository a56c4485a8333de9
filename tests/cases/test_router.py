"""HTTP behaviour of the cases routes: status codes, error bodies, shapes, OpenAPI."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from control_tower.core.db import Database
from tests.cases.factories import insert_case

JSON = "application/json"


def error_of(response: httpx.Response) -> str:
    body = response.json()
    assert set(body) <= {"error", "code", "details", "timestamp", "requestId"}
    message: str = body["error"]
    return message


class TestListCasesRoute:
    async def test_lists_with_pagination(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/cases", params={"limit": "1"})
        assert response.status_code == 200
        assert response.headers["content-type"] == JSON
        body = response.json()
        assert body["pagination"] == {"page": 1, "limit": 1, "total": 2139, "totalPages": 2139}
        assert body["cases"][0]["id"] == "case-2139"

    async def test_plus_decodes_to_space(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/cases?bu=KFC+Delivery&limit=3")
        assert {case["businessUnit"] for case in response.json()["cases"]} == {"KFC Delivery"}

    async def test_injection_like_search_is_just_text(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/cases", params={"search": "' OR 1=1 --"})
        assert response.status_code == 200
        assert response.json()["pagination"]["total"] == 0

    async def test_limit_zero(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/cases?limit=0")
        assert response.content == (
            b'{"cases":[],"pagination":{"page":1,"limit":0,"total":2139,"totalPages":null}}'
        )

    async def test_offset_without_limit_is_a_400(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/cases?limit=-1&page=2")
        assert response.status_code == 400
        assert "page" in error_of(response)

    async def test_post_is_not_allowed(self, client: httpx.AsyncClient) -> None:
        response = await client.post("/api/cases")
        assert response.status_code == 405


class TestCaseDetailRoute:
    async def test_detail_is_flat_with_summary_and_timeline(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.get("/api/cases/case-3")
        assert response.status_code == 200
        body = response.json()
        assert list(body)[:2] == ["id", "caseNumber"]
        assert list(body)[-3:] == ["uploadId", "aiSummary", "timeline"]
        assert list(body["aiSummary"]) == ["whatHappened", "impact", "suggestedAction"]
        assert list(body["timeline"][0]) == ["id", "type", "title", "description", "timestamp"]

    @pytest.mark.parametrize(
        "path", ["/api/cases/case-0", "/api/cases/CASE-3", "/api/cases/case-1%2Fextra"]
    )
    async def test_unknown_ids_are_404(self, client: httpx.AsyncClient, path: str) -> None:
        response = await client.get(path)
        assert response.status_code == 404
        assert error_of(response) == "Case not found"

    async def test_unreadable_creation_time_is_not_a_500(
        self, client: httpx.AsyncClient, app: FastAPI
    ) -> None:
        database: Database = app.state.db
        async with database.session() as session:
            await insert_case(
                session, id="case-bad", created_at="yesterday-ish", assigned_to="u", status="closed"
            )
        response = await client.get("/api/cases/case-bad")
        assert response.status_code == 200
        assert [event["id"] for event in response.json()["timeline"]] == ["1"]

    async def test_post_is_not_allowed(self, client: httpx.AsyncClient) -> None:
        response = await client.post("/api/cases/case-1")
        assert response.status_code == 405

    async def test_trailing_slash_redirects(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/cases/case-1/")
        assert response.status_code == 308
        assert response.headers["location"] == "/api/cases/case-1"


class TestCasesOpenApi:
    async def test_routes_are_documented(self, client: httpx.AsyncClient) -> None:
        spec = (await client.get("/openapi.json")).json()
        listing = spec["paths"]["/api/cases"]["get"]
        assert listing["summary"] == "List cases"
        names = {parameter["name"] for parameter in listing["parameters"]}
        assert names >= {"page", "limit", "bu", "search", "uploadBatch", "sortBy", "sortOrder"}
        assert {"200", "400"} <= set(listing["responses"])
        detail = spec["paths"]["/api/cases/{case_id}"]["get"]
        assert detail["summary"] == "Get a case"
        assert "404" in detail["responses"]
