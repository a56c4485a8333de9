"""The in-memory text index: hit masks, rowid order, and keeping up with the database."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import delete, func, insert, literal_column, select, update

from control_tower.core.db import Database
from control_tower.core.rows import table
from control_tower.search import text_index
from control_tower.search.scoring import keyword_mask
from control_tower.search.text_index import (
    CaseTextIndex,
    current_index,
    search_index_lifespan,
    warm_index,
)
from tests.support.server import make_settings

CASES = table("cases")
ROWID = literal_column("rowid")

_texts = st.text(alphabet=st.sampled_from("abcAB İıΣσς\u212ak-"), max_size=12)
_rows = st.lists(st.tuples(_texts, _texts, st.one_of(st.none(), _texts)), max_size=30)
_keywords = st.lists(
    st.text(alphabet=st.sampled_from("abcı σςk-"), min_size=1, max_size=3), max_size=3
)


CREATED = "2026-01-15T10:05:00.000Z"


def build(rows: list[tuple[str, str, str | None]], *, start: int = 1) -> CaseTextIndex:
    index = CaseTextIndex()
    index.extend(
        [[(start + i, s, c, u, CREATED) for i, (s, c, u) in enumerate(rows)]],
        upto=start + len(rows) - 1,
    )
    return index


class TestCaseTextIndex:
    @given(rows=_rows, keywords=_keywords)
    def test_masks_equal_the_per_case_test(
        self, rows: list[tuple[str, str, str | None]], keywords: list[str]
    ) -> None:
        index = build(rows)
        expected = {
            rowid: found
            for rowid, (summary, category, subcategory) in enumerate(rows, start=1)
            if (found := keyword_mask(keywords, summary, category, subcategory))
        }
        masks = index.masks(keywords)
        actual = {
            rowid: masks[combo]
            for rowid in index.rowids
            if (combo := index.combo_of(rowid)) is not None and combo in masks
        }
        assert actual == expected

    @given(rows=_rows, keywords=_keywords)
    def test_the_joined_search_finds_what_the_plain_one_does(
        self, rows: list[tuple[str, str, str | None]], keywords: list[str]
    ) -> None:
        plain = build(rows).masks(keywords)
        with pytest.MonkeyPatch.context() as patched:
            patched.setattr(text_index, "_JOINED_SEARCH_FROM", 0)
            joined = build(rows).masks(keywords)
        assert joined == plain

    def test_rows_of_combinations_come_in_rowid_order(self) -> None:
        index = build([("a", "x", None), ("b", "x", None), ("a", "x", None)], start=10)
        masks = index.masks(["a"])
        assert index.rowids_of(masks) == [10, 12]
        assert index.count_of(masks) == 2
        assert index.rowid_values({combo: 7 for combo in masks}) == {10: 7, 12: 7}

    def test_unknown_rowids_have_no_combination(self) -> None:
        index = build([("a", "x", None)], start=5)
        assert index.combo_of(5) is not None
        assert index.combo_of(4) is None
        assert index.combo_of(6) is None

    def test_extending_appends_after_existing_rows(self) -> None:
        index = build([("cold chicken", "Food", None)])
        index.extend([[(7, "chicken wings", "Food", "Hot", CREATED)]], upto=9)
        assert index.loaded_upto == 9
        assert index.rowids_of(index.masks(["chicken"])) == [1, 7]
        assert index.rowids_of(index.masks(["hot"])) == [7]

    def test_dates_that_do_not_sort_as_text_are_noted(self) -> None:
        index = CaseTextIndex()
        dates = [CREATED, "2026-01-15 10:05:00", CREATED, "+012026-01-15T10:05:00.000Z", ""]
        index.extend([[(i, "s", "c", None, d) for i, d in enumerate(dates, start=1)]], upto=5)
        assert index.odd_dates == [2, 4, 5]

    def test_a_hit_must_lie_inside_one_summary(self) -> None:
        index = build([("ab", "x", None), ("cd", "x", None)] * 3000)
        assert index.masks(["b\x00c"]) == {}
        assert index.masks(["bc"]) == {}


async def _count(database: Database) -> int:
    async with database.session() as session:
        return int((await session.execute(select(func.count()).select_from(CASES))).scalar_one())


class TestCurrentIndex:
    async def test_loads_every_case_once(self, reference_db: Path) -> None:
        database = Database(make_settings(reference_db))
        try:
            async with database.session() as session:
                index = await current_index(session)
                again = await current_index(session)
            assert again is index
            assert len(index) == await _count(database)
        finally:
            await database.dispose()

    async def test_new_cases_are_picked_up(self, reference_db: Path) -> None:
        database = Database(make_settings(reference_db))
        try:
            async with database.session() as session:
                index = await current_index(session)
                before = len(index)
                row = (await session.execute(select(CASES).limit(1))).mappings().one()
                await session.execute(
                    insert(CASES).values(
                        {**row, "id": "case-new", "case_number": "CC-NEW", "summary": "zebra"}
                    )
                )
                refreshed = await current_index(session)
            assert refreshed is index
            assert len(refreshed) == before + 1
            assert len(refreshed.rowids_of(refreshed.masks(["zebra"]))) == 1
        finally:
            await database.dispose()

    async def test_a_shrunk_table_rebuilds_the_index(self, reference_db: Path) -> None:
        database = Database(make_settings(reference_db))
        try:
            async with database.session() as session:
                index = await current_index(session)
                last = index.rowids[-1]
                await session.execute(delete(CASES).where(last == ROWID))
                rebuilt = await current_index(session)
            assert rebuilt is not index
            assert rebuilt.rowids[-1] < last
        finally:
            await database.dispose()

    async def test_an_explicit_rebuild_rereads_changed_text(self, reference_db: Path) -> None:
        database = Database(make_settings(reference_db))
        try:
            async with database.session() as session:
                index = await current_index(session)
                await session.execute(
                    update(CASES).where(CASES.c.id == "case-1").values(summary="zebra")
                )
                assert index.masks(["zebra"]) == {}
                rebuilt = await current_index(session, rebuild=True)
            assert len(rebuilt.rowids_of(rebuilt.masks(["zebra"]))) == 1
        finally:
            await database.dispose()

    @pytest.mark.sqlite_only("copies a database file")
    async def test_each_database_has_its_own_index(
        self, reference_db: Path, tmp_path: Path
    ) -> None:
        other_path = tmp_path / "other.db"
        other_path.write_bytes(Path(reference_db).read_bytes())
        first, second = Database(make_settings(reference_db)), Database(make_settings(other_path))
        try:
            async with first.session() as a, second.session() as b:
                assert await current_index(a) is not await current_index(b)
        finally:
            await first.dispose()
            await second.dispose()


class TestWarmUp:
    async def test_warming_builds_the_index_searches_then_reuse(self, app: FastAPI) -> None:
        warmed = await warm_index(app)
        assert warmed is not None
        assert len(warmed) == await _count(app.state.db)
        async with app.state.db.session() as session:
            assert await current_index(session) is warmed

    async def test_the_lifespan_hook_warms_in_the_background(self, app: FastAPI) -> None:
        async with search_index_lifespan(app):
            warmed = await app.state.search_index_warming
        assert warmed is not None and len(warmed) > 0
