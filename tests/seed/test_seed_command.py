"""``control-tower seed`` writes exactly the original's demo data."""

from __future__ import annotations

import pytest

from control_tower.core.models import ORIGINAL_TABLES, Base
from control_tower.seed.service import SeedError, seed_database
from tests.support.databases import ON_POSTGRES, TestDatabase, connect
from tests.support.paths import REFERENCE_DB, SEED_ANCHOR
from tests.support.server import make_settings


def rows(database: TestDatabase, table: str) -> list[tuple[object, ...]]:
    columns = ", ".join(f'"{c.name}"' for c in Base.metadata.tables[table].columns)
    with connect(database) as connection:
        cursor = connection.execute(f"SELECT {columns}, rowid FROM {table} ORDER BY rowid")
        return [tuple((type(v).__name__, v) for v in row) for row in cursor]


class TestSeedCommand:
    async def test_seed_equals_reference_row_for_row(self, empty_db: TestDatabase) -> None:
        await seed_database(make_settings(empty_db), anchor=SEED_ANCHOR)
        for table in ORIGINAL_TABLES:
            assert rows(empty_db, table) == rows(REFERENCE_DB, table), table

    async def test_postgres_is_analysed_and_sqlite_is_not(self, empty_db: TestDatabase) -> None:
        await seed_database(make_settings(empty_db), anchor=SEED_ANCHOR, extra_cases=10)
        with connect(empty_db) as connection:
            if ON_POSTGRES:
                estimate = connection.execute(
                    "SELECT reltuples FROM pg_class WHERE relname = 'cases'"
                ).fetchone()[0]
                assert estimate == 2139 + 10
            else:
                # ANALYZE would change the indexes SQLite walks, and so tie order.
                found = connection.execute(
                    "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'"
                ).fetchone()[0]
                assert found == 0

    async def test_second_seed_is_refused_unless_if_empty(self, empty_db: TestDatabase) -> None:
        settings = make_settings(empty_db)
        await seed_database(settings, anchor=SEED_ANCHOR)
        with pytest.raises(SeedError, match="already holds data"):
            await seed_database(settings, anchor=SEED_ANCHOR)
        assert "nothing to do" in await seed_database(settings, anchor=SEED_ANCHOR, if_empty=True)

    async def test_extra_cases_continue_the_numbering(self, empty_db: TestDatabase) -> None:
        settings = make_settings(empty_db)
        await seed_database(settings, anchor=SEED_ANCHOR, extra_cases=250)
        with connect(empty_db) as connection:
            count = connection.execute("SELECT count(*) FROM cases").fetchone()[0]
            numbers = connection.execute(
                "SELECT case_number FROM cases ORDER BY rowid DESC LIMIT 1"
            ).fetchone()[0]
        assert count == 2139 + 250
        assert numbers == "CC-002390"
