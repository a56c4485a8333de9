"""The recorded write sequence ``mutA``, replayed for the trending and recompute records.

The sequence uploads CSV files before it recomputes; the upload route belongs to another
feature, so its database effects are written by ``upload_sim`` in its place. Every other
feature's record is skipped (none of them changes what trending or recompute read). The
comparison is the golden tool's own (same normalisation, same rules for error bodies).
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import httpx

from control_tower.core.clock import Clock
from tests.contract.replay import known_deviations
from tests.recompute.upload_sim import simulate_upload
from tests.support.paths import GOLDEN, GOLDEN_COMPARE

CHECKED_GROUPS = {"trending", "trending/compute", "predictions", "uploads/{id}/recompute"}


def _golden_compare() -> ModuleType:
    name = "golden_compare_for_tests"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, GOLDEN_COMPARE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _sequence(name: str) -> list[dict[str, Any]]:
    with GOLDEN.open(encoding="utf-8") as lines:
        records = [json.loads(line) for line in lines if line.strip()]
    return sorted(
        (record for record in records if record.get("sequence") == name),
        key=lambda record: record["seq_index"],
    )


def _file_part(body: dict[str, Any]) -> dict[str, Any] | None:
    for part in body.get("parts", []):
        if "filename" in part:
            return dict(part)
    return None


class TestRecordedSequence:
    async def test_trending_and_recompute_records_match_the_original(
        self, client: httpx.AsyncClient, reference_db: Path, clock: Clock
    ) -> None:
        tool = _golden_compare()
        options = SimpleNamespace(
            errors="superset",
            ignore_key_order=False,
            diffs_per_record=6,
            no_bytes=False,
            strict_html=False,
            xlsx="bytes",
        )
        expected_side, actual_side = tool.Normaliser(), tool.Normaliser()
        env: dict[str, Any] = {}
        deviations = known_deviations()
        checked: list[str] = []
        failures: list[str] = []
        for record in _sequence("mutA"):
            recorded = record["response"]
            if record["method"] == "POST" and record["path"] == "/api/upload":
                part = _file_part(record["body"] or {})
                if part is None or not isinstance(recorded, dict) or "uploadId" not in recorded:
                    continue
                upload = simulate_upload(
                    reference_db, part["filename"], tool.file_bytes(part), recorded, clock
                )
                expected_side.value(recorded)
                actual_side.value(upload.response())
                for variable, json_path in (record.get("bind") or {}).items():
                    env[variable] = tool.json_path_get(upload.response(), json_path)
                continue
            if record["group"] not in CHECKED_GROUPS:
                continue
            path, query, body = tool.request_parts(record, env)
            response = await client.request(
                record["method"],
                path + (f"?{query}" if query else ""),
                content=tool.build_body(body),
                headers=record.get("headers") or {},
            )
            got = {
                "status": response.status_code,
                "headers": {key.lower(): value for key, value in response.headers.items()},
                "raw": response.content,
                "events": None,
            }
            for variable, json_path in (record.get("bind") or {}).items():
                env[variable] = tool.json_path_get(response.json(), json_path)
            diffs = tool.compare_record(record, got, expected_side, actual_side, options)
            checked.append(record["id"])
            if diffs and record["id"] not in deviations:
                failures.append(f"{record['id']} {record['method']} {path}: {'; '.join(diffs)}")
        assert len(checked) == 16
        assert not failures, "\n".join(failures)
