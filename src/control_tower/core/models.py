"""The eight tables of the original Next.js database, column for column.

Names, types, nullability and defaults follow the original seed DDL: every date is TEXT
holding ``toISOString()`` output, booleans are INTEGER 0/1, enum-like columns are plain TEXT
(the original enforced enums only in TypeScript). REAL columns stay REAL on SQLite and become
double precision on PostgreSQL so no digits are lost; TEXT columns use the "C" collation on
PostgreSQL so text compares and sorts by its bytes, as on SQLite.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import REAL, Float, Index, Integer, Text, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

Real = Float(asdecimal=False).with_variant(REAL(), "sqlite")
# SQLite compares and sorts text by its bytes; the "C" collation does the same on PostgreSQL.
Str = Text().with_variant(Text(collation="C"), "postgresql")
# An INTEGER column that stores numbers from request bodies: SQLite keeps a JavaScript number
# that is not a whole 64-bit integer as a REAL there, so PostgreSQL needs double precision.
JsNumber = Integer().with_variant(Float(asdecimal=False), "postgresql")


class Base(DeclarativeBase):
    pass


class UserRole(StrEnum):
    ADMIN = "admin"
    BU_MANAGER = "bu_manager"
    SUPERVISOR = "supervisor"


class Channel(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    LINE = "line"
    WEB = "web"


class CaseStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"


class Sentiment(StrEnum):
    POSITIVE = "positive"
    NEUTRAL = "neutral"
    NEGATIVE = "negative"


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class AlertType(StrEnum):
    SPIKE = "spike"
    THRESHOLD = "threshold"
    URGENCY = "urgency"
    MISCLASSIFICATION = "misclassification"


class AlertStatus(StrEnum):
    ACTIVE = "active"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"
    DISMISSED = "dismissed"


class ShareType(StrEnum):
    SHARE = "share"
    ESCALATION = "escalation"


class ShareStatus(StrEnum):
    PENDING = "pending"
    READ = "read"
    ACTIONED = "actioned"


class UploadStatus(StrEnum):
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"
    PARTIAL = "partial"


class RecomputeStatus(StrEnum):
    PENDING = "pending"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"


class User(Base):
    __tablename__ = "users"

    id: Mapped[str] = mapped_column(Str, primary_key=True)
    name: Mapped[str] = mapped_column(Str, nullable=False)
    email: Mapped[str] = mapped_column(Str, nullable=False)
    role: Mapped[str] = mapped_column(Str, nullable=False)
    business_unit: Mapped[str | None] = mapped_column(Str)
    avatar_url: Mapped[str | None] = mapped_column(Str)
    created_at: Mapped[str] = mapped_column(Str, nullable=False)


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        Index("idx_cases_business_unit", "business_unit"),
        Index("idx_cases_channel", "channel"),
        Index("idx_cases_status", "status"),
        Index("idx_cases_severity", "severity"),
        Index("idx_cases_category", "category"),
        Index("idx_cases_created_at", "created_at"),
        # Added by migration 0005_read_indexes: partial on SQLite, used only by the
        # statements that opt in (core.read_indexes); ordinary on PostgreSQL (0006).
        Index(
            "ix_cases_created_status_severity",
            "created_at",
            "status",
            "severity",
            "business_unit",
            "category",
            sqlite_where=text("status = status"),
        ),
        Index(
            "ix_cases_status_severity",
            "status",
            "severity",
            "business_unit",
            sqlite_where=text("status = status"),
        ),
        Index(
            "ix_cases_resolved_at",
            "resolved_at",
            "business_unit",
            "status",
            sqlite_where=text("status = status"),
        ),
    )

    id: Mapped[str] = mapped_column(Str, primary_key=True)
    case_number: Mapped[str] = mapped_column(Str, nullable=False, unique=True)
    channel: Mapped[str] = mapped_column(Str, nullable=False)
    status: Mapped[str] = mapped_column(Str, nullable=False)
    category: Mapped[str] = mapped_column(Str, nullable=False)
    subcategory: Mapped[str | None] = mapped_column(Str)
    sentiment: Mapped[str] = mapped_column(Str, nullable=False)
    severity: Mapped[str] = mapped_column(Str, nullable=False)
    risk_flag: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("0"))
    needs_review_flag: Mapped[int] = mapped_column(
        Integer, nullable=False, server_default=text("0")
    )
    business_unit: Mapped[str] = mapped_column(Str, nullable=False)
    summary: Mapped[str] = mapped_column(Str, nullable=False)
    customer_name: Mapped[str | None] = mapped_column(Str)
    agent_id: Mapped[str | None] = mapped_column(Str)
    assigned_to: Mapped[str | None] = mapped_column(Str)
    created_at: Mapped[str] = mapped_column(Str, nullable=False)
    updated_at: Mapped[str] = mapped_column(Str, nullable=False)
    resolved_at: Mapped[str | None] = mapped_column(Str)
    upload_id: Mapped[str | None] = mapped_column(Str)


class Alert(Base):
    __tablename__ = "alerts"
    __table_args__ = (
        Index("idx_alerts_status", "status"),
        Index("idx_alerts_severity", "severity"),
        Index("idx_alerts_business_unit", "business_unit"),
    )

    id: Mapped[str] = mapped_column(Str, primary_key=True)
    type: Mapped[str] = mapped_column(Str, nullable=False)
    severity: Mapped[str] = mapped_column(Str, nullable=False)
    title: Mapped[str] = mapped_column(Str, nullable=False)
    description: Mapped[str] = mapped_column(Str, nullable=False)
    business_unit: Mapped[str | None] = mapped_column(Str)
    category: Mapped[str | None] = mapped_column(Str)
    channel: Mapped[str | None] = mapped_column(Str)
    baseline_value: Mapped[float | None] = mapped_column(Real)
    current_value: Mapped[float | None] = mapped_column(Real)
    percentage_change: Mapped[float | None] = mapped_column(Real)
    status: Mapped[str] = mapped_column(Str, nullable=False, server_default=text("'active'"))
    acknowledged_by: Mapped[str | None] = mapped_column(Str)
    acknowledged_at: Mapped[str | None] = mapped_column(Str)
    created_at: Mapped[str] = mapped_column(Str, nullable=False)
    updated_at: Mapped[str] = mapped_column(Str, nullable=False)


class TrendingTopic(Base):
    __tablename__ = "trending_topics"

    id: Mapped[str] = mapped_column(Str, primary_key=True)
    topic: Mapped[str] = mapped_column(Str, nullable=False)
    description: Mapped[str | None] = mapped_column(Str)
    case_count: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("0"))
    baseline_count: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("0"))
    trend: Mapped[str] = mapped_column(Str, nullable=False)
    percentage_change: Mapped[float | None] = mapped_column(Real)
    trend_score: Mapped[float] = mapped_column(Real, nullable=False, server_default=text("0"))
    business_unit: Mapped[str | None] = mapped_column(Str)
    category: Mapped[str | None] = mapped_column(Str)
    sample_case_ids: Mapped[str | None] = mapped_column(Str)
    created_at: Mapped[str] = mapped_column(Str, nullable=False)
    updated_at: Mapped[str] = mapped_column(Str, nullable=False)


class FeedItem(Base):
    __tablename__ = "feed_items"
    __table_args__ = (
        Index("idx_feed_items_type", "type"),
        Index("idx_feed_items_created_at", "created_at"),
    )

    id: Mapped[str] = mapped_column(Str, primary_key=True)
    type: Mapped[str] = mapped_column(Str, nullable=False)
    title: Mapped[str] = mapped_column(Str, nullable=False)
    content: Mapped[str] = mapped_column(Str, nullable=False)
    metadata_: Mapped[str | None] = mapped_column("metadata", Str)
    priority: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("0"))
    reference_id: Mapped[str | None] = mapped_column(Str)
    reference_type: Mapped[str | None] = mapped_column(Str)
    created_at: Mapped[str] = mapped_column(Str, nullable=False)
    expires_at: Mapped[str | None] = mapped_column(Str)


class Share(Base):
    __tablename__ = "shares"
    __table_args__ = (
        Index("idx_shares_recipient", "recipient_id"),
        Index("idx_shares_status", "status"),
    )

    id: Mapped[str] = mapped_column(Str, primary_key=True)
    type: Mapped[str] = mapped_column(Str, nullable=False)
    source_type: Mapped[str] = mapped_column(Str, nullable=False)
    source_id: Mapped[str] = mapped_column(Str, nullable=False)
    sender_id: Mapped[str] = mapped_column(Str, nullable=False)
    recipient_id: Mapped[str] = mapped_column(Str, nullable=False)
    channel: Mapped[str] = mapped_column(Str, nullable=False, server_default=text("'internal'"))
    message: Mapped[str | None] = mapped_column(Str)
    status: Mapped[str] = mapped_column(Str, nullable=False, server_default=text("'pending'"))
    created_at: Mapped[str] = mapped_column(Str, nullable=False)
    read_at: Mapped[str | None] = mapped_column(Str)
    actioned_at: Mapped[str | None] = mapped_column(Str)


class Upload(Base):
    __tablename__ = "uploads"

    id: Mapped[str] = mapped_column(Str, primary_key=True)
    file_name: Mapped[str] = mapped_column(Str, nullable=False)
    file_size: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[str] = mapped_column(Str, nullable=False, server_default=text("'processing'"))
    total_rows: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("0"))
    success_count: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("0"))
    error_count: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("0"))
    errors: Mapped[str | None] = mapped_column(Str)
    uploaded_by: Mapped[str | None] = mapped_column(Str)
    created_at: Mapped[str] = mapped_column(Str, nullable=False)
    completed_at: Mapped[str | None] = mapped_column(Str)
    recompute_status: Mapped[str | None] = mapped_column(Str)
    recompute_started_at: Mapped[str | None] = mapped_column(Str)
    recompute_completed_at: Mapped[str | None] = mapped_column(Str)
    alerts_generated: Mapped[int | None] = mapped_column(Integer, server_default=text("0"))
    trending_updated: Mapped[int | None] = mapped_column(Integer, server_default=text("0"))


class SearchAnalytics(Base):
    __tablename__ = "search_analytics"

    id: Mapped[str] = mapped_column(Str, primary_key=True)
    query: Mapped[str] = mapped_column(Str, nullable=False)
    normalized_query: Mapped[str] = mapped_column(Str, nullable=False)
    result_count: Mapped[int] = mapped_column(JsNumber, nullable=False, server_default=text("0"))
    execution_time_ms: Mapped[int | None] = mapped_column(JsNumber)
    user_id: Mapped[str | None] = mapped_column(Str)
    created_at: Mapped[str] = mapped_column(Str, nullable=False)


ORIGINAL_TABLES = (
    "users",
    "cases",
    "alerts",
    "trending_topics",
    "feed_items",
    "shares",
    "search_analytics",
    "uploads",
)
