"""Paging (``Array.prototype.slice``) and stable sorting as the original did them."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from control_tower.search.ranking import Ordering, Paging
from tests.search.js_oracle import JsOracle


class TestPagingBounds:
    @pytest.mark.parametrize(
        ("page", "limit", "total", "bounds"),
        [
            (1, 20, 303, (0, 20)),
            (2, 5, 303, (5, 10)),
            (16, 20, 303, (300, 303)),
            (99, 20, 303, (303, 303)),
            (0, 20, 303, (283, 283)),  # slice(-20, 0)
            (-1, 20, 303, (263, 283)),  # slice(-40, -20)
            (1, 0, 303, (0, 0)),
            (1, None, 303, (0, 0)),  # NaN limit
            (None, 20, 303, (0, 0)),  # NaN page
            (1, -5, 303, (0, 298)),  # slice(0, -5)
            (1, 20, 0, (0, 0)),
        ],
    )
    def test_slice_semantics(
        self, page: int | None, limit: int | None, total: int, bounds: tuple[int, int]
    ) -> None:
        assert Paging(page, limit).bounds(total) == bounds

    def test_huge_numbers_stay_finite(self) -> None:
        assert Paging(2**60, 2**60).bounds(10) == (10, 10)
        assert Paging(-(2**60), 2**60).bounds(10) == (0, 0)

    @given(
        page=st.one_of(st.none(), st.integers(-50, 50), st.floats(allow_nan=False)),
        limit=st.one_of(st.none(), st.integers(-50, 50), st.floats(allow_nan=False)),
        total=st.integers(0, 60),
    )
    def test_matches_javascript_slice(
        self, js: JsOracle, page: float | None, limit: float | None, total: int
    ) -> None:
        start, end = Paging(page, limit).bounds(total)
        p = math.nan if page is None else float(page)
        n = math.nan if limit is None else float(limit)
        offset = (p - 1) * n
        expected = js.ask("slice", n=total, start=_js_number(offset), end=_js_number(offset + n))
        assert list(range(start, end)) == expected


def _js_number(value: float) -> str | None:
    if math.isnan(value):
        return None
    return repr(value).replace("inf", "Infinity")


class TestOrdering:
    def test_relevance_descending_is_stable(self) -> None:
        items = [("a", 40), ("b", 60), ("c", 40), ("d", 60)]
        assert Ordering("relevance", "desc").arrange(items) == ["b", "d", "a", "c"]

    def test_anything_but_desc_is_ascending(self) -> None:
        items = [("a", 40), ("b", 60), ("c", 40)]
        assert Ordering("relevance", "DESC").arrange(items) == ["a", "c", "b"]

    def test_unknown_sort_keeps_the_order(self) -> None:
        assert Ordering("bogus", "asc").arrange([("b", 2), ("a", 1)]) == ["b", "a"]

    def test_severity_ranks_unknown_values_lowest(self) -> None:
        items = [("a", "low"), ("b", "odd"), ("c", "critical"), ("d", "high")]
        assert Ordering("severity", "desc").arrange(items) == ["c", "d", "a", "b"]

    def test_dates_compare_as_instants(self) -> None:
        items = [
            ("plain", "2026-01-15T10:00:00.000Z"),
            ("offset", "2026-01-15T11:00:00+02:00"),  # 09:00Z
            ("expanded", "+010000-01-01T00:00:00.000Z"),
        ]
        assert Ordering("date", "asc").arrange(items) == ["offset", "plain", "expanded"]

    def test_canonical_dates_sort_as_text(self) -> None:
        items = [("a", "2026-01-14T10:00:00.000Z"), ("b", "2026-01-15T10:00:00.000Z")]
        assert Ordering("date", "desc").arrange(items) == ["b", "a"]

    @given(
        values=st.lists(st.one_of(st.integers(-3, 3), st.just(math.nan)), max_size=40),
        descending=st.booleans(),
    )
    def test_matches_a_javascript_comparator_sort(
        self, js: JsOracle, values: list[float], descending: bool
    ) -> None:
        """Including NaN (an invalid date), which makes the comparator inconsistent."""
        items = [(index, value) for index, value in enumerate(values)]
        ordering = Ordering("relevance", "desc" if descending else "asc")
        expected = js.ask(
            "sort", items=[None if math.isnan(v) else v for v in values], desc=descending
        )
        assert ordering.arrange(items) == expected
