"""Opt-in read indexes (migration ``0005_read_indexes``).

Where a query leaves rows that tie on its ORDER BY (or has none), the original's answer
follows the index SQLite walks, and that order is part of the wire contract. A new index
on an already indexed column could make SQLite walk differently. So the read indexes are
partial indexes whose condition, ``status = status``, holds for every case (``status`` is
NOT NULL) but appears in no query except the ones written for them: SQLite uses a partial
index only when the query's WHERE contains its condition, so every other statement keeps
the original's plan.

On PostgreSQL the same indexes are ordinary ones (migration 0006): its row order never
depends on its plans, and it could not use the partial ones (see that migration). The
opt-in term costs nothing there.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from sqlalchemy import ColumnElement, Table, text
from sqlalchemy.sql import visitors
from sqlalchemy.sql.elements import ColumnClause, TextClause

CONDITION_SQL: Final = "status = status"
# The columns of the widest read index: conditions on these alone can be answered from a
# read index without visiting rows (elsewhere, opting in could trade a seek for a scan).
COVERED_COLUMNS: Final = frozenset(
    {"created_at", "status", "severity", "business_unit", "category"}
)


def condition() -> TextClause:
    """The partial-index condition, for the index definitions."""
    return text(CONDITION_SQL)


def opt_in(cases: Table) -> ColumnElement[bool]:
    """The WHERE term that lets a statement on ``cases`` use the read indexes."""
    return cases.c.status == cases.c.status


def covers(conditions: Sequence[ColumnElement[bool]]) -> bool:
    """Whether a read index answers ``conditions`` at least as well as the original's.

    Only columns a read index holds, and a status or date condition among them (a read
    index leads with either); on a business unit alone, the opt-in term would turn the
    original's covering seek into one that visits rows to read ``status``.
    """
    columns = {
        element.name
        for condition in conditions
        for element in visitors.iterate(condition)
        if isinstance(element, ColumnClause) and element.table is not None
    }
    return columns <= COVERED_COLUMNS and bool(columns & {"status", "created_at"})
