"""Property 1: response format consistency.

The recorded half of this property is the golden replay (``tests/contract``): every recorded
request answers with the original's bytes. This module is the generated half: for generated
valid parameter combinations of every JSON read route in ``/openapi.json``, the response

* has a documented status and validates against that status's documented schema;
* lists its keys in the documented (contract) order;
* prints every timestamp as ``toISOString()`` (``2026-01-15T10:05:00.000Z``);
* prints integral floats as integers and uses ``JSON.stringify``'s compact, raw UTF-8 form.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlencode

import httpx
import pytest
from hypothesis import event, given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from tests.contract.test_golden_replay import READ_GROUPS
from tests.properties.support_a import (
    ISO_TIMESTAMP,
    Harness,
    Quiet,
    no_integral_floats,
    running_app,
)
from tests.support.paths import GOLDEN

# Routes whose success body is not JSON (a stream or a file); the golden replay covers them.
NOT_JSON = {"/api/events", "/api/export", "/api/upload/template"}
LOOKS_LIKE_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T")

UPLOAD_CSV = (
    "caseNumber,createdAt,businessUnit,channel,severity,summary\n"
    "P01-000001,2026-01-14T08:00:00.000Z,Cards,phone,high,Card declined at the counter\n"
    "P01-000002,2026-01-14,Lending,email,low,Loan statement missing\n"
    "P01-000003,not a date,Nowhere,fax,urgent,Broken row\n"
)


@pytest.fixture(scope="module")
def harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    with running_app(tmp_path_factory.mktemp("p01")) as running:
        upload = running.request(
            "POST", "/api/upload", files={"file": ("p01.csv", UPLOAD_CSV.encode(), "text/csv")}
        )
        assert upload.status_code == 200, upload.text
        for query in ("kfc delivery", "refund", "kfc delivery"):
            logged = running.request(
                "POST", "/api/search/analytics", json={"query": query, "resultCount": 3}
            )
            assert logged.json() == {"success": True, "logged": True}
        running.request(
            "POST",
            "/api/shares",
            json={
                "sourceType": "case",
                "sourceId": "case-1",
                "senderId": "user-admin-1",
                "recipientId": "user-admin-001",
            },
        )
        yield running


@pytest.fixture(scope="module")
def spec(harness: Harness) -> dict[str, Any]:
    return harness.openapi()


@pytest.fixture(scope="module")
def pools(harness: Harness) -> Quiet:
    return Quiet(value_pools(harness))


def json_read_routes(spec: dict[str, Any]) -> list[str]:
    """Every documented GET route answering JSON."""
    return sorted(
        path
        for path, operations in spec["paths"].items()
        if "get" in operations and path not in NOT_JSON
    )


def value_pools(harness: Harness) -> dict[str, list[str]]:
    """Valid values of each parameter name, taken from the data."""

    def column(sql: str) -> list[str]:
        return [str(row[0]) for row in harness.rows(sql) if row[0] is not None]

    days = ["2026-01-01", "2026-01-10T00:00:00.000Z", "2026-01-14T12:00:00.000Z", "2026-01-15"]
    return {
        "page": ["1", "2", "3", "0", "10"],
        "limit": ["1", "2", "5", "10", "20", "0", "-1", "100"],
        "bu": column("SELECT DISTINCT business_unit FROM cases"),
        "channel": ["phone", "email", "line", "web"],
        "category": column("SELECT DISTINCT category FROM cases"),
        "severity": ["low", "medium", "high", "critical"],
        "status": ["open", "in_progress", "resolved", "closed", "active", "acknowledged"],
        "type": ["spike", "threshold", "urgency", "misclassification", "alert", "trending"],
        "startDate": days,
        "endDate": days,
        "search": ["KFC", "promo", "delivery", "ส"],
        "uploadBatch": column("SELECT id FROM uploads"),
        "sortBy": ["createdAt", "severity", "status", "relevance", "date", "priority"],
        "sortOrder": ["asc", "desc"],
        "dateRange": ["today", "24h", "7d", "30d", "week"],
        "locale": ["en", "th"],
        "userId": ["user-admin-001", "user-admin-1", "user-manager-1"],
        "q": ["kfc", "urgent delivery last 7 days", "app crash", "critical", "promo chang"],
        "days": ["1", "7", "30", "365"],
        "window": ["24h", "7d", "30d"],
        "threshold": ["1", "5", "10", "50"],
        "lastEventId": [],
        "alert_id": [*column("SELECT id FROM alerts"), "alert-none"],
        "case_id": [*column("SELECT id FROM cases ORDER BY rowid LIMIT 40"), "case-none"],
        "upload_id": [*column("SELECT id FROM uploads"), "upload-none"],
        "topic": ["kfc", "delivery", "promo", "chang", "no such topic"],
    }


@st.composite
def requests(draw: st.DrawFn, spec: dict[str, Any], pools: dict[str, list[str]]) -> tuple[str, str]:
    """A documented read route and a URL with a valid combination of its parameters."""
    template = path = draw(st.sampled_from(json_read_routes(spec)), label="route")
    operation = spec["paths"][path]["get"]
    query: list[tuple[str, str]] = []
    for parameter in operation.get("parameters", []):
        name, where = parameter["name"], parameter["in"]
        pool = pools.get(name) or ([str(parameter["example"])] if "example" in parameter else [])
        if where == "path":
            assert pool, f"no values for path parameter {name} of {path}"
            value = draw(st.sampled_from(pool), label=name)
            path = path.replace("{" + name + "}", quote(value, safe=""))
        elif where == "query" and pool and draw(st.booleans(), label=f"use {name}"):
            query.append((name, draw(st.sampled_from(pool), label=name)))
    return template, path + ("?" + urlencode(query) if query else "")


def resolve(schema: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = spec["components"]["schemas"][name]
    return schema


def object_schemas(schema: dict[str, Any], spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The object branches of a (possibly nullable or union) schema."""
    schema = resolve(schema, spec)
    branches = schema.get("anyOf") or schema.get("oneOf")
    if branches:
        return [s for b in branches for s in object_schemas(b, spec)]
    return [schema] if "properties" in schema else []


