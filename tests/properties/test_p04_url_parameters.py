"""Property 4: URL structure and parameter handling.

For every GET route of ``/openapi.json`` and generated path and query parameters (valid,
invalid, repeated, unknown, percent-encoded, malformed encoding, unicode): the service
never answers 5xx (except the original's documented handled failures, answered with their
documented message), and every 200 result satisfies the filters it was given: listed rows
match every equality, date and ``LIKE`` filter (first occurrence wins, empty means
absent), the ``total`` equals an independent SQL count over the database file, and the
pagination arithmetic holds.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, quote, quote_plus

import httpx
import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from tests.properties.support_a import Harness, Quiet, running_app

STREAMS = {"/api/events"}
UNKNOWN_NAMES = ["foo", "utm_source", "ชื่อ", "page[]", "LIMIT", "a b"]
NASTY = [
    "",
    " ",
    "%",
    "%25",
    "%E0%A4",
    "%zz",
    "_",
    "'",
    '"',
    "\\",
    "<b>",
    "1e3",
    "0x10",
    "-1",
    "-0",
    "2.7",
    "NaN",
    "Infinity",
    "99999999999999999999999",
    " 12",
    "+3",
    "null",
    "[]",
    "กขค",
    "日本",
    "🙂",
    "é",
    "a%2Fb",
    "../..",
    "\u202e",
    "\t",
    "9" * 400,  # past every double: Infinity to parseInt
    "-" + "9" * 400,
]
# Filters that select rows by equality: query name -> JSON key of a listed row.
EQUALITY = {
    "/api/cases": {
        "bu": "businessUnit",
        "channel": "channel",
        "category": "category",
        "severity": "severity",
        "status": "status",
        "uploadBatch": "uploadId",
    },
    "/api/alerts": {
        "type": "type",
        "severity": "severity",
        "status": "status",
        "bu": "businessUnit",
    },
}
SQL_COLUMN = {
    "businessUnit": "business_unit",
    "channel": "channel",
    "category": "category",
    "severity": "severity",
    "status": "status",
    "uploadId": "upload_id",
    "type": "type",
}
ASCII_FOLD = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
LISTS = {
    "/api/cases": "cases",
    "/api/alerts": "alerts",
    "/api/feed": "items",
    "/api/inbox": "items",
}
LISTS |= {"/api/uploads": "uploads"}


@pytest.fixture(scope="module")
def harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    with running_app(tmp_path_factory.mktemp("p04")) as running:
        csv = "caseNumber,createdAt,businessUnit,channel\nP04-1,2026-01-14,Cards,phone\n"
        files = {"file": ("p04.csv", csv.encode(), "text/csv")}
        assert running.request("POST", "/api/upload", files=files).status_code == 200
        yield running


@pytest.fixture(scope="module")
def spec(harness: Harness) -> dict[str, Any]:
    return harness.openapi()


@pytest.fixture(scope="module")
def valid(harness: Harness) -> Quiet:
    """Valid values per parameter name, from the data."""

    def column(sql: str) -> list[str]:
        return [str(row[0]) for row in harness.rows(sql) if row[0] is not None]

    return Quiet(
        {
            "page": ["1", "2", "3"],
            "limit": ["1", "5", "20", "0"],
            "bu": column("SELECT DISTINCT business_unit FROM cases"),
            "channel": ["phone", "email", "line", "web"],
            "category": column("SELECT DISTINCT category FROM cases"),
            "severity": ["low", "medium", "high", "critical"],
            "status": ["open", "closed", "active", "pending", "read", "all"],
            "type": ["spike", "urgency", "alert", "trending", "share", "escalation"],
            "startDate": ["2026-01-10", "2026-01-14T00:00:00.000Z"],
            "endDate": ["2026-01-15", "2026-01-14T12:00:00.000Z"],
            "search": ["KFC", "app", "%", "_a", "ส่ง"],
            "uploadBatch": column("SELECT id FROM uploads"),
            "q": ["kfc", "urgent last 3 days", "last 99999999999 days"],
            "userId": ["user-admin-1", "user-admin-001"],
            "alert_id": column("SELECT id FROM alerts"),
            "case_id": column("SELECT id FROM cases LIMIT 5"),
            "upload_id": column("SELECT id FROM uploads"),
            "topic": ["kfc", "delivery", "100%25"],
        }
    )


def encode(draw: st.DrawFn, value: str) -> str:
    """The value as it travels: percent-encoded, ``+`` for spaces, or as typed."""
    how = draw(st.sampled_from(["quote", "plus", "raw"]), label="encoding")
    if how == "quote":
        return quote(value, safe="")
    if how == "plus":
        return quote_plus(value)
    # As typed: only what cannot travel in a URL is encoded; a stray "%" or "+" stays.
    return quote(value, safe="%+/:@!$'()*,;=~[]")


@st.composite
def urls(
    draw: st.DrawFn, spec: dict[str, Any], valid: dict[str, list[str]], routes: list[str]
) -> tuple[str, str]:
    template = path = draw(st.sampled_from(routes), label="route")
    parameters = spec["paths"][template]["get"].get("parameters", [])

    def value_for(name: str) -> str:
        pool = valid.get(name, [])
        choices = [st.sampled_from(NASTY), st.text(max_size=12)]
        if pool:
            choices.append(st.sampled_from(pool))
        value: str = draw(st.one_of(*choices), label=name)
        return value

    for parameter in parameters:
        if parameter["in"] == "path":
            name = parameter["name"]
            segment = value_for(name) or "x"
            path = path.replace("{" + name + "}", encode(draw, segment).replace("/", "%2F"))
    names = [p["name"] for p in parameters if p["in"] == "query"] + UNKNOWN_NAMES
    pairs = draw(st.lists(st.sampled_from(names), max_size=6), label="names")
    query = "&".join(f"{encode(draw, name)}={encode(draw, value_for(name))}" for name in pairs)
    return template, path + (f"?{query}" if query else "")


def first_values(response: httpx.Response) -> dict[str, str]:
    """What the service reads: each name's first value, an empty one counting as absent."""
    firsts: dict[str, str] = {}
    for name, value in parse_qsl(response.request.url.query.decode(), keep_blank_values=True):
        firsts.setdefault(name, value)
    return {name: value for name, value in firsts.items() if value != ""}


