"""The authorization matrix of docs/security.md, cell by cell, over real credentials.

Personas: anonymous (AUTH_MODE=required), the admin, a bu_manager and a supervisor of
Beer & Spirits, and a bu_manager of another unit (KFC Delivery). Every route is asked by
every persona; the status must be the documented one, and every case, alert or count that
comes back must belong to what the persona may see.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI
from hypothesis import given, settings
from hypothesis import strategies as st

from control_tower.auth.passwords import hash_password
from control_tower.auth.repository import set_password_hash
from control_tower.core.clock import Clock
from control_tower.core.db import Database
from control_tower.main import create_app
from tests.support.databases import TestDatabase, connect, fresh_database
from tests.support.server import make_settings

pytestmark = pytest.mark.asyncio(loop_scope="module")

PASSWORD = "matrix password"
UNIT = "Beer & Spirits"
OTHER = "KFC Delivery"
OWN_CASE, OWN_ALERT = "case-8", "alert-spike-3"  # both Beer & Spirits
GLOBAL_ALERT = "alert-global"  # no business unit: visible to all


@dataclass(frozen=True)
class Persona:
    name: str
    user_id: str | None
    email: str | None
    unit: str | None  # None: sees every unit

    def sees(self, business_unit: str | None) -> bool:
        return self.unit is None or business_unit == self.unit


PERSONAS = {
    "anonymous": Persona("anonymous", None, None, None),
    "admin": Persona("admin", "user-admin-1", "thanapol.t@thaibev.com", None),
    "manager": Persona("manager", "user-manager-1", "manager1@thaibev.com", UNIT),
    "supervisor": Persona("supervisor", "user-supervisor-6", "supervisor6@thaibev.com", UNIT),
    "other": Persona("other", "user-manager-5", "manager5@thaibev.com", OTHER),
}


@pytest.fixture(scope="module")
def matrix_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestDatabase]:
    with fresh_database(tmp_path_factory.mktemp("matrix")) as database:
        with connect(database) as connection:
            connection.execute(
                "INSERT INTO alerts (id, type, severity, title, description, business_unit, "
                "status, created_at, updated_at) VALUES (?, 'threshold', 'high', 'Global', "
                "'All units', NULL, 'active', '2026-01-15T09:00:00.000Z', "
                "'2026-01-15T09:00:00.000Z')",
                (GLOBAL_ALERT,),
            )
        yield database


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def matrix_app(matrix_db: Path) -> AsyncIterator[FastAPI]:
    settings = make_settings(matrix_db, auth_mode="required", api_rate_limit_per_minute=0)
    clock = Clock(make_settings(matrix_db).clock_start)
    database = Database(settings)
    password_hash = hash_password(PASSWORD)
    async with database.session() as session:
        for persona in PERSONAS.values():
            if persona.user_id:
                await set_password_hash(session, persona.user_id, password_hash, clock.now_iso())
    await database.dispose()
    app = create_app(settings, clock=clock)
    async with app.router.lifespan_context(app):
        yield app


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def tokens(matrix_app: FastAPI) -> dict[str, str]:
    found: dict[str, str] = {}
    transport = httpx.ASGITransport(app=matrix_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        for persona in PERSONAS.values():
            if persona.email:
                response = await client.post(
                    "/api/auth/login", json={"email": persona.email, "password": PASSWORD}
                )
                assert response.status_code == 200, response.text
                found[persona.name] = response.json()["accessToken"]
    return found


async def call(
    app: FastAPI, tokens: dict[str, str], persona: str, method: str, url: str, **kw: Any
) -> httpx.Response:
    headers = {"authorization": f"Bearer {tokens[persona]}"} if persona in tokens else {}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        return await client.request(method, url, headers=headers, **kw)


Check = Callable[[Persona, httpx.Response, Path], None]


def cases_visible(persona: Persona, response: httpx.Response, database: Path) -> None:
    units = {case["businessUnit"] for case in response.json()["cases"]}
    assert units and all(persona.sees(unit) for unit in units), units


def alerts_visible(persona: Persona, response: httpx.Response, database: Path) -> None:
    units = {alert["businessUnit"] for alert in response.json()["alerts"]}
    assert None in units  # the global alert is visible to every persona
    assert all(unit is None or persona.sees(unit) for unit in units), units


def counts_match(persona: Persona, response: httpx.Response, database: Path) -> None:
    with connect(database) as connection:
        rows = connection.execute(
            "SELECT business_unit, severity FROM alerts WHERE status = 'active'"
        ).fetchall()
    visible = [severity for unit, severity in rows if unit is None or persona.sees(unit)]
    body = response.json()
    assert body["total"] == len(visible)
    assert body["critical"] == visible.count("critical")
    assert body["high"] == visible.count("high")


def search_visible(persona: Persona, response: httpx.Response, database: Path) -> None:
    results = response.json()["results"]
    assert results
    assert all(persona.sees(r["case"]["businessUnit"]) for r in results)


def export_visible(persona: Persona, response: httpx.Response, database: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert rows and all(persona.sees(row["Business Unit"]) for row in rows)


def topics_visible(persona: Persona, response: httpx.Response, database: Path) -> None:
    for topic in response.json()["topics"]:
        assert all(persona.sees(unit) for unit in topic["impactedBUs"])


def predictions_visible(persona: Persona, response: httpx.Response, database: Path) -> None:
    for prediction in response.json()["predictions"]:
        assert all(persona.sees(unit) for unit in prediction["impactedBUs"])


def wordcloud_scoped(persona: Persona, response: httpx.Response, database: Path) -> None:
    total = sum(word["count"] for word in response.json()["words"])
    if persona.unit is not None:
        with connect(database) as connection:
            unit_total = connection.execute(
                "SELECT count(*) FROM cases WHERE business_unit = ? AND created_at >= "
                "'2026-01-08T10:05:00.000Z'",
                (persona.unit,),
            ).fetchone()[0]
        assert total <= unit_total


OK, NF, FB, UN = 200, 404, 403, 401
ROUTES: list[tuple[str, str, dict[str, int], Check | None]] = [
    (
        "GET",
        "/api/cases?limit=-1",
        {"admin": OK, "manager": OK, "supervisor": OK, "other": OK},
        cases_visible,
    ),
    (
        "GET",
        f"/api/cases/{OWN_CASE}",
        {"admin": OK, "manager": OK, "supervisor": OK, "other": NF},
        None,
    ),
    (
        "GET",
        "/api/alerts?limit=-1",
        {"admin": OK, "manager": OK, "supervisor": OK, "other": OK},
        alerts_visible,
    ),
    (
        "GET",
        f"/api/alerts/{OWN_ALERT}",
        {"admin": OK, "manager": OK, "supervisor": OK, "other": NF},
        None,
    ),
    (
        "GET",
        f"/api/alerts/{GLOBAL_ALERT}",
        {"admin": OK, "manager": OK, "supervisor": OK, "other": OK},
        None,
    ),
    (
        "GET",
        "/api/alerts/count",
        {"admin": OK, "manager": OK, "supervisor": OK, "other": OK},
        counts_match,
    ),
    (
        "GET",
        "/api/feed?dateRange=30d&limit=-1",
        {"admin": OK, "manager": OK, "supervisor": OK, "other": OK},
        None,
    ),
    ("GET", "/api/pulse", {"admin": OK, "manager": OK, "supervisor": OK, "other": OK}, None),
    (
        "GET",
        "/api/pulse/sparklines",
        {"admin": OK, "manager": OK, "supervisor": OK, "other": OK},
        None,
    ),
    (
        "GET",
        "/api/pulse/wordcloud",
        {"admin": OK, "manager": OK, "supervisor": OK, "other": OK},
        wordcloud_scoped,
    ),
    (
        "GET",
        "/api/search?q=delivery&limit=50",
        {"admin": OK, "manager": OK, "supervisor": OK, "other": OK},
        search_visible,
    ),
    (
        "GET",
        "/api/trending?window=7d&limit=10",
        {"admin": OK, "manager": OK, "supervisor": OK, "other": OK},
        topics_visible,
    ),
    (
        "GET",
        "/api/predictions?window=24h",
        {"admin": OK, "manager": OK, "supervisor": OK, "other": OK},
        predictions_visible,
    ),
    (
        "GET",
        "/api/export",
        {"admin": OK, "manager": OK, "supervisor": OK, "other": OK},
        export_visible,
    ),
    ("GET", "/api/inbox", {"admin": OK, "manager": OK, "supervisor": OK, "other": OK}, None),
    (
        "GET",
        "/api/inbox?userId=user-admin-1",
        {"admin": OK, "manager": FB, "supervisor": FB, "other": FB},
        None,
    ),
    (
        "GET",
        "/api/inbox/count?userId=user-admin-1",
        {"admin": OK, "manager": FB, "supervisor": FB, "other": FB},
        None,
    ),
    ("GET", "/api/uploads", {"admin": OK, "manager": OK, "supervisor": OK, "other": OK}, None),
    ("GET", "/api/demo-mode", {"admin": OK, "manager": OK, "supervisor": OK, "other": OK}, None),
    ("POST", "/api/demo-mode", {"admin": OK, "manager": FB, "supervisor": FB, "other": FB}, None),
    (
        "POST",
        "/api/trending/compute",
        {"admin": OK, "manager": FB, "supervisor": FB, "other": FB},
        None,
    ),
    ("POST", "/api/chat", {"admin": OK, "manager": OK, "supervisor": OK, "other": OK}, None),
    ("GET", "/api/auth/me", {"admin": OK, "manager": OK, "supervisor": OK, "other": OK}, None),
]
BODIES = {"/api/demo-mode": {"enabled": False}, "/api/chat": {"message": "show urgent cases"}}


@pytest.mark.parametrize("persona", list(PERSONAS))
@pytest.mark.parametrize(
    ("method", "url", "expected", "check"), ROUTES, ids=[f"{m} {u}" for m, u, _, _ in ROUTES]
)
async def test_matrix_cell(
    matrix_app: FastAPI,
    tokens: dict[str, str],
    matrix_db: Path,
    persona: str,
    method: str,
    url: str,
    expected: dict[str, int],
    check: Check | None,
) -> None:
    body = BODIES.get(url.split("?")[0])
    response = await call(matrix_app, tokens, persona, method, url, json=body)
    want = UN if persona == "anonymous" else expected[persona]
    assert response.status_code == want, response.text[:300]
    if want == OK and check is not None:
        check(PERSONAS[persona], response, matrix_db)


class TestWritesByPersona:
    async def test_escalating_an_invisible_alert_is_404_and_writes_nothing(
        self, matrix_app: FastAPI, tokens: dict[str, str], matrix_db: Path
    ) -> None:
        response = await call(
            matrix_app,
            tokens,
            "other",
            "POST",
            f"/api/alerts/{OWN_ALERT}/escalate",
            json={"recipientId": "user-manager-1"},
        )
        assert response.status_code == 404
        with connect(matrix_db) as connection:
            shares = connection.execute(
                "SELECT count(*) FROM shares WHERE source_id = ?", (OWN_ALERT,)
            ).fetchone()[0]
        assert shares == 0

    async def test_sender_is_the_authenticated_user(
        self, matrix_app: FastAPI, tokens: dict[str, str], matrix_db: Path
    ) -> None:
        forged = await call(
            matrix_app,
            tokens,
            "manager",
            "POST",
            "/api/shares",
            json={
                "sourceType": "case",
                "sourceId": OWN_CASE,
                "senderId": "user-admin-1",
                "recipientId": "user-supervisor-6",
            },
        )
        assert forged.status_code == 403
        own = await call(
            matrix_app,
            tokens,
            "manager",
            "POST",
            "/api/shares",
            json={"sourceType": "case", "sourceId": OWN_CASE, "recipientId": "user-supervisor-6"},
        )
        assert own.status_code == 200
        with connect(matrix_db) as connection:
            sender = connection.execute(
                "SELECT sender_id FROM shares WHERE id = ?", (own.json()["id"],)
            ).fetchone()[0]
        assert sender == "user-manager-1"

    async def test_sharing_another_units_case_is_404(
        self, matrix_app: FastAPI, tokens: dict[str, str]
    ) -> None:
        response = await call(
            matrix_app,
            tokens,
            "other",
            "POST",
            "/api/shares",
            json={"sourceType": "case", "sourceId": OWN_CASE, "recipientId": "x"},
        )
        assert response.status_code == 404


def all_cases(database: Path) -> list[tuple[str, str, str]]:
    with connect(database) as connection:
        return connection.execute(
            "SELECT id, case_number, business_unit FROM cases ORDER BY rowid"
        ).fetchall()


class TestScopingProperty:
    """For any user and any case: the case appears in that user's case detail, filtered
    list, count, export and search exactly when the scoping rule lets the user see it."""

    @settings(max_examples=100, deadline=None)
    @given(data=st.data())
    async def test_case_appears_iff_visible(
        self,
        matrix_app: FastAPI,
        tokens: dict[str, str],
        matrix_db: Path,
        data: st.DataObject,
    ) -> None:
        cases = all_cases(matrix_db)
        case_id, case_number, unit = data.draw(st.sampled_from(cases), label="case")
        name = data.draw(st.sampled_from(["admin", "manager", "supervisor", "other"]))
        persona = PERSONAS[name]
        visible = persona.sees(unit)

        async def get(url: str) -> httpx.Response:
            return await call(matrix_app, tokens, name, "GET", url)

        detail = await get(f"/api/cases/{case_id}")
        assert detail.status_code == (200 if visible else 404)

        bu = quote(unit)
        listing = (await get(f"/api/cases?bu={bu}&limit=-1")).json()
        assert (case_id in {c["id"] for c in listing["cases"]}) == visible
        total = (await get(f"/api/cases?bu={bu}&limit=0")).json()["pagination"]["total"]
        with connect(matrix_db) as connection:
            unit_total = connection.execute(
                "SELECT count(*) FROM cases WHERE business_unit = ?", (unit,)
            ).fetchone()[0]
        assert total == (unit_total if visible else 0)

        export = await get(f"/api/export?businessUnit={bu}&search={quote(case_number)}")
        if visible:
            assert export.status_code == 200 and case_number in export.text
        else:
            assert export.status_code == 404

        search = (await get(f"/api/search?q={quote(case_number.lower())}&limit=5000")).json()
        found = case_id in {r["case"]["id"] for r in search["results"]}
        admin_search = await call(
            matrix_app,
            tokens,
            "admin",
            "GET",
            f"/api/search?q={quote(case_number.lower())}&limit=5000",
        )
        found_by_admin = case_id in {r["case"]["id"] for r in admin_search.json()["results"]}
        assert found == (found_by_admin and visible)
