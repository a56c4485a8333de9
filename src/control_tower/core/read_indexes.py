"""Opt-in read indexes (migration ``0005_read_indexes``).

Where a query leaves rows that tie on its ORDER BY (or has none), the original's answer
follows the index SQLite walks, and that order is part of the wire contract. A new index
on an already indexed column could make SQLite walk differently. So the read indexes are
partial indexes whose condition, ``status = status``, holds for every case (``status`` is
NOT NULL) but appears in no query except the ones written for them: SQLite uses a partial
index only when the query's WHERE contains its condition, so every other statement keeps
the original's plan.
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import ColumnElement, Table, text
from sqlalchemy.sql.elements import TextClause

CONDITION_SQL: Final = "status = status"


def condition() -> TextClause:
    """The partial-index condition, for the index definitions."""
    return text(CONDITION_SQL)


def opt_in(cases: Table) -> ColumnElement[bool]:
    """The WHERE term that lets a statement on ``cases`` use the read indexes."""
    return cases.c.status == cases.c.status
