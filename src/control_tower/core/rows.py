"""Database rows to wire objects: camelCase keys in column order, 0/1 flags as booleans.

This is what drizzle did for the original: every full-row response lists the table's
columns in schema order, renamed to camelCase, and a boolean column is ``true`` exactly when
the stored value equals 1.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Table

from control_tower.core.models import Base

BOOLEAN_COLUMNS: dict[str, frozenset[str]] = {
    "cases": frozenset({"risk_flag", "needs_review_flag"}),
    "uploads": frozenset({"trending_updated"}),
}


def camel(name: str) -> str:
    """``business_unit`` -> ``businessUnit``."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


class RowShape:
    """How one table's rows (or a chosen subset of its columns) become JSON objects."""

    def __init__(self, table: Table, columns: Sequence[str] | None = None) -> None:
        self.table = table
        names = list(columns) if columns is not None else [c.name for c in table.columns]
        self.columns = [table.c[name] for name in names]
        self.keys = [camel(name) for name in names]
        booleans = BOOLEAN_COLUMNS.get(table.name, frozenset())
        self._bool_positions = [i for i, name in enumerate(names) if name in booleans]

    def to_json(self, row: Sequence[Any]) -> dict[str, Any]:
        """One row (values in ``self.columns`` order) as a wire object."""
        if self._bool_positions:
            values = list(row)
            for position in self._bool_positions:
                values[position] = values[position] == 1
            return dict(zip(self.keys, values, strict=True))
        return dict(zip(self.keys, row, strict=True))

    def many(self, rows: Iterable[Sequence[Any]]) -> list[dict[str, Any]]:
        return [self.to_json(row) for row in rows]


def table(name: str) -> Table:
    return Base.metadata.tables[name]


CASE = RowShape(table("cases"))
ALERT = RowShape(table("alerts"))
FEED_ITEM = RowShape(table("feed_items"))
SHARE = RowShape(table("shares"))
UPLOAD = RowShape(table("uploads"))
USER = RowShape(table("users"))
TRENDING_TOPIC = RowShape(table("trending_topics"))
SEARCH_ANALYTICS = RowShape(table("search_analytics"))
