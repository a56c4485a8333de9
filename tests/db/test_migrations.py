"""Migrations: the baseline equals the original schema; adoption never touches data."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from control_tower.core.migrate import MigrationError, migrate
from control_tower.core.models import ORIGINAL_TABLES
from tests.support.databases import ON_POSTGRES, TestDatabase, connect
from tests.support.paths import REFERENCE_DB
from tests.support.pg import pg_database

SCHEMA_QUERY = (
    "SELECT type, name, tbl_name, sql FROM sqlite_master "
    f"WHERE tbl_name IN ({', '.join(repr(t) for t in ORIGINAL_TABLES)}) "
    # indexes added by later migrations are checked by their own tests
    "AND (name NOT LIKE 'ix_%') ORDER BY type, name"
)


def schema(path: Path) -> list[tuple[str, ...]]:
    with sqlite3.connect(path) as connection:
        return connection.execute(SCHEMA_QUERY).fetchall()


def table_digest(path: Path) -> dict[str, str]:
    digests = {}
    with sqlite3.connect(path) as connection:
        for table in ORIGINAL_TABLES:
            rows = connection.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()
            typed = [[(type(v).__name__, v) for v in row] for row in rows]
            digests[table] = hashlib.sha256(repr(typed).encode()).hexdigest()
    return digests


def url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def assert_alembic_check_is_clean(database_url: str) -> None:
    """``alembic check`` (run from the repository) finds nothing the models lack."""
    result = subprocess.run(
        [sys.executable, "-m", "alembic", "check"],
        env={"DATABASE_URL": database_url, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "No new upgrade operations detected" in result.stdout + result.stderr


class TestBaseline:
    def test_empty_database_gets_the_reference_schema(self, tmp_path: Path) -> None:
        target = tmp_path / "new.db"
        assert migrate(url(target)).startswith("created the schema")
        assert schema(target) == schema(REFERENCE_DB)

    def test_the_default_database_directory_is_created(self, tmp_path: Path) -> None:
        # What `make run` does first in a fresh clone: no DATABASE_URL, no ./data/ yet.
        result = subprocess.run(
            [sys.executable, "-m", "control_tower", "migrate"],
            env={"PATH": "/usr/bin:/bin", "TZ": "UTC"},
            capture_output=True,
            text=True,
            check=False,
            cwd=tmp_path,
        )
        assert result.returncode == 0, result.stderr + result.stdout
        assert schema(tmp_path / "data" / "call-center.db") == schema(REFERENCE_DB)

    def test_migrate_is_idempotent(self, tmp_path: Path) -> None:
        target = tmp_path / "new.db"
        migrate(url(target))
        assert migrate(url(target)).startswith("already at revision")

    def test_alembic_check_is_clean(self, tmp_path: Path) -> None:
        target = tmp_path / "new.db"
        migrate(url(target))
        assert_alembic_check_is_clean(str(target))


class TestAdoption:
    def test_existing_database_is_stamped_and_rows_unchanged(self, tmp_path: Path) -> None:
        target = tmp_path / "existing.db"
        target.write_bytes(REFERENCE_DB.read_bytes())
        before = table_digest(target)
        assert migrate(url(target)).startswith("adopted the existing database")
        assert table_digest(target) == before
        assert schema(target) == schema(REFERENCE_DB)
        with sqlite3.connect(target) as connection:
            version = connection.execute("SELECT version_num FROM alembic_version").fetchall()
        assert len(version) == 1

    def test_partial_original_schema_is_refused(self, tmp_path: Path) -> None:
        target = tmp_path / "partial.db"
        with sqlite3.connect(target) as connection:
            connection.execute("CREATE TABLE cases (id TEXT PRIMARY KEY)")
        with pytest.raises(MigrationError, match="missing: alerts"):
            migrate(url(target))


@pytest.mark.database
@pytest.mark.skipif(not ON_POSTGRES, reason="runs in the PostgreSQL pass (CT_TEST_DATABASE)")
class TestPostgres:
    def test_schema_is_created_once_and_alembic_check_is_clean(self) -> None:
        with pg_database("ct_migrate") as target:
            assert migrate(target).startswith("created the schema")
            assert migrate(target).startswith("already at revision")
            assert_alembic_check_is_clean(target)

    def test_text_sorts_by_bytes_and_rows_keep_insertion_order(
        self, empty_db: TestDatabase
    ) -> None:
        rows = [("u-b", "b"), ("u-B", "B"), ("u-a", "ä"), ("u-z", "z"), ("u-b2", "b")]
        with connect(empty_db) as connection:
            connection.executemany(
                "INSERT INTO users (id, name, email, role, created_at) VALUES (?, ?, '', 'x', '')",
                rows,
            )
            by_name = connection.execute("SELECT id FROM users ORDER BY name, rowid").fetchall()
            columns = connection.execute(
                "SELECT collation_name FROM information_schema.columns "
                "WHERE table_schema = 'public' AND table_name = 'users' AND column_name = 'name'"
            ).fetchall()
        assert [row[0] for row in by_name] == ["u-B", "u-b", "u-b2", "u-z", "u-a"]
        assert columns == [("C",)]
