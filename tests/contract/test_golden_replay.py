"""The original's recorded responses, replayed against the service.

Reads run once against a fresh, migrated copy of ``reference.db`` with the clock starting at
2026-01-15T10:05:00Z (TZ=UTC); each group is then checked on its own. The mutation sequence
``mutA`` runs in order on another fresh copy. A record may differ only if it is listed as a
known deviation (``deviations/*.txt``, explained in ``docs/compatibility.md``), and every
listed deviation must still differ, so the list stays exact.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from control_tower.core.clock import Clock
from control_tower.core.migrate import migrate
from tests.contract.replay import RecordResult, describe, known_deviations, replay
from tests.support.paths import CLOCK_START, REFERENCE_DB
from tests.support.server import LiveServer, make_settings

READ_GROUPS = [
    "alerts",
    "alerts/count",
    "alerts/{id}",
    "cases",
    "cases/{id}",
    "feed",
    "pulse",
    "pulse/sparklines",
    "pulse/wordcloud",
    "inbox",
    "inbox/count",
    "events",
    "framework",
    "wrong-method",
    "search",
    "search/analytics",
    "trending",
    "trending/{topic}",
    "predictions",
    "export",
    "upload/template",
    "uploads",
    "uploads/{id}",
    "uploads/{id}/recompute",
]
MUTATION_SEQUENCES: list[str] = ["mutA"]


def fresh_server(tmp: Path) -> LiveServer:
    database = tmp / "reference.db"
    database.write_bytes(REFERENCE_DB.read_bytes())
    migrate(f"sqlite+aiosqlite:///{database}")
    return LiveServer(make_settings(database), clock=Clock(CLOCK_START))


@pytest.fixture(scope="module")
def reads_results(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[RecordResult]]:
    tmp = tmp_path_factory.mktemp("replay-reads")
    server = fresh_server(tmp)
    server.start()
    try:
        yield replay(server.url, mode="reads", workdir=tmp)
    finally:
        server.stop()


def check(results: list[RecordResult]) -> None:
    deviations = known_deviations()
    unexpected = [r for r in results if r.state != "identical" and r.id not in deviations]
    stale = [r for r in results if r.state == "identical" and r.id in deviations]
    assert not unexpected, "records differ from the original:\n" + describe(unexpected)
    assert not stale, "listed as deviations but identical now: " + ", ".join(r.id for r in stale)


@pytest.mark.parametrize("group", READ_GROUPS)
def test_reads_group_matches_original(reads_results: list[RecordResult], group: str) -> None:
    results = [r for r in reads_results if r.group == group]
    assert results, f"no recorded reads for {group}"
    check(results)


@pytest.mark.parametrize("sequence", MUTATION_SEQUENCES)
def test_mutation_sequence_matches_original(tmp_path: Path, sequence: str) -> None:
    server = fresh_server(tmp_path)
    server.start()
    try:
        results = replay(server.url, mode="mutations", sequence=sequence, workdir=tmp_path)
    finally:
        server.stop()
    assert len(results) > 100
    check(results)
