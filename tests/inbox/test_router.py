"""Inbox, inbox count and shares over HTTP, against a fresh copy of the reference database."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from control_tower.auth.deps import Viewer
from control_tower.core.events import Event, Subscription
from tests.support.databases import connect

INBOX_KEYS = [
    "id",
    "type",
    "sourceType",
    "sourceId",
    "senderId",
    "message",
    "channel",
    "status",
    "createdAt",
    "readAt",
    "actionedAt",
    "sender",
    "source",
]


def share_row(db: Path, share_id: str) -> dict[str, Any]:
    with connect(db, dict_rows=True) as connection:
        row = connection.execute("SELECT * FROM shares WHERE id = ?", (share_id,)).fetchone()
    assert row is not None, share_id
    return dict(row)


def case_row(db: Path, case_id: str) -> dict[str, Any]:
    with connect(db, dict_rows=True) as connection:
        row = connection.execute("SELECT * FROM cases WHERE id = ?", (case_id,)).fetchone()
    return dict(row)


async def next_events(subscription: Subscription, count: int) -> list[Event]:
    return [await asyncio.wait_for(subscription.get(), 2) for _ in range(count)]


class TestListInbox:
    async def test_default_user_has_an_empty_inbox(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/inbox")
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"
        assert response.json() == {
            "items": [],
            "pagination": {"page": 1, "limit": 20, "total": 0, "totalPages": 0},
        }

    async def test_items_carry_sender_and_alert_source_in_order(
        self, client: httpx.AsyncClient
    ) -> None:
        body = (await client.get("/api/inbox?userId=user-manager-1")).json()
        [item] = body["items"]
        assert list(item) == INBOX_KEYS
        assert item["id"] == "share-1"
        assert item["sender"] == {
            "id": "user-supervisor-1",
            "name": "มาลี ปิยะ",
            "email": "supervisor1@thaibev.com",
            "role": "supervisor",
            "avatarUrl": None,
        }
        assert list(item["source"]) == [
            "id",
            "type",
            "severity",
            "title",
            "description",
            "businessUnit",
            "status",
            "sourceType",
        ]
        assert item["source"]["sourceType"] == "alert"
        assert item["source"]["id"] == "alert-urgency-1"

    async def test_case_source_has_case_keys(self, client: httpx.AsyncClient) -> None:
        body = (await client.get("/api/inbox?userId=user-manager-2")).json()
        [item] = body["items"]
        assert item["source"] == {
            "id": "case-1",
            "caseNumber": "CC-000001",
            "severity": "medium",
            "summary": item["source"]["summary"],
            "businessUnit": "KFC Restaurants",
            "status": item["source"]["status"],
            "category": item["source"]["category"],
            "sourceType": "case",
        }

    @pytest.mark.parametrize(
        ("query", "expected_ids"),
        [
            ("userId=user-admin-1&status=read", ["share-2"]),
            ("userId=user-admin-1&status=pending", []),
            ("userId=user-admin-1&type=share", ["share-2"]),
            ("userId=user-admin-1&type=escalation", []),
            ("userId=user-admin-1&type=all&status=all", ["share-2"]),
            ("userId=user-manager-2&userId=user-manager-1", ["share-3"]),
        ],
    )
    async def test_filters(
        self, client: httpx.AsyncClient, query: str, expected_ids: list[str]
    ) -> None:
        body = (await client.get(f"/api/inbox?{query}")).json()
        assert [item["id"] for item in body["items"]] == expected_ids
        assert body["pagination"]["total"] == len(expected_ids)

    async def test_limit_zero_lists_nothing_and_has_null_total_pages(
        self, client: httpx.AsyncClient
    ) -> None:
        body = (await client.get("/api/inbox?userId=user-manager-1&limit=0")).json()
        assert body == {
            "items": [],
            "pagination": {"page": 1, "limit": 0, "total": 1, "totalPages": None},
        }

    async def test_page_past_the_end_is_empty(self, client: httpx.AsyncClient) -> None:
        body = (await client.get("/api/inbox?userId=user-manager-1&page=2")).json()
        assert body["items"] == []
        assert body["pagination"] == {"page": 2, "limit": 20, "total": 1, "totalPages": 1}

    async def test_negative_limit_beyond_page_one_is_a_400(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/inbox?userId=user-manager-1&limit=-1&page=2")
        assert response.status_code == 400
        assert "pagination" in response.json()["error"]

    async def test_unknown_sender_and_source_type_are_null(self, client: httpx.AsyncClient) -> None:
        created = await client.post(
            "/api/shares",
            json={"sourceType": "thing", "sourceId": "x", "senderId": 123, "recipientId": "r-1"},
        )
        assert created.status_code == 200
        [item] = (await client.get("/api/inbox?userId=r-1")).json()["items"]
        assert item["senderId"] == "123.0"
        assert item["sender"] is None
        assert item["source"] is None

    async def test_newest_first(self, client: httpx.AsyncClient, clock: Any) -> None:
        for source in ("case-1", "case-2", "case-3"):
            await client.post(
                "/api/shares",
                json={
                    "sourceType": "case",
                    "sourceId": source,
                    "senderId": "a",
                    "recipientId": "r",
                },
            )
            clock.advance(1000)
        body = (await client.get("/api/inbox?userId=r&limit=2&page=1")).json()
        assert [item["sourceId"] for item in body["items"]] == ["case-3", "case-2"]
        assert body["pagination"] == {"page": 1, "limit": 2, "total": 3, "totalPages": 2}


class TestInboxCount:
    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("", {"count": 0, "hasEscalations": False}),
            ("?userId=user-manager-1", {"count": 1, "hasEscalations": True}),
            ("?userId=user-manager-2", {"count": 0, "hasEscalations": False}),
        ],
    )
    async def test_counts_pending_shares(
        self, client: httpx.AsyncClient, query: str, expected: dict[str, Any]
    ) -> None:
        response = await client.get(f"/api/inbox/count{query}")
        assert response.status_code == 200
        assert response.json() == expected

    async def test_pending_shares_without_escalation(self, client: httpx.AsyncClient) -> None:
        await client.post(
            "/api/shares",
            json={"sourceType": "case", "sourceId": "case-1", "senderId": "a", "recipientId": "r"},
        )
        response = await client.get("/api/inbox/count?userId=r")
        assert response.json() == {"count": 1, "hasEscalations": False}

    async def test_read_shares_are_not_counted(self, client: httpx.AsyncClient) -> None:
        await client.patch("/api/inbox", json={"id": "share-1", "status": "read"})
        response = await client.get("/api/inbox/count?userId=user-manager-1")
        assert response.json() == {"count": 0, "hasEscalations": False}


class TestUpdateInboxItem:
    async def test_read_stamps_read_at(
        self, client: httpx.AsyncClient, reference_db: Path, clock: Any
    ) -> None:
        response = await client.patch("/api/inbox", json={"id": "share-1", "status": "read"})
        assert response.status_code == 200
        assert response.json() == {"success": True, "id": "share-1", "status": "read"}
        row = share_row(reference_db, "share-1")
        assert row["status"] == "read"
        assert row["read_at"] is not None and row["read_at"].startswith("2026-01-15T10:05")
        assert row["actioned_at"] is None

    async def test_actioned_overwrites_read_at(
        self, client: httpx.AsyncClient, reference_db: Path
    ) -> None:
        await client.patch("/api/inbox", json={"id": "share-2", "status": "actioned"})
        row = share_row(reference_db, "share-2")
        assert row["status"] == "actioned"
        assert row["read_at"] == row["actioned_at"]
        assert row["read_at"] != "2026-01-15T10:00:00.000Z"

    async def test_pending_clears_both_stamps(
        self, client: httpx.AsyncClient, reference_db: Path
    ) -> None:
        await client.patch("/api/inbox", json={"id": "share-3", "status": "pending"})
        row = share_row(reference_db, "share-3")
        assert (row["status"], row["read_at"], row["actioned_at"]) == ("pending", None, None)

    async def test_unknown_id_still_succeeds(self, client: httpx.AsyncClient) -> None:
        response = await client.patch("/api/inbox", json={"id": "share-404", "status": "read"})
        assert response.status_code == 200
        assert response.json() == {"success": True, "id": "share-404", "status": "read"}

    async def test_numeric_id_is_echoed_as_sent(self, client: httpx.AsyncClient) -> None:
        response = await client.patch("/api/inbox", json={"id": 5, "status": "read"})
        assert response.status_code == 200
        assert response.content == b'{"success":true,"id":5,"status":"read"}'

    @pytest.mark.parametrize(
        ("body", "message"),
        [
            ({"status": "read"}, "Missing required field: id"),
            ({"id": "", "status": "read"}, "Missing required field: id"),
            (
                {"id": "share-2", "status": "done"},
                "Invalid status. Must be one of: pending, read, actioned",
            ),
            (
                {"id": "share-2", "status": 5},
                "Invalid status. Must be one of: pending, read, actioned",
            ),
            (
                {"id": "share-2", "status": ["read"]},
                "Invalid status. Must be one of: pending, read, actioned",
            ),
        ],
    )
    async def test_invalid_bodies_are_400_with_the_original_message(
        self, client: httpx.AsyncClient, body: dict[str, Any], message: str
    ) -> None:
        response = await client.patch("/api/inbox", json=body)
        assert response.status_code == 400
        assert response.json()["error"] == message

    @pytest.mark.parametrize("body", [{"id": "share-2"}, {"id": "share-2", "status": ""}])
    async def test_missing_status_is_a_400_not_a_crash(
        self, client: httpx.AsyncClient, reference_db: Path, body: dict[str, Any]
    ) -> None:
        response = await client.patch("/api/inbox", json=body)
        assert response.status_code == 400
        assert response.json()["error"].startswith("Missing required field: status")
        assert share_row(reference_db, "share-2")["status"] == "read"

    @pytest.mark.parametrize("raw", [b"{", b"null", b""])
    async def test_unreadable_body_is_the_original_500(
        self, client: httpx.AsyncClient, raw: bytes
    ) -> None:
        response = await client.patch("/api/inbox", content=raw)
        assert response.status_code == 500
        assert response.json()["error"] == "Failed to update inbox item"

    async def test_update_publishes_share_updated(
        self, client: httpx.AsyncClient, app: FastAPI
    ) -> None:
        subscription = await app.state.bus.subscribe()
        await client.patch("/api/inbox", json={"id": "share-3", "status": "read"})
        [event] = await next_events(subscription, 1)
        assert event.type == "share.updated"
        assert event.channel == "cases"
        assert event.business_unit == "KFC Restaurants"
        assert event.payload["id"] == "share-3"
        assert event.payload["status"] == "read"
        assert event.payload["actionedAt"] == "2026-01-15T10:00:00.000Z"

    async def test_unknown_id_publishes_nothing(
        self, client: httpx.AsyncClient, app: FastAPI
    ) -> None:
        subscription = await app.state.bus.subscribe()
        await client.patch("/api/inbox", json={"id": "share-404", "status": "read"})
        assert subscription.queue.empty()


class TestCreateShare:
    async def test_share_stores_defaults(
        self, client: httpx.AsyncClient, reference_db: Path
    ) -> None:
        response = await client.post(
            "/api/shares",
            json={
                "sourceType": "case",
                "sourceId": "case-6",
                "senderId": "user-4",
                "recipientId": "user-1",
            },
        )
        assert response.status_code == 200
        body = response.json()
        assert list(body) == ["id", "message"]
        assert body["message"] == "Successfully shared"
        row = share_row(reference_db, body["id"])
        assert row["type"] == "share"
        assert row["channel"] == "internal"
        assert row["status"] == "pending"
        assert row["message"] is None
        assert (row["read_at"], row["actioned_at"]) == (None, None)
        assert case_row(reference_db, "case-6")["severity"] == "medium"

    async def test_escalating_a_case_marks_it_critical_and_at_risk(
        self, client: httpx.AsyncClient, reference_db: Path
    ) -> None:
        response = await client.post(
            "/api/shares",
            json={
                "type": "escalation",
                "sourceType": "case",
                "sourceId": "case-5",
                "senderId": "user-supervisor-2",
                "recipientId": "user-manager-1",
                "message": "urgent",
                "channel": "line",
            },
        )
        assert response.json()["message"] == "Successfully escalated"
        case = case_row(reference_db, "case-5")
        assert case["severity"] == "critical"
        assert case["risk_flag"] == 1
        assert case["updated_at"] == share_row(reference_db, response.json()["id"])["created_at"]

    async def test_escalating_an_alert_leaves_it_unchanged(
        self, client: httpx.AsyncClient, reference_db: Path
    ) -> None:
        response = await client.post(
            "/api/shares",
            json={
                "type": "escalation",
                "sourceType": "alert",
                "sourceId": "alert-threshold-1",
                "senderId": "a",
                "recipientId": "b",
            },
        )
        assert response.json()["message"] == "Successfully escalated"
        with connect(reference_db) as connection:
            severity = connection.execute(
                "SELECT severity FROM alerts WHERE id = 'alert-threshold-1'"
            ).fetchone()[0]
        assert severity == "high"

    async def test_values_are_stored_as_the_original_bound_them(
        self, client: httpx.AsyncClient, reference_db: Path
    ) -> None:
        response = await client.post(
            "/api/shares",
            json={
                "type": "weird",
                "sourceType": "thing",
                "sourceId": 1.5,
                "senderId": 123,
                "recipientId": "r",
                "message": "",
            },
        )
        assert response.json()["message"] == "Successfully shared"
        row = share_row(reference_db, response.json()["id"])
        assert (row["type"], row["source_id"], row["sender_id"], row["message"]) == (
            "weird",
            "1.5",
            "123.0",
            None,
        )

    @pytest.mark.parametrize(
        "body",
        [
            {},
            [],
            42,
            "text",
            {"sourceType": "case", "sourceId": "case-1", "senderId": "x"},
            {"sourceType": "", "sourceId": "case-1", "senderId": "x", "recipientId": "y"},
            {"sourceType": "case", "sourceId": 0, "senderId": "x", "recipientId": "y"},
        ],
    )
    async def test_missing_fields_are_400(self, client: httpx.AsyncClient, body: Any) -> None:
        response = await client.post("/api/shares", json=body)
        assert response.status_code == 400
        assert response.json()["error"] == (
            "Missing required fields: sourceType, sourceId, senderId, recipientId"
        )

    @pytest.mark.parametrize(
        "body",
        [
            {
                "type": None,
                "sourceType": "case",
                "sourceId": "case-1",
                "senderId": "x",
                "recipientId": "y",
            },
            {
                "channel": None,
                "sourceType": "case",
                "sourceId": "case-1",
                "senderId": "x",
                "recipientId": "y",
            },
            {"sourceType": "case", "sourceId": True, "senderId": "x", "recipientId": "y"},
            {"sourceType": "case", "sourceId": "c", "senderId": {"a": 1}, "recipientId": "y"},
            {
                "sourceType": "case",
                "sourceId": "c",
                "senderId": "x",
                "recipientId": "y",
                "message": True,
            },
        ],
    )
    async def test_unstorable_values_are_the_original_500_and_write_nothing(
        self, client: httpx.AsyncClient, reference_db: Path, body: Any
    ) -> None:
        response = await client.post("/api/shares", json=body)
        assert response.status_code == 500
        assert response.json()["error"] == "Failed to create share"
        with connect(reference_db) as connection:
            assert connection.execute("SELECT count(*) FROM shares").fetchone()[0] == 3

    @pytest.mark.parametrize("raw", [b"not json", b"", b"null"])
    async def test_unreadable_body_is_the_original_500(
        self, client: httpx.AsyncClient, raw: bytes
    ) -> None:
        response = await client.post("/api/shares", content=raw)
        assert response.status_code == 500
        assert response.json()["error"] == "Failed to create share"

    async def test_escalation_publishes_case_and_share_events(
        self, client: httpx.AsyncClient, app: FastAPI
    ) -> None:
        subscription = await app.state.bus.subscribe()
        response = await client.post(
            "/api/shares",
            json={
                "type": "escalation",
                "sourceType": "case",
                "sourceId": "case-5",
                "senderId": "a",
                "recipientId": "b",
            },
        )
        updated, created = await next_events(subscription, 2)
        assert (updated.type, updated.channel) == ("case.updated", "cases")
        assert updated.payload["severity"] == "critical"
        assert updated.business_unit == "KFC Delivery"
        assert (created.type, created.channel) == ("share.created", "cases")
        assert created.payload["id"] == response.json()["id"]
        assert created.payload["recipientId"] == "b"
        assert created.payload["businessUnit"] == "KFC Delivery"

    async def test_alert_share_event_goes_to_the_alerts_channel(
        self, client: httpx.AsyncClient, app: FastAPI
    ) -> None:
        subscription = await app.state.bus.subscribe()
        await client.post(
            "/api/shares",
            json={
                "sourceType": "alert",
                "sourceId": "alert-spike-1",
                "senderId": "a",
                "recipientId": "b",
            },
        )
        [event] = await next_events(subscription, 1)
        assert (event.type, event.channel, event.business_unit) == (
            "share.created",
            "alerts",
            "KFC Delivery",
        )

    async def test_get_is_not_allowed(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/shares")
        assert response.status_code == 405
        assert response.headers["allow"] == "OPTIONS, POST"


class TestViewerScope:
    """The inbox belongs to its recipient: a non-admin sees only their own."""

    MANAGER = Viewer(id="user-manager-1", role="bu_manager", business_unit="Beer & Spirits")

    async def test_non_admin_reads_their_own_inbox_by_default(
        self, client: httpx.AsyncClient, as_viewer: Any
    ) -> None:
        as_viewer(self.MANAGER)
        body = (await client.get("/api/inbox")).json()
        assert [item["id"] for item in body["items"]] == ["share-1"]
        count = (await client.get("/api/inbox/count")).json()
        assert count == {"count": 1, "hasEscalations": True}

    async def test_non_admin_cannot_read_another_inbox(
        self, client: httpx.AsyncClient, as_viewer: Any
    ) -> None:
        as_viewer(self.MANAGER)
        for path in ("/api/inbox?userId=user-admin-1", "/api/inbox/count?userId=user-admin-1"):
            response = await client.get(path)
            assert response.status_code == 403

    async def test_sources_outside_the_business_unit_are_hidden(
        self, client: httpx.AsyncClient, as_viewer: Any
    ) -> None:
        as_viewer(self.MANAGER)
        # share-1's alert belongs to KFC Restaurants, not the manager's Beer & Spirits.
        [item] = (await client.get("/api/inbox")).json()["items"]
        assert item["source"] is None
        assert item["sender"] is not None

    async def test_non_admin_cannot_update_a_share_sent_to_someone_else(
        self, client: httpx.AsyncClient, as_viewer: Any, reference_db: Path
    ) -> None:
        as_viewer(self.MANAGER)
        response = await client.patch("/api/inbox", json={"id": "share-2", "status": "pending"})
        assert response.status_code == 403
        assert share_row(reference_db, "share-2")["status"] == "read"
        own = await client.patch("/api/inbox", json={"id": "share-1", "status": "read"})
        assert own.status_code == 200

    async def test_scoped_escalation_cannot_touch_another_units_case(
        self, client: httpx.AsyncClient, as_viewer: Any, reference_db: Path
    ) -> None:
        as_viewer(self.MANAGER)
        response = await client.post(
            "/api/shares",
            json={
                "type": "escalation",
                "sourceType": "case",
                "sourceId": "case-5",
                "senderId": "user-manager-1",
                "recipientId": "b",
            },
        )
        # Another unit's case does not exist for this viewer: 404, and nothing is written.
        assert response.status_code == 404
        assert response.json()["error"] == "Case not found"
        assert case_row(reference_db, "case-5")["severity"] == "low"
