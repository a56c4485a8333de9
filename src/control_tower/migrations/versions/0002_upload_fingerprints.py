"""Upload fingerprints: the SHA-256 of each file whose upload imported cases.

Lets ``POST /api/upload`` recognise the same file sent twice. A new table only; the
original ``uploads`` table is unchanged.

Revision ID: 0002_upload_fingerprints
Revises: 0001_baseline
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_upload_fingerprints"
down_revision: str | None = "0001_baseline"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "upload_fingerprints",
        sa.Column("upload_id", sa.Text(), nullable=False),
        sa.Column("sha256", sa.Text(), nullable=False),
        sa.Column("file_size", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("upload_id"),
    )
    op.create_index("ix_upload_fingerprints_sha256", "upload_fingerprints", ["sha256"])


def downgrade() -> None:
    op.drop_index("ix_upload_fingerprints_sha256", table_name="upload_fingerprints")
    op.drop_table("upload_fingerprints")
