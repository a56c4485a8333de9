"""The upload routes over HTTP: answers, stored rows, limits, duplicates, atomicity, events."""

from __future__ import annotations

import asyncio
import io
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from control_tower.core.events import Event
from control_tower.core.jsonenc import dumps_str
from control_tower.uploads.service import TEMPLATE_CSV
from tests.support.databases import ON_POSTGRES
from tests.uploads.factories import (
    HEADER,
    bulk_csv,
    client_with,
    csv_text,
    query,
    row,
    upload_files,
    xlsx_bytes,
)

THAI_ROWS = (
    "caseNumber,createdAt,bu,channel,category,summary,customerName\n"
    "TH-1,2026-01-14T03:00:00Z,Digital,line,แอปพลิเคชัน,แอปค้างระหว่างชำระเงิน,สมชาย ใจดี\n"
)


async def post(
    client: httpx.AsyncClient,
    content: bytes | str,
    name: str = "cases.csv",
    *,
    content_type: str = "text/csv",
    **extra: Any,
) -> httpx.Response:
    files = upload_files(content, name, content_type)
    return await client.post("/api/upload", files=files, **extra)


def drain(events: asyncio.Queue[Event]) -> list[Event]:
    found = []
    while not events.empty():
        found.append(events.get_nowait())
    return found


class TestUploadAnswers:
    async def test_valid_file_imports_every_row(
        self, client: httpx.AsyncClient, reference_db: Path
    ) -> None:
        response = await post(client, csv_text(["GLD-1", "GLD-2"]))
        body = response.json()
        assert response.status_code == 200
        assert list(body) == [
            "success",
            "uploadId",
            "message",
            "totalRows",
            "successCount",
            "errorCount",
            "insertedCaseIds",
            "recomputeStatus",
        ]
        assert body["message"] == "Upload completed successfully"
        assert (body["totalRows"], body["successCount"], body["errorCount"]) == (2, 2, 0)
        assert body["recomputeStatus"] == "pending"
        stored = query(
            reference_db,
            "SELECT id, case_number, status, sentiment, upload_id FROM cases "
            "WHERE upload_id = ? ORDER BY rowid",
            body["uploadId"],
        )
        assert [r[0] for r in stored] == body["insertedCaseIds"]
        assert [r[1:4] for r in stored] == [
            ("GLD-1", "open", "neutral"),
            ("GLD-2", "open", "neutral"),
        ]
        upload = query(
            reference_db,
            "SELECT status, success_count, recompute_status, uploaded_by, created_at, "
            "completed_at FROM uploads WHERE id = ?",
            body["uploadId"],
        )[0]
        assert upload[:4] == ("completed", 2, "pending", None)
        assert upload[4] == upload[5]

    async def test_feed_item_announces_the_batch(
        self, client: httpx.AsyncClient, reference_db: Path
    ) -> None:
        body = (await post(client, csv_text(["GLD-1"]), "one.csv")).json()
        item = query(
            reference_db,
            "SELECT type, title, content, metadata, priority, reference_id, reference_type "
            "FROM feed_items WHERE reference_id = ?",
            body["uploadId"],
        )
        assert item == [
            (
                "upload",
                "New batch uploaded",
                "1 new case added from one.csv",
                dumps_str(
                    {
                        "batchId": body["uploadId"],
                        "fileName": "one.csv",
                        "caseCount": 1,
                        "status": "completed",
                    }
                ),
                5,
                body["uploadId"],
                "upload",
            )
        ]

    async def test_partial_upload_lists_row_errors(self, client: httpx.AsyncClient) -> None:
        text = csv_text(["GLD-1"]) + row("GLD-2", channel="fax") + "\n"
        body = (await post(client, text)).json()
        assert body["message"] == "Upload completed with some errors"
        assert body["success"] is True
        assert body["errors"] == [
            {
                "row": 3,
                "column": "channel",
                "value": "fax",
                "reason": "Invalid channel. Must be one of: phone, email, line, web",
                "suggestedFix": "Valid values: phone, email, line, web",
            }
        ]

    async def test_all_rows_invalid_is_400_counting_rows(
        self, client: httpx.AsyncClient, reference_db: Path
    ) -> None:
        text = f"{HEADER}\n{row('', channel='fax')}\n"
        response = await post(client, text)
        body = response.json()
        assert response.status_code == 400
        assert body["message"] == "All rows failed validation"
        assert (body["errorCount"], len(body["errors"])) == (1, 2)
        stored = query(
            reference_db,
            "SELECT status, error_count, recompute_status FROM uploads WHERE id = ?",
            body["uploadId"],
        )
        assert stored == [("failed", 2, None)]

    async def test_empty_file(self, client: httpx.AsyncClient) -> None:
        response = await post(client, b"", "empty.csv")
        body = response.json()
        assert response.status_code == 200
        assert body["success"] is False and body["message"] == "Upload failed"
        assert body["errors"][0]["reason"] == "CSV file is empty"
        assert body["insertedCaseIds"] == [] and body["recomputeStatus"] is None

    async def test_header_only_file_omits_errors(self, client: httpx.AsyncClient) -> None:
        body = (await post(client, HEADER + "\n")).json()
        assert "errors" not in body
        assert (body["success"], body["totalRows"], body["errorCount"]) == (False, 0, 0)

    async def test_blank_lines_bom_and_crlf(self, client: httpx.AsyncClient) -> None:
        text = "\ufeff" + HEADER + "\r\n\r\n" + row("GLD-1") + "\r" + row("", bu="x") + "\r\n"
        body = (await post(client, text.encode())).json()
        assert (body["totalRows"], body["successCount"]) == (2, 1)
        assert {error["row"] for error in body["errors"]} == {3}

    async def test_malformed_quoting_follows_the_original(
        self, client: httpx.AsyncClient, reference_db: Path
    ) -> None:
        text = f'{HEADER}\nGLD-1,2026-01-14,Cards,phone,Billing,high,"open quote\n{row("GLD-2")}\n'
        body = (await post(client, text)).json()
        assert (body["totalRows"], body["successCount"]) == (1, 1)
        summary = query(reference_db, "SELECT summary FROM cases WHERE case_number = 'GLD-1'")
        assert summary == [(f"open quote\n{row('GLD-2')}",)]


