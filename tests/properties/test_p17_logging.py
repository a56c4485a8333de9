"""Property 17, logging format.

With ``LOG_FORMAT=json`` every line the service writes is one JSON object. For generated
requests (good and bad routes, bodies and credentials):

* each request writes exactly one ``http.request`` line carrying the documented keys, the
  request id returned in ``x-request-id``, the method, the path and the status sent;
* every line written while the request runs carries that request id, and a failed request
  (5xx) logs why at warning level or above, again with the request id (which its error
  body repeats as ``requestId``);
* a generated secret (a password, a bearer token, a session cookie, a secret-looking query
  or body field) never appears in any line.
"""

from __future__ import annotations

import io
import json
import logging
import string
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest_asyncio
import structlog
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from control_tower.core.config import LogFormat
from tests.properties.support_b import asgi_client, fresh_database, running_app
from tests.support.server import make_settings

ACCESS_KEYS = {
    "event",
    "level",
    "timestamp",
    "request_id",
    "route",
    "method",
    "path",
    "status",
    "duration_ms",
}


@dataclass
class Logged:
    app: FastAPI
    lines: io.StringIO

    def take(self) -> list[dict[str, Any]]:
        text = self.lines.getvalue()
        self.lines.seek(0)
        self.lines.truncate()
        return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest_asyncio.fixture
async def logged(tmp_path: Path) -> AsyncIterator[Logged]:
    settings = make_settings(
        fresh_database(tmp_path),
        log_format=LogFormat.JSON,
        log_level="INFO",
        api_rate_limit_per_minute=0,
    )
    async with running_app(settings) as app:
        # Background work started with the app logs without a request id; let it finish.
        await app.state.search_index_warming
        await app.state.trending_window_warming
        # Everything the service writes (structlog and stdlib) goes to one buffer.
        buffer = io.StringIO()
        structlog.configure(logger_factory=structlog.PrintLoggerFactory(file=buffer))
        root = logging.getLogger()
        streams = [h for h in root.handlers if isinstance(h, logging.StreamHandler)]
        previous = [handler.setStream(buffer) for handler in streams]
        # The test's own HTTP client logs each call too; only the service's lines count.
        client_log = logging.getLogger("httpx")
        client_level = client_log.level
        client_log.setLevel(logging.WARNING)
        try:
            yield Logged(app, buffer)
        finally:
            client_log.setLevel(client_level)
            structlog.configure(logger_factory=structlog.PrintLoggerFactory(file=sys.stderr))
            for handler, stream in zip(streams, previous, strict=True):
                if stream is not None:
                    handler.setStream(stream)


secrets = st.text(alphabet=string.ascii_letters + string.digits, min_size=14, max_size=28).map(
    lambda tail: "Zq" + tail
)
ROUTES = [
    ("GET", "/api/cases?limit=2"),
    ("GET", "/api/alerts/alert-spike-1"),
    ("GET", "/api/alerts/no-such-alert"),
    ("GET", "/api/nowhere"),
    ("POST", "/api/shares"),  # a body that is not JSON: the original's handled 500
    ("POST", "/api/auth/login"),
    ("GET", "/api/auth/me"),
    ("DELETE", "/api/cases"),
    ("GET", "/health"),
]
PLACES = ("password", "bearer", "cookie", "query", "body-field", "header")


@dataclass(frozen=True)
class Probe:
    method: str
    path: str
    place: str
    secret: str


probes = st.builds(
    lambda route, place, secret: Probe(route[0], route[1], place, secret),
    st.sampled_from(ROUTES),
    st.sampled_from(PLACES),
    secrets,
)


async def send(client: httpx.AsyncClient, probe: Probe) -> httpx.Response:
    headers: dict[str, str] = {}
    params: dict[str, str] = {}
    content: bytes | None = None
    secret = probe.secret
    if probe.path == "/api/auth/login":
        password = secret if probe.place == "password" else "not the password"
        content = json.dumps({"email": "manager1@thaibev.com", "password": password}).encode()
        headers["content-type"] = "application/json"
    elif probe.path == "/api/shares":
        content = b"{not json " + secret.encode()
    if probe.place == "bearer":
        headers["authorization"] = f"Bearer {secret}"
    elif probe.place == "cookie":
        headers["cookie"] = f"ct_session={secret}"
    elif probe.place == "query":
        params["token"] = secret
    elif probe.place == "header":
        headers["x-api-key"] = secret
    elif probe.place == "body-field" and content is None and probe.method != "GET":
        content = json.dumps({"password": secret, "secret": secret}).encode()
        headers["content-type"] = "application/json"
    return await client.request(
        probe.method, probe.path, headers=headers, params=params, content=content
    )


class TestLogging:
    @settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
    @given(probe=probes)
    async def test_one_structured_line_per_request_and_no_secrets(
        self, logged: Logged, probe: Probe
    ) -> None:
        logged.take()
        async with asgi_client(logged.app) as client:
            response = await send(client, probe)
        lines = logged.take()
        request_id = response.headers["x-request-id"]

        access = [line for line in lines if line.get("event") == "http.request"]
        assert len(access) == 1, lines
        [line] = access
        assert set(line) >= ACCESS_KEYS, line
        assert line["request_id"] == request_id
        assert (line["method"], line["path"]) == (probe.method, probe.path.split("?")[0])
        assert line["status"] == response.status_code
        assert isinstance(line["duration_ms"], int | float) and line["duration_ms"] >= 0

        assert all(entry.get("request_id") == request_id for entry in lines), lines
        if response.status_code >= 500:
            assert response.json()["requestId"] == request_id
            reasons = [e for e in lines if e is not line and e["level"] in {"warning", "error"}]
            assert reasons, lines

        for entry in lines:
            assert probe.secret not in json.dumps(entry, ensure_ascii=False), entry
