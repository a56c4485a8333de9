"""Large uploads: 5,000 and 100,000 rows in one request land once, in one transaction."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.uploads.factories import bulk_csv, client_with, query, upload_files


class TestLargeFiles:
    async def test_five_thousand_rows(self, client: httpx.AsyncClient, reference_db: Path) -> None:
        response = await client.post("/api/upload", files=upload_files(bulk_csv(5000)))
        body = response.json()
        assert response.status_code == 200
        assert (body["totalRows"], body["successCount"], body["errorCount"]) == (5000, 5000, 0)
        assert len(set(body["insertedCaseIds"])) == 5000
        assert query(
            reference_db, "SELECT count(*) FROM cases WHERE upload_id = ?", body["uploadId"]
        ) == [(5000,)]

    @pytest.mark.slow
    async def test_hundred_thousand_rows_land_once(self, reference_db: Path) -> None:
        data = bulk_csv(100_000)
        assert len(data) > 10 * 1024 * 1024  # over the default limit: raised for this test
        async with client_with(reference_db, upload_max_bytes=32 * 1024 * 1024) as client:
            response = await client.post("/api/upload", files=upload_files(data, "big.csv"))
        body = response.json()
        assert response.status_code == 200
        assert body["successCount"] == 100_000
        assert query(
            reference_db, "SELECT count(*) FROM cases WHERE upload_id = ?", body["uploadId"]
        ) == [(100_000,)]
        # Time and memory are the benchmark's (bench/, docs/performance.md), not a test's.
