"""JavaScript semantics the original API exposed on the wire.

The Next.js original parsed integers with ``parseInt``, rounded with ``Math.round`` and
tested request fields for truthiness. Reproducing those rules exactly is what keeps the
responses byte-identical, so they live here once instead of being re-derived per route.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Any, Final

_PARSE_INT_RE = re.compile(r"[+-]?\d+")
# JS String.prototype.trim / parseInt skip this whitespace set (ECMAScript WhiteSpace and
# LineTerminator). Python's str.strip() is close but not identical.
_JS_WHITESPACE = (
    "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)


class _Undefined:
    """JavaScript's ``undefined`` (a missing key), distinct from ``null``."""

    _instance: _Undefined | None = None

    def __new__(cls) -> _Undefined:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNDEFINED"

    def __bool__(self) -> bool:
        return False


UNDEFINED: Final = _Undefined()


def js_trim(value: str) -> str:
    """Trim like ``String.prototype.trim``."""
    return value.strip(_JS_WHITESPACE)


_PAST_DOUBLES = 400  # digits: more than any finite double has (about 309)


def parse_int(value: str | None) -> int | None:
    """``parseInt(value, 10)``; ``None`` stands for ``NaN``."""
    if value is None:
        return None
    match = _PARSE_INT_RE.match(value.lstrip(_JS_WHITESPACE))
    if match is None:
        return None
    digits: str = match.group(0)
    if len(digits) > _PAST_DOUBLES:
        # Infinity in JavaScript; any integer past doubles stands for it (and int() of
        # thousands of digits is refused by Python).
        huge: int = 10**_PAST_DOUBLES
        return -huge if digits.startswith("-") else huge
    return int(digits)


def js_round(value: float) -> int:
    """``Math.round``: halves round toward +infinity (``-2.5`` gives ``-2``)."""
    floor = math.floor(value)
    return floor + 1 if value - floor >= 0.5 else floor


def js_truthy(value: Any) -> bool:
    """JavaScript truthiness of a value decoded from JSON."""
    if value is None or value is False or value is UNDEFINED:
        return False
    if isinstance(value, bool):
        return True
    if isinstance(value, int | float):
        return value != 0 and not (isinstance(value, float) and math.isnan(value))
    if isinstance(value, str):
        return value != ""
    return True


def _double(value: int) -> float:
    """An integer as a JavaScript number: past the largest double it is ``Infinity``."""
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def js_number(value: Any) -> float | None:
    """``Number(value)`` for JSON values; ``None`` stands for ``NaN``."""
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, int):
        return _double(value)
    if value is None:
        return 0.0
    if isinstance(value, str):
        text = js_trim(value)
        if text == "":
            return 0.0
        try:
            if re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", text):
                return float(text)
            if re.fullmatch(r"0[xX][0-9a-fA-F]+", text):
                return _double(int(text, 16))
            if re.fullmatch(r"0[oO][0-7]+", text):
                return _double(int(text[2:], 8))
            if re.fullmatch(r"0[bB][01]+", text):
                return _double(int(text[2:], 2))
            if re.fullmatch(r"[+-]?Infinity", text):
                return math.inf if not text.startswith("-") else -math.inf
        except ValueError:
            return None
        return None
    if isinstance(value, list):
        if not value:
            return 0.0
        if len(value) == 1:
            return js_number(value[0] if not isinstance(value[0], list) else str(value[0]))
        return None
    return None


def js_to_fixed0(value: float) -> str:
    """``Number.prototype.toFixed(0)`` for the magnitudes the API prints."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    rounded = math.floor(abs(value) + 0.5)
    sign = "-" if value < 0 and rounded != 0 else ""
    return f"{sign}{rounded}"


def js_number_to_string(value: float | int) -> str:
    """``String(number)``: shortest round-trip digits laid out as ECMAScript does."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "0"
    sign, digit_tuple, exponent = Decimal(repr(value)).as_tuple()
    assert isinstance(exponent, int)
    digits = "".join(map(str, digit_tuple)).lstrip("0")
    stripped = digits.rstrip("0")
    exponent += len(digits) - len(stripped)
    digits = stripped
    k = len(digits)
    n = k + exponent  # value = 0.d1d2...dk * 10**n
    if k <= n <= 21:
        text = digits + "0" * (n - k)
    elif 0 < n <= 21:
        text = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        text = "0." + "0" * (-n) + digits
    else:
        exp = n - 1
        mantissa = digits[0] + ("." + digits[1:] if k > 1 else "")
        text = f"{mantissa}e{'+' if exp >= 0 else '-'}{abs(exp)}"
    return ("-" if sign else "") + text
