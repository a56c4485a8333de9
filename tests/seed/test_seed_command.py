"""``control-tower seed`` writes exactly the original's demo data."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from control_tower.core.models import ORIGINAL_TABLES
from control_tower.seed.service import SeedError, seed_database
from tests.support.paths import REFERENCE_DB, SEED_ANCHOR
from tests.support.server import make_settings


def rows(path: Path, table: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as connection:
        cursor = connection.execute(f"SELECT *, rowid FROM {table} ORDER BY rowid")
        return [tuple((type(v).__name__, v) for v in row) for row in cursor]


class TestSeedCommand:
    async def test_seed_equals_reference_row_for_row(self, tmp_path: Path) -> None:
        target = tmp_path / "seeded.db"
        await seed_database(make_settings(target), anchor=SEED_ANCHOR)
        for table in ORIGINAL_TABLES:
            assert rows(target, table) == rows(REFERENCE_DB, table), table

    async def test_second_seed_is_refused_unless_if_empty(self, tmp_path: Path) -> None:
        target = tmp_path / "seeded.db"
        settings = make_settings(target)
        await seed_database(settings, anchor=SEED_ANCHOR)
        with pytest.raises(SeedError, match="already holds data"):
            await seed_database(settings, anchor=SEED_ANCHOR)
        assert "nothing to do" in await seed_database(settings, anchor=SEED_ANCHOR, if_empty=True)

    async def test_extra_cases_continue_the_numbering(self, tmp_path: Path) -> None:
        target = tmp_path / "seeded.db"
        settings = make_settings(target)
        await seed_database(settings, anchor=SEED_ANCHOR, extra_cases=250)
        with sqlite3.connect(target) as connection:
            count = connection.execute("SELECT count(*) FROM cases").fetchone()[0]
            numbers = connection.execute(
                "SELECT case_number FROM cases ORDER BY rowid DESC LIMIT 1"
            ).fetchone()[0]
        assert count == 2139 + 250
        assert numbers == "CC-002390"