class TestFileTypes:
    async def test_other_types_are_refused(self, client: httpx.AsyncClient) -> None:
        response = await post(client, "notes", "notes.txt", content_type="text/plain")
        assert response.status_code == 400
        assert response.json()["error"] == "Invalid file type. Only CSV files are accepted."
        assert response.json()["code"] == "INVALID_FILE_TYPE"

    async def test_upper_case_extension_needs_text_csv(self, client: httpx.AsyncClient) -> None:
        text = csv_text(["GLD-1"])
        refused = await post(client, text, "DATA.CSV", content_type="application/octet-stream")
        accepted = await post(client, text, "DATA.CSV", content_type="text/csv")
        assert (refused.status_code, accepted.status_code) == (400, 200)

    async def test_no_file_part(self, client: httpx.AsyncClient) -> None:
        response = await client.post("/api/upload", data={"note": "x"}, files={"x": ("a", b"")})
        assert response.status_code == 400
        assert response.json()["error"] == "No file provided"

    async def test_text_file_field_and_non_form_bodies_keep_the_original_500(
        self, client: httpx.AsyncClient
    ) -> None:
        as_text = await client.post("/api/upload", data={"file": "x.csv"})
        as_json = await client.post("/api/upload", json={"file": "x.csv"})
        for response in (as_text, as_json):
            assert response.status_code == 500
            assert response.json()["error"] == "Failed to process upload"

    async def test_truncated_multipart_body(self, client: httpx.AsyncClient) -> None:
        body = b'--B\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nabc'
        response = await client.post(
            "/api/upload", content=body, headers={"content-type": "multipart/form-data; boundary=B"}
        )
        assert response.status_code == 500
        assert "closing boundary" in response.json()["details"]["reason"]


