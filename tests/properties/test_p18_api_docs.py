"""Property 18, API documentation completeness.

Every operation in ``/openapi.json`` has a summary, a description, described parameters, a
response schema for success and for every error status it can answer, and an example that
validates against its own schema. Which error statuses an operation can answer follows from
docs/security.md and the request pipeline: every ``/api`` route can answer 401 (credentials),
414 (query too long) and 429 (rate limit); every write can answer 403 (role or CSRF) and 413
(body too large); a path parameter can name nothing (404); a body can be unparseable (400).
The Hypothesis property then sends generated requests and checks that the status that really
comes back is documented and its body validates against the documented schema.
"""

from __future__ import annotations

import string
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest
import pytest_asyncio
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.properties.support_b import (
    asgi_client,
    documented_spec,
    fresh_database,
    operations,
    resolve,
    running_app,
    schema_errors,
)
from tests.support.server import make_settings

SPEC = documented_spec()
OPERATIONS = operations(SPEC)
IDS = [f"{method.upper()} {path}" for method, path, _ in OPERATIONS]
WRITES = {"post", "put", "patch", "delete"}
BINARY = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",)


def required_errors(method: str, path: str, operation: dict[str, Any]) -> set[int]:
    required: set[int] = set()
    if path.startswith("/api/"):
        required |= {401, 414, 429}
        if method in WRITES:
            required |= {403, 413}
    if any(p["in"] == "path" for p in operation.get("parameters", [])):
        required.add(404)
    if "requestBody" in operation:
        required.add(400)
    return required


def examples_of(media: dict[str, Any]) -> list[Any]:
    found = []
    if "example" in media:
        found.append(media["example"])
    found.extend(item.get("value") for item in media.get("examples", {}).values())
    schema = resolve(SPEC, media.get("schema", {}))
    found.extend(schema.get("examples", []))
    if "example" in schema:
        found.append(schema["example"])
    return found


class TestEveryOperationIsDocumented:
    @pytest.mark.parametrize(("method", "path", "operation"), OPERATIONS, ids=IDS)
    def test_summary_and_description(
        self, method: str, path: str, operation: dict[str, Any]
    ) -> None:
        assert operation.get("summary", "").strip(), "no summary"
        assert operation.get("description", "").strip(), "no description"

    @pytest.mark.parametrize(("method", "path", "operation"), OPERATIONS, ids=IDS)
    def test_parameters_are_described(
        self, method: str, path: str, operation: dict[str, Any]
    ) -> None:
        for parameter in operation.get("parameters", []):
            assert parameter.get("description", "").strip(), parameter["name"]
            assert parameter.get("schema"), parameter["name"]
        body = operation.get("requestBody")
        if body is not None:
            assert body.get("content"), "request body without a media type"
            for media in body["content"].values():
                assert media.get("schema"), "request body without a schema"

    @pytest.mark.parametrize(("method", "path", "operation"), OPERATIONS, ids=IDS)
    def test_every_status_it_can_answer_has_a_schema(
        self, method: str, path: str, operation: dict[str, Any]
    ) -> None:
        responses: dict[str, Any] = operation["responses"]
        statuses = {int(code) for code in responses}
        assert any(200 <= code < 300 for code in statuses), "no success response"
        missing = required_errors(method, path, operation) - statuses
        assert not missing, f"undocumented error statuses {sorted(missing)}"
        for code, response in responses.items():
            assert response.get("description", "").strip(), code
            content = response.get("content")
            assert content, f"{code} has no content"
            for media_type, media in content.items():
                assert media.get("schema") is not None, f"{code} {media_type} has no schema"
            if int(code) >= 400:
                schema = resolve(SPEC, content["application/json"]["schema"])
                for branch in schema.get("anyOf", [schema]):
                    assert resolve(SPEC, branch).get("properties"), f"{code} is not an object"

    @pytest.mark.parametrize(("method", "path", "operation"), OPERATIONS, ids=IDS)
    def test_success_has_a_valid_example(
        self, method: str, path: str, operation: dict[str, Any]
    ) -> None:
        for code, response in operation["responses"].items():
            if not code.startswith("2"):
                continue
            for media_type, media in response["content"].items():
                if media_type in BINARY:
                    continue
                examples = examples_of(media)
                assert examples, f"{code} {media_type} has no example"
                if "json" not in media_type:
                    continue
                for example in examples:
                    errors = schema_errors(SPEC, media["schema"], example)
                    assert not errors, f"{code} example does not match its schema: {errors}"


# Generated requests: every documented operation except the never-ending event stream,
# with generated path parameters and query strings (known and unknown names, junk values).
LIVE = [(m, p, o) for m, p, o in OPERATIONS if p != "/api/events"]
junk = st.text(
    alphabet=st.sampled_from(string.ascii_letters + string.digits + "-_.%&=+ /é'\"<>"),
    max_size=12,
)


@st.composite
def requests(draw: st.DrawFn) -> tuple[str, str, dict[str, Any], list[tuple[str, str]]]:
    method, path, operation = draw(st.sampled_from(LIVE))
    url = path
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "path":
            value = draw(st.sampled_from(["case-8", "alert-spike-1", "nope"]) | junk)
            # A URL ending in a slash is not this operation's: it answers Next.js's 308.
            value = value.rstrip("/") or "x"
            url = url.replace("{" + parameter["name"] + "}", quote(value, safe=""))
    names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
    pairs = draw(
        st.lists(st.tuples(st.sampled_from([*names, "unknown"]), junk), max_size=3)
        if names
        else st.just([])
    )
    return method, url, operation, pairs


@pytest_asyncio.fixture
async def docs_app(tmp_path: Path) -> AsyncIterator[FastAPI]:
    settings = make_settings(fresh_database(tmp_path), api_rate_limit_per_minute=0)
    async with running_app(settings) as app:
        yield app


class TestAnswersMatchTheDocumentation:
    @settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
    @given(request=requests(), body=st.sampled_from([None, b"{", b"[]", b'{"x": 1}']))
    async def test_status_is_documented_and_body_validates(
        self,
        docs_app: FastAPI,
        request: tuple[str, str, dict[str, Any], list[tuple[str, str]]],
        body: bytes | None,
    ) -> None:
        method, url, operation, pairs = request
        headers = {"content-type": "application/json"} if body is not None else {}
        async with asgi_client(docs_app) as client:
            response = await client.request(
                method.upper(),
                url,
                params=urlencode(pairs),
                content=body if method != "get" else None,
                headers=headers,
            )
        documented = operation["responses"]
        status = str(response.status_code)
        assert status in documented, f"{method.upper()} {url} answered undocumented {status}"
        media_type = response.headers.get("content-type", "").split(";")[0]
        if media_type == "application/json":
            schema = documented[status]["content"]["application/json"]["schema"]
            errors = schema_errors(SPEC, schema, response.json())
            assert not errors, f"{method.upper()} {url} → {status}: {errors}"
