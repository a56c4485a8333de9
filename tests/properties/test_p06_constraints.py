"""Property 6: relationship and constraint enforcement.

* Case numbers are unique: an uploaded row whose number exists already (in the database or
  earlier in the same file) is a row error and is not stored; every other valid row is
  stored exactly once.
* Enumerations are enforced where the service checks them: a CSV row with an unknown
  channel or severity is a row error and writes no case; an inbox status outside
  ``pending|read|actioned`` answers 400 and writes nothing.
* Shares and escalations refer to existing sources: for a unit-scoped user, a source that
  does not exist (or belongs to another unit) answers 404 in the project's error shape and
  writes nothing; the same for escalating an unknown alert and recomputing an unknown
  upload. (Anonymous demo requests keep the original's rule that senders and recipients
  are not checked against ``users``: docs/compatibility.md.)
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from control_tower.auth.deps import Viewer
from tests.properties.support_a import Harness, assert_error_shape, running_app

EXISTING = ["CC-000001", "CC-000002", "CC-001000", "CC-002139"]
UNIT = "Beer & Spirits"
fresh_numbers = itertools.count(1)


@pytest.fixture(scope="module")
def harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    with running_app(tmp_path_factory.mktemp("p06")) as running:
        yield running


def case_numbers(harness: Harness, numbers: set[str]) -> dict[str, int]:
    """How many cases hold each of ``numbers`` (absent: none)."""
    marks = ", ".join("?" for _ in numbers)
    rows = harness.rows(
        f"SELECT case_number, count(*) FROM cases WHERE case_number IN ({marks}) "
        "GROUP BY case_number",
        *numbers,
    )
    return {number: count for number, count in rows}


@st.composite
def upload_rows(draw: st.DrawFn) -> list[tuple[str, str, str]]:
    """Rows of (caseNumber, channel, severity): numbers taken, repeated or fresh."""
    batch = next(fresh_numbers)
    fresh = [f"P06-{batch:04d}-{i}" for i in range(4)]
    number = st.sampled_from(EXISTING + fresh)
    channel = st.sampled_from(["phone", "email", "LINE", "fax"])
    severity = st.sampled_from(["low", "critical", "", "urgent"])
    rows: list[tuple[str, str, str]] = draw(
        st.lists(st.tuples(number, channel, severity), min_size=1, max_size=8)
    )
    return rows


def as_csv(rows: list[tuple[str, str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["caseNumber", "createdAt", "businessUnit", "channel", "severity"])
    for number, channel, severity in rows:
        writer.writerow([number, "2026-01-14T09:00:00.000Z", "Cards", channel, severity])
    return out.getvalue().encode()


class TestUniqueCaseNumbers:
    @given(rows=upload_rows())
    def test_a_taken_case_number_is_a_row_error_and_free_ones_land_once(
        self, harness: Harness, rows: list[tuple[str, str, str]]
    ) -> None:
        numbers = {number for number, _, _ in rows}
        before = case_numbers(harness, numbers)
        taken = set(before)
        expected_new: list[str] = []
        duplicates: list[str] = []
        for number, channel, severity in rows:
            if channel.lower() not in {"phone", "email", "line", "web"}:
                continue
            if severity not in {"", "low", "medium", "high", "critical"}:
                continue
            if number in taken:
                duplicates.append(number)
            else:
                taken.add(number)
                expected_new.append(number)

        response = harness.request(
            "POST",
            "/api/upload?allowDuplicate=true",
            files={"file": ("p06.csv", as_csv(rows), "text/csv")},
        )
        assert response.status_code in (200, 400), response.text
        body = response.json()
        after = case_numbers(harness, numbers)

        assert all(count == 1 for count in after.values())
        assert set(after) - set(before) == set(expected_new)
        assert {n: c for n, c in after.items() if n in before} == before
        reasons = [error["reason"] for error in body.get("errors", [])]
        for number in duplicates:
            assert f"Case number '{number}' already exists" in reasons
        assert body["successCount"] == len(expected_new)
        stored = harness.rows("SELECT case_number FROM cases WHERE upload_id = ?", body["uploadId"])
        assert sorted(number for (number,) in stored) == sorted(expected_new)


class TestEnumerations:
    @given(status=st.one_of(st.text(min_size=1, max_size=12), st.sampled_from(["READ", "done"])))
    def test_an_inbox_status_outside_the_enumeration_is_400_and_writes_nothing(
        self, harness: Harness, status: str
    ) -> None:
        if status in ("pending", "read", "actioned"):
            return
        with harness.writes_nothing():
            response = harness.request(
                "PATCH", "/api/inbox", json={"id": "share-1", "status": status}
            )
        assert_error_shape(response, 400, "VALIDATION_ERROR")
        assert response.json()["error"] == "Invalid status. Must be one of: pending, read, actioned"


class TestSourcesExist:
    @given(
        kind=st.sampled_from(["share", "escalation", "escalate-alert"]),
        source_type=st.sampled_from(["alert", "case"]),
        source_id=st.one_of(
            st.sampled_from(
                [
                    "case-8",
                    "case-1",
                    "case-none",
                    "alert-spike-3",
                    "alert-spike-1",
                    "alert-none",
                    "",
                ]
            ),
            st.text(st.sampled_from("acelrt-0123456789"), max_size=12),
        ),
    )
    def test_a_missing_or_invisible_source_is_404_and_writes_nothing(
        self, harness: Harness, kind: str, source_type: str, source_id: str
    ) -> None:
        viewer = Viewer("user-manager-1", "bu_manager", UNIT, via="bearer")
        if kind == "escalate-alert":
            source_type = "alert"
        table = "cases" if source_type == "case" else "alerts"
        found = harness.rows(f"SELECT business_unit FROM {table} WHERE id = ?", source_id)
        visible = bool(found) and found[0][0] in (UNIT, None)
        before = harness.data_version()
        harness.act_as(viewer)
        try:
            if kind == "escalate-alert":
                response = harness.request(
                    "POST",
                    f"/api/alerts/{source_id or 'x'}/escalate",
                    json={"recipientId": "user-admin-1"},
                )
                visible = visible and source_id != ""
            else:
                body: dict[str, Any] = {
                    "type": kind,
                    "sourceType": source_type,
                    "sourceId": source_id,
                    "recipientId": "user-admin-1",
                }
                response = harness.request("POST", "/api/shares", json=body)
        finally:
            harness.act_as(None)
        if source_id == "" and kind != "escalate-alert":
            assert_error_shape(response, 400, "VALIDATION_ERROR")
        elif not visible:
            assert_error_shape(response, 404, "NOT_FOUND")
        else:
            assert response.status_code == 200, response.text
            share = harness.rows(
                "SELECT source_type, source_id, sender_id FROM shares WHERE id = ?",
                response.json()["id"],
            )
            assert share == [(source_type, source_id, viewer.id)]
            return
        assert harness.data_version() == before, "the refused request changed the database"

    @given(upload_id=st.text(min_size=1, max_size=16).filter(lambda s: "/" not in s))
    def test_recomputing_an_unknown_upload_is_404_and_writes_nothing(
        self, harness: Harness, upload_id: str
    ) -> None:
        with harness.writes_nothing():
            response = harness.request(
                "POST", f"/api/uploads/{quote(upload_id, safe='')}/recompute"
            )
        assert_error_shape(response, 404, "NOT_FOUND")


class TestSharesBelongToTheirRecipient:
    @given(
        user=st.sampled_from(
            [
                ("user-manager-1", "bu_manager", UNIT),
                ("user-manager-2", "bu_manager", "Non-Alcoholic Beverages"),
                ("user-supervisor-6", "supervisor", UNIT),
            ]
        ),
        share_id=st.one_of(
            st.sampled_from(["share-1", "share-2", "share-3"]),
            st.text(st.sampled_from("share-0123456789"), min_size=1, max_size=10),
        ),
        status=st.sampled_from(["pending", "read", "actioned"]),
    )
    def test_a_non_admin_may_only_change_shares_sent_to_them(
        self, harness: Harness, user: tuple[str, str, str], share_id: str, status: str
    ) -> None:
        user_id, role, unit = user
        found = harness.rows("SELECT recipient_id FROM shares WHERE id = ?", share_id)
        recipient = found[0][0] if found else None
        before = harness.data_version()
        harness.act_as(Viewer(user_id, role, unit, via="bearer"))
        try:
            response = harness.request(
                "PATCH", "/api/inbox", json={"id": share_id, "status": status}
            )
        finally:
            harness.act_as(None)
        if recipient is None:  # an unknown id answers success and changes nothing
            assert response.status_code == 200, response.text
            assert harness.data_version() == before
        elif recipient == user_id:
            assert response.status_code == 200, response.text
            stored = harness.scalar("SELECT status FROM shares WHERE id = ?", share_id)
            assert stored == status
        else:
            assert_error_shape(response, 403, "FORBIDDEN")
            assert harness.data_version() == before, "the refused update changed the database"
