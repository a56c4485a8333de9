"""Ordering and paging of search results, with the original's JavaScript semantics.

The original sorted with ``Array.prototype.sort`` and a comparator (stable; ``desc`` negates
the comparison) and paged with ``results.slice(offset, offset + limit)``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Final, TypeVar

from control_tower.core.clock import parse_js_date
from control_tower.search.scoring import severity_rank

SORT_KEYS: Final = ("relevance", "date", "severity")
# ``toISOString()`` output with a four-digit year: these compare as strings as they do as
# instants, so sorting needs no parsing.
_CANONICAL_ISO: Final = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z"
)
CANONICAL_ISO_GLOB: Final = (
    "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z"
)

K = TypeVar("K", bound=Hashable)


def is_canonical_iso(value: Any) -> bool:
    """Whether ``value`` is ``toISOString()`` text (its string order is its instant order)."""
    return isinstance(value, str) and _CANONICAL_ISO.fullmatch(value) is not None


@dataclass(frozen=True, slots=True)
class Paging:
    """``page``/``limit`` as the original's numbers (``None`` is NaN)."""

    page: int | float | None
    limit: int | float | None

    def bounds(self, total: int) -> tuple[int, int]:
        """``results.slice(offset, offset + limit)`` as ``[start, end)`` over ``total`` rows."""
        page = math.nan if self.page is None else float(self.page)
        limit = math.nan if self.limit is None else float(self.limit)
        offset = (page - 1) * limit
        start = _slice_index(offset, total)
        end = _slice_index(offset + limit, total)
        return start, max(start, end)


def _slice_index(value: float, length: int) -> int:
    """How ``Array.prototype.slice`` resolves one index."""
    if math.isnan(value):
        return 0
    if math.isinf(value):
        return length if value > 0 else 0
    integer = math.trunc(value)
    if integer < 0:
        return max(length + integer, 0)
    return min(integer, length)


@dataclass(frozen=True, slots=True)
class Ordering:
    """``sortBy``/``sortOrder`` as the original read them."""

    sort_by: str = "relevance"
    sort_order: str = "desc"

    @property
    def sorts(self) -> bool:
        """Any ``sortBy`` other than the three keeps the rows in scan order."""
        return self.sort_by in SORT_KEYS

    @property
    def descending(self) -> bool:
        """Only the exact string ``desc`` sorts descending."""
        return self.sort_order == "desc"

    @property
    def column(self) -> str | None:
        """The case column the sort reads (``None`` for relevance and no sort)."""
        return {"date": "created_at", "severity": "severity"}.get(self.sort_by)

    def arrange(self, items: Sequence[tuple[K, Any]]) -> list[K]:
        """Keys of ``(key, value)`` pairs (scan order) in the original's sorted order.

        ``value`` is the relevance score, the ``createdAt`` string or the severity,
        depending on ``sort_by``.
        """
        if not self.sorts:
            return [key for key, _ in items]
        if self.sort_by == "date" and all(is_canonical_iso(value) for _, value in items):
            ordered = sorted(items, key=lambda item: item[1], reverse=self.descending)
            return [key for key, _ in ordered]
        numbers = [(key, self._number(value)) for key, value in items]
        # Ascending keys (negated for desc) make Python's stable sort run exactly the
        # original comparator's ``< 0`` tests, NaN (invalid dates) included.
        if self.descending:
            return [key for key, _ in sorted(numbers, key=lambda item: -item[1])]
        return [key for key, _ in sorted(numbers, key=lambda item: item[1])]

    def _number(self, value: Any) -> float:
        if self.sort_by == "date":
            ms = parse_js_date(value) if isinstance(value, str) else None
            return math.nan if ms is None else float(ms)
        if self.sort_by == "severity":
            return float(severity_rank(value))
        return float(value)
