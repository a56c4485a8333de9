"""Property 2: HTTP method support, generated over the app's own route table.

For any routed path and any method: a method the path exports (plus ``HEAD`` where it has
``GET``, and ``OPTIONS``) never answers 405; ``OPTIONS`` answers 204 with ``Allow``; every
other method answers 405 in the project's error shape with an ``Allow`` header listing
exactly the allowed methods (as Next.js sorted them: the ``framework`` golden group), and
writes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st
from starlette.routing import BaseRoute, Route, compile_path

from tests.properties.support_a import Harness, assert_error_shape, running_app

METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "PROPFIND"]
PARAMETER = re.compile(r"\{([^}:]+)(?::[^}]+)?\}")


@dataclass(frozen=True)
class RoutedPath:
    template: str
    methods: frozenset[str]


@pytest.fixture(scope="module")
def harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    with running_app(tmp_path_factory.mktemp("p02")) as running:
        yield running


@dataclass(frozen=True)
class HttpRoute:
    path: str
    regex: re.Pattern[str]
    methods: frozenset[str]


def http_routes(harness: Harness) -> list[HttpRoute]:
    """Every HTTP route the app serves, walking included routers (WebSockets have none)."""
    found: list[HttpRoute] = []

    def walk(routes: list[BaseRoute], prefix: str) -> None:
        for route in routes:
            included = getattr(route, "original_router", None)
            if included is not None:
                context = getattr(route, "include_context", None)
                walk(included.routes, prefix + str(getattr(context, "prefix", "")))
            elif isinstance(route, Route) and route.methods:
                path = prefix + route.path
                found.append(HttpRoute(path, compile_path(path)[0], frozenset(route.methods)))

    walk(harness.app.routes, "")
    return found


def routed_paths(harness: Harness) -> list[RoutedPath]:
    by_path: dict[str, set[str]] = {}
    for route in http_routes(harness):
        by_path.setdefault(route.path, set()).update(route.methods)
    return [RoutedPath(path, frozenset(methods)) for path, methods in sorted(by_path.items())]


def exported(harness: Harness, path: str) -> set[str]:
    """Methods of every route matching a concrete path (``/api/alerts/count`` also matches
    ``/api/alerts/{alert_id}``), as the original's file-system routes combined them."""
    found: set[str] = set()
    for route in http_routes(harness):
        if route.regex.fullmatch(path):
            found |= route.methods
    return found


def allow_header(methods: set[str]) -> str:
    allowed = set(methods) | {"OPTIONS"}
    if "GET" in allowed:
        allowed.add("HEAD")
    return ", ".join(sorted(allowed))


def streams(harness: Harness, template: str) -> bool:
    """A route answering an endless stream (its GET is not called here)."""
    spec = harness.app.openapi()
    responses = spec["paths"].get(template, {}).get("get", {}).get("responses", {})
    content = responses.get("200", {}).get("content", {})
    return "text/event-stream" in content


segment = st.sampled_from(["x", "alert-spike-1", "case-1", "kfc", "some-id", "%E0%B8%81"])


class TestMethods:
    def test_the_route_table_is_not_empty(self, harness: Harness) -> None:
        templates = {p.template for p in routed_paths(harness)}
        assert {"/api/inbox", "/api/shares", "/api/cases/{case_id:path}", "/health"} <= templates

    @given(data=st.data())
    def test_allowed_methods_answer_and_others_get_405_with_allow(
        self, harness: Harness, data: st.DataObject
    ) -> None:
        routed = data.draw(st.sampled_from(routed_paths(harness)), label="route")
        path = PARAMETER.sub(lambda _: data.draw(segment, label="segment"), routed.template)
        method = data.draw(st.sampled_from(METHODS), label="method")
        methods = exported(harness, path)
        assert routed.methods <= methods
        allow = allow_header(methods)
        allowed = set(allow.split(", "))

        if method in allowed:
            if method in {"GET", "HEAD"} and streams(harness, routed.template):
                return
            response = harness.request(method, path)
            assert response.status_code != 405, (method, path, response.text)
            assert response.status_code < 500 or method not in {"GET", "HEAD", "OPTIONS"}
            if method == "OPTIONS":
                assert response.status_code == 204
                assert response.headers["allow"] == allow
                assert response.content == b""
            if method == "HEAD":
                assert response.content == b""
            return

        with harness.writes_nothing():
            response = harness.request(method, path)
        if method == "HEAD":
            assert response.status_code == 405 and response.content == b""
        else:
            assert_error_shape(response, 405, "METHOD_NOT_ALLOWED")
        assert response.headers["allow"] == allow, (method, path)

    @given(
        method=st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE", "TRACE"]),
        suffix=st.text(st.sampled_from("abcxyz-_019"), max_size=10),
    )
    def test_unknown_paths_are_404_not_405(
        self, harness: Harness, method: str, suffix: str
    ) -> None:
        response = harness.request(method, f"/api/no-such-route{suffix}")
        assert_error_shape(response, 404, "NOT_FOUND")
        assert "allow" not in response.headers
