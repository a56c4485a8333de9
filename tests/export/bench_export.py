"""Time and peak memory of a large export (a benchmark, not a test).

    DATABASE_URL=/tmp/bench.db PYTHONPATH=src python -m control_tower seed --cases 1000000
    PYTHONPATH=src python -m tests.export.bench_export /tmp/bench.db --rows 1000000

Each format runs against a fresh server process (``control-tower serve``), whose peak
resident memory (``VmHWM``) is read from ``/proc`` once the download has finished. The
client reads the body in chunks and keeps only its size and SHA-256.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


def run(database: str, export_format: str, rows: int) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "LOG_LEVEL": "WARNING",
        "EXPORT_MAX_ROWS_CEILING": str(max(rows, 1)),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "control_tower", "serve", "--port", str(port)], env=env
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{url}/health", timeout=1)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        idle = _peak_rss_mb(server.pid)
        digest = hashlib.sha256()
        size = 0
        started = time.perf_counter()
        first_byte = None
        with httpx.stream(
            "GET",
            f"{url}/api/export",
            params={"format": export_format, "maxRows": str(rows)},
            timeout=None,
        ) as response:
            response.raise_for_status()
            total_rows = response.headers["x-total-rows"]
            for chunk in response.iter_raw():
                if first_byte is None:
                    first_byte = time.perf_counter() - started
                digest.update(chunk)
                size += len(chunk)
        elapsed = time.perf_counter() - started
        print(
            f"{export_format}: {total_rows} rows, {size / 2**20:.1f} MiB in {elapsed:.1f} s "
            f"(first byte {first_byte or 0:.2f} s), server peak RSS {_peak_rss_mb(server.pid):.0f}"
            f" MiB (idle {idle:.0f} MiB), sha256 {digest.hexdigest()[:12]}",
            flush=True,
        )
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("database")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--format", action="append", choices=["csv", "xlsx"])
    args = parser.parse_args()
    for export_format in args.format or ["csv", "xlsx"]:
        run(args.database, export_format, args.rows)


if __name__ == "__main__":
    main()
