"""Render results as Markdown tables into ``docs/performance.md`` (between markers)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from bench.routes import CEILING, ROUTES

RESULTS_DIR = Path(__file__).resolve().parent / "results"
DOC = Path(__file__).resolve().parent.parent / "docs" / "performance.md"
BEGIN = "<!-- bench:begin (python -m bench report writes this part) -->"
END = "<!-- bench:end -->"
TARGETS = {route.name: route.target_ms for route in ROUTES}
REFERENCE_SHARE = 0.40
LIMIT_1M_MS = 1000.0
WORKER_RSS_MB = 300.0
UPLOAD_SECONDS = 15.0
FILE_PEAK_MB = 250.0


def _load(paths: Iterable[str]) -> list[dict[str, Any]]:
    chosen = [Path(p) for p in paths]
    if not chosen:
        candidates = sorted(RESULTS_DIR.glob("*.json"))
        chosen = [p for p in candidates if "smoke" not in p.name][-1:]
    if not chosen:
        raise SystemExit("bench: no results; run `python -m bench run` first")
    return [json.loads(p.read_text()) for p in chosen]


def _ms(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def _ceiling(run: dict[str, Any]) -> dict[str, Any] | None:
    return next((r for r in run["routes"] if r["name"] == CEILING.name), None)


def _share(route: dict[str, Any], run: dict[str, Any]) -> float | None:
    ceiling = _ceiling(run)
    if ceiling is None or not ceiling["rps"]:
        return None
    return float(route["rps"]) / float(ceiling["rps"])


def _cell(route: dict[str, Any] | None, run: dict[str, Any]) -> str:
    if route is None:
        return "–"
    if route["status"] != 200:
        return f"HTTP {route['status']}"
    share = _share(route, run)
    ratio = "" if share is None else f" · {share:.0%}"
    return f"{_ms(route['p95_ms'])} ms{ratio}"


def _header(record: dict[str, Any]) -> list[str]:
    machine = record["machine"]
    variants = ", ".join(f"{label} = `{commit}`" for label, commit in record["variants"].items())
    settings = record["settings"]
    return [
        f"**Run `{record['label']}`**, started {record['started_at']}, "
        f"{record.get('elapsed_s', 0) / 60:.0f} min. Command: `{record['command']}`",
        "",
        f"Machine: {machine['nproc']} CPUs ({machine['cpu']}), {machine['ram_gb']} GB RAM, "
        f"Python {machine['python']}, {machine['wrk']}; load average at start "
        f"{', '.join(str(x) for x in machine['load_avg'])} (the machine is shared). "
        f"Code: {variants}. wrk: connections {settings['connections']}, "
        f"{settings['duration_s']:g} s per route (longer for slow routes), response cache "
        f"{'off' if not settings['cache_ttl_s'] else str(settings['cache_ttl_s']) + ' s'}.",
        "",
    ]


def _groups(record: dict[str, Any]) -> dict[tuple[str, int], list[dict[str, Any]]]:
    groups: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for run in record["runs"]:
        groups.setdefault((run["backend"], run["workers"]), []).append(run)
    return groups


def _route_table(runs: list[dict[str, Any]]) -> list[str]:
    columns = [(run["dataset"], run["variant"]) for run in runs]
    by_column = {(run["dataset"], run["variant"]): run for run in runs}
    names = [route.name for route in ROUTES if any(_find(run, route.name) for run in runs)]
    header = "| route | p95 target at 200k |"
    header += "".join(f" {dataset} {variant} |" for dataset, variant in columns)
    lines = [header, "|---|---|" + "---|" * len(columns)]
    for name in names:
        target = TARGETS.get(name)
        row = f"| {name} | {'–' if target is None else f'{target:.0f} ms'} |"
        for column in columns:
            run = by_column[column]
            row += f" {_cell(_find(run, name), run)} |"
        lines.append(row)
    return lines


def _find(run: dict[str, Any], name: str) -> dict[str, Any] | None:
    return next((r for r in run["routes"] if r["name"] == name), None)


def _detail(run: dict[str, Any]) -> list[str]:
    lines = [
        f"<details><summary>{run['dataset']} ({run['cases']:,} cases), {run['backend']}, "
        f"{run['workers']} worker(s), {run['variant']} (`{run['commit']}`)</summary>",
        "",
        f"Startup {run['startup_s']} s, then {run.get('warmup_s', 0)} s of background warm-up. "
        f"Worker RSS: idle {run['rss_idle_mb']} MB, after the run {run['rss_after_mb']} MB, "
        f"peak {run['peak_rss_mb']} MB.",
        "",
        "| route | req/s | × ceiling | p50 ms | p95 ms | p99 ms | first request ms | bytes |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for route in run["routes"]:
        share = _share(route, run)
        lines.append(
            f"| {route['name']} | {route['rps']:,.1f} | "
            f"{'–' if share is None else f'{share:.0%}'} | {_ms(route['p50_ms'])} | "
            f"{_ms(route['p95_ms'])} | {_ms(route['p99_ms'])} | {_ms(route['cold_ms'])} | "
            f"{route['response_bytes']:,} |"
        )
    lines += ["", "</details>", ""]
    return lines


def _files(record: dict[str, Any]) -> list[str]:
    if not record.get("files"):
        return []
    lines = [
        "| variant | backend | operation | rows | seconds | peak worker RSS MB (before) | status |",
        "|---|---|---|---|---|---|---|",
    ]
    for entry in record["files"]:
        for upload in entry["uploads"]:
            lines.append(
                f"| {entry['variant']} | {entry['backend']} | upload {upload['file_mb']} MB CSV "
                f"| {upload['rows']:,} | {upload['seconds']} | {upload['peak_rss_mb']} "
                f"({upload['rss_before_mb']}) | {upload['status']}, {upload['success_count']} "
                f"imported |"
            )
        for export in entry["exports"]:
            lines.append(
                f"| {entry['variant']} | {entry['backend']} | export CSV {export['mb']} MB "
                f"(first byte {export['first_byte_s']} s) | {export['rows'] or 0:,} | "
                f"{export['seconds']} | {export['peak_rss_mb']} ({export['rss_before_mb']}) | "
                f"{export['status']} |"
            )
    return [*lines, ""]


def _verdicts(record: dict[str, Any]) -> list[str]:
    """Each target, judged on the last variant of the run (single worker)."""
    last = list(record["variants"])[-1]
    runs = [r for r in record["runs"] if r["variant"] == last and r["workers"] == 1]
    lines = [f"Targets, judged on `{last}` at one worker:", ""]
    for run in runs:
        routes = [r for r in run["routes"] if r["name"] != CEILING.name]
        where = f"{run['dataset']} on {run['backend']}"
        if run["dataset"] == "reference":
            low = [r for r in routes if (_share(r, run) or 0) < REFERENCE_SHARE]
            lines.append(
                f"* {where}: {len(routes) - len(low)}/{len(routes)} routes at ≥ 40 % of the "
                "ceiling's throughput"
                + (
                    "; below: " + ", ".join(f"{r['name']} {_share(r, run):.0%}" for r in low)
                    if low
                    else ""
                )
            )
        if run["dataset"] == "200k":
            missed = [r for r in routes if r["p95_ms"] >= (TARGETS.get(r["name"]) or 1e12)]
            lines.append(
                f"* {where}: {len(routes) - len(missed)}/{len(routes)} routes under their p95 "
                "target"
                + (
                    "; over: "
                    + ", ".join(
                        f"{r['name']} {_ms(r['p95_ms'])} ms (target {TARGETS[r['name']]:.0f})"
                        for r in missed
                    )
                    if missed
                    else ""
                )
            )
        if run["dataset"] == "1m":
            slow = [r for r in routes if r["p95_ms"] > LIMIT_1M_MS]
            peak = max(run["peak_rss_mb"])
            lines.append(
                f"* {where}: {len(routes) - len(slow)}/{len(routes)} routes under 1 s p95"
                + (
                    "; over: " + ", ".join(f"{r['name']} {_ms(r['p95_ms'])} ms" for r in slow)
                    if slow
                    else ""
                )
                + f"; worker peak RSS {peak:.0f} MB (target < {WORKER_RSS_MB:.0f} MB: "
                + ("met" if peak < WORKER_RSS_MB else "missed")
                + ")"
            )
    for entry in record.get("files", []):
        if entry["variant"] != last:
            continue
        for upload in entry["uploads"]:
            ok = upload["seconds"] < UPLOAD_SECONDS and upload["peak_rss_mb"] < FILE_PEAK_MB
            lines.append(
                f"* upload of {upload['rows']:,} rows ({entry['backend']}): "
                f"{upload['seconds']} s, peak {upload['peak_rss_mb']} MB"
                + ("" if upload["rows"] > 100_000 else f" ({'met' if ok else 'missed'})")
            )
        for export in entry["exports"]:
            ok = export["peak_rss_mb"] < FILE_PEAK_MB
            lines.append(
                f"* export of {export['rows'] or 0:,} rows ({entry['backend']}): "
                f"{export['seconds']} s, peak {export['peak_rss_mb']} MB "
                f"({'met' if ok else 'missed'})"
            )
    return [*lines, ""]


def render(records: list[dict[str, Any]]) -> str:
    lines: list[str] = []
    for record in records:
        lines += _header(record)
        for (backend, workers), runs in _groups(record).items():
            lines += [
                f"#### {backend}, {workers} worker(s): p95 latency · throughput as a share of "
                "the ceiling",
                "",
                *_route_table(runs),
                "",
            ]
        lines += _verdicts(record)
        lines += _files(record)
        for run in record["runs"]:
            lines += _detail(run)
    return "\n".join(lines).rstrip() + "\n"


def write(paths: list[str]) -> None:
    body = render(_load(paths))
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else f"{BEGIN}\n{END}\n"
    if BEGIN not in text or END not in text:
        text = text.rstrip() + f"\n\n{BEGIN}\n{END}\n"
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    DOC.write_text(f"{head}{BEGIN}\n\n{body}\n{END}{tail}", encoding="utf-8")
    print(f"bench: wrote {DOC}", file=sys.stderr)