def check_key_order(value: Any, schema: dict[str, Any], spec: dict[str, Any], at: str) -> None:
    """Keys appear in the documented order, recursively (the contract's key order)."""
    schema = resolve(schema, spec)
    if isinstance(value, list):
        items = schema.get("items")
        for index, item in enumerate(value):
            if isinstance(items, dict):
                check_key_order(item, items, spec, f"{at}[{index}]")
        for branch in schema.get("anyOf", []):
            if resolve(branch, spec).get("type") == "array":
                check_key_order(value, branch, spec, at)
        return
    if not isinstance(value, dict):
        return
    candidates = [
        s for s in object_schemas(schema, spec) if set(value) <= set(s["properties"])
    ] or object_schemas(schema, spec)
    if not candidates:
        return
    documented = list(candidates[0]["properties"])
    present = [key for key in documented if key in value]
    assert list(value) == present, f"{at}: keys {list(value)} but documented order {present}"
    for key in present:
        check_key_order(value[key], candidates[0]["properties"][key], spec, f"{at}.{key}")


def check_timestamps(value: Any, at: str) -> None:
    """Every generated timestamp is ``toISOString()`` output."""
    if isinstance(value, dict):
        for key, item in value.items():
            check_timestamps(item, f"{at}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            check_timestamps(item, f"{at}[{index}]")
    elif isinstance(value, str) and LOOKS_LIKE_TIMESTAMP.match(value):
        assert ISO_TIMESTAMP.fullmatch(value), f"{at}: timestamp {value!r}"


def check_response(response: httpx.Response, path: str, spec: dict[str, Any]) -> None:
    operation = spec["paths"][path]["get"]
    status = str(response.status_code)
    assert status in operation["responses"], f"undocumented status {status}: {response.text}"
    assert response.headers["content-type"] == "application/json"
    raw = response.text
    body = no_integral_floats(raw)
    # JSON.stringify: compact separators, raw UTF-8, no escaped "/".
    assert raw == json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    schema = operation["responses"][status]["content"]["application/json"]["schema"]
    validator = Draft202012Validator({**schema, "components": spec["components"]})
    errors = sorted(validator.iter_errors(body), key=lambda e: list(e.path))
    assert not errors, f"{path} {status}: " + "; ".join(
        f"{list(e.path)}: {e.message[:200]}" for e in errors[:5]
    )
    check_key_order(body, schema, spec, "$")
    check_timestamps(body, "$")


class TestGeneratedReads:
    @given(data=st.data())
    def test_every_read_matches_its_documented_schema_and_format(
        self,
        harness: Harness,
        spec: dict[str, Any],
        pools: dict[str, list[str]],
        data: st.DataObject,
    ) -> None:
        template, url = data.draw(requests(spec, pools), label="url")
        response = harness.get(url)
        event(f"{template} {response.status_code}")
        assert response.status_code < 500, (url, response.text)
        check_response(response, template, spec)

    def test_every_json_read_route_matches_with_its_defaults(
        self, harness: Harness, spec: dict[str, Any], pools: dict[str, list[str]]
    ) -> None:
        """Each route once without query parameters, whatever the generator drew."""
        routes = json_read_routes(spec)
        assert "/api/cases" in routes and "/api/uploads/{upload_id}" in routes
        for template in routes:
            path = re.sub(r"\{([^}]+)\}", lambda m: quote(pools[m.group(1)][0], safe=""), template)
            response = harness.get(path)
            assert response.status_code == 200, (path, response.text)
            check_response(response, template, spec)


class TestRecordedHalf:
    def test_golden_replay_covers_every_api_read_route(self, spec: dict[str, Any]) -> None:
        """Each documented ``/api`` GET route has recorded responses in the golden replay."""
        recorded = set()
        for line in GOLDEN.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            recorded.add((record["method"], "/api/" + record["group"]))
        assert {"/api/" + group for group in READ_GROUPS} <= {path for _, path in recorded}
        for path in spec["paths"]:
            if "get" not in spec["paths"][path] or not path.startswith("/api/"):
                continue
            if path.startswith("/api/auth/"):
                continue  # no original: authentication is new (tests/auth)
            generic = re.sub(r"\{[a-z_]*id\}", "{id}", path)
            assert ("GET", generic) in recorded, f"{path} has no recorded GET"
