"""Upload and export at scale: wall time and the worker's peak memory."""

from __future__ import annotations

import csv
import random
import threading
import time
from pathlib import Path

import httpx

from bench.server import Server

CHANNELS = ("phone", "email", "line", "web")
SEVERITIES = ("low", "medium", "high", "critical")
UNITS = ("Cards", "Lending", "Digital", "Wealth", "Insurance", "Support")
HEADER = (
    "caseNumber",
    "createdAt",
    "bu",
    "channel",
    "category",
    "severity",
    "summary",
    "description",
)
CATEGORIES = ("Billing", "Technical Support", "Delivery", "Fraud", "Account Access")


def upload_csv(rows: int, directory: Path) -> Path:
    """A valid upload of ``rows`` cases (deterministic, cached by row count)."""
    path = directory / f"upload-{rows}.csv"
    if path.exists():
        return path
    directory.mkdir(parents=True, exist_ok=True)
    rng = random.Random(rows)
    partial = path.with_suffix(".partial")
    with partial.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for number in range(rows):
            category = rng.choice(CATEGORIES)
            writer.writerow(
                [
                    f"BENCH-{rows}-{number:07d}",
                    f"2026-01-{1 + number % 14:02d}T{number % 24:02d}:15:00Z",
                    rng.choice(UNITS),
                    rng.choice(CHANNELS),
                    category,
                    rng.choice(SEVERITIES),
                    f"{category} problem reported by customer {number}",
                    "The customer called about a late delivery and an incorrect charge",
                ]
            )
    partial.replace(path)
    return path


class PeakSampler:
    """Sample the workers' RSS every few milliseconds (VmHWM also keeps the true peak)."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_mb = max(self.peak_mb, *self.server.rss_mb(), 0.0)
            time.sleep(0.02)

    def __enter__(self) -> PeakSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def measure_upload(server: Server, path: Path) -> dict[str, object]:
    before = max(server.rss_mb())
    with PeakSampler(server), path.open("rb") as handle:
        started = time.perf_counter()
        response = httpx.post(
            f"{server.base_url}/api/upload",
            files={"file": (path.name, handle, "text/csv")},
            timeout=1800,
        )
        elapsed = time.perf_counter() - started
    body = response.json()
    return {
        "rows": sum(1 for _ in path.open(encoding="utf-8")) - 1,
        "file_mb": round(path.stat().st_size / 1e6, 1),
        "status": response.status_code,
        "success_count": body.get("successCount"),
        "error_count": body.get("errorCount"),
        "seconds": round(elapsed, 2),
        "rss_before_mb": round(before, 1),
        "peak_rss_mb": round(max(server.peak_rss_mb()), 1),
    }


def measure_export(server: Server, rows: int) -> dict[str, object]:
    before = max(server.rss_mb())
    size = 0
    first_byte = None
    started = time.perf_counter()
    url = f"{server.base_url}/api/export?format=csv&maxRows={rows}"
    with PeakSampler(server), httpx.stream("GET", url, timeout=1800) as response:
        for chunk in response.iter_bytes():
            if first_byte is None:
                first_byte = time.perf_counter() - started
            size += len(chunk)
        status = response.status_code
        total_rows = response.headers.get("x-total-rows")
    elapsed = time.perf_counter() - started
    return {
        "rows": int(total_rows) if total_rows else None,
        "status": status,
        "mb": round(size / 1e6, 1),
        "seconds": round(elapsed, 2),
        "first_byte_s": round(first_byte or 0.0, 2),
        "rss_before_mb": round(before, 1),
        "peak_rss_mb": round(max(server.peak_rss_mb()), 1),
    }
