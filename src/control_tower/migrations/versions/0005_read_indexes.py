"""Indexes for reads at 100x the original's data (new indexes only).

* ``ix_cases_created_status_severity``: the pulse, sparklines and word cloud count the
  cases of a ``created_at`` range split by status, severity, business unit and category;
  with every column they read in the index, SQLite answers from the index alone.
* ``ix_cases_status_severity``: open and urgent-open counts over the whole table.
* ``ix_cases_resolved_at``: cases resolved per sparkline day (no index before).

All three are partial indexes on ``status = status`` (true for every case), which only the
statements written for them mention: every other query keeps the original's plan and so
its row order (see ``core.read_indexes``).

Revision ID: 0005_read_indexes
Revises: 0004_row_order
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_read_indexes"
down_revision: str | None = "0004_row_order"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The condition of core.read_indexes, spelled out: a migration must not change with the code.
CONDITION = "status = status"
INDEXES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "ix_cases_created_status_severity",
        "cases",
        ("created_at", "status", "severity", "business_unit", "category"),
    ),
    ("ix_cases_status_severity", "cases", ("status", "severity", "business_unit")),
    # status: the partial-index condition reads it, so an index without it is not covering.
    ("ix_cases_resolved_at", "cases", ("resolved_at", "business_unit", "status")),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(
            name,
            table,
            list(columns),
            if_not_exists=True,
            sqlite_where=sa.text(CONDITION),
            postgresql_where=sa.text(CONDITION),
        )


def downgrade() -> None:
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table, if_exists=True)
