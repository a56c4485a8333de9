"""The pulse routes over HTTP against the reference database."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from control_tower.auth.deps import Viewer, authenticate
from control_tower.core.models import UserRole

THAI_WEEKDAYS = ["ศุกร์", "เสาร์", "อาทิตย์", "จันทร์", "อังคาร", "Yesterday", "Today"]
ENGLISH_WEEKDAYS = ["Fri", "Sat", "Sun", "Mon", "Tue", "Yesterday", "Today"]


def labels(body: dict[str, dict[str, dict[str, list[dict[str, object]]]]]) -> list[object]:
    return [point["label"] for point in body["sparklines"]["totalCases"]["data"]]


def as_manager(app: FastAPI, unit: str) -> None:
    app.dependency_overrides[authenticate] = lambda: Viewer(
        "user-manager-1", UserRole.BU_MANAGER, unit
    )


class TestPulse:
    async def test_reference_kpis_byte_for_byte(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/pulse")
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"
        assert response.content == (
            b'{"kpis":{"totalCasesToday":{"value":131,"change":51,"changeLabel":"vs yesterday",'
            b'"status":"red"},"openCases":{"value":974,"change":7,"changeLabel":"vs yesterday",'
            b'"status":"yellow"},"criticalUrgent":{"value":465,"change":5,'
            b'"changeLabel":"vs yesterday","status":"red"},"resolutionRate":{"value":"54.5%",'
            b'"change":2.1,"changeLabel":"this week","status":"red"},'
            b'"activeAlerts":{"value":7,"status":"yellow"}}}'
        )

    async def test_scoped_viewer_counts_its_unit(
        self, app: FastAPI, client: httpx.AsyncClient
    ) -> None:
        everyone = (await client.get("/api/pulse")).json()["kpis"]
        as_manager(app, "KFC Delivery")
        scoped = (await client.get("/api/pulse")).json()["kpis"]
        assert 0 < scoped["totalCasesToday"]["value"] < everyone["totalCasesToday"]["value"]
        assert 0 < scoped["openCases"]["value"] < everyone["openCases"]["value"]
        assert scoped["activeAlerts"]["value"] <= everyone["activeAlerts"]["value"]


class TestSparklines:
    async def test_english_by_default(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/pulse/sparklines")
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"
        body = response.json()
        assert labels(body) == ENGLISH_WEEKDAYS
        for series in body["sparklines"].values():
            assert list(series) == ["data", "currentValue"]
            assert len(series["data"]) == 7
            assert series["currentValue"] == series["data"][-1]["value"]

    @pytest.mark.parametrize(
        ("url", "headers", "expected"),
        [
            ("/api/pulse/sparklines?locale=th", {}, THAI_WEEKDAYS),
            ("/api/pulse/sparklines", {"x-locale": "th"}, THAI_WEEKDAYS),
            ("/api/pulse/sparklines?locale=en", {"x-locale": "th"}, ENGLISH_WEEKDAYS),
            ("/api/pulse/sparklines?locale=", {"x-locale": "th"}, THAI_WEEKDAYS),
            ("/api/pulse/sparklines?locale=th-TH", {}, ENGLISH_WEEKDAYS),
            ("/api/pulse/sparklines?locale=th&locale=en", {}, THAI_WEEKDAYS),
            ("/api/pulse/sparklines", {"accept-language": "th-TH,th;q=0.9"}, ENGLISH_WEEKDAYS),
        ],
    )
    async def test_locale_sources(
        self, client: httpx.AsyncClient, url: str, headers: dict[str, str], expected: list[str]
    ) -> None:
        assert labels((await client.get(url, headers=headers)).json()) == expected

    async def test_thai_is_raw_utf8(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/pulse/sparklines?locale=th")
        assert "ศุกร์".encode() in response.content

    async def test_scoped_viewer(self, app: FastAPI, client: httpx.AsyncClient) -> None:
        everyone = (await client.get("/api/pulse/sparklines")).json()["sparklines"]
        as_manager(app, "Oishi Restaurants")
        scoped = (await client.get("/api/pulse/sparklines")).json()["sparklines"]
        assert scoped["totalCases"]["currentValue"] < everyone["totalCases"]["currentValue"]


class TestWordcloud:
    async def test_category_counts(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/pulse/wordcloud")
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"
        body = response.json()
        assert list(body) == ["words", "generatedAt"]
        assert body["words"][0] == {
            "text": "Promotions & Pricing",
            "count": 131,
            "category": "Promotions & Pricing",
        }
        counts = [word["count"] for word in body["words"]]
        assert counts == sorted(counts, reverse=True)
        assert body["generatedAt"].startswith("2026-01-15T10:0")

    async def test_scoped_viewer(self, app: FastAPI, client: httpx.AsyncClient) -> None:
        everyone = (await client.get("/api/pulse/wordcloud")).json()["words"]
        as_manager(app, "KFC Loyalty")
        scoped = (await client.get("/api/pulse/wordcloud")).json()["words"]
        assert sum(w["count"] for w in scoped) < sum(w["count"] for w in everyone)


class TestOpenApi:
    async def test_routes_are_documented(self, client: httpx.AsyncClient) -> None:
        paths = (await client.get("/openapi.json")).json()["paths"]
        for path in ("/api/pulse", "/api/pulse/sparklines", "/api/pulse/wordcloud"):
            operation = paths[path]["get"]
            assert operation["summary"]
            assert operation["description"]
            assert "200" in operation["responses"]
        parameters = paths["/api/pulse/sparklines"]["get"]["parameters"]
        assert [(p["name"], p["in"]) for p in parameters] == [
            ("locale", "query"),
            ("x-locale", "header"),
        ]
