"""Search SQL: walks through the date-range index keep the original's walk order."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from control_tower.search import repository
from control_tower.search.repository import CASES, ROWID, original_statement
from tests.search.conftest import ReadOnlyReference

WEEK = ("2026-01-08T10:05:00.000Z", "2026-01-15T10:05:00.000Z")


def _dates() -> list[ColumnElement[bool]]:
    return [CASES.c.created_at >= WEEK[0], CASES.c.created_at <= WEEK[1]]


CONDITIONS: dict[str, Any] = {
    "units and severities": lambda: [
        CASES.c.business_unit.in_(["KFC Delivery", "KFC Restaurants", "KFC Loyalty"]),
        CASES.c.severity.in_(["high", "critical"]),
        *_dates(),
    ],
    "one severity": lambda: [CASES.c.severity.in_(["critical"]), *_dates()],
    "category": lambda: [CASES.c.category.in_(["Food Safety", "Delivery Issues"]), *_dates()],
}


async def _original_walk(session: AsyncSession, conditions: Any) -> list[int]:
    # Every column, as the original read them: no index covers that, so SQLite walks as
    # it did for the original.
    statement = original_statement(conditions).add_columns(ROWID.label("key"))
    return [row.key for row in (await session.execute(statement)).all()]


@pytest.mark.sqlite_only("the date-range index walk and EXPLAIN QUERY PLAN are SQLite's")
class TestOrderedRowids:
    @pytest.mark.parametrize("name", sorted(CONDITIONS))
    def test_range_index_walk_returns_the_original_walk(
        self, reference: ReadOnlyReference, name: str
    ) -> None:
        conditions = CONDITIONS[name]()

        async def both(session: AsyncSession) -> tuple[list[int], list[int]]:
            reference_plan = await repository._scan_of(session, original_statement(conditions))
            walk = repository._walk_order(reference_plan)
            assert walk is not None
            ranged = await repository._range_index_walk(session, conditions, walk)
            assert ranged is not None
            sql, parameters = repository._compiled(
                session, ranged, indexed_by=repository._RANGE_INDEX
            )
            connection = await session.connection()
            plan = await connection.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, parameters)
            details = " | ".join(str(row[-1]) for row in plan.all())
            assert f"COVERING INDEX {repository._RANGE_INDEX}" in details
            walked = await repository.ordered_rowids(session, conditions)
            assert walked is not None
            return [row[0] for row in walked], await _original_walk(session, conditions)

        walked, original = reference.run(both)
        assert walked
        assert walked == original
