"""Schemathesis against the app's own OpenAPI: no 5xx, every answer matches its documentation.

One real uvicorn serves a fresh copy of the reference database for the whole module; every
documented operation gets a bounded number of generated requests (valid and invalid), each
sent twice: as the demo user (an admin) and as a unit-scoped manager with a real token. Each
response is checked for an unexpected server error, a documented status code, a documented
content type and a body that validates against the documented schema.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import Case
from schemathesis.specs.openapi import checks as openapi_checks

from control_tower.core.clock import Clock
from control_tower.main import create_app
from tests.properties.support_b import fresh_database, give_password
from tests.support.paths import CLOCK_START, REFERENCE_DB
from tests.support.server import LiveServer, make_settings

# Streams never end; schemathesis cannot read them to completion.
STREAMING = ("/api/events",)
EXAMPLES_PER_OPERATION = 20
MANAGER_PASSWORD = "fuzzing manager pw"


@dataclass(frozen=True)
class FuzzServer:
    live: LiveServer
    manager_token: str  # a bu_manager of Beer & Spirits: every scoped code path


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FuzzServer]:
    settings = make_settings(
        fresh_database(tmp_path_factory.mktemp("fuzz")),
        api_rate_limit_per_minute=0,
        access_token_ttl_s=24 * 3600,
    )
    asyncio.run(give_password(settings, MANAGER_PASSWORD, "user-manager-1"))
    server = LiveServer(settings, clock=Clock(CLOCK_START))
    server.start()
    try:
        login = httpx.post(
            f"{server.url}/api/auth/login",
            json={"email": "manager1@thaibev.com", "password": MANAGER_PASSWORD},
        )
        assert login.status_code == 200, login.text
        yield FuzzServer(server, login.json()["accessToken"])
    finally:
        server.stop()


def documented_api() -> schemathesis.BaseSchema:
    """The app's own OpenAPI document (building the app opens no database)."""
    app = create_app(make_settings(REFERENCE_DB), clock=Clock(CLOCK_START))
    return schemathesis.openapi.from_dict(app.openapi()).exclude(path=list(STREAMING))


schema = documented_api()


def no_unexpected_server_error(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: Case[Any]
) -> bool | None:
    """A 5xx only where the operation documents it and the original answered it that way.

    The original answered some handled failures with a 500 and a fixed message (kept for
    the contract, code ``REQUEST_FAILED``); a crash (``INTERNAL_ERROR``) is always a bug.
    """
    if response.status_code < 500:
        return None
    documented = case.operation.definition.raw.get("responses", {})
    body = response.json()
    if str(response.status_code) not in documented or body.get("code") != "REQUEST_FAILED":
        raise AssertionError(
            f"unexpected {response.status_code} from {case.method} {case.formatted_path}: "
            f"{response.text[:500]}"
        )
    return True


CHECKS = [
    no_unexpected_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_schema_conformance,
]


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_every_operation_answers_as_documented(case: Case[Any], fuzz_server: FuzzServer) -> None:
    url = fuzz_server.live.url
    # As the demo user (an admin, no credentials), then as a unit-scoped manager.
    case.call_and_validate(base_url=url, checks=CHECKS, timeout=30)
    if case.path == "/api/auth/logout":
        return  # it would end the manager's session for the operations after it
    manager = {"authorization": f"Bearer {fuzz_server.manager_token}"}
    response = case.call_and_validate(base_url=url, headers=manager, checks=CHECKS, timeout=30)
    if case.path not in {"/api/auth/login", "/api/auth/refresh"}:  # these ignore tokens
        assert response.status_code != 401, response.text
