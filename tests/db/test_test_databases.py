"""The PostgreSQL test databases: copies of the reference data, put back after writes."""

from __future__ import annotations

import pytest

from tests.support import pg
from tests.support.databases import ON_POSTGRES, PgDatabase, TestDatabase, connect, query

pytestmark = [
    pytest.mark.database,
    pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL test databases (CT_TEST_DATABASE)"),
]


def _names() -> set[str]:
    with connect(PgDatabase("postgres")) as connection:
        return {row[0] for row in connection.execute("SELECT datname FROM pg_database")}


class TestOrphans:
    def test_databases_of_dead_runs_are_dropped_and_live_ones_kept(self) -> None:
        dead = "ct_test_999999_0123456789ab"  # no process has that pid here
        live = pg.new_name("test")
        pg.admin(f'CREATE DATABASE "{dead}"', f'CREATE DATABASE "{live}"')
        try:
            assert dead in pg.drop_orphans()
            names = _names()
            assert dead not in names and live in names
        finally:
            pg.drop(dead)
            pg.drop(live)


class TestReuse:
    @pytest.mark.parametrize("round_", [1, 2])
    def test_each_test_sees_the_reference_rows(
        self, reference_db: TestDatabase, round_: int
    ) -> None:
        # The first round deletes and adds rows; the second gets the same rows back.
        assert query(reference_db, "SELECT count(*), max(rowid) FROM cases") == [(2139, 2139)]
        query(reference_db, "DELETE FROM cases WHERE id = 'case-1'")
        query(
            reference_db,
            "INSERT INTO alerts (id, type, severity, title, description, status, created_at, "
            "updated_at) VALUES ('a-x', 't', 's', 't', 'd', 'active', 'x', 'x')",
        )
        assert query(reference_db, "SELECT max(rowid) FROM alerts") == [(9,)]
