"""Benchmark databases: the reference data and seeded copies, cached between runs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
REFERENCE_DB = REPO / "tests" / "fixtures" / "reference.db"
REFERENCE_CASES = 2139
# The instant the reference data was recorded at; the server clock starts there.
ANCHOR = "2026-01-15T10:05:00Z"
CACHE_DIR = Path(
    os.environ.get("CONTROL_TOWER_BENCH_CACHE", Path.home() / ".cache" / "control-tower-bench")
)
POSTGRES_ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432")

DATASETS: dict[str, int] = {
    "reference": REFERENCE_CASES,
    "20k": 20_000,
    "200k": 200_000,
    "1m": 1_000_000,
}


@dataclass(frozen=True)
class Dataset:
    name: str
    cases: int

    @property
    def cached_path(self) -> Path:
        return CACHE_DIR / f"{self.name}.db"

    def work_path(self, copy: str = "") -> Path:
        return CACHE_DIR / "work" / f"{self.name}{'-' + copy if copy else ''}.db"

    @property
    def postgres_database(self) -> str:
        return f"ct_bench_{self.name}"


def dataset(name: str) -> Dataset:
    if name not in DATASETS:
        raise SystemExit(f"bench: unknown dataset {name!r}; choose from {', '.join(DATASETS)}")
    return Dataset(name, DATASETS[name])


def cli_env(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "CLOCK_START": ANCHOR,
        "TZ": "UTC",
        "LOG_LEVEL": "WARNING",
    }


# Each variant migrates its own working copy up from here, so a cached dataset must never be
# ahead of the oldest code a run compares (an older checkout cannot even read a newer
# revision). Built datasets are brought down to it, their rows untouched.
BASE_REVISION = "0004_row_order"


def at_base_revision(url: str) -> str:
    """``url`` with its schema taken down to ``BASE_REVISION`` (nothing to do if it is there)."""
    from alembic import command

    from control_tower.core.migrate import alembic_config

    command.downgrade(alembic_config(url), BASE_REVISION)
    return url


def control_tower(*args: str, database_url: str, env: dict[str, str] | None = None) -> None:
    command = [str(Path(sys.executable).parent / "control-tower"), *args]
    environment = {**cli_env(database_url), **(env or {})}
    subprocess.run(command, env=environment, check=True, stdout=subprocess.DEVNULL)


def build(data: Dataset, *, rebuild: bool = False) -> Path:
    """The cached SQLite file of ``data`` (reference + seeded cases), built once."""
    target = data.cached_path
    if target.exists() and not rebuild:
        at_base_revision(f"sqlite+aiosqlite:///{target}")
        return target
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    shutil.copyfile(REFERENCE_DB, partial)
    partial.chmod(0o644)
    url = f"sqlite+aiosqlite:///{partial}"
    control_tower("migrate", database_url=url)
    extra = data.cases - REFERENCE_CASES
    if extra > 0:
        print(f"bench: seeding {extra:,} cases into {data.name}", file=sys.stderr)
        control_tower(
            "seed", "--cases", str(extra), "--anchor", ANCHOR, "--quiet", database_url=url
        )
    at_base_revision(url)
    for suffix in ("-wal", "-shm"):
        Path(f"{partial}{suffix}").unlink(missing_ok=True)
    partial.replace(target)
    return target


def sqlite_working_copy(data: Dataset, copy: str = "") -> Path:
    """A fresh copy of the cached file that a run may write to (uploads, migrations)."""
    source = build(data)
    work = data.work_path(copy)
    work.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{work}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(source, work)
    return work


def postgres_copy(data: Dataset) -> str:
    """A PostgreSQL database holding ``data`` (copied from the SQLite file once)."""
    source = build(data)
    admin = POSTGRES_ADMIN_URL
    name = data.postgres_database
    url = f"{admin.replace('postgresql://', 'postgresql+asyncpg://')}/{name}"
    exists = subprocess.run(
        ["psql", f"{admin}/postgres", "-tAc", f"SELECT 1 FROM pg_database WHERE datname='{name}'"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if exists != "1":
        # Copied under another name and renamed when complete, so an interrupted copy is
        # never mistaken for a finished one.
        partial = f"{name}_partial"
        for statement in (
            f'DROP DATABASE IF EXISTS "{partial}"',
            f'CREATE DATABASE "{partial}"',
        ):
            subprocess.run(
                ["psql", f"{admin}/postgres", "-c", statement],
                check=True,
                stdout=subprocess.DEVNULL,
            )
        partial_url = url.rsplit("/", 1)[0] + f"/{partial}"
        # db copy migrates its source: give it a copy, the cache stays at its revision.
        scratch = CACHE_DIR / "work" / f"{data.name}-pg-source.db"
        scratch.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, scratch)
        try:
            control_tower(
                "db", "copy", "--from", str(scratch), "--to", partial_url, database_url=partial_url
            )
        finally:
            scratch.unlink(missing_ok=True)
        subprocess.run(
            ["psql", f"{admin}/postgres", "-c", f'ALTER DATABASE "{partial}" RENAME TO "{name}"'],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return at_base_revision(url)


def postgres_working_copy(data: Dataset, copy: str = "") -> str:
    """A fresh copy of the PostgreSQL database (a template copy: seconds, not minutes)."""
    source = postgres_copy(data)
    admin = POSTGRES_ADMIN_URL
    work = f"{data.postgres_database}_work{'_' + copy if copy else ''}"
    for statement in (
        f'DROP DATABASE IF EXISTS "{work}"',
        f'CREATE DATABASE "{work}" TEMPLATE "{data.postgres_database}"',
    ):
        subprocess.run(
            ["psql", f"{admin}/postgres", "-c", statement], check=True, stdout=subprocess.DEVNULL
        )
    return source.rsplit("/", 1)[0] + f"/{work}"


def database_url(data: Dataset, backend: str, copy: str = "") -> str:
    """A fresh, writable copy of ``data`` on ``backend`` (``copy`` names one of several)."""
    if backend == "sqlite":
        return f"sqlite+aiosqlite:///{sqlite_working_copy(data, copy)}"
    if backend == "postgres":
        return postgres_working_copy(data, copy)
    raise SystemExit(f"bench: unknown backend {backend!r}; choose sqlite or postgres")
