"""``control-tower db copy`` moves every row to PostgreSQL (or another file), verified."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import psycopg
import pytest

from control_tower.core.dbcopy import CopyError, copy_database
from control_tower.core.models import ORIGINAL_TABLES
from tests.support.pg import libpq_dsn, pg_database
from tests.support.server import make_settings


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


@pytest.mark.sqlite_only("copies a SQLite file to PostgreSQL itself; it runs in the SQLite pass")
class TestCopy:
    async def test_reference_to_postgres_is_complete(self, reference_file: Path) -> None:
        settings = make_settings(reference_file)
        with pg_database() as target:
            reports = {
                r.name: r for r in await copy_database(settings, sqlite_url(reference_file), target)
            }
            # Copying back verifies the same checksums from the PostgreSQL side.
            back = reference_file.parent / "back.db"
            again = {r.name: r for r in await copy_database(settings, target, sqlite_url(back))}
        with sqlite3.connect(reference_file) as connection:
            for table in ORIGINAL_TABLES:
                count = connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                assert reports[table].rows == count
        assert reports["cases"].rows == 2139
        assert {n: r.checksum for n, r in reports.items()} == {
            n: r.checksum for n, r in again.items()
        }
        with sqlite3.connect(reference_file) as a, sqlite3.connect(back) as b:
            query = "SELECT * FROM cases ORDER BY id"
            assert a.execute(query).fetchall() == b.execute(query).fetchall()

    async def test_target_is_analysed_for_the_planner(self, reference_file: Path) -> None:
        settings = make_settings(reference_file)
        with pg_database() as target:
            await copy_database(settings, sqlite_url(reference_file), target)
            dsn = libpq_dsn(target.rsplit("/", 1)[1])
            with psycopg.connect(dsn) as connection:
                estimates = dict(
                    connection.execute(
                        "SELECT relname, reltuples FROM pg_class WHERE relname = ANY(%s)",
                        (list(ORIGINAL_TABLES),),
                    ).fetchall()
                )
        # reltuples is -1 until a table is vacuumed or analysed; small tables are read whole.
        assert estimates["cases"] == 2139
        assert all(value >= 0 for value in estimates.values())

    async def test_non_empty_target_is_refused(self, reference_file: Path, tmp_path: Path) -> None:
        settings = make_settings(reference_file)
        other = tmp_path / "other.db"
        other.write_bytes(reference_file.read_bytes())
        with pytest.raises(CopyError, match="already holds rows"):
            await copy_database(settings, sqlite_url(reference_file), sqlite_url(other))

    async def test_same_database_is_refused(self, reference_file: Path) -> None:
        with pytest.raises(CopyError, match="same database"):
            await copy_database(
                make_settings(reference_file),
                sqlite_url(reference_file),
                sqlite_url(reference_file),
            )

    async def test_row_that_does_not_fit_fails_cleanly(
        self, reference_file: Path, tmp_path: Path
    ) -> None:
        with sqlite3.connect(reference_file) as connection:
            connection.execute("UPDATE cases SET risk_flag = 'yes' WHERE id = 'case-1'")
        settings = make_settings(reference_file)
        with pg_database() as target, pytest.raises(CopyError, match="copying cases failed"):
            await copy_database(settings, sqlite_url(reference_file), target)
