"""Migrations 0005 and 0006: read indexes on new and adopted databases, and the plans they give."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import psycopg
import pytest
from alembic import command

from control_tower.core.migrate import alembic_config, migrate
from tests.support.paths import REFERENCE_DB
from tests.support.pg import libpq_dsn, pg_database

READ_INDEXES = {
    "ix_cases_created_status_severity",
    "ix_cases_status_severity",
    "ix_cases_resolved_at",
}


def url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def indexes(path: Path) -> set[str]:
    with sqlite3.connect(path) as connection:
        rows = connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'cases'"
        ).fetchall()
    return {name for (name,) in rows}


def plan(path: Path, sql: str) -> str:
    with sqlite3.connect(path) as connection:
        rows = connection.execute(f"EXPLAIN QUERY PLAN {sql}").fetchall()
    return " | ".join(str(row[-1]) for row in rows)


class TestReadIndexes:
    def test_new_database_has_them(self, tmp_path: Path) -> None:
        target = tmp_path / "new.db"
        migrate(url(target))
        assert indexes(target) >= READ_INDEXES

    def test_adopted_database_gets_them(self, tmp_path: Path) -> None:
        target = tmp_path / "adopted.db"
        shutil.copyfile(REFERENCE_DB, target)
        target.chmod(0o644)
        assert not indexes(target) & READ_INDEXES
        migrate(url(target))
        assert indexes(target) >= READ_INDEXES

    def test_downgrade_removes_only_them(self, tmp_path: Path) -> None:
        target = tmp_path / "new.db"
        migrate(url(target))
        before = indexes(target)
        command.downgrade(alembic_config(url(target)), "0004_row_order")
        assert indexes(target) == before - READ_INDEXES

    def test_day_range_counts_read_the_index_alone(self, tmp_path: Path) -> None:
        target = tmp_path / "new.db"
        migrate(url(target))
        sql = (
            "SELECT count(*) FILTER (WHERE status IN ('open', 'in_progress')) FROM cases "
            "WHERE created_at >= '2026-01-15' AND +business_unit = 'KFC Delivery' "
            "AND status = status"
        )
        assert "COVERING INDEX ix_cases_created_status_severity" in plan(target, sql)

    def test_resolved_per_day_uses_an_index(self, tmp_path: Path) -> None:
        target = tmp_path / "new.db"
        migrate(url(target))
        sql = "SELECT count(*) FROM cases WHERE resolved_at >= '2026-01-09' AND status = status"
        assert "COVERING INDEX ix_cases_resolved_at" in plan(target, sql)

    @pytest.mark.parametrize(
        ("sql", "original_index"),
        [
            (
                "SELECT * FROM cases WHERE created_at >= '2026-01-10' ORDER BY created_at DESC",
                "idx_cases_created_at",
            ),
            ("SELECT * FROM cases WHERE status = 'open' AND severity = 'high'", "idx_cases_"),
            (
                "SELECT count(*) FROM cases WHERE status IN ('open', 'in_progress')",
                "idx_cases_status",
            ),
        ],
    )
    def test_other_statements_keep_the_original_plan(
        self, tmp_path: Path, sql: str, original_index: str
    ) -> None:
        target = tmp_path / "new.db"
        migrate(url(target))
        found = plan(target, sql)
        assert original_index in found
        assert not any(name in found for name in READ_INDEXES)


@pytest.mark.sqlite_only("creates its own PostgreSQL databases; runs once, in the SQLite pass")
class TestReadIndexesOnPostgres:
    """Migration 0006: on PostgreSQL the read indexes are ordinary, so the planner can use them."""

    DAY_COUNT = (
        "SELECT count(*) FILTER (WHERE severity IN ('high', 'critical')) FROM cases "
        "WHERE created_at >= '2026-01-14T00:00:00.000Z' "
        "AND created_at <= '2026-01-14T23:59:59.999Z' AND status = status"
    )

    @staticmethod
    def definitions(dsn: str) -> dict[str, str]:
        with psycopg.connect(dsn) as connection:
            rows = connection.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'cases'"
            ).fetchall()
        return {name: definition for name, definition in rows if name in READ_INDEXES}

    @staticmethod
    def plan(dsn: str, sql: str) -> str:
        """The plan of ``sql`` over 30,000 cases of 30 days, stored out of date order (as
        uploads and seeds leave them), vacuumed and analysed."""
        with psycopg.connect(dsn, autocommit=True) as connection:
            # Test databases commit asynchronously, and VACUUM cannot mark rows visible to
            # all (which index-only scans need) before their commit reaches the disk.
            connection.execute("SET synchronous_commit = on")
            connection.execute(
                "INSERT INTO cases (id, case_number, channel, status, category, sentiment, "
                "severity, business_unit, summary, created_at, updated_at) "
                "SELECT 'c' || n, 'N' || n, 'web', "
                "(ARRAY['open', 'closed', 'resolved'])[n % 3 + 1], 'Cat ' || n % 7, 'neutral', "
                "(ARRAY['low', 'high', 'critical'])[n % 3 + 1], "
                "'Unit ' || n % 5, 'summary ' || n, at, at FROM generate_series(1, 30000) AS n, "
                "to_char(timestamp '2025-12-16' + n * interval '86 seconds', "
                '\'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"\') AS at ORDER BY md5(n::text)'
            )
            connection.execute("VACUUM ANALYZE cases")
            rows = connection.execute(f"EXPLAIN {sql}").fetchall()
        return " | ".join(row[0] for row in rows)

    def test_no_partial_condition_and_index_only_day_counts(self) -> None:
        with pg_database("ct_readidx") as target:
            dsn = libpq_dsn(target.rsplit("/", 1)[1])
            migrate(target)
            definitions = self.definitions(dsn)
            assert set(definitions) == READ_INDEXES
            assert not any(" WHERE " in definition for definition in definitions.values())
            assert "Index Only Scan using ix_cases_created_status_severity" in self.plan(
                dsn, self.DAY_COUNT
            )

    def test_downgrade_restores_the_partial_indexes_of_0005(self) -> None:
        with pg_database("ct_readidx") as target:
            dsn = libpq_dsn(target.rsplit("/", 1)[1])
            migrate(target)
            command.downgrade(alembic_config(target), "0005_read_indexes")
            definitions = self.definitions(dsn)
            assert set(definitions) == READ_INDEXES
            assert all("WHERE (status = status)" in d for d in definitions.values())
            # What 0006 is for: PostgreSQL cannot use 0005's partial index for the count.
            assert "ix_cases_created_status_severity" not in self.plan(dsn, self.DAY_COUNT)
