"""``POST /api/chat`` over HTTP: validation, error statuses and response shapes."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from control_tower.core.clock import Clock
from tests.chat.test_service import golden

# Chat records of the write sequence that only need the reference data (the others depend
# on writes made before them by other routes; see test_service.TestAfterEarlierWrites).
INDEPENDENT_RECORDS = [
    record_id
    for record_id, record in golden().items()
    if record["group"] == "chat"
    and record_id
    not in {"mutA-079", "mutA-080", "mutA-081", "mutA-082", "mutA-149", "mutA-150", "mutA-158",
            "mutA-163"}
]  # fmt: skip


def post_raw(client: httpx.AsyncClient, content: bytes) -> Any:
    return client.post("/api/chat", content=content, headers={"content-type": "application/json"})


@pytest.fixture
def recorded_clock(clock: Clock) -> Clock:
    """The instant the original answered mutA-089 (its filterState shows it)."""
    clock.freeze(at=1768471501092)
    return clock


class TestValidation:
    @pytest.mark.parametrize(
        "body", [{}, {"message": ""}, {"message": 42}, {"message": None}, {"message": False},
                 {"message": ["hi"]}, {"text": "hi"}, [], 42, "hi", True]
    )  # fmt: skip
    async def test_message_is_required(self, client: httpx.AsyncClient, body: object) -> None:
        response = await client.post("/api/chat", json=body)
        assert response.status_code == 400
        assert response.json()["error"] == "Message is required"

    @pytest.mark.parametrize("content", [b"oops", b"", b"null", b"{", b"\xff"])
    async def test_unreadable_body_is_the_original_500(
        self, client: httpx.AsyncClient, content: bytes
    ) -> None:
        response = await post_raw(client, content)
        assert response.status_code == 500
        body = response.json()
        assert body["error"] == "Internal server error"
        assert body["code"] == "REQUEST_FAILED"

    async def test_invalid_utf8_inside_a_string_is_replaced(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await post_raw(client, b'{"message":"caf\xe9"}')
        assert response.status_code == 200
        assert response.json()["response"].startswith('I\'m not sure how to help with "caf\ufffd"')

    async def test_lone_surrogates_are_echoed_as_escapes(self, client: httpx.AsyncClient) -> None:
        response = await post_raw(client, b'{"message":"x\\ud800y"}')
        assert response.status_code == 200
        assert b'with \\"x\\ud800y\\". Here' in response.content
        assert response.content.endswith(b'"intent":"general_question","confidence":0.3}')

    async def test_whitespace_message_is_answered(self, client: httpx.AsyncClient) -> None:
        response = await client.post("/api/chat", json={"message": "   "})
        assert response.status_code == 200
        assert response.json()["intent"] == "general_question"

    async def test_impossible_time_range_is_a_400_not_a_crash(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.post(
            "/api/chat", json={"message": "find cases in the past 999999999999 days"}
        )
        assert response.status_code == 400
        assert "Last 999999999999 days" in response.json()["error"]


class TestResponses:
    async def test_only_documented_keys_in_order(self, client: httpx.AsyncClient) -> None:
        response = await client.post("/api/chat", json={"message": "Show urgent cases"})
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"
        assert list(response.json()) == ["response", "intent", "confidence"]

    async def test_filter_state_only_for_recognised_filters(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.post("/api/chat", json={"message": "only show risky cases"})
        assert list(response.json()) == ["response", "intent", "confidence", "filterState"]
        assert response.json()["filterState"]["flags"]["risk"] is True

    async def test_raw_utf8_and_compact_json(self, client: httpx.AsyncClient) -> None:
        response = await client.post("/api/chat", json={"message": "ไม่ทราบ"})
        assert "ไม่ทราบ".encode() in response.content
        assert b'","intent":"general_question","confidence":0.3}' in response.content

    @pytest.mark.usefixtures("recorded_clock")
    @pytest.mark.parametrize("record_id", INDEPENDENT_RECORDS)
    async def test_recorded_exchange(self, client: httpx.AsyncClient, record_id: str) -> None:
        record = golden()[record_id]
        body = record["body"]
        if body["kind"] == "json":
            response = await client.post("/api/chat", json=body["value"])
        else:
            response = await post_raw(client, body["text"].encode())
        assert response.status_code == record["status"]
        expected = record["response"]
        if response.status_code == 200:
            assert response.content == json.dumps(
                expected, ensure_ascii=False, separators=(",", ":")
            ).encode("utf-8")
        else:
            assert response.json()["error"] == expected["error"]


class TestOpenApi:
    async def test_route_is_documented(self, client: httpx.AsyncClient) -> None:
        document = (await client.get("/openapi.json")).json()
        operation = document["paths"]["/api/chat"]["post"]
        assert operation["summary"] == "Ask the chat assistant"
        assert set(operation["responses"]) >= {"200", "400", "500"}
        schema = operation["requestBody"]["content"]["application/json"]["schema"]
        assert schema["required"] == ["message"]