class TestEncodings:
    @pytest.mark.parametrize(
        "encoded",
        [
            THAI_ROWS.encode("utf-8"),
            b"\xef\xbb\xbf" + THAI_ROWS.encode("utf-8"),
            THAI_ROWS.encode("cp874"),
        ],
        ids=["utf-8", "utf-8-bom", "cp874"],
    )
    async def test_thai_text_is_stored_intact(
        self, client: httpx.AsyncClient, reference_db: Path, encoded: bytes
    ) -> None:
        body = (await post(client, encoded)).json()
        assert body["successCount"] == 1
        stored = query(
            reference_db,
            "SELECT category, summary, customer_name FROM cases WHERE case_number = 'TH-1'",
        )
        assert stored == [("แอปพลิเคชัน", "แอปค้างระหว่างชำระเงิน", "สมชาย ใจดี")]


class TestXlsxUploads:
    async def test_workbook_imports_like_the_same_csv(
        self, client: httpx.AsyncClient, reference_db: Path
    ) -> None:
        cells = [
            HEADER.split(","),
            ["X-1", "2026-01-14", "Cards", "phone", "Billing", "high", "Row one", "Ann"],
            ["X-2", "2026-01-14", "Nope", "fax", "", "", "", ""],
        ]
        xlsx = await post(
            client,
            xlsx_bytes(cells),
            "cases.xlsx",
            content_type="application/octet-stream",
        )
        as_csv_text = "\n".join(",".join(c.replace("X-", "Y-") for c in r) for r in cells)
        csv = await post(client, as_csv_text)
        xlsx_body, csv_body = xlsx.json(), csv.json()
        assert xlsx.status_code == csv.status_code == 200
        for key in ("message", "totalRows", "successCount", "errorCount"):
            assert xlsx_body[key] == csv_body[key]
        assert xlsx_body["errors"] == csv_body["errors"]
        assert query(reference_db, "SELECT summary FROM cases WHERE case_number = 'X-1'") == [
            ("Row one",)
        ]

    async def test_excel_dates_and_numbers(
        self, client: httpx.AsyncClient, reference_db: Path
    ) -> None:
        from datetime import datetime

        data = xlsx_bytes(
            [["id", "date", "bu", "channel"], [42, datetime(2026, 1, 13, 9, 30), "Support", "web"]]
        )
        body = (await post(client, data, "n.xlsx", content_type="")).json()
        assert body["successCount"] == 1
        stored = query(reference_db, "SELECT created_at FROM cases WHERE case_number = '42'")
        assert stored == [("2026-01-13T09:30:00.000Z",)]

    async def test_unreadable_workbook_is_400(self, client: httpx.AsyncClient) -> None:
        response = await post(client, b"PK\x03\x04garbage", "broken.xlsx", content_type="")
        assert response.status_code == 400
        assert response.json()["code"] == "INVALID_XLSX"

    async def test_zip_bomb_is_refused(self, reference_db: Path) -> None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("[Content_Types].xml", b"<x/>")
            archive.writestr("xl/worksheets/sheet1.xml", b"<" * 12_000_000)
        assert len(buffer.getvalue()) < 64 * 1024
        # 1 MB uploads may inflate to 10 MB.
        async with client_with(reference_db, upload_max_bytes=1024 * 1024) as client:
            response = await post(client, buffer.getvalue(), "bomb.xlsx", content_type="")
        assert response.status_code == 413
        assert response.json()["code"] == "XLSX_TOO_LARGE"
        assert response.json()["details"] == {
            "declaredBytes": 12_000_004,
            "limitBytes": 10 * 1024 * 1024,
        }


