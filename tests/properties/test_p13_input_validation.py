"""Property 13: input validation error consistency.

Generated invalid (and some valid) bodies and parameters get the documented answer: the
status, the exact ``error`` message (the original's where it had one) and the ``code``, in
the project's error shape; a refused request writes nothing. The expected answer of each
input is derived here from the contract's rules (core.md §0.4, §2.3, §4, analytics.md §1.7,
§4.1, docs/compatibility.md), in the order the original checked them.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.properties.support_a import Harness, assert_error_shape, running_app


class Absent:
    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = Absent()
DEEP = b"[" * 5000 + b"]" * 5000  # valid JSON, nested deeper than Python's parser recurses
TOO_DEEP = (
    "Invalid JSON body: arrays and objects are nested too deeply to read "
    "(keep the nesting under 500 levels)"
)
BAD_JSON = [b"", b"   ", b"{", b'{"a":', b"nul", b"NaN", b"{'a': 1}", b"[1,]", b"\xff\xfe"]

SHARE_FAILED = "Failed to create share"
SHARE_MISSING = "Missing required fields: sourceType, sourceId, senderId, recipientId"
INBOX_FAILED = "Failed to update inbox item"
ESCALATE_FAILED = "Failed to escalate alert"
ESCALATE_MISSING = "Missing required fields: senderId, recipientId"

falsy = st.sampled_from([ABSENT, None, "", 0, False])
unbindable = st.sampled_from([True, {"a": 1}, [], ["x"], {}])
# A lone surrogate is valid JSON and bound as U+FFFD; 10**400 is JavaScript's Infinity.
text_value = st.sampled_from(
    ["case-1", "alert-spike-1", "user-admin-1", "ผู้ใช้", 7, 2.5, "x\ud800", 10**400, -(10**400)]
)
any_value = st.one_of(falsy, unbindable, text_value)


@pytest.fixture(scope="module")
def harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    with running_app(tmp_path_factory.mktemp("p13")) as running:
        yield running


def js_parse(raw: bytes) -> Any:
    """``JSON.parse`` of a body (``ABSENT`` when it throws: no NaN or Infinity literals)."""

    def refuse(name: str) -> Any:
        raise ValueError(name)

    text = raw.decode("utf-8", errors="replace")
    try:
        return json.loads(text, parse_constant=refuse)
    except (ValueError, RecursionError):
        return ABSENT


def truthy(value: Any) -> bool:
    """JavaScript truthiness of a JSON value."""
    return value not in (ABSENT, None, "", 0, False) or isinstance(value, list | dict)


def bindable(value: Any) -> bool:
    return not isinstance(value, bool | list | dict)


def body_of(fields: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in fields.items() if value is not ABSENT}


def expect(
    harness: Harness, response: Any, status: int, message: str | None, code: str | None
) -> None:
    if status < 400:
        assert response.status_code == status, response.text
        return
    assert_error_shape(response, status, code)
    if message is not None:
        assert response.json()["error"] == message


def raw_body_answer(content: bytes, *, failed: str, missing: str) -> tuple[int, str, str]:
    """What a write answers for a raw body: nested too deep, unreadable or null, or not an
    object (a number, string or array has no fields)."""
    if content == DEEP:
        return 400, TOO_DEEP, "INVALID_JSON"
    parsed = js_parse(content)
    if parsed is ABSENT or parsed is None:
        return 500, failed, "REQUEST_FAILED"
    return 400, missing, "VALIDATION_ERROR"


def answers(
    harness: Harness, method: str, path: str, content: bytes, expected: tuple[int, Any, Any]
) -> None:
    """The write answers ``expected``; when it is refused, nothing was written."""
    version = harness.data_version()
    response = harness.request(method, path, content=content)
    expect(harness, response, *expected)
    if expected[0] != 200:
        assert harness.data_version() == version


raw_bodies = st.one_of(
    st.sampled_from([*BAD_JSON, DEEP]).map(lambda raw: ("raw", raw)),
    st.sampled_from([b"null", b"42", b'"text"', b"[1, 2]", b"true"]).map(lambda r: ("raw", r)),
)


class TestShares:
    @given(
        fields=st.fixed_dictionaries(
            {
                "sourceType": st.one_of(st.sampled_from(["case", "alert"]), any_value),
                "sourceId": any_value,
                "senderId": any_value,
                "recipientId": any_value,
                "type": st.one_of(st.sampled_from(["share", "escalation"]), any_value),
                "channel": st.one_of(st.sampled_from(["email", ABSENT]), any_value),
                "message": any_value,
            }
        ),
        raw=st.one_of(st.none(), raw_bodies),
    )
    def test_share_bodies_get_the_documented_answer(
        self, harness: Harness, fields: dict[str, Any], raw: tuple[str, bytes] | None
    ) -> None:
        expected: tuple[int, Any, Any]
        if raw is not None:
            content = raw[1]
            expected = raw_body_answer(content, failed=SHARE_FAILED, missing=SHARE_MISSING)
        else:
            body = body_of(fields)
            content = json.dumps(body).encode()
            required = [fields[k] for k in ("sourceType", "sourceId", "senderId", "recipientId")]
            share_type = "share" if fields["type"] is ABSENT else fields["type"]
            channel = "internal" if fields["channel"] is ABSENT else fields["channel"]
            stored = [*required, share_type, channel]
            if truthy(fields["message"]):
                stored.append(fields["message"])
            if not all(truthy(value) for value in required):
                expected = (400, SHARE_MISSING, "VALIDATION_ERROR")
            elif not all(bindable(value) for value in stored) or None in (share_type, channel):
                expected = (500, SHARE_FAILED, "REQUEST_FAILED")
            else:
                expected = (200, None, None)
        answers(harness, "POST", "/api/shares", content, expected)


class TestInboxPatch:
    @given(
        share_id=st.one_of(st.sampled_from(["share-1", "share-none"]), any_value),
        status=st.one_of(st.sampled_from(["pending", "read", "actioned", "READ", "x"]), any_value),
        raw=st.one_of(st.none(), st.none(), raw_bodies),
    )
    def test_inbox_patches_get_the_documented_answer(
        self, harness: Harness, share_id: Any, status: Any, raw: tuple[str, bytes] | None
    ) -> None:
        statuses = ("pending", "read", "actioned")
        if raw is not None:
            content = raw[1]
            expected = raw_body_answer(
                content, failed=INBOX_FAILED, missing="Missing required field: id"
            )
        else:
            content = json.dumps(body_of({"id": share_id, "status": status})).encode()
            if not truthy(share_id):
                expected = (400, "Missing required field: id", "VALIDATION_ERROR")
            elif truthy(status) and status not in statuses:
                message = "Invalid status. Must be one of: pending, read, actioned"
                expected = (400, message, "VALIDATION_ERROR")
            elif not truthy(status):
                message = (
                    "Missing required field: status (one of: pending, read, actioned); "
                    "nothing to update"
                )
                expected = (400, message, "VALIDATION_ERROR")
            elif not bindable(share_id):
                expected = (500, INBOX_FAILED, "REQUEST_FAILED")
            else:
                expected = (200, "", "")
        answers(harness, "PATCH", "/api/inbox", content, expected)


class TestEscalate:
    @given(
        alert_id=st.sampled_from(["alert-spike-2", "alert-none"]),
        sender=st.one_of(st.just("user-admin-1"), any_value),
        recipient=st.one_of(st.just("user-manager-1"), any_value),
        channel=st.one_of(st.just(ABSENT), any_value),
        message=any_value,
        raw=st.one_of(st.none(), st.none(), raw_bodies),
    )
    def test_escalations_get_the_documented_answer(
        self,
        harness: Harness,
        alert_id: str,
        sender: Any,
        recipient: Any,
        channel: Any,
        message: Any,
        raw: tuple[str, bytes] | None,
    ) -> None:
        if raw is not None:
            content = raw[1]
            expected = raw_body_answer(content, failed=ESCALATE_FAILED, missing=ESCALATE_MISSING)
        else:
            fields = {"senderId": sender, "recipientId": recipient}
            fields |= {"channel": channel, "message": message}
            content = json.dumps(body_of(fields)).encode()
            stored_channel = "internal" if channel is ABSENT else channel
            stored = [sender, recipient, stored_channel]
            if truthy(message):
                stored.append(message)
            if not truthy(sender) or not truthy(recipient):
                expected = (400, ESCALATE_MISSING, "VALIDATION_ERROR")
            elif alert_id == "alert-none":
                expected = (404, "Alert not found", "NOT_FOUND")
            elif not all(bindable(v) for v in stored) or stored_channel is None:
                expected = (500, ESCALATE_FAILED, "REQUEST_FAILED")
            else:
                expected = (200, "", "")
        answers(harness, "POST", f"/api/alerts/{alert_id}/escalate", content, expected)


class TestOtherBodies:
    @given(
        query=st.one_of(
            falsy,
            unbindable,
            st.integers(),
            st.floats(allow_nan=False, allow_infinity=False),
            st.text(max_size=8),
        )
    )
    def test_search_logs_need_a_string_query(self, harness: Harness, query: Any) -> None:
        version = harness.data_version()
        response = harness.request("POST", "/api/search/analytics", json=body_of({"query": query}))
        if isinstance(query, str) and query:
            assert response.status_code == 200
            return
        expect(harness, response, 400, "Query is required", "VALIDATION_ERROR")
        assert harness.data_version() == version

    @given(message=st.one_of(falsy, unbindable, st.sampled_from([5, "hello"])), raw=raw_bodies)
    def test_chat_needs_a_string_message(
        self, harness: Harness, message: Any, raw: tuple[str, bytes]
    ) -> None:
        parsed = js_parse(raw[1])
        if raw[1] == DEEP:
            response = harness.request("POST", "/api/chat", content=raw[1])
            expect(harness, response, 400, TOO_DEEP, "INVALID_JSON")
            return
        if parsed is ABSENT or parsed is None:
            response = harness.request("POST", "/api/chat", content=raw[1])
            expect(harness, response, 500, "Internal server error", "REQUEST_FAILED")
            return
        response = harness.request("POST", "/api/chat", json=body_of({"message": message}))
        if isinstance(message, str) and message:
            assert response.status_code == 200
        else:
            expect(harness, response, 400, "Message is required", "VALIDATION_ERROR")

    @given(
        form=st.sampled_from(["none", "text-field", "no-file", "wrong-type", "raw"]),
        name=st.one_of(
            st.sampled_from(["cases.txt", "cases.CSV", "cases", "ข้อมูล.json", "a.csv.txt"]),
            st.text(st.sampled_from("abcXYZ019.-_กข"), min_size=1, max_size=12),
        ),
    )
    def test_upload_forms_get_the_documented_answer(
        self, harness: Harness, form: str, name: str
    ) -> None:
        version = harness.data_version()
        if form == "raw":
            response = harness.request("POST", "/api/upload", content=b"caseNumber\nX-1\n")
            expect(harness, response, 500, "Failed to process upload", "REQUEST_FAILED")
        elif form == "text-field":
            response = harness.request("POST", "/api/upload", data={"file": "a,b"}, files={})
            expect(harness, response, 500, "Failed to process upload", "REQUEST_FAILED")
        elif form in ("none", "no-file"):
            response = harness.request(
                "POST", "/api/upload", data={"other": "x"}, files={"attachment": ("a.csv", b"x")}
            )
            expect(harness, response, 400, "No file provided", "NO_FILE")
        elif name.endswith(".csv") or name.lower().endswith(".xlsx"):
            return  # an accepted name: not an invalid input
        else:
            response = harness.request(
                "POST", "/api/upload", files={"file": (name, b"a,b\n1,2\n", "text/plain")}
            )
            message = "Invalid file type. Only CSV files are accepted."
            expect(harness, response, 400, message, "INVALID_FILE_TYPE")
        assert harness.data_version() == version


class TestComputeBody:
    @given(
        limit=st.one_of(
            st.integers(), st.sampled_from([10**400, -(10**400), 1e308, "1e3", "x", [], {}])
        ),
        window=st.sampled_from(["24h", "7d", "", None, 5, "x\ud800"]),
    )
    def test_any_json_limit_or_window_answers_200(
        self, harness: Harness, limit: Any, window: Any
    ) -> None:
        body = json.dumps({"limit": limit, "window": window}).encode()
        response = harness.request("POST", "/api/trending/compute", content=body)
        assert response.status_code == 200, response.text


class TestNumbersPastDoubles:
    @given(digits=st.integers(310, 6000), negative=st.booleans())
    def test_an_integer_literal_past_doubles_is_read_as_infinity(
        self, harness: Harness, digits: int, negative: bool
    ) -> None:
        literal = ("-" if negative else "") + "9" * digits
        body = '{"sourceType":"case","sourceId":"case-1","senderId":%s,"recipientId":"u"}'
        response = harness.request("POST", "/api/shares", content=(body % literal).encode())
        assert response.status_code == 200, response.text
        sender = harness.scalar("SELECT sender_id FROM shares WHERE id = ?", response.json()["id"])
        assert sender == ("-Inf" if negative else "Inf")  # SQLite's text of an infinite REAL


class TestDemoToggle:
    @given(
        interval=st.one_of(
            st.integers(),
            st.floats(allow_nan=False, allow_infinity=False),
            st.sampled_from([10**400, -(10**400), 0, None, ""]),
            st.sampled_from(["1e400", "0x" + "f" * 300, "abc", "45000", " 31000 ", "-7"]),
        )
    )
    def test_any_interval_answers_200_with_the_clamped_interval(
        self, harness: Harness, interval: Any
    ) -> None:
        strings = {"1e400": math.inf, "0x" + "f" * 300: math.inf, "abc": None}
        strings |= {"45000": 45000.0, " 31000 ": 31000.0, "-7": -7.0}
        if not truthy(interval):
            number: float | None = 45000.0
        elif isinstance(interval, str):
            number = strings[interval]
        else:
            number = (
                math.inf if interval == 10**400 else -math.inf if interval < -1e308 else interval
            )
        expected = None if number is None else max(30000, min(60000, number))
        content = json.dumps({"enabled": True, "intervalMs": interval}).encode()
        try:
            response = harness.request("POST", "/api/demo-mode", content=content)
        finally:
            harness.request("POST", "/api/demo-mode", json={"enabled": False})
        assert response.status_code == 200, response.text
        assert response.json()["intervalMs"] == expected


class TestParameters:
    @given(
        route=st.sampled_from(["/api/alerts", "/api/cases", "/api/feed", "/api/inbox"]),
        page=st.integers(-3, 5),
        limit=st.one_of(st.integers(-20, 5), st.sampled_from(["abc", "", "-x"])),
    )
    def test_a_page_past_one_without_a_limit_is_400(
        self, harness: Harness, route: str, page: int, limit: int | str
    ) -> None:
        response = harness.get(f"{route}?page={page}&limit={limit}")
        if isinstance(limit, int) and limit < 0 and page != 1:
            message = (
                f"Invalid pagination: limit={limit} returns every row, so only page 1 "
                f"exists (got page={page}). Use a positive limit to page."
            )
            expect(harness, response, 400, message, "VALIDATION_ERROR")
        else:
            assert response.status_code == 200, response.text

    @given(
        prefix=st.text(st.sampled_from("abcxyz019 -ไก่"), max_size=10),
        bad=st.sampled_from(["%", "%E0%A4", "%C3", "%FF", "%zz", "%2", "%E2%82", "%C0%AF"]),
    )
    def test_a_malformed_topic_is_400(self, harness: Harness, prefix: str, bad: str) -> None:
        response = harness.get(f"/api/trending/{quote(prefix)}{bad}")
        expect(harness, response, 400, None, "VALIDATION_ERROR")
        assert response.json()["error"].startswith(
            "Invalid topic: the path segment is not valid percent-encoded UTF-8"
        )

    @given(extra=st.integers(1, 3000))
    def test_an_overlong_query_string_is_414(self, harness: Harness, extra: int) -> None:
        query = "q=" + "a" * (4096 - 2 + extra)
        response = harness.get(f"/api/cases?{query}")
        expect(harness, response, 414, None, "URI_TOO_LONG")
