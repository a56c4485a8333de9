"""Upload rules below HTTP: file kinds, the case row layout, scoping and the viewer hook."""

from __future__ import annotations

import re

import httpx
import pytest
from fastapi import FastAPI

from control_tower.auth.deps import Viewer
from control_tower.core.errors import BadRequest, NotFound
from control_tower.core.models import UserRole
from control_tower.uploads import service
from control_tower.uploads.parsing import XLSX_MIME
from control_tower.uploads.repository import CASE_INSERT_COLUMNS
from control_tower.uploads.service import FileKind, UploadedFile, file_kind
from control_tower.uploads.validation import ValidRow
from tests.uploads.factories import csv_text, row, upload_files, xlsx_bytes


def uploaded(name: str, content_type: str = "", data: bytes = b"x") -> UploadedFile:
    return UploadedFile(name=name, content_type=content_type, data=data)


class TestFileKind:
    @pytest.mark.parametrize(
        ("name", "content_type"),
        [
            ("a.csv", ""),
            ("a.txt", "text/csv"),
            ("A.CSV", "TEXT/CSV"),  # File.type is lower-cased
            ("a.xlsx", "text/csv"),  # the original read this as CSV text
        ],
    )
    def test_csv_as_the_original_accepted_it(self, name: str, content_type: str) -> None:
        assert file_kind(uploaded(name, content_type)) is FileKind.CSV

    @pytest.mark.parametrize(
        ("name", "content_type", "data"),
        [
            ("a.xlsx", "application/octet-stream", b"x"),
            ("A.XLSX", "", b"x"),
            ("upload", XLSX_MIME, b"x"),
            ("a.xlsx", "text/csv", b"PK\x03\x04rest"),
        ],
    )
    def test_xlsx_by_name_or_type(self, name: str, content_type: str, data: bytes) -> None:
        assert file_kind(uploaded(name, content_type, data)) is FileKind.XLSX

    @pytest.mark.parametrize(
        ("name", "content_type"),
        [("DATA.CSV", "application/octet-stream"), ("a.txt", "text/csv; charset=utf-8")],
    )
    def test_everything_else_is_refused_with_the_original_message(
        self, name: str, content_type: str
    ) -> None:
        with pytest.raises(
            BadRequest, match=r"^Invalid file type\. Only CSV files are accepted\.$"
        ):
            file_kind(uploaded(name, content_type))


class TestCaseRow:
    def test_values_follow_the_insert_columns_and_the_original_defaults(self) -> None:
        valid = ValidRow(
            row=2,
            case_number="GLD-1",
            created_at="2026-01-14T00:00:00.000Z",
            business_unit="lending",
            channel="web",
            category="",
            customer_name="",
        )
        values = dict(
            zip(
                CASE_INSERT_COLUMNS,
                service._case_values(valid, "case-1", "up-1", "2026-01-15T10:05:00.000Z"),
                strict=True,
            )
        )
        assert values == {
            "id": "case-1",
            "case_number": "GLD-1",
            "channel": "web",
            "status": "open",
            "category": "General",
            "subcategory": None,
            "sentiment": "neutral",
            "severity": "medium",
            "risk_flag": 0,
            "needs_review_flag": 0,
            "business_unit": "lending",
            "summary": "Case GLD-1",
            "customer_name": None,
            "agent_id": None,
            "assigned_to": None,
            "created_at": "2026-01-14T00:00:00.000Z",
            "updated_at": "2026-01-15T10:05:00.000Z",
            "resolved_at": None,
            "upload_id": "up-1",
        }


class TestViewer:
    def test_every_viewer_may_import_every_row_for_now(self) -> None:
        supervisor = Viewer(id="user-supervisor-1", role=UserRole.SUPERVISOR, business_unit="Cards")
        rows = [
            ValidRow(row=2, case_number="A", created_at="x", business_unit="Cards", channel="web"),
            ValidRow(
                row=3, case_number="B", created_at="x", business_unit="Support", channel="web"
            ),
        ]
        allowed, refused = service.permitted_rows(supervisor, rows)
        assert allowed == rows and refused == []


class TestUploadDetailScope:
    async def test_case_count_is_limited_to_the_viewers_business_unit(
        self, app: FastAPI, client: httpx.AsyncClient
    ) -> None:
        text = csv_text(["GLD-1", "GLD-2"]) + row("GLD-3", bu="Support") + "\n"
        posted = (await client.post("/api/upload", files=upload_files(text))).json()
        async with app.state.db.session() as session:
            everything = await service.get_upload(session, posted["uploadId"], scope=None)
            cards = await service.get_upload(session, posted["uploadId"], scope="Cards")
            support = await service.get_upload(session, posted["uploadId"], scope="Support")
            with pytest.raises(NotFound):
                await service.get_upload(session, "missing", scope=None)
        assert (
            everything["associatedCaseCount"],
            cards["associatedCaseCount"],
            support["associatedCaseCount"],
        ) == (3, 2, 1)


class TestXlsxAndCsvAgree:
    async def test_same_table_same_validation(self, client: httpx.AsyncClient) -> None:
        table = [
            ["caseNumber", "createdAt", "bu", "channel", "severity"],
            ["", "2019-01-01", "Card", "PHONES", "urgent"],
            ["K-1", "2026-01-14", "Cards", "web", "low"],
        ]
        as_csv = "\n".join(",".join(cells) for cells in table)
        as_xlsx = xlsx_bytes([[cell.replace("K-1", "K-2") for cell in cells] for cells in table])
        csv_body = (await client.post("/api/upload", files=upload_files(as_csv))).json()
        xlsx_body = (
            await client.post("/api/upload", files=upload_files(as_xlsx, "t.xlsx", ""))
        ).json()
        assert csv_body["errors"] == xlsx_body["errors"]
        assert len(csv_body["errors"]) == 5


class TestIds:
    def test_case_ids_of_one_upload_are_distinct_and_shaped_like_the_originals(self) -> None:
        ids = service.new_case_ids(1768471501391, 50_000)
        assert len(set(ids)) == 50_000
        assert all(re.fullmatch(r"case-1768471501391-[0-9a-z]{7}", case_id) for case_id in ids)
        assert re.fullmatch(r"1768471501391-[0-9a-z]{7}", service.new_id(1768471501391))
