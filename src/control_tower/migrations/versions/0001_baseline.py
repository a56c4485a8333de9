"""Baseline: the eight tables and thirteen indexes of the original Next.js database.

On SQLite the statements are the original seed's DDL, byte for byte, so a migrated empty
database and one made by the original are indistinguishable. Other databases get the same
schema from the models. An existing original database is adopted (stamped at this revision)
by ``control-tower migrate`` instead of being created again.

Revision ID: 0001_baseline
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from control_tower.core.models import Base

revision: str = "0001_baseline"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ORIGINAL_SQLITE_DDL: tuple[str, ...] = (
    """CREATE TABLE users (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      email TEXT NOT NULL,
      role TEXT NOT NULL,
      business_unit TEXT,
      avatar_url TEXT,
      created_at TEXT NOT NULL
    )""",
    """CREATE TABLE cases (
      id TEXT PRIMARY KEY,
      case_number TEXT NOT NULL UNIQUE,
      channel TEXT NOT NULL,
      status TEXT NOT NULL,
      category TEXT NOT NULL,
      subcategory TEXT,
      sentiment TEXT NOT NULL,
      severity TEXT NOT NULL,
      risk_flag INTEGER NOT NULL DEFAULT 0,
      needs_review_flag INTEGER NOT NULL DEFAULT 0,
      business_unit TEXT NOT NULL,
      summary TEXT NOT NULL,
      customer_name TEXT,
      agent_id TEXT,
      assigned_to TEXT,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      resolved_at TEXT,
      upload_id TEXT
    )""",
    """CREATE TABLE alerts (
      id TEXT PRIMARY KEY,
      type TEXT NOT NULL,
      severity TEXT NOT NULL,
      title TEXT NOT NULL,
      description TEXT NOT NULL,
      business_unit TEXT,
      category TEXT,
      channel TEXT,
      baseline_value REAL,
      current_value REAL,
      percentage_change REAL,
      status TEXT NOT NULL DEFAULT 'active',
      acknowledged_by TEXT,
      acknowledged_at TEXT,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    )""",
    """CREATE TABLE trending_topics (
      id TEXT PRIMARY KEY,
      topic TEXT NOT NULL,
      description TEXT,
      case_count INTEGER NOT NULL DEFAULT 0,
      baseline_count INTEGER NOT NULL DEFAULT 0,
      trend TEXT NOT NULL,
      percentage_change REAL,
      trend_score REAL NOT NULL DEFAULT 0,
      business_unit TEXT,
      category TEXT,
      sample_case_ids TEXT,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    )""",
    """CREATE TABLE feed_items (
      id TEXT PRIMARY KEY,
      type TEXT NOT NULL,
      title TEXT NOT NULL,
      content TEXT NOT NULL,
      metadata TEXT,
      priority INTEGER NOT NULL DEFAULT 0,
      reference_id TEXT,
      reference_type TEXT,
      created_at TEXT NOT NULL,
      expires_at TEXT
    )""",
    """CREATE TABLE shares (
      id TEXT PRIMARY KEY,
      type TEXT NOT NULL,
      source_type TEXT NOT NULL,
      source_id TEXT NOT NULL,
      sender_id TEXT NOT NULL,
      recipient_id TEXT NOT NULL,
      channel TEXT NOT NULL DEFAULT 'internal',
      message TEXT,
      status TEXT NOT NULL DEFAULT 'pending',
      created_at TEXT NOT NULL,
      read_at TEXT,
      actioned_at TEXT
    )""",
    """CREATE TABLE uploads (
      id TEXT PRIMARY KEY,
      file_name TEXT NOT NULL,
      file_size INTEGER NOT NULL,
      status TEXT NOT NULL DEFAULT 'processing',
      total_rows INTEGER NOT NULL DEFAULT 0,
      success_count INTEGER NOT NULL DEFAULT 0,
      error_count INTEGER NOT NULL DEFAULT 0,
      errors TEXT,
      uploaded_by TEXT,
      created_at TEXT NOT NULL,
      completed_at TEXT,
      recompute_status TEXT,
      recompute_started_at TEXT,
      recompute_completed_at TEXT,
      alerts_generated INTEGER DEFAULT 0,
      trending_updated INTEGER DEFAULT 0
    )""",
    """CREATE TABLE search_analytics (
      id TEXT PRIMARY KEY,
      query TEXT NOT NULL,
      normalized_query TEXT NOT NULL,
      result_count INTEGER NOT NULL DEFAULT 0,
      execution_time_ms INTEGER,
      user_id TEXT,
      created_at TEXT NOT NULL
    )""",
    "CREATE INDEX idx_cases_business_unit ON cases(business_unit)",
    "CREATE INDEX idx_cases_channel ON cases(channel)",
    "CREATE INDEX idx_cases_status ON cases(status)",
    "CREATE INDEX idx_cases_severity ON cases(severity)",
    "CREATE INDEX idx_cases_category ON cases(category)",
    "CREATE INDEX idx_cases_created_at ON cases(created_at)",
    "CREATE INDEX idx_alerts_status ON alerts(status)",
    "CREATE INDEX idx_alerts_severity ON alerts(severity)",
    "CREATE INDEX idx_alerts_business_unit ON alerts(business_unit)",
    "CREATE INDEX idx_feed_items_type ON feed_items(type)",
    "CREATE INDEX idx_feed_items_created_at ON feed_items(created_at)",
    "CREATE INDEX idx_shares_recipient ON shares(recipient_id)",
    "CREATE INDEX idx_shares_status ON shares(status)",
)

BASELINE_TABLES = (
    "users",
    "cases",
    "alerts",
    "trending_topics",
    "feed_items",
    "shares",
    "uploads",
    "search_analytics",
)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for statement in ORIGINAL_SQLITE_DDL:
            op.execute(statement)
        return
    tables = [Base.metadata.tables[name] for name in BASELINE_TABLES]
    Base.metadata.create_all(bind, tables=tables)


def downgrade() -> None:
    for name in reversed(BASELINE_TABLES):
        op.drop_table(name)
