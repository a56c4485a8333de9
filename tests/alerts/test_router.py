"""HTTP behaviour of the alerts routes: status codes, error bodies, shapes, OpenAPI."""

from __future__ import annotations

import json
import uuid

import httpx
import pytest

JSON = "application/json"


def error_of(response: httpx.Response) -> str:
    body = response.json()
    assert set(body) <= {"error", "code", "details", "timestamp", "requestId"}
    message: str = body["error"]
    return message


class TestListAlertsRoute:
    async def test_lists_with_pagination(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/alerts", params={"limit": "2", "page": "2"})
        assert response.status_code == 200
        assert response.headers["content-type"] == JSON
        body = response.json()
        assert list(body) == ["alerts", "pagination"]
        assert len(body["alerts"]) == 2
        assert body["pagination"] == {"page": 2, "limit": 2, "total": 8, "totalPages": 4}

    async def test_first_value_of_a_repeated_parameter_wins(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.get("/api/alerts?type=spike&type=urgency")
        assert {alert["type"] for alert in response.json()["alerts"]} == {"spike"}

    async def test_empty_parameters_are_absent(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/alerts?type=&page=&limit=&sortBy=")
        assert response.json()["pagination"] == {
            "page": 1,
            "limit": 20,
            "total": 8,
            "totalPages": 1,
        }

    async def test_non_numeric_page_echoes_null(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/alerts?page=abc&limit=abc")
        body = response.json()
        assert len(body["alerts"]) == 8
        assert body["pagination"] == {"page": None, "limit": None, "total": 8, "totalPages": None}

    async def test_integral_reals_print_as_integers(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/alerts/alert-spike-1")
        assert b'"baselineValue":26,"currentValue":90,"percentageChange":95,' in response.content

    async def test_offset_without_limit_is_a_400(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/alerts?limit=-1&page=2")
        assert response.status_code == 400
        assert "limit" in error_of(response)


class TestCountAlertsRoute:
    async def test_counts_with_server_timestamp(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/alerts/count")
        assert response.status_code == 200
        body = response.json()
        assert list(body) == ["total", "critical", "high", "timestamp"]
        assert (body["total"], body["critical"], body["high"]) == (7, 3, 4)
        assert body["timestamp"].startswith("2026-01-15T10:0")
        assert body["timestamp"].endswith("Z") and len(body["timestamp"]) == 24

    async def test_post_is_not_allowed(self, client: httpx.AsyncClient) -> None:
        response = await client.post("/api/alerts/count")
        assert response.status_code == 405


class TestAlertDetailRoute:
    async def test_detail_shape(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/alerts/alert-spike-1")
        assert response.status_code == 200
        body = response.json()
        assert list(body) == ["alert", "sampleCases", "contributingPhrases", "timeWindow"]
        assert body["alert"]["id"] == "alert-spike-1"

    async def test_time_window_key_is_absent_when_undetermined(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.get("/api/alerts/alert-threshold-1")
        assert list(response.json()) == ["alert", "sampleCases", "contributingPhrases"]
        assert response.content.endswith(b',"contributingPhrases":[]}')

    @pytest.mark.parametrize(
        "path",
        [
            "/api/alerts/alert-nope",
            "/api/alerts/ALERT-SPIKE-1",
            "/api/alerts/alert-spike-1%3B%20DROP%20TABLE%20alerts",
            "/api/alerts/%E0%B9%81%E0%B8%88%E0%B9%89%E0%B8%87",
        ],
    )
    async def test_unknown_ids_are_404(self, client: httpx.AsyncClient, path: str) -> None:
        response = await client.get(path)
        assert response.status_code == 404
        assert error_of(response) == "Alert not found"

    async def test_patch_is_not_allowed(self, client: httpx.AsyncClient) -> None:
        response = await client.patch("/api/alerts/alert-spike-1")
        assert response.status_code == 405


class TestEscalateRoute:
    async def test_escalates(self, client: httpx.AsyncClient) -> None:
        response = await client.post(
            "/api/alerts/alert-spike-1/escalate",
            json={"senderId": "user-admin-1", "recipientId": "user-manager-3"},
        )
        assert response.status_code == 200
        body = response.json()
        assert list(body) == ["success", "id", "alertId", "message"]
        assert uuid.UUID(body["id"]).version == 4
        assert body["id"] == str(uuid.UUID(body["id"]))
        assert body["alertId"] == "alert-spike-1"
        detail = (await client.get("/api/alerts/alert-spike-1")).json()
        assert detail["alert"]["severity"] == "critical"
        counts = (await client.get("/api/alerts/count")).json()
        assert (counts["critical"], counts["high"]) == (4, 3)

    async def test_body_is_json_whatever_the_content_type(self, client: httpx.AsyncClient) -> None:
        response = await client.post(
            "/api/alerts/alert-spike-1/escalate",
            content=json.dumps({"senderId": "a", "recipientId": "b"}),
            headers={"content-type": "text/plain"},
        )
        assert response.status_code == 200

    @pytest.mark.parametrize("content", [b"", b"nope", b"null", b"{"])
    async def test_unreadable_bodies_are_the_original_500(
        self, client: httpx.AsyncClient, content: bytes
    ) -> None:
        response = await client.post("/api/alerts/alert-spike-3/escalate", content=content)
        assert response.status_code == 500
        assert error_of(response) == "Failed to escalate alert"

    async def test_missing_fields_before_unknown_alert(self, client: httpx.AsyncClient) -> None:
        response = await client.post("/api/alerts/alert-nope/escalate", json={})
        assert response.status_code == 400
        assert error_of(response) == "Missing required fields: senderId, recipientId"

    async def test_unknown_alert(self, client: httpx.AsyncClient) -> None:
        response = await client.post(
            "/api/alerts/alert-nope/escalate", json={"senderId": "a", "recipientId": "b"}
        )
        assert response.status_code == 404
        assert error_of(response) == "Alert not found"

    async def test_failed_share_rolls_back_the_severity(self, client: httpx.AsyncClient) -> None:
        response = await client.post(
            "/api/alerts/alert-threshold-2/escalate",
            json={"senderId": "a", "recipientId": "b", "channel": None},
        )
        assert response.status_code == 500
        assert error_of(response) == "Failed to escalate alert"
        detail = (await client.get("/api/alerts/alert-threshold-2")).json()
        assert detail["alert"]["severity"] == "high"
        assert detail["alert"]["updatedAt"] == "2026-01-14T10:00:00.000Z"

    async def test_get_is_not_allowed(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/alerts/alert-spike-1/escalate")
        assert response.status_code == 405


class TestAlertsOpenApi:
    async def test_routes_are_documented(self, client: httpx.AsyncClient) -> None:
        spec = (await client.get("/openapi.json")).json()
        listing = spec["paths"]["/api/alerts"]["get"]
        assert listing["summary"] == "List alerts"
        names = {parameter["name"] for parameter in listing["parameters"]}
        assert names >= {"page", "limit", "type", "severity", "status", "bu", "sortBy"}
        assert all(parameter.get("description") for parameter in listing["parameters"])
        assert {"200", "400"} <= set(listing["responses"])
        detail = spec["paths"]["/api/alerts/{alert_id}"]["get"]
        assert "404" in detail["responses"]
        escalate = spec["paths"]["/api/alerts/{alert_id}/escalate"]["post"]
        assert {"200", "400", "404", "500"} <= set(escalate["responses"])
        assert "requestBody" in escalate
        assert spec["paths"]["/api/alerts/count"]["get"]["summary"] == "Count active alerts"


class TestEncodedSlashIds:
    async def test_detail_of_an_id_with_an_encoded_slash(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/alerts/alert-spike-1%2Fextra")
        assert response.status_code == 404
        assert error_of(response) == "Alert not found"

    async def test_escalate_of_an_id_with_an_encoded_slash(self, client: httpx.AsyncClient) -> None:
        response = await client.post(
            "/api/alerts/a%2Fb/escalate", json={"senderId": "a", "recipientId": "b"}
        )
        assert response.status_code == 404
        assert error_of(response) == "Alert not found"

    async def test_escalate_path_still_refuses_get(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/alerts/a%2Fb/escalate")
        assert response.status_code == 405