def like(pattern: str, text: str) -> bool:
    """SQLite ``LIKE`` (``%`` and ``_`` wildcards, ASCII case-insensitive, no escape)."""
    regex = "".join(
        ".*" if char == "%" else "." if char == "_" else re.escape(char)
        for char in pattern.translate(ASCII_FOLD)
    )
    return re.fullmatch(regex, text.translate(ASCII_FOLD), re.DOTALL) is not None


def check_rows(template: str, rows: list[dict[str, Any]], given: dict[str, str]) -> None:
    for name, key in EQUALITY.get(template, {}).items():
        if name in given:
            assert all(row[key] == given[name] for row in rows), (name, given[name])
    if template in EQUALITY:
        if "startDate" in given:
            assert all(row["createdAt"] >= given["startDate"] for row in rows)
        if "endDate" in given:
            assert all(row["createdAt"] <= given["endDate"] for row in rows)
    if template == "/api/cases" and "search" in given:
        pattern = f"%{given['search']}%"
        assert all(like(pattern, row["summary"]) for row in rows), given["search"]
    names = {"/api/inbox": ("status", "type"), "/api/feed": ("type",)}.get(template, ())
    for name in names:
        if name in given and given[name] != "all":
            assert all(row[name] == given[name] for row in rows), (name, given[name])


def sql_total(harness: Harness, template: str, given: dict[str, str]) -> int:
    """The number of rows the filters select, counted by SQLite itself."""
    table = "cases" if template == "/api/cases" else "alerts"
    conditions, params = [], []
    for name, key in EQUALITY[template].items():
        if name in given:
            conditions.append(f"{SQL_COLUMN[key]} = ?")
            params.append(given[name])
    if "startDate" in given:
        conditions.append("created_at >= ?")
        params.append(given["startDate"])
    if "endDate" in given:
        conditions.append("created_at <= ?")
        params.append(given["endDate"])
    if template == "/api/cases" and "search" in given:
        conditions.append("summary LIKE ?")
        params.append(f"%{given['search']}%")
    where = " WHERE " + " AND ".join(conditions) if conditions else ""
    return int(harness.scalar(f"SELECT count(*) FROM {table}{where}", *params))


