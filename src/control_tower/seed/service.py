"""Load the demo data into a database (``control-tower seed``)."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import islice
from typing import Any

import structlog
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from control_tower.auth.models import UserCredential
from control_tower.auth.passwords import hash_password
from control_tower.core.clock import datetime_to_ms, iso_from_ms
from control_tower.core.config import Environment, Settings
from control_tower.core.db import Database, refresh_statistics
from control_tower.core.migrate import migrate
from control_tower.core.models import Base, Case, User
from control_tower.core.sqlcompat import like
from control_tower.seed.generator import generate, generate_extra_cases

log = structlog.get_logger("control_tower.seed")

SEED_TABLE_ORDER = (
    "users",
    "cases",
    "alerts",
    "trending_topics",
    "feed_items",
    "shares",
    "uploads",
    "search_analytics",
)
BATCH_SIZE = 5000
# The documented password of every demo user, set by the seed in development only.
DEMO_PASSWORD = "controltower-demo"


class SeedError(Exception):
    """The database cannot be seeded as asked; the message says why."""


def _batches(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


class _Progress:
    def __init__(self, total: int, enabled: bool) -> None:
        self.total = total
        self.enabled = enabled and total > 0
        self.done = 0
        self.started = time.perf_counter()

    def advance(self, count: int) -> None:
        self.done += count
        if not self.enabled:
            return
        elapsed = time.perf_counter() - self.started
        rate = self.done / elapsed if elapsed > 0 else 0.0
        width = 30
        filled = int(width * self.done / self.total)
        sys.stderr.write(
            f"\rseed: [{'#' * filled}{'.' * (width - filled)}] {self.done:,}/{self.total:,} "
            f"cases ({rate:,.0f}/s)"
        )
        if self.done >= self.total:
            sys.stderr.write("\n")
        sys.stderr.flush()


async def _count(session: AsyncSession, model: type[Base]) -> int:
    result = await session.execute(select(func.count()).select_from(model))
    return int(result.scalar_one())


async def _next_case_number(session: AsyncSession) -> int:
    """One past the highest ``CC-nnnnnn`` number in the database."""
    numbers = await session.execute(
        select(Case.case_number).where(like(session, Case.case_number, "CC-%"))
    )
    highest = 0
    for (case_number,) in numbers:
        suffix = case_number[3:]
        if suffix.isdigit():
            highest = max(highest, int(suffix))
    return highest + 1


async def _give_demo_passwords(
    session: AsyncSession, users: list[dict[str, Any]], anchor: datetime
) -> None:
    # One hash for all: the password is the same, documented one for every demo user.
    password_hash = hash_password(DEMO_PASSWORD)
    now_iso = iso_from_ms(datetime_to_ms(anchor))
    rows = [
        {
            "user_id": u["id"],
            "password_hash": password_hash,
            "created_at": now_iso,
            "updated_at": now_iso,
        }
        for u in users
    ]
    await session.execute(insert(UserCredential), rows)


async def seed_database(
    settings: Settings,
    *,
    anchor: datetime,
    extra_cases: int = 0,
    if_empty: bool = False,
    progress: bool = False,
) -> str:
    """Migrate, then insert the demo data (and ``extra_cases`` more cases)."""
    migrate(settings.database_url)
    database = Database(settings)
    try:
        async with database.session() as session:
            existing = await _count(session, Case) + await _count(session, User)
        if existing and not extra_cases:
            if if_empty:
                return "the database already holds data; nothing to do"
            raise SeedError(
                "the database already holds data; use --if-empty to skip seeding, "
                "--cases N to add cases, or point DATABASE_URL at an empty database"
            )
        parts = []
        if not existing:
            tables = generate(anchor)
            async with database.session() as session:
                for name in SEED_TABLE_ORDER:
                    rows = tables.get(name, [])
                    for batch in _batches(rows, BATCH_SIZE):
                        await session.execute(insert(Base.metadata.tables[name]), batch)
                if settings.environment is Environment.DEVELOPMENT:
                    await _give_demo_passwords(session, tables["users"], anchor)
            counts = ", ".join(f"{len(tables.get(n, []))} {n}" for n in SEED_TABLE_ORDER[:6])
            parts.append(f"demo data anchored at {anchor.isoformat()} ({counts})")
            if settings.environment is Environment.DEVELOPMENT:
                parts.append(f"demo users can log in with the password {DEMO_PASSWORD!r}")
        if extra_cases:
            bar = _Progress(extra_cases, progress)
            async with database.session() as session:
                start = await _next_case_number(session)
            extra = generate_extra_cases(extra_cases, anchor, start_number=start)
            cases_table = Base.metadata.tables["cases"]
            for batch in _batches(extra, BATCH_SIZE):
                async with database.session() as session:
                    await session.execute(insert(cases_table), batch)
                bar.advance(len(batch))
            parts.append(f"{extra_cases:,} extra cases from CC-{start:06d}")
        await refresh_statistics(database.engine, SEED_TABLE_ORDER)
        log.info("seed.completed", anchor=anchor.isoformat(), extra_cases=extra_cases)
        return "; ".join(parts)
    finally:
        await database.dispose()