class TestLimits:
    async def test_file_over_the_size_limit_is_413(self, reference_db: Path) -> None:
        async with client_with(reference_db, upload_max_bytes=2048) as client:
            small = await post(client, csv_text(["GLD-1"]))
            large = await post(client, csv_text([f"GLD-{i}" for i in range(40)]))
        assert small.status_code == 200
        assert large.status_code == 413
        assert large.json()["code"] == "FILE_TOO_LARGE"
        assert "2,048 bytes" in large.json()["error"]
        assert query(reference_db, "SELECT count(*) FROM uploads") == [(1,)]

    async def test_streamed_body_stops_being_read_past_the_limit(self, reference_db: Path) -> None:
        sent = 0

        async def body() -> AsyncIterator[bytes]:
            nonlocal sent
            yield (
                b'--B\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n'
                b"Content-Type: text/csv\r\n\r\n"
            )
            for _ in range(2000):
                sent += 1
                yield b"x" * 1024
            yield b"\r\n--B--\r\n"

        async with client_with(reference_db, upload_max_bytes=64 * 1024) as client:
            response = await client.post(
                "/api/upload",
                content=body(),
                headers={"content-type": "multipart/form-data; boundary=B"},
            )
        assert response.status_code == 413
        assert sent < 100

    async def test_row_limit_is_413(self, reference_db: Path) -> None:
        async with client_with(reference_db, upload_max_rows=3) as client:
            ok = await post(client, csv_text(["A-1", "A-2", "A-3"]))
            too_many = await post(client, csv_text(["B-1", "B-2", "B-3", "B-4"]))
        assert ok.status_code == 200
        assert too_many.status_code == 413
        assert too_many.json()["code"] == "TOO_MANY_ROWS"
        assert query(reference_db, "SELECT count(*) FROM cases WHERE case_number LIKE 'B-%'") == [
            (0,)
        ]


class TestDuplicates:
    async def test_case_numbers_taken_in_the_file_or_database(
        self, client: httpx.AsyncClient
    ) -> None:
        text = csv_text(["CC-000001", "GLD-1", "GLD-1", "GLD-2"])
        body = (await post(client, text)).json()
        assert body["successCount"] == 2
        assert body["errors"] == [
            {
                "row": 2,
                "column": "caseNumber",
                "value": "",
                "reason": "Case number 'CC-000001' already exists",
                "suggestedFix": "Use a unique case number",
            },
            {
                "row": 4,
                "column": "caseNumber",
                "value": "",
                "reason": "Case number 'GLD-1' already exists",
                "suggestedFix": "Use a unique case number",
            },
        ]

    async def test_insert_errors_number_rows_by_valid_row_position(
        self, client: httpx.AsyncClient
    ) -> None:
        # The invalid row 2 is skipped, so the duplicate at row 4 is valid row index 1 (-> 3).
        text = f"{HEADER}\n{row('', bu='x')}\n{row('GLD-1')}\n{row('GLD-1')}\n"
        body = (await post(client, text)).json()
        assert [(e["row"], e["column"]) for e in body["errors"]][-1] == (3, "caseNumber")

    async def test_same_file_twice_is_409(
        self, client: httpx.AsyncClient, reference_db: Path
    ) -> None:
        text = csv_text(["GLD-1", "GLD-2"])
        first = (await post(client, text, "a.csv")).json()
        again = await post(client, text, "b.csv")
        assert again.status_code == 409
        body = again.json()
        assert body["code"] == "DUPLICATE_UPLOAD"
        assert body["details"]["uploadId"] == first["uploadId"]
        assert first["uploadId"] in body["error"]
        assert query(reference_db, "SELECT count(*) FROM uploads") == [(1,)]

    @pytest.mark.parametrize("where", ["query", "form"])
    async def test_allow_duplicate_imports_again(
        self, client: httpx.AsyncClient, reference_db: Path, where: str
    ) -> None:
        text = csv_text(["GLD-1"])
        await post(client, text)
        query(reference_db, "DELETE FROM cases WHERE case_number = 'GLD-1'")
        if where == "query":
            again = await post(client, text, params={"allowDuplicate": "true"})
        else:
            again = await post(client, text, data={"allowDuplicate": "true"})
        assert again.status_code == 200
        assert again.json()["successCount"] == 1
        assert query(reference_db, "SELECT count(*) FROM upload_fingerprints") == [(2,)]

    async def test_allowed_duplicate_reports_taken_case_numbers(
        self, client: httpx.AsyncClient
    ) -> None:
        text = csv_text(["GLD-1"])
        await post(client, text)
        body = (await post(client, text, params={"allowDuplicate": "true"})).json()
        assert body["message"] == "Upload failed"
        assert body["errors"][0]["reason"] == "Case number 'GLD-1' already exists"

    async def test_file_that_imported_nothing_may_be_sent_again(
        self, client: httpx.AsyncClient
    ) -> None:
        text = HEADER + "\n"
        first = await post(client, text)
        second = await post(client, text)
        assert (first.status_code, second.status_code) == (200, 200)