def check_pagination(rows: list[Any], meta: dict[str, Any], given: dict[str, str]) -> None:
    page, limit, total = meta["page"], meta["limit"], meta["total"]
    if any(len(given.get(name, "")) > 300 for name in ("page", "limit")):
        # Infinity echoes as null, like NaN, but pages differently; only the bound holds.
        assert len(rows) <= total
        return
    for name, echoed in (("page", page), ("limit", limit)):
        raw = given.get(name)
        if raw is not None and re.fullmatch(r"[0-9]{1,6}", raw):
            assert echoed == int(raw), (name, raw, echoed)
    if limit is None or limit == 0:
        assert meta["totalPages"] is None
    else:
        assert meta["totalPages"] == math.ceil(total / limit)
    if limit is None or limit < 0:
        assert len(rows) == total  # no LIMIT: every row (only page 1 exists)
        return
    offset = 0 if page is None else max(0, (page - 1) * limit)
    assert len(rows) == max(0, min(limit, total - offset)), (page, limit, total)


def documented_failure(spec: dict[str, Any], template: str, response: httpx.Response) -> bool:
    """A 500 the original answered on purpose, with the message the route documents."""
    documented = spec["paths"][template]["get"]["responses"].get("500")
    if response.status_code != 500 or documented is None:
        return False
    body = response.json()
    return body.get("code") == "REQUEST_FAILED" and body["error"] in documented["description"]


# The two routes with the most filters are drawn more often.
LIST_WEIGHTS = ["/api/cases"] * 3 + ["/api/alerts"] * 2 + sorted(LISTS)


def get_routes(spec: dict[str, Any]) -> list[str]:
    return sorted(p for p, ops in spec["paths"].items() if "get" in ops and p not in STREAMS)


class TestGeneratedUrls:
    @given(data=st.data())
    def test_no_get_route_answers_5xx(
        self, harness: Harness, spec: dict[str, Any], valid: Quiet, data: st.DataObject
    ) -> None:
        template, url = data.draw(urls(spec, valid, get_routes(spec)), label="url")
        response = harness.get(url)
        event(f"{template} {response.status_code}")
        if response.status_code >= 500:
            assert documented_failure(spec, template, response), (url, response.text)

    @given(data=st.data())
    def test_listed_rows_satisfy_their_filters(
        self, harness: Harness, spec: dict[str, Any], valid: Quiet, data: st.DataObject
    ) -> None:
        template, url = data.draw(urls(spec, valid, LIST_WEIGHTS), label="url")
        response = harness.get(url)
        event(f"{template} {response.status_code}")
        assert response.status_code < 500, (url, response.text)
        if response.status_code != 200:
            assert response.status_code == 400  # a page past 1 without a limit
            assert response.json()["code"] == "VALIDATION_ERROR"
            return
        given = first_values(response)
        body = response.json()
        rows = body[LISTS[template]]
        check_rows(template, rows, given)
        check_pagination(rows, body["pagination"], given)
        if template in EQUALITY:
            assert body["pagination"]["total"] == sql_total(harness, template, given), url

    @given(
        data=st.data(),
        value=st.sampled_from(["9" * 400, "-" + "9" * 400, "9" * 4000, "1" + "0" * 308, "1e400"]),
    )
    def test_numbers_past_doubles_never_give_an_undocumented_5xx(
        self, harness: Harness, spec: dict[str, Any], data: st.DataObject, value: str
    ) -> None:
        numeric = {"page", "limit", "days", "threshold", "maxRows"}
        pairs = [
            (path, p["name"])
            for path in get_routes(spec)
            for p in spec["paths"][path]["get"].get("parameters", [])
            if p["in"] == "query" and p["name"] in numeric and "{" not in path
        ]
        template, name = data.draw(st.sampled_from(pairs), label="parameter")
        other = data.draw(st.sampled_from(["", "&page=2", "&limit=3", "&page=1&limit=-1"]))
        response = harness.get(f"{template}?{name}={value}{other}")
        if response.status_code >= 500:
            assert documented_failure(spec, template, response), response.text

    @given(
        name=st.sampled_from(["bu", "severity", "status", "channel"]),
        values=st.lists(
            st.sampled_from(["high", "low", "phone", "open", "KFC Delivery", ""]),
            min_size=2,
            max_size=4,
        ),
    )
    def test_repeated_parameters_use_the_first_value(
        self, harness: Harness, name: str, values: list[str]
    ) -> None:
        query = "&".join(f"{name}={quote(value)}" for value in values) + "&limit=5"
        body = harness.get(f"/api/cases?{query}").json()
        key = EQUALITY["/api/cases"][name]
        if values[0] == "":
            expected = harness.scalar("SELECT count(*) FROM cases")
        else:
            assert {case[key] for case in body["cases"]} <= {values[0]}
            column = SQL_COLUMN[key]
            expected = harness.scalar(f"SELECT count(*) FROM cases WHERE {column} = ?", values[0])
        assert body["pagination"]["total"] == expected
