"""The original's recorded responses, replayed against the service.

Reads run once against a fresh, migrated copy of ``reference.db`` with the clock starting at
2026-01-15T10:05:00Z (TZ=UTC); each group is then checked on its own. The mutation sequence
``mutA`` runs in order on another fresh copy. A record may differ only if it is listed as a
known deviation (``deviations/*.txt``, explained in ``docs/compatibility.md``), and every
listed deviation must still differ, so the list stays exact.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from control_tower.core.clock import Clock
from tests.contract.replay import RecordResult, describe, known_deviations, replay
from tests.support.databases import fresh_database
from tests.support.paths import CLOCK_START
from tests.support.server import LiveServer, make_settings

pytestmark = pytest.mark.database

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


@contextmanager
def fresh_server(tmp: Path) -> Iterator[LiveServer]:
    """A live server on a fresh, migrated copy of the reference data (the test backend)."""
    with fresh_database(tmp) as database:
        server = LiveServer(make_settings(database), clock=Clock(CLOCK_START))
        server.start()
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture(scope="module")
def reads_results(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[RecordResult]]:
    tmp = tmp_path_factory.mktemp("replay-reads")
    with fresh_server(tmp) as server:
        yield replay(server.url, mode="reads", workdir=tmp)


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
    with fresh_server(tmp_path) as server:
        results = replay(server.url, mode="mutations", sequence=sequence, workdir=tmp_path)
    assert len(results) > 100
    check(results)
