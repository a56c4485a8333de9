"""Properties 5 and 11, authentication/authorization consistency and role-based access control.

Generated (persona, credential, route, resource) combinations against the matrix of
docs/security.md, over real credentials: every persona logs in once (password → JWT and
session cookie) and each example presents them the way it draws (bearer token, session
cookie with or without an allowed Origin, a forged token, nothing). The expected status is
computed from the documented rules alone:

* no credentials (``AUTH_MODE=required``) or a forged/tampered token: 401, never data;
* a cookie-authenticated write without an allowed Origin: 403 ``CSRF_FAILED``;
* otherwise the matrix cell of tests/auth/test_matrix.py (reused, not copied), and for
  resources addressed by id: another unit's case or alert is 404, an alert without a unit
  is visible to all, another user's inbox is 403 unless the persona is an admin.

Whenever a request succeeds, what it returns is checked against what the persona may see.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI
from hypothesis import given
from hypothesis import strategies as st

from control_tower.auth.deps import SESSION_COOKIE
from tests.auth.test_matrix import (  # noqa: F401 - module fixtures reused from the matrix
    BODIES,
    GLOBAL_ALERT,
    PASSWORD,
    PERSONAS,
    ROUTES,
    matrix_app,
    matrix_db,
)
from tests.properties.support_b import ORIGIN, asgi_client
from tests.support.databases import query

pytestmark = pytest.mark.asyncio(loop_scope="module")

UNAUTHORIZED, FORBIDDEN, NOT_FOUND, OK = 401, 403, 404, 200
WRITES = {"POST", "PUT", "PATCH", "DELETE"}
USERS = [name for name, persona in PERSONAS.items() if persona.email]


@dataclass(frozen=True)
class Credentials:
    token: str
    cookie: str


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def logged_in(matrix_app: FastAPI) -> dict[str, Credentials]:  # noqa: F811
    found: dict[str, Credentials] = {}
    async with asgi_client(matrix_app) as client:
        for name in USERS:
            email = PERSONAS[name].email
            response = await client.post(
                "/api/auth/login", json={"email": email, "password": PASSWORD}
            )
            assert response.status_code == 200, response.text
            found[name] = Credentials(
                response.json()["accessToken"], response.cookies[SESSION_COOKIE]
            )
            client.cookies.clear()
    return found


def forge(token: str) -> str:
    """The same token with its payload rewritten to claim the admin (signature unchanged)."""
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = "user-admin-1"
    claims["role"] = "admin"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


VIA = ("bearer", "cookie", "cookie-without-origin", "forged", "none")


@dataclass(frozen=True)
class Probe:
    persona: str
    via: str
    method: str
    url: str
    body: dict[str, Any] | None
    allowed: int  # what the persona gets with valid credentials
    unit: str | None = None  # the business unit of the resource addressed, when any
    kind: str = "matrix"


def alerts_and_cases(database: Path) -> tuple[list[tuple[str, str | None]], list[tuple[str, str]]]:
    alerts = query(database, "SELECT id, business_unit FROM alerts ORDER BY id")
    cases = query(database, "SELECT id, business_unit FROM cases ORDER BY id")
    return [(a, u) for a, u in alerts], [(c, u) for c, u in cases]


@st.composite
def probes(draw: st.DrawFn, database: Path) -> Probe:
    persona = draw(st.sampled_from(list(PERSONAS)), label="persona")
    via = "none" if persona == "anonymous" else draw(st.sampled_from(VIA), label="via")
    who = PERSONAS[persona]
    kind = draw(st.sampled_from(["matrix", "case", "alert", "inbox"]), label="kind")
    if kind == "matrix":
        method, url, expected, _check = draw(st.sampled_from(ROUTES), label="route")
        body: dict[str, Any] | None = BODIES.get(url.split("?")[0])  # type: ignore[assignment]
        return Probe(persona, via, method, url, body, expected.get(persona, OK))
    if kind == "inbox":
        owner = draw(st.sampled_from([p.user_id for p in PERSONAS.values() if p.user_id]))
        path = draw(st.sampled_from(["/api/inbox", "/api/inbox/count"]))
        allowed = OK if who.unit is None or owner == who.user_id else FORBIDDEN
        return Probe(persona, via, "GET", f"{path}?userId={owner}", None, allowed, kind=kind)
    alerts, cases = alerts_and_cases(database)
    if kind == "alert":
        alert_id, unit = draw(st.sampled_from(alerts), label="alert")
        visible = unit is None or who.sees(unit)
        return Probe(
            persona,
            via,
            "GET",
            f"/api/alerts/{alert_id}",
            None,
            OK if visible else NOT_FOUND,
            unit,
            kind,
        )
    case_id, unit = draw(st.sampled_from(cases), label="case")
    return Probe(
        persona,
        via,
        "GET",
        f"/api/cases/{case_id}",
        None,
        OK if who.sees(unit) else NOT_FOUND,
        unit,
        kind,
    )


def expected_status(probe: Probe) -> int:
    if probe.via in {"none", "forged"}:
        return UNAUTHORIZED
    if probe.via == "cookie-without-origin" and probe.method in WRITES:
        return FORBIDDEN
    return probe.allowed


async def send(app: FastAPI, probe: Probe, credentials: dict[str, Credentials]) -> httpx.Response:
    headers: dict[str, str] = {}
    cookies: dict[str, str] = {}
    own = credentials.get(probe.persona)
    if own is not None and probe.via == "bearer":
        headers["authorization"] = f"Bearer {own.token}"
    elif own is not None and probe.via == "forged":
        headers["authorization"] = f"Bearer {forge(own.token)}"
    elif own is not None and probe.via.startswith("cookie"):
        cookies[SESSION_COOKIE] = own.cookie
        if probe.via == "cookie":
            headers["origin"] = ORIGIN
    async with asgi_client(app) as client:
        client.cookies.update(cookies)
        return await client.request(probe.method, probe.url, headers=headers, json=probe.body)


def check_visible(probe: Probe, response: httpx.Response) -> None:
    """Whatever a successful answer returns belongs to what the persona may see."""
    who = PERSONAS[probe.persona]
    body: Any = response.json() if "json" in response.headers.get("content-type", "") else None
    if probe.kind == "case":
        assert who.sees(body["businessUnit"])
    elif probe.kind == "alert":
        unit = body["alert"]["businessUnit"]
        assert unit is None or who.sees(unit)
    elif isinstance(body, dict) and isinstance(body.get("cases"), list):
        assert all(who.sees(case["businessUnit"]) for case in body["cases"])
    elif isinstance(body, dict) and isinstance(body.get("alerts"), list):
        units = {alert["businessUnit"] for alert in body["alerts"]}
        assert all(unit is None or who.sees(unit) for unit in units)
    elif isinstance(body, dict) and probe.url.startswith("/api/auth/me"):
        assert body["user"]["id"] == who.user_id


class TestAccessControl:
    @given(data=st.data())
    async def test_status_follows_the_matrix(
        self,
        matrix_app: FastAPI,  # noqa: F811
        matrix_db: Path,  # noqa: F811
        logged_in: dict[str, Credentials],
        data: st.DataObject,
    ) -> None:
        probe = data.draw(probes(matrix_db), label="probe")
        response = await send(matrix_app, probe, logged_in)
        want = expected_status(probe)
        assert response.status_code == want, (probe, response.text[:300])
        if want == UNAUTHORIZED:
            assert response.json()["code"] in {"UNAUTHORIZED", "INVALID_TOKEN"}
        elif probe.via == "cookie-without-origin" and probe.method in WRITES:
            assert response.json()["code"] == "CSRF_FAILED"
        elif want == OK:
            check_visible(probe, response)

    @given(
        persona=st.sampled_from(USERS),
        target=st.sampled_from([GLOBAL_ALERT, "alert-spike-3", "alert-spike-1"]),
        sender=st.sampled_from([None, "self", "user-admin-1", "user-manager-1"]),
        via=st.sampled_from(["bearer", "cookie"]),
        recipient=st.sampled_from(["user-supervisor-6", "user-manager-5"]),
    )
    async def test_escalation_sender_and_visibility(
        self,
        matrix_app: FastAPI,  # noqa: F811
        matrix_db: Path,  # noqa: F811
        logged_in: dict[str, Credentials],
        persona: str,
        target: str,
        sender: str | None,
        via: str,
        recipient: str,
    ) -> None:
        """An escalation is stored iff the alert is visible and the sender is the user."""
        who = PERSONAS[persona]
        [(unit,)] = query(matrix_db, "SELECT business_unit FROM alerts WHERE id = ?", target)
        body: dict[str, Any] = {"recipientId": recipient}
        if sender is not None:
            body["senderId"] = who.user_id if sender == "self" else sender
        before = query(matrix_db, "SELECT count(*) FROM shares WHERE source_id = ?", target)
        own = logged_in[persona]
        async with asgi_client(matrix_app) as client:
            if via == "cookie":
                client.cookies.set(SESSION_COOKIE, own.cookie)
                headers = {"origin": ORIGIN}
            else:
                headers = {"authorization": f"Bearer {own.token}"}
            response = await client.post(
                f"/api/alerts/{target}/escalate", json=body, headers=headers
            )
        visible = unit is None or who.sees(unit)
        honest = body.get("senderId") in {None, who.user_id}
        if not visible and not honest:
            assert response.status_code in {FORBIDDEN, NOT_FOUND}  # either refusal
        elif not visible:
            assert response.status_code == NOT_FOUND
        elif not honest:
            assert response.status_code == FORBIDDEN
        else:
            assert response.status_code == OK, response.text
        after = query(matrix_db, "SELECT count(*) FROM shares WHERE source_id = ?", target)
        stored = after[0][0] - before[0][0]
        assert stored == (1 if response.status_code == OK else 0)
        if stored:
            [(recorded,)] = query(
                matrix_db,
                "SELECT sender_id FROM shares WHERE source_id = ? ORDER BY rowid DESC LIMIT 1",
                target,
            )
            assert recorded == who.user_id
