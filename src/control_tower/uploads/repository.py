"""Every SQL statement of the uploads feature."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncSession

from control_tower.core.cache import invalidate_on_commit
from control_tower.core.rows import UPLOAD, table
from control_tower.core.sqlcompat import one_of, sqlite_order
from control_tower.uploads.models import UploadFingerprint

uploads = table("uploads")
cases = table("cases")
feed_items = table("feed_items")
fingerprints = table(UploadFingerprint.__tablename__)

# Rows per executemany call; every chunk runs inside the same transaction.
INSERT_CHUNK = 5000


@dataclass(frozen=True, slots=True)
class EarlierImport:
    """The most recent earlier upload of the same bytes that imported cases."""

    upload_id: str
    file_name: str
    created_at: str
    success_count: int


async def insert_upload(session: AsyncSession, values: dict[str, Any]) -> None:
    await session.execute(insert(uploads).values(values))


async def update_upload(session: AsyncSession, upload_id: str, values: dict[str, Any]) -> None:
    await session.execute(update(uploads).where(uploads.c.id == upload_id).values(values))


async def existing_case_numbers(session: AsyncSession, numbers: Sequence[str]) -> set[str]:
    """The subset of ``numbers`` already used by a case, in one query whatever its size."""
    if not numbers:
        return set()
    condition = one_of(session, cases.c.case_number, numbers)
    result = await session.execute(select(cases.c.case_number).where(condition))
    return {number for (number,) in result}


CASE_INSERT_COLUMNS: tuple[str, ...] = tuple(column.name for column in cases.columns)


async def insert_cases(session: AsyncSession, rows: Iterable[tuple[Any, ...]]) -> None:
    """Insert case rows (values in ``CASE_INSERT_COLUMNS`` order) with batched executemany.

    The Core statement is compiled once for the session's dialect and run through the
    driver's executemany with plain tuples: several times faster than per-row dictionaries
    for large files, and still a single statement per chunk inside the caller's transaction.
    """
    connection = await session.connection()
    compiled = insert(cases).compile(
        dialect=connection.dialect, column_keys=list(CASE_INSERT_COLUMNS)
    )
    order = compiled.positiontup
    if order is None or sorted(order) != sorted(CASE_INSERT_COLUMNS):
        raise RuntimeError("the case insert did not compile to positional parameters")
    positions = [CASE_INSERT_COLUMNS.index(name) for name in order]
    reorder = positions != list(range(len(positions)))
    iterator = iter(rows)
    while chunk := list(islice(iterator, INSERT_CHUNK)):
        if reorder:
            chunk = [tuple(values[i] for i in positions) for values in chunk]
        await connection.exec_driver_sql(compiled.string, chunk)
    invalidate_on_commit(session, "cases")


async def insert_feed_item(session: AsyncSession, values: dict[str, Any]) -> None:
    await session.execute(insert(feed_items).values(values))
    invalidate_on_commit(session, "feed")


async def insert_fingerprint(
    session: AsyncSession, *, upload_id: str, sha256: str, file_size: int, created_at: str
) -> None:
    await session.execute(
        insert(fingerprints).values(
            upload_id=upload_id, sha256=sha256, file_size=file_size, created_at=created_at
        )
    )


async def find_earlier_import(session: AsyncSession, sha256: str) -> EarlierImport | None:
    statement = (
        select(
            uploads.c.id,
            uploads.c.file_name,
            uploads.c.created_at,
            uploads.c.success_count,
        )
        .select_from(fingerprints.join(uploads, uploads.c.id == fingerprints.c.upload_id))
        .where(fingerprints.c.sha256 == sha256)
        .order_by(fingerprints.c.created_at.desc(), uploads.c.id.desc())
        .limit(1)
    )
    row = (await session.execute(statement)).first()
    if row is None:
        return None
    return EarlierImport(row[0], row[1], row[2], int(row[3]))


async def count_uploads(session: AsyncSession) -> int:
    result = await session.execute(select(func.count()).select_from(uploads))
    return int(result.scalar_one())


async def list_uploads(
    session: AsyncSession, *, limit: int | None, offset: int
) -> Sequence[Row[Any]]:
    """``SELECT * FROM uploads ORDER BY created_at DESC LIMIT ? OFFSET ?``."""
    statement = select(*UPLOAD.columns).order_by(uploads.c.created_at.desc())
    if limit is not None:
        statement = statement.limit(limit)
    statement = statement.offset(offset)
    return (await session.execute(sqlite_order(session, statement, uploads))).all()


async def get_upload(session: AsyncSession, upload_id: str) -> Row[Any] | None:
    statement = select(*UPLOAD.columns).where(uploads.c.id == upload_id).limit(1)
    return (await session.execute(statement)).first()


async def count_cases_of_upload(session: AsyncSession, upload_id: str, *, scope: str | None) -> int:
    statement = select(func.count()).select_from(cases).where(cases.c.upload_id == upload_id)
    if scope is not None:
        statement = statement.where(cases.c.business_unit == scope)
    return int((await session.execute(statement)).scalar_one())
