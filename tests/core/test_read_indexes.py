"""Which statements opt in to the read indexes."""

from __future__ import annotations

from control_tower.core import read_indexes
from control_tower.core.rows import table

CASES = table("cases")


class TestCovers:
    def test_status_severity_and_unit_are_covered(self) -> None:
        conditions = [
            CASES.c.business_unit == "KFC Delivery",
            CASES.c.severity == "high",
            CASES.c.status == "open",
        ]
        assert read_indexes.covers(conditions)

    def test_dates_with_a_category_are_covered(self) -> None:
        conditions = [CASES.c.category == "Food Safety", CASES.c.created_at >= "2026-01-08"]
        assert read_indexes.covers(conditions)

    def test_a_unit_alone_keeps_its_covering_seek(self) -> None:
        assert not read_indexes.covers([CASES.c.business_unit == "KFC Delivery"])

    def test_columns_outside_the_indexes_are_not_covered(self) -> None:
        assert not read_indexes.covers([CASES.c.status == "open", CASES.c.channel == "line"])
        assert not read_indexes.covers([CASES.c.summary.like("%app%")])

    def test_no_condition_is_not_covered(self) -> None:
        assert not read_indexes.covers([])
