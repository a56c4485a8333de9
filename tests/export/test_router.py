"""``GET /api/export`` over HTTP against the reference database."""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import openpyxl
import pytest
from fastapi import FastAPI

from control_tower.auth.deps import Viewer, authenticate
from control_tower.core.models import UserRole
from tests.export.factories import REFERENCE_CASES, case_row, insert_cases

HEADER_LINE = (
    "Case Number,Created At,Business Unit,Channel,Status,Category,Subcategory,Severity,"
    "Sentiment,Summary,Customer Name,Agent ID,Assigned To,Risk Flag,Needs Review,"
    "Resolved At,Updated At"
)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_rows(response: httpx.Response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.text, newline="")))


def column(response: httpx.Response, header: str) -> list[str]:
    header_row, *rows = csv_rows(response)
    index = header_row.index(header)
    return [row[index] for row in rows]


class TestCsvExport:
    async def test_full_export_headers_and_layout(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/export")
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/csv; charset=utf-8"
        assert response.headers["content-disposition"] == (
            'attachment; filename="cases-export-2026-01-15.csv"'
        )
        assert response.headers["x-total-rows"] == str(REFERENCE_CASES)
        assert response.headers["x-max-rows"] == "10000"
        assert response.text.startswith(HEADER_LINE + "\nCC-002140,2026-01-15,Beer & Spirits,")
        assert not response.text.endswith("\n")
        assert not response.content.startswith(b"\xef\xbb\xbf")
        assert len(csv_rows(response)) == REFERENCE_CASES + 1

    async def test_rows_are_newest_first(self, client: httpx.AsyncClient) -> None:
        dates = column(await client.get("/api/export"), "Created At")
        assert dates == sorted(dates, reverse=True)

    async def test_summary_with_comma_is_quoted(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/export", params={"search": ","})
        assert response.status_code == 200
        assert all(", " in summary for summary in column(response, "Summary"))
        assert '"' in response.text.split("\n")[1]

    async def test_values_are_formatted_like_the_original(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/export", params={"status": "in_progress"})
        assert set(column(response, "Status")) == {"In Progress"}
        assert set(column(response, "Channel")) <= {"Phone", "Email", "Line", "Web"}
        assert set(column(response, "Risk Flag")) <= {"Yes", "No"}
        assert all(len(day) == 10 for day in column(response, "Updated At"))


class TestFilters:
    async def test_original_parameter_names(self, client: httpx.AsyncClient) -> None:
        response = await client.get(
            "/api/export", params={"businessUnit": "KFC Loyalty", "status": "open"}
        )
        assert response.headers["x-total-rows"] == "32"
        assert set(column(response, "Business Unit")) == {"KFC Loyalty"}

    async def test_frontend_parameter_names_filter_too(self, client: httpx.AsyncClient) -> None:
        response = await client.get(
            "/api/export",
            params={"bu": "KFC Loyalty", "startDate": "2026-01-10", "endDate": "2026-01-14"},
        )
        assert response.status_code == 200
        assert set(column(response, "Business Unit")) == {"KFC Loyalty"}
        assert all("2026-01-10" <= day <= "2026-01-13" for day in column(response, "Created At"))

    async def test_original_names_win_over_frontend_names(self, client: httpx.AsyncClient) -> None:
        response = await client.get(
            "/api/export", params={"businessUnit": "KFC Loyalty", "bu": "Beer & Spirits"}
        )
        assert set(column(response, "Business Unit")) == {"KFC Loyalty"}

    async def test_bare_date_to_excludes_that_day(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/export", params={"dateTo": "2025-12-17"})
        assert response.headers["x-total-rows"] == "80"
        assert max(column(response, "Created At")) == "2025-12-16"

    async def test_search_ignores_ascii_case_and_treats_underscore_as_wildcard(
        self, client: httpx.AsyncClient
    ) -> None:
        lower = await client.get("/api/export", params={"search": "app crash"})
        upper = await client.get("/api/export", params={"search": "APP_CRASH"})
        assert lower.headers["x-total-rows"] == "17"
        assert upper.text == lower.text


class TestFormulaNeutralisation:
    @pytest.fixture
    def risky_case(self, reference_db: Path) -> None:
        insert_cases(
            reference_db,
            [
                case_row(
                    1,
                    summary='=HYPERLINK("http://x","y")',
                    customer_name="+66 81 234 5678",
                    agent_id="@agent",
                    business_unit="Risky",
                )
            ],
        )

    async def test_csv_cells_are_prefixed(
        self, client: httpx.AsyncClient, risky_case: None
    ) -> None:
        response = await client.get("/api/export", params={"businessUnit": "Risky"})
        row = csv_rows(response)[1]
        assert row[9:12] == ['\'=HYPERLINK("http://x","y")', "'+66 81 234 5678", "'@agent"]

    async def test_xlsx_keeps_the_text_as_a_string_cell(
        self, client: httpx.AsyncClient, risky_case: None
    ) -> None:
        response = await client.get(
            "/api/export", params={"businessUnit": "Risky", "format": "xlsx"}
        )
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        assert sheet is not None
        assert sheet["J2"].value == '=HYPERLINK("http://x","y")'
        assert sheet["J2"].data_type == "s"


class TestXlsxExport:
    @pytest.mark.parametrize(
        ("query", "sha256", "size"),
        [
            (
                "format=xlsx&channel=line&severity=critical",
                "080e2ef6273638ef3af0fd351d693aa75aa4753cb310e4c915121e5d6e9b7e42",
                92005,
            ),
            (
                "format=xlsx&category=Food%20Safety",
                "99b61a71c4b0b3a69618ed00f03d5cd63e9f8185d5b4fabd168c5517db21fd81",
                130543,
            ),
        ],
    )
    async def test_bytes_identical_to_sheetjs(
        self, client: httpx.AsyncClient, query: str, sha256: str, size: int
    ) -> None:
        response = await client.get(f"/api/export?{query}")
        assert response.status_code == 200
        assert response.headers["content-type"] == XLSX_TYPE
        assert response.headers["content-disposition"] == (
            'attachment; filename="cases-export-2026-01-15.xlsx"'
        )
        assert (hashlib.sha256(response.content).hexdigest(), len(response.content)) == (
            sha256,
            size,
        )

    async def test_cell_too_long_for_xlsx_is_refused_before_streaming(
        self, client: httpx.AsyncClient, reference_db: Path
    ) -> None:
        insert_cases(reference_db, [case_row(1, summary="x" * 40_000, business_unit="Long")])
        response = await client.get(
            "/api/export", params={"businessUnit": "Long", "format": "xlsx"}
        )
        assert response.status_code == 422
        assert "32,767" in response.json()["error"]
        as_csv = await client.get("/api/export", params={"businessUnit": "Long"})
        assert as_csv.status_code == 200

    async def test_too_long_cell_outside_the_capped_rows_does_not_matter(
        self, client: httpx.AsyncClient, reference_db: Path
    ) -> None:
        old = "2020-01-01T00:00:00.000Z"
        insert_cases(reference_db, [case_row(1, summary="x" * 40_000, created_at=old)])
        response = await client.get("/api/export", params={"format": "xlsx", "maxRows": "5"})
        assert response.status_code == 200
        assert response.headers["x-total-rows"] == "5"

    async def test_long_cell_within_the_limit_is_written(
        self, client: httpx.AsyncClient, reference_db: Path
    ) -> None:
        insert_cases(reference_db, [case_row(1, summary="x" * 20_000, business_unit="Long")])
        response = await client.get(
            "/api/export", params={"businessUnit": "Long", "format": "xlsx"}
        )
        assert response.status_code == 200


class TestErrors:
    @pytest.mark.parametrize("value", ["pdf", "CSV", "Xlsx"])
    async def test_unknown_format(self, client: httpx.AsyncClient, value: str) -> None:
        response = await client.get("/api/export", params={"format": value})
        assert response.status_code == 400
        assert response.json()["error"] == "Invalid format. Supported formats: csv, xlsx"

    async def test_first_format_counts(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/export?format=csv&format=pdf&channel=line")
        assert response.headers["content-type"] == "text/csv; charset=utf-8"
        bad_first = await client.get("/api/export?format=pdf&format=csv")
        assert bad_first.status_code == 400

    async def test_empty_format_means_csv(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/export?format=&channel=line")
        assert response.headers["content-type"] == "text/csv; charset=utf-8"

    async def test_no_match(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/export", params={"search": '"quoted"'})
        assert response.status_code == 404
        assert response.json()["error"] == "No cases found matching the specified filters"


class TestHead:
    async def test_head_sends_the_headers_without_a_body(self, client: httpx.AsyncClient) -> None:
        response = await client.head(
            "/api/export", params={"channel": "line", "severity": "critical"}
        )
        assert response.status_code == 200
        assert response.headers["x-total-rows"] == "101"
        assert response.headers["content-type"] == "text/csv; charset=utf-8"
        assert response.content == b""


class TestMaxRows:
    async def test_default_cap_is_the_originals(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/export", params={"channel": "web"})
        assert response.headers["x-max-rows"] == "10000"

    async def test_smaller_cap_keeps_the_newest_rows(self, client: httpx.AsyncClient) -> None:
        full = csv_rows(await client.get("/api/export"))
        response = await client.get("/api/export", params={"maxRows": "5"})
        assert response.headers["x-total-rows"] == "5"
        assert response.headers["x-max-rows"] == "5"
        assert csv_rows(response) == full[:6]

    @pytest.mark.parametrize("value", ["0", "-1", "abc", "1.5", "1000001", "١٢"])
    async def test_invalid_values_are_refused(self, client: httpx.AsyncClient, value: str) -> None:
        response = await client.get("/api/export", params={"maxRows": value})
        assert response.status_code == 400
        assert response.json()["error"].startswith("Invalid maxRows")

    async def test_xlsx_cap_is_the_sheet_limit(self, app: FastAPI) -> None:
        app.state.settings = app.state.settings.model_copy(
            update={"export_max_rows_ceiling": 2_000_000}
        )
        async with _client(app) as client:
            too_many = await client.get(
                "/api/export", params={"format": "xlsx", "maxRows": "1048576"}
            )
            as_csv = await client.get("/api/export", params={"maxRows": "2000000"})
        assert too_many.status_code == 400
        assert "1048575" in too_many.json()["error"]
        assert as_csv.headers["x-max-rows"] == "2000000"


class TestScope:
    async def test_scoped_viewer_exports_only_their_unit(self, app: FastAPI) -> None:
        app.dependency_overrides[authenticate] = lambda: Viewer(
            id="user-manager", role=UserRole.BU_MANAGER, business_unit="KFC Loyalty"
        )
        async with _client(app) as client:
            response = await client.get("/api/export")
            other = await client.get("/api/export", params={"businessUnit": "Beer & Spirits"})
        assert set(column(response, "Business Unit")) == {"KFC Loyalty"}
        assert int(response.headers["x-total-rows"]) < REFERENCE_CASES
        assert other.status_code == 404


class TestOpenApi:
    async def test_route_is_documented(self, client: httpx.AsyncClient) -> None:
        operation = (await client.get("/openapi.json")).json()["paths"]["/api/export"]["get"]
        assert operation["summary"] == "Export cases as CSV or XLSX"
        names = {parameter["name"] for parameter in operation["parameters"]}
        assert {"format", "businessUnit", "bu", "startDate", "endDate", "maxRows"} <= names
        content = operation["responses"]["200"]["content"]
        assert set(content) == {"text/csv; charset=utf-8", XLSX_TYPE}
        assert {"400", "404", "422", "500"} <= set(operation["responses"])


def _client(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


@pytest.fixture(autouse=True)
async def _clear_overrides(app: FastAPI) -> AsyncIterator[None]:
    yield
    app.dependency_overrides.clear()
