"""``python -m bench run``: measure routes, uploads and exports; write one JSON result."""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import datasets, files, load, routes
from bench.server import Server

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def machine() -> dict[str, Any]:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            mem_kb = int(line.split()[1])
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu": cpu,
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "wrk": wrk.split("[")[0].strip() or "wrk",
        "load_avg": [round(x, 2) for x in os.getloadavg()],
    }


def git_revision() -> str:
    result = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    )
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--", "src"], capture_output=True, text=True, check=False
    )
    return result.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")


def set_revision(url: str, revision: str) -> None:
    """Bring the schema to ``revision`` (head = every index; older ones measure 'before')."""
    datasets.control_tower("migrate", database_url=url)
    if revision == "head":
        return
    from alembic import command

    from control_tower.core.migrate import alembic_config

    command.downgrade(alembic_config(url), revision)


def measure_routes(
    args: argparse.Namespace, data: datasets.Dataset, backend: str, workers: int
) -> dict[str, Any]:
    url = datasets.database_url(data, backend)
    set_revision(url, args.revision)
    scratch = datasets.CACHE_DIR / "scratch"
    scratch.mkdir(parents=True, exist_ok=True)
    extra_env = {"CACHE_TTL_S": str(args.cache_ttl)} if args.cache_ttl else {}
    log_path = RESULTS_DIR / "logs" / f"{data.name}-{backend}-{workers}w.log"
    with Server(
        url, port=args.port, workers=workers, log_path=log_path, extra_env=extra_env
    ) as server:
        rss_idle = server.rss_mb()
        results = []
        for route in routes.select(args.routes):
            result = load.run_wrk(
                server.base_url,
                route.name,
                route.path,
                duration_s=args.duration,
                connections=args.connections,
                warmup_requests=args.warmup,
                scratch=scratch,
            )
            print(
                f"  {data.name:>9} {backend} {workers}w  {route.name:<42} "
                f"{result.rps:>8.1f} req/s  p50 {result.p50_ms:7.1f}  p95 {result.p95_ms:7.1f}"
                f"  p99 {result.p99_ms:7.1f} ms  cold {result.cold_ms:7.1f} ms"
                + (f"  status {result.status}" if result.status != 200 else "")
                + (f"  errors {result.errors}" if result.errors else ""),
                file=sys.stderr,
                flush=True,
            )
            results.append(result.as_dict())
        return {
            "dataset": data.name,
            "cases": data.cases,
            "backend": backend,
            "workers": workers,
            "startup_s": round(server.startup_s, 2),
            "rss_idle_mb": [round(x, 1) for x in rss_idle],
            "rss_after_mb": [round(x, 1) for x in server.rss_mb()],
            "peak_rss_mb": [round(x, 1) for x in server.peak_rss_mb()],
            "routes": results,
        }


def measure_files(args: argparse.Namespace, backend: str) -> dict[str, Any]:
    out: dict[str, Any] = {"backend": backend, "uploads": [], "exports": []}
    csv_dir = datasets.CACHE_DIR / "csv"
    for rows in args.upload_rows:
        path = files.upload_csv(rows, csv_dir)
        url = datasets.database_url(datasets.dataset("reference"), backend)
        set_revision(url, args.revision)
        log_path = RESULTS_DIR / "logs" / f"upload-{rows}-{backend}.log"
        with Server(url, port=args.port, workers=1, log_path=log_path) as server:
            result = files.measure_upload(server, path)
        print(f"  upload {rows:,} rows ({backend}): {result}", file=sys.stderr, flush=True)
        out["uploads"].append(result)
    for rows in args.export_rows:
        name = "1m" if rows > 200_000 else "200k"
        url = datasets.database_url(datasets.dataset(name), backend)
        set_revision(url, args.revision)
        log_path = RESULTS_DIR / "logs" / f"export-{rows}-{backend}.log"
        with Server(url, port=args.port, workers=1, log_path=log_path) as server:
            result = files.measure_export(server, rows)
        print(f"  export {rows:,} rows ({backend}): {result}", file=sys.stderr, flush=True)
        out["exports"].append({"dataset": name, **result})
    return out


def run(args: argparse.Namespace) -> Path:
    started = datetime.now(UTC)
    record: dict[str, Any] = {
        "label": args.label,
        "revision": args.revision,
        "git": git_revision(),
        "command": "python -m bench " + shlex.join(sys.argv[1:]),
        "started_at": started.isoformat(timespec="seconds"),
        "machine": machine(),
        "settings": {
            "duration_s": args.duration,
            "connections": args.connections,
            "cache_ttl_s": args.cache_ttl,
        },
        "runs": [],
        "files": [],
    }
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = started.strftime("%Y%m%dT%H%M%S")
    target = RESULTS_DIR / f"{stamp}-{args.label}.json"

    def save() -> None:
        record["elapsed_s"] = round(time.time() - started.timestamp(), 1)
        target.write_text(json.dumps(record, indent=2) + "\n")

    if not args.files_only:
        for backend in args.backends:
            for workers in args.workers:
                for name in args.datasets:
                    data = datasets.dataset(name)
                    record["runs"].append(measure_routes(args, data, backend, workers))
                    save()
    if args.files or args.files_only:
        for backend in args.backends:
            record["files"].append(measure_files(args, backend))
            save()
    save()
    print(f"bench: wrote {target.relative_to(Path.cwd())}", file=sys.stderr)
    return target
