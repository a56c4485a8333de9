"""Import every module that declares tables, so ``Base.metadata`` knows all of them."""

from __future__ import annotations

from sqlalchemy import MetaData

from control_tower.core.models import Base


def all_tables_metadata() -> MetaData:
    """``Base.metadata`` with the tables of every feature registered."""
    import control_tower.auth.models
    import control_tower.uploads.models  # noqa: F401

    return Base.metadata
