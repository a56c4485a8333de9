"""PostgreSQL: the read indexes of 0005 without their partial-index condition.

0005 made its indexes partial on ``status = status`` so that SQLite uses them only where a
statement opts in, and keeps its original plans (and row order) everywhere else. On
PostgreSQL that condition made them unusable: the planner rewrites ``status = status`` in
a query to ``status IS NOT NULL`` but keeps the index's own predicate as written, so it
can never prove the one implies the other, and pulse and sparklines read table rows where
an index-only scan would do. PostgreSQL's row order does not depend on its plans (list
statements state their tie order, ``core.sqlcompat``), so there the indexes become
ordinary ones. SQLite is left as it is.

Revision ID: 0006_postgres_read_indexes
Revises: 0005_read_indexes
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_postgres_read_indexes"
down_revision: str | None = "0005_read_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# 0005's definitions, spelled out: a migration must not change with the code.
CONDITION = "status = status"
INDEXES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "ix_cases_created_status_severity",
        ("created_at", "status", "severity", "business_unit", "category"),
    ),
    ("ix_cases_status_severity", ("status", "severity", "business_unit")),
    ("ix_cases_resolved_at", ("resolved_at", "business_unit", "status")),
)


def _recreate(*, partial: bool) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, columns in INDEXES:
        op.drop_index(name, table_name="cases", if_exists=True)
        op.create_index(
            name,
            "cases",
            list(columns),
            postgresql_where=sa.text(CONDITION) if partial else None,
        )


def upgrade() -> None:
    _recreate(partial=False)


def downgrade() -> None:
    _recreate(partial=True)
