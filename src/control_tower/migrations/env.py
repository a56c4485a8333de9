"""Alembic environment: runs migrations on the service's async engine."""

from __future__ import annotations

import asyncio
from typing import Any

from alembic import context
from alembic.operations import ops
from sqlalchemy import pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from control_tower.core.config import get_settings
from control_tower.core.models import ORIGINAL_TABLES
from control_tower.core.registry import all_tables_metadata

config = context.config
_ROWID_INDEXES = frozenset(f"ix_{name}_rowid" for name in ORIGINAL_TABLES)
target_metadata = all_tables_metadata()


def _url() -> str:
    url = config.attributes.get("url")
    if isinstance(url, str):
        return url
    return get_settings().database_url


def _include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    # SQLite keeps the UNIQUE of cases.case_number as an unnamed auto-index; the model's
    # unique=True describes the same thing, so reflection noise about it is ignored.
    if type_ == "unique_constraint" and name is None:
        return False
    # PostgreSQL's stand-in for SQLite's rowid (migration 0004) is not part of the models.
    return not (reflected and compare_to is None and name in {"rowid", *_ROWID_INDEXES})


def _drop_sqlite_primary_key_nullability(
    migration_context: Any, _revision: Any, directives: list[Any]
) -> None:
    # The original DDL declares "id TEXT PRIMARY KEY", which SQLite (unlike the SQL standard)
    # leaves nullable. The models say NOT NULL, the truth on every other database; that one
    # reflection difference on SQLite is not a change to make.
    if migration_context.dialect.name != "sqlite":
        return
    for script in directives:
        for table_ops in script.upgrade_ops.ops:
            if not isinstance(table_ops, ops.ModifyTableOps):
                continue
            table = target_metadata.tables.get(table_ops.table_name)
            if table is None:
                continue
            table_ops.ops = [
                op
                for op in table_ops.ops
                if not (
                    isinstance(op, ops.AlterColumnOp)
                    and op.modify_nullable is False
                    and op.column_name in table.primary_key.columns
                    and op.modify_type is None
                    and op.modify_server_default is False
                )
            ]
        script.upgrade_ops.ops = [
            table_ops
            for table_ops in script.upgrade_ops.ops
            if not (isinstance(table_ops, ops.ModifyTableOps) and not table_ops.ops)
        ]


def _configure(connection: Connection) -> None:
    context.configure(
        process_revision_directives=_drop_sqlite_primary_key_nullability,
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        include_object=_include_object,
        compare_type=True,
    )


def _run(connection: Connection) -> None:
    _configure(connection)
    with context.begin_transaction():
        context.run_migrations()


async def _run_async() -> None:
    engine = create_async_engine(_url(), poolclass=pool.NullPool)
    async with engine.connect() as connection:
        await connection.run_sync(_run)
        await connection.commit()
    await engine.dispose()


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    asyncio.run(_run_async())
