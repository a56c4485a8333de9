"""How the original's SQLite driver stored JSON request values in TEXT columns.

better-sqlite3 binds a JavaScript number as a REAL; a TEXT column then holds SQLite's text
for that REAL (``123`` is stored as ``"123.0"``). Booleans, objects and arrays cannot be bound
at all, which made the original's request fail. A string is bound as V8's UTF-8 of it, where
a lone UTF-16 surrogate (valid in JSON: ``"\ud800"``) becomes U+FFFD; Python's drivers
refuse to encode one, so every bound string is made well-formed the same way first.
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

_FIFTEEN_DIGITS = Decimal("1.00000000000000")


class Unbindable(Exception):
    """A value the original could not bind as an SQL parameter (boolean, object, array)."""


def sqlite_real_text(value: float) -> str:
    """SQLite's text for a REAL stored in a TEXT column (``printf('%!.15g')``).

    SQLite (3.43 and later, as the original shipped) rounds the exact decimal value of the
    double half-up at 15 significant digits, and always keeps a decimal point.
    """
    if math.isinf(value):
        return "Inf" if value > 0 else "-Inf"
    if value == 0:
        return "0.0"
    exact = Decimal(value)
    exponent = exact.adjusted()
    rounded = exact.scaleb(-exponent).quantize(_FIFTEEN_DIGITS, rounding=ROUND_HALF_UP)
    if abs(rounded) >= 10:  # 9.999...95 rounded up to 10
        exponent += 1
        rounded = (rounded / 10).quantize(_FIFTEEN_DIGITS, rounding=ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    digits = str(abs(rounded)).replace(".", "").rstrip("0") or "0"
    if -4 <= exponent < 15:
        if exponent >= 0:
            whole = digits[: exponent + 1].ljust(exponent + 1, "0")
            fraction = digits[exponent + 1 :] or "0"
        else:
            whole = "0"
            fraction = "0" * (-exponent - 1) + digits
        return f"{sign}{whole}.{fraction}"
    mantissa = digits[0] + "." + (digits[1:] or "0")
    return f"{sign}{mantissa}e{'+' if exponent >= 0 else '-'}{abs(exponent):02d}"


def bound_text(value: Any) -> str | None:
    """What a TEXT column holds after the original bound this JSON value into it."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Unbindable(f"cannot bind a {type(value).__name__} as an SQL parameter")
    try:
        number = float(value)
    except OverflowError:
        number = math.inf if value > 0 else -math.inf
    if math.isnan(number):
        return None
    return sqlite_real_text(number)


_SURROGATE = re.compile("[\ud800-\udfff]")


def well_formed(value: str) -> str:
    """``value`` as V8 encodes it to UTF-8: each lone surrogate becomes U+FFFD."""
    if value.isascii():
        return value
    return _SURROGATE.sub("\ufffd", value)


def _well_formed_parameters(parameters: Any) -> Any:
    if isinstance(parameters, str):
        return well_formed(parameters)
    if isinstance(parameters, tuple | list):
        cleaned = [_well_formed_parameters(item) for item in parameters]
        return type(parameters)(cleaned)
    if isinstance(parameters, dict):
        return {key: _well_formed_parameters(item) for key, item in parameters.items()}
    return parameters


def install_well_formed_text(engine: AsyncEngine) -> None:
    """Bind every string parameter of ``engine`` the way the original's driver did."""

    @event.listens_for(engine.sync_engine, "before_cursor_execute", retval=True)
    def _bind(
        conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool
    ) -> tuple[str, Any]:
        return statement, _well_formed_parameters(parameters)
