"""``python -m bench run``: measure routes, uploads and exports; write one JSON result."""

from __future__ import annotations

import argparse
import contextlib
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
from bench.variants import Variant, variants

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


def prepare(data: datasets.Dataset, backend: str, variant: Variant) -> str:
    """A fresh copy of ``data`` migrated by the code under test (its indexes, not others')."""
    url = datasets.database_url(data, backend, variant.label)
    datasets.control_tower("migrate", database_url=url, env=variant.env)
    return url


def _line(variant: Variant, data: datasets.Dataset, backend: str, workers: int, result: Any) -> str:
    return (
        f"  {variant.label:>7} {data.name:>9} {backend} {workers}w  {result.name:<42} "
        f"{result.rps:>8.1f} req/s  p50 {result.p50_ms:7.1f}  p95 {result.p95_ms:7.1f}"
        f"  p99 {result.p99_ms:7.1f} ms  cold {result.cold_ms:7.1f} ms"
        + (f"  status {result.status}" if result.status != 200 else "")
        + (f"  errors {result.errors}" if result.errors else "")
    )


def measure_routes(
    args: argparse.Namespace,
    data: datasets.Dataset,
    backend: str,
    workers: int,
    chosen: list[Variant],
) -> list[dict[str, Any]]:
    """Every route on every variant, the variants taking turns route by route.

    All variants' servers run at once (one port each) and each route is measured on each
    in turn, alternating who goes first, so they share whatever else loads the machine.
    """
    scratch = datasets.CACHE_DIR / "scratch"
    scratch.mkdir(parents=True, exist_ok=True)
    connections = args.connections or workers
    with contextlib.ExitStack() as stack:
        servers: list[Server] = []
        for offset, variant in enumerate(chosen):
            url = prepare(data, backend, variant)
            env = {
                **variant.env,
                **({"CACHE_TTL_S": str(args.cache_ttl)} if args.cache_ttl else {}),
            }
            name = f"{variant.label}-{data.name}-{backend}-{workers}w.log"
            server = Server(
                url,
                port=args.port + offset,
                workers=workers,
                log_path=RESULTS_DIR / "logs" / name,
                extra_env=env,
            )
            servers.append(stack.enter_context(server))
        idle = [server.rss_mb() for server in servers]
        results: list[list[dict[str, Any]]] = [[] for _ in chosen]
        for number, route in enumerate(routes.select(args.routes)):
            order = list(range(len(chosen)))
            if number % 2:
                order.reverse()
            for index in order:
                result = load.run_wrk(
                    servers[index].base_url,
                    route.name,
                    route.path,
                    duration_s=args.duration,
                    max_duration_s=args.max_duration,
                    connections=connections,
                    warmup_requests=args.warmup,
                    scratch=scratch,
                )
                print(_line(chosen[index], data, backend, workers, result), file=sys.stderr)
                results[index].append(result.as_dict())
        return [
            {
                "variant": variant.label,
                "commit": variant.commit,
                "dataset": data.name,
                "cases": data.cases,
                "backend": backend,
                "workers": workers,
                "connections": connections,
                "startup_s": round(server.startup_s, 2),
                "warmup_s": round(server.warmup_s, 2),
                "rss_idle_mb": [round(x, 1) for x in rss_idle],
                "rss_after_mb": [round(x, 1) for x in server.rss_mb()],
                "peak_rss_mb": [round(x, 1) for x in server.peak_rss_mb()],
                "routes": measured,
            }
            for variant, server, rss_idle, measured in zip(
                chosen, servers, idle, results, strict=True
            )
        ]


def measure_files(args: argparse.Namespace, backend: str, variant: Variant) -> dict[str, Any]:
    out: dict[str, Any] = {
        "variant": variant.label,
        "commit": variant.commit,
        "backend": backend,
        "uploads": [],
        "exports": [],
    }
    csv_dir = datasets.CACHE_DIR / "csv"
    for rows in args.upload_rows:
        path = files.upload_csv(rows, csv_dir)
        url = prepare(datasets.dataset("reference"), backend, variant)
        log_path = RESULTS_DIR / "logs" / f"{variant.label}-upload-{rows}-{backend}.log"
        with Server(url, port=args.port, workers=1, log_path=log_path, extra_env=variant.env) as s:
            result = files.measure_upload(s, path)
        print(f"  {variant.label} upload {rows:,} rows: {result}", file=sys.stderr, flush=True)
        out["uploads"].append(result)
    for rows in args.export_rows:
        name = "1m" if rows > 200_000 else "200k"
        url = prepare(datasets.dataset(name), backend, variant)
        log_path = RESULTS_DIR / "logs" / f"{variant.label}-export-{rows}-{backend}.log"
        with Server(url, port=args.port, workers=1, log_path=log_path, extra_env=variant.env) as s:
            result = files.measure_export(s, rows)
        print(f"  {variant.label} export {rows:,} rows: {result}", file=sys.stderr, flush=True)
        out["exports"].append({"dataset": name, **result})
    return out


def run(args: argparse.Namespace) -> Path:
    started = datetime.now(UTC)
    chosen = variants(args.variants)
    record: dict[str, Any] = {
        "label": args.label,
        "variants": {v.label: v.commit for v in chosen},
        "command": "python -m bench " + shlex.join(sys.argv[1:]),
        "started_at": started.isoformat(timespec="seconds"),
        "machine": machine(),
        "settings": {
            "duration_s": args.duration,
            "connections": args.connections or "one per worker",
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
                    record["runs"] += measure_routes(args, data, backend, workers, chosen)
                    save()
    if args.files or args.files_only:
        for backend in args.backends:
            for variant in chosen:
                record["files"].append(measure_files(args, backend, variant))
                save()
    save()
    print(f"bench: wrote {target}", file=sys.stderr)
    return target