class TestAtomicImport:
    @pytest.mark.parametrize("failing_row", [3, 5200], ids=["first-chunk", "second-chunk"])
    async def test_failure_mid_insert_leaves_nothing_and_marks_the_upload(
        self, client: httpx.AsyncClient, reference_db: Path, failing_row: int
    ) -> None:
        if ON_POSTGRES:
            query(
                reference_db,
                "CREATE FUNCTION inject_failure() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'injected failure'; END $$",
            )
            query(
                reference_db,
                "CREATE TRIGGER inject_failure BEFORE INSERT ON cases FOR EACH ROW "
                f"WHEN (NEW.case_number = 'BULK-{failing_row:07d}') "
                "EXECUTE FUNCTION inject_failure()",
            )
        else:
            query(
                reference_db,
                "CREATE TRIGGER inject_failure BEFORE INSERT ON cases "
                f"WHEN NEW.case_number = 'BULK-{failing_row:07d}' "
                "BEGIN SELECT RAISE(ABORT, 'injected failure'); END",
            )
        cases_before = query(reference_db, "SELECT count(*) FROM cases")
        response = await post(client, bulk_csv(6000))
        body = response.json()
        assert response.status_code == 200
        assert (body["success"], body["successCount"], body["insertedCaseIds"]) == (False, 0, [])
        assert body["errors"][-1]["reason"].startswith("Import failed:")
        assert query(reference_db, "SELECT count(*) FROM cases") == cases_before
        assert query(
            reference_db,
            "SELECT status, success_count, error_count, recompute_status FROM uploads WHERE id = ?",
            body["uploadId"],
        ) == [("failed", 0, 1, None)]
        assert query(
            reference_db, "SELECT count(*) FROM feed_items WHERE reference_id = ?", body["uploadId"]
        ) == [(0,)]
        assert query(reference_db, "SELECT count(*) FROM upload_fingerprints") == [(0,)]


class TestEvents:
    async def test_upload_publishes_three_events(
        self, app: FastAPI, client: httpx.AsyncClient
    ) -> None:
        subscription = await app.state.bus.subscribe()
        body = (await post(client, csv_text(["GLD-1", "GLD-2"]), "two.csv")).json()
        events = drain(subscription.queue)
        assert [(e.type, e.channel) for e in events] == [
            ("upload.completed", "uploads"),
            ("cases.imported", "cases"),
            ("feed.created", "feed"),
        ]
        assert events[0].payload == {
            "uploadId": body["uploadId"],
            "status": "completed",
            "totalRows": 2,
            "successCount": 2,
            "errorCount": 0,
        }
        assert events[1].payload == {"uploadId": body["uploadId"], "count": 2}
        assert events[2].payload["content"] == "2 new cases added from two.csv"
        assert list(events[2].payload) == [
            "id",
            "type",
            "title",
            "content",
            "metadata",
            "priority",
            "referenceId",
            "referenceType",
            "createdAt",
            "expiresAt",
        ]

    async def test_refused_upload_publishes_nothing(
        self, app: FastAPI, client: httpx.AsyncClient
    ) -> None:
        subscription = await app.state.bus.subscribe()
        await post(client, "x", "x.txt", content_type="text/plain")
        failed = (await post(client, b"", "empty.csv")).json()
        events = drain(subscription.queue)
        assert [(e.type, e.payload["status"]) for e in events] == [("upload.completed", "failed")]
        assert events[0].payload["uploadId"] == failed["uploadId"]


