"""``core.sqlcompat``'s helpers on their own: no database, so they run in the SQLite pass."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from control_tower.core import sqlcompat
from control_tower.core.rows import table
from control_tower.core.sqlcompat import like, sqlite_walk


class TestHelpers:
    def test_like_folds_ascii_only_and_has_no_escape(self) -> None:
        cases = table("cases")
        sql = str(like("postgresql", cases.c.summary, "%ÄPP\\_%").compile())
        assert "lower(cases.summary COLLATE" in sql
        assert "ESCAPE ''" in sql

    def test_walk_follows_sqlite_plans(self) -> None:
        alerts = table("alerts")
        by_status = select(alerts).order_by(alerts.c.status.desc())
        assert sqlite_walk(by_status, alerts).backwards
        pinned = select(alerts).where(alerts.c.status == "active").order_by(alerts.c.status.desc())
        assert not sqlite_walk(pinned, alerts).backwards
        unindexed = select(alerts).where(alerts.c.type == "spike").order_by(alerts.c.type.desc())
        assert not sqlite_walk(unindexed, alerts).backwards
        scoped = select(alerts).where(
            (alerts.c.business_unit == "x") | alerts.c.business_unit.is_(None)
        )
        assert sqlite_walk(scoped, alerts).or_terms

    def test_walks_are_remembered_per_shape_not_per_value(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        cases = table("cases")
        compiled: list[str] = []
        real = sqlcompat._sqlite_sql

        def counting(statement: Any) -> Any:
            found = real(statement)
            compiled.append(found[0])
            return found

        monkeypatch.setattr(sqlcompat, "_sqlite_sql", counting)
        monkeypatch.setattr(sqlcompat, "_WALKS_BY_SHAPE", {})

        def by_channel(*channels: str) -> Any:
            return select(cases).where(cases.c.channel.in_(channels)).order_by(cases.c.created_at)

        first = sqlite_walk(by_channel("line"), cases)
        assert sqlite_walk(by_channel("web"), cases) == first
        assert len(compiled) == 1
        # Another IN-list length renders other SQL: planned again (to the same walk here).
        assert sqlite_walk(by_channel("web", "line"), cases) == first
        assert len(compiled) == 2
        # Another structure is another walk.
        by_status = select(cases).where(cases.c.status == "open").order_by(cases.c.created_at)
        assert sqlite_walk(by_status, cases) != first
        assert len(compiled) == 3
