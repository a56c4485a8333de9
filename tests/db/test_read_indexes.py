"""Migration 0005: read indexes on new and adopted databases, and the plans they give."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from alembic import command

from control_tower.core.migrate import alembic_config, migrate
from tests.support.paths import REFERENCE_DB

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
        command.downgrade(alembic_config(url(target)), "-1")
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