class TestTemplate:
    async def test_template_body_and_headers(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/upload/template", params={"format": "xlsx"})
        assert response.status_code == 200
        assert response.text == TEMPLATE_CSV
        assert not response.text.endswith("\n")
        assert response.headers["content-type"] == "text/csv"
        assert response.headers["content-disposition"] == (
            'attachment; filename="case-upload-template.csv"'
        )

    async def test_template_uploaded_as_is_fails_on_its_comment_header(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await post(client, TEMPLATE_CSV, "case-upload-template.csv")
        assert response.status_code == 400
        assert response.json()["totalRows"] == 9
        assert [e["column"] for e in response.json()["errors"]] == [
            "caseNumber",
            "createdAt",
            "businessUnit",
            "channel",
        ]


class TestHistory:
    async def test_list_is_newest_first_with_raw_errors(self, client: httpx.AsyncClient) -> None:
        first = (await post(client, csv_text(["GLD-1"]), "first.csv")).json()
        await asyncio.sleep(0.002)
        second = (await post(client, csv_text(["GLD-2"]) + row("", bu="x") + "\n", "2.csv")).json()
        listing = (await client.get("/api/uploads")).json()
        assert [u["id"] for u in listing["uploads"]] == [second["uploadId"], first["uploadId"]]
        assert listing["pagination"] == {"page": 1, "limit": 10, "total": 2, "totalPages": 1}
        assert isinstance(listing["uploads"][0]["errors"], str)
        assert listing["uploads"][0]["trendingUpdated"] is False

    async def test_pagination_parameters(self, client: httpx.AsyncClient) -> None:
        for index in range(3):
            await post(client, csv_text([f"P-{index}"]))
        page = (await client.get("/api/uploads", params={"page": "2", "limit": "2"})).json()
        empty = (await client.get("/api/uploads", params={"limit": "0"})).json()
        assert len(page["uploads"]) == 1
        assert page["pagination"] == {"page": 2, "limit": 2, "total": 3, "totalPages": 2}
        assert empty["pagination"]["totalPages"] is None and empty["uploads"] == []

    async def test_detail_parses_errors_and_counts_cases(self, client: httpx.AsyncClient) -> None:
        posted = (await post(client, csv_text(["GLD-1"]) + row("GLD-2", bu="x") + "\n")).json()
        detail = (await client.get(f"/api/uploads/{posted['uploadId']}")).json()
        assert detail["errors"] == posted["errors"]
        assert detail["associatedCaseCount"] == 1
        assert list(detail)[-2:] == ["trendingUpdated", "associatedCaseCount"]

    async def test_unknown_upload_is_404(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/uploads/nope")
        assert response.status_code == 404
        assert response.json()["error"] == "Upload not found"


class TestOpenApi:
    async def test_upload_route_documents_its_multipart_body(
        self, client: httpx.AsyncClient
    ) -> None:
        spec = (await client.get("/openapi.json")).json()
        operation = spec["paths"]["/api/upload"]["post"]
        assert operation["summary"] == "Import cases from a CSV or XLSX file"
        schema = operation["requestBody"]["content"]["multipart/form-data"]["schema"]
        assert schema["required"] == ["file"]
        assert {"200", "400", "409", "413"} <= set(operation["responses"])
        assert spec["paths"]["/api/uploads"]["get"]["summary"] == "List uploads, newest first"
