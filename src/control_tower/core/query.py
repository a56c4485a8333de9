"""Query-string rules shared by every route.

* A parameter's value is its *first* occurrence (``URLSearchParams.get``), and an empty
  value counts as absent.
* ``page``/``limit`` follow ``parseInt`` and the original's pagination arithmetic: a
  negative or non-numeric limit means "no limit", ``NaN`` echoes as ``null``, and
  ``totalPages`` is ``Math.ceil(total / limit)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request

from control_tower.core.errors import BadRequest
from control_tower.core.js import parse_int

_SAFE_INTEGER = 2**53
_SQL_INTEGER_MAX = 2**62


def first(request: Request, name: str) -> str | None:
    """The first value of ``name``; ``None`` when absent or empty."""
    values = request.query_params.getlist(name)
    if not values or values[0] == "":
        return None
    return values[0]


def first_or(request: Request, name: str, default: str) -> str:
    """The first non-empty value of ``name``, else ``default``."""
    value = first(request, name)
    return default if value is None else value


def js_int(text: str) -> int | float | None:
    """``parseInt(text, 10)`` with JavaScript's number precision (``None`` is NaN)."""
    value = parse_int(text)
    if value is not None and abs(value) > _SAFE_INTEGER:
        try:
            return float(value)
        except OverflowError:  # past the largest double: Infinity
            return math.inf if value > 0 else -math.inf
    return value


def int_param(request: Request, name: str, default: int) -> int | float | None:
    """``parseInt(searchParams.get(name) || default)``."""
    value = first(request, name)
    return js_int(str(default) if value is None else value)


@dataclass(frozen=True, slots=True)
class Pagination:
    """Parsed ``page``/``limit`` and the LIMIT/OFFSET the original would have issued."""

    page: int | float | None
    limit: int | float | None

    @classmethod
    def from_request(cls, request: Request, *, default_limit: int = 20) -> Pagination:
        return cls(int_param(request, "page", 1), int_param(request, "limit", default_limit))

    @property
    def sql_limit(self) -> int | None:
        """LIMIT value, or ``None`` for no LIMIT clause (negative or NaN limit)."""
        if self.limit is None or self.limit < 0:
            return None
        return int(min(self.limit, _SQL_INTEGER_MAX))

    @property
    def raw_offset(self) -> float | None:
        if self.page is None or self.limit is None:
            return None
        return float(self.page - 1) * float(self.limit)

    @property
    def sql_offset(self) -> int:
        """OFFSET value; SQLite treats a negative offset as zero, and so do we."""
        offset = self.raw_offset
        if offset is None or offset <= 0 or math.isnan(offset):
            return 0
        return int(min(offset, _SQL_INTEGER_MAX))

    def check(self) -> None:
        """Reject the one combination the original crashed on (OFFSET without LIMIT)."""
        offset = self.raw_offset
        if self.sql_limit is None and offset is not None and offset != 0:
            raise BadRequest(
                f"Invalid pagination: limit={_fmt(self.limit)} returns every row, so only "
                f"page 1 exists (got page={_fmt(self.page)}). Use a positive limit to page.",
                details={"page": self.page, "limit": self.limit},
            )

    def slice_bounds(self) -> tuple[int, int | None]:
        """``(offset, limit)`` for paging a Python list the way the SQL would."""
        return self.sql_offset, self.sql_limit

    def meta(self, total: int) -> dict[str, Any]:
        """The ``pagination`` object: page, limit, total, totalPages."""
        return {
            "page": self.page,
            "limit": self.limit,
            "total": total,
            "totalPages": total_pages(total, self.limit),
        }


def total_pages(total: int, limit: int | float | None) -> int | float | None:
    """``Math.ceil(total / limit)``; ``null`` where JavaScript gets NaN or Infinity."""
    if limit is None:
        return None
    if limit == 0:
        return None
    return math.ceil(total / limit)


def _fmt(value: int | float | None) -> str:
    if value is None:
        return "NaN"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
