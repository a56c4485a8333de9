"""Tables the uploads feature adds beside the original schema."""

from __future__ import annotations

from sqlalchemy import Index, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from control_tower.core.models import Base


class UploadFingerprint(Base):
    """The SHA-256 of a file whose upload imported cases, to catch the same file sent twice.

    One row per importing upload (a file imported again on purpose gets a second row). No
    foreign key: ``uploads`` keeps the original's schema, and lookups join on it.
    """

    __tablename__ = "upload_fingerprints"
    __table_args__ = (Index("ix_upload_fingerprints_sha256", "sha256"),)

    upload_id: Mapped[str] = mapped_column(Text, primary_key=True)
    sha256: Mapped[str] = mapped_column(Text, nullable=False)
    file_size: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[str] = mapped_column(Text, nullable=False)
