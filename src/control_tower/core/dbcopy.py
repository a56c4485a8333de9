"""Copy a whole database to another one (``control-tower db copy``), verified.

The target is migrated to the latest schema first and must hold no rows. Every table the
models know is copied in batches, in the source's insertion order (rowid order; on
PostgreSQL the rowid column of migration 0004), so row-order ties read the same
afterwards. Afterwards each table is compared by row count and by an order-independent
checksum (the sum of per-row SHA-256 values, so collation differences between databases do
not matter); any difference fails the copy.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, func, insert, literal_column, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from control_tower.core.config import Settings
from control_tower.core.db import create_engine, refresh_statistics
from control_tower.core.migrate import migrate
from control_tower.core.models import ORIGINAL_TABLES
from control_tower.core.registry import all_tables_metadata

_MODULUS = 2**256


class CopyError(Exception):
    """The copy cannot start or did not verify; the message says why."""


@dataclass(frozen=True)
class TableReport:
    name: str
    rows: int
    checksum: str


def _tables() -> list[Table]:
    return list(all_tables_metadata().sorted_tables)


def _canonical(value: Any) -> str:
    if value is None:
        return "N"
    if isinstance(value, bool):
        return f"i{int(value)}"
    if isinstance(value, int):
        return f"i{value}"
    if isinstance(value, float):
        return f"f{value!r}"
    return f"s{value}"


async def _table_report(engine: AsyncEngine, table: Table) -> TableReport:
    total = 0
    rows = 0
    statement = select(*table.columns)
    async with engine.connect() as connection:
        result = await connection.stream(statement.execution_options(yield_per=5000))
        async for partition in result.partitions():
            for row in partition:
                line = "\x1f".join(_canonical(v) for v in row).encode("utf-8")
                total = (total + int.from_bytes(hashlib.sha256(line).digest(), "big")) % _MODULUS
                rows += 1
    return TableReport(table.name, rows, f"{total:064x}")


async def _count(engine: AsyncEngine, table: Table) -> int:
    async with engine.connect() as connection:
        return int((await connection.execute(select(func.count()).select_from(table))).scalar_one())


async def copy_database(
    settings: Settings, source_url: str, target_url: str, *, batch_size: int = 5000
) -> list[TableReport]:
    """Copy every row from ``source_url`` to ``target_url``, then verify each table."""
    if source_url == target_url:
        raise CopyError("source and target are the same database")
    migrate(source_url)
    migrate(target_url)
    source = create_engine(settings, url=source_url)
    target = create_engine(settings, url=target_url)
    try:
        tables = _tables()
        for table in tables:
            if await _count(target, table):
                raise CopyError(
                    f"the target already holds rows in {table.name!r}; copy into an empty database"
                )
        source_is_sqlite = source.dialect.name == "sqlite"
        for table in tables:
            statement = select(*table.columns)
            if source_is_sqlite or table.name in ORIGINAL_TABLES:
                # PostgreSQL keeps the original tables' row order in a rowid column (0004).
                statement = statement.order_by(literal_column("rowid"))
            else:
                statement = statement.order_by(*table.primary_key.columns)
            keys = [column.name for column in table.columns]
            try:
                async with source.connect() as reader, target.begin() as writer:
                    result = await reader.stream(statement.execution_options(yield_per=batch_size))
                    async for partition in result.partitions():
                        rows = [dict(zip(keys, row, strict=True)) for row in partition]
                        await writer.execute(insert(table), rows)
            except DBAPIError as exc:
                raise CopyError(
                    f"copying {table.name} failed (nothing of it was kept): {exc.orig}"
                ) from exc
        reports = []
        for table in tables:
            expected = await _table_report(source, table)
            copied = await _table_report(target, table)
            if expected != copied:
                raise CopyError(
                    f"verification failed for {table.name}: {expected.rows} rows "
                    f"({expected.checksum[:12]}) in the source, {copied.rows} rows "
                    f"({copied.checksum[:12]}) in the target"
                )
            reports.append(copied)
        await refresh_statistics(target, [table.name for table in tables])
        return reports
    finally:
        await source.dispose()
        await target.dispose()
