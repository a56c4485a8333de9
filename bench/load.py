"""One bounded wrk run per route: throughput and latency percentiles."""

from __future__ import annotations

import json
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx

LUA_REPORT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH_JSON {\\"requests\\":%d,\\"duration_us\\":%d,\\"non2xx\\":%d,"
    .. "\\"socket_errors\\":%d,\\"p50_us\\":%d,\\"p95_us\\":%d,\\"p99_us\\":%d,"
    .. "\\"max_us\\":%d}\\n",
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
"""


@dataclass
class RouteResult:
    name: str
    path: str
    status: int
    cold_ms: float
    response_bytes: int
    requests: int
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    errors: int

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _script(directory: Path) -> Path:
    path = directory / "report.lua"
    path.write_text(LUA_REPORT)
    return path


def probe(base_url: str, path: str) -> tuple[int, float, int]:
    """Status, latency (ms) and size of one request: the cold call before the load."""
    started = time.perf_counter()
    response = httpx.get(f"{base_url}{path}", timeout=120)
    return response.status_code, (time.perf_counter() - started) * 1000, len(response.content)


def run_wrk(
    base_url: str,
    name: str,
    path: str,
    *,
    duration_s: float,
    max_duration_s: float,
    connections: int,
    warmup_requests: int,
    scratch: Path,
) -> RouteResult:
    status, cold_ms, size = probe(base_url, path)
    for _ in range(warmup_requests):
        probe(base_url, path)
    # Enough time for at least ~10 samples per connection of a slow route.
    seconds = min(max_duration_s, max(duration_s, cold_ms / 1000 * 10 * connections))
    command = [
        "wrk",
        "--threads",
        "1",
        "--connections",
        str(connections),
        "--duration",
        f"{max(1, round(seconds))}s",
        "--timeout",
        "30s",
        "--script",
        str(_script(scratch)),
        f"{base_url}{path}",
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(x for x in output.splitlines() if x.startswith("BENCH_JSON "))
    stats = json.loads(line.removeprefix("BENCH_JSON "))
    seconds = stats["duration_us"] / 1e6
    return RouteResult(
        name=name,
        path=path,
        status=status,
        cold_ms=round(cold_ms, 2),
        response_bytes=size,
        requests=stats["requests"],
        rps=round(stats["requests"] / seconds, 1) if seconds else 0.0,
        p50_ms=stats["p50_us"] / 1000,
        p95_ms=stats["p95_us"] / 1000,
        p99_ms=stats["p99_us"] / 1000,
        max_ms=stats["max_us"] / 1000,
        errors=stats["non2xx"] + stats["socket_errors"],
    )
