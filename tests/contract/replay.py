"""Run the original's recorded requests against a live server and collect differences."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.support.paths import GOLDEN, GOLDEN_COMPARE

DEVIATIONS_DIR = Path(__file__).resolve().parent / "deviations"


@dataclass(frozen=True)
class RecordResult:
    id: str
    group: str
    state: str
    diffs: list[str]


def replay(
    base_url: str,
    *,
    mode: str,
    sequence: str | None = None,
    groups: list[str] | None = None,
    workdir: Path,
) -> list[RecordResult]:
    """Replay with ``golden_compare.py --errors superset`` and return per-record results."""
    report = workdir / f"report-{mode}-{sequence or 'reads'}.jsonl"
    command = [
        sys.executable,
        str(GOLDEN_COMPARE),
        str(GOLDEN),
        base_url,
        "--mode",
        mode,
        "--errors",
        "superset",
        "--json-report",
        str(report),
        "--max-diffs",
        "0",
    ]
    if sequence:
        command += ["--sequence", sequence]
    for group in groups or []:
        command += ["--group", group]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False)
    if completed.returncode != 0 or not report.exists():
        raise RuntimeError(f"golden_compare failed: {completed.stderr[-2000:]}")
    results = []
    with report.open(encoding="utf-8") as lines:
        for line in lines:
            item = json.loads(line)
            results.append(RecordResult(item["id"], item["group"], item["state"], item["diffs"]))
    return results


def known_deviations() -> dict[str, str]:
    """``record id -> reason`` from ``deviations/*.txt`` (``ID  reason`` per line)."""
    deviations: dict[str, str] = {}
    for path in sorted(DEVIATIONS_DIR.glob("*.txt")):
        for raw in path.read_text(encoding="utf-8").splitlines():
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            record_id, _, reason = line.partition(" ")
            deviations[record_id] = reason.strip()
    return deviations


def describe(results: list[RecordResult]) -> str:
    return "\n".join(f"{r.id} [{r.group}] {r.state}: {'; '.join(r.diffs[:4])}" for r in results)
