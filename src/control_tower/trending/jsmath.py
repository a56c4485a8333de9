"""JavaScript number behaviour the trend and prediction formulas depend on.

``Math.log`` in V8 is fdlibm's ``__ieee754_log``, which differs from the C library's
correctly rounded ``log`` in the last bit for about one input in a hundred (``Math.log(3)``
is ``1.0986122886681096``, Python's ``math.log(3)`` is ``1.0986122886681098``). Trend scores
are printed with every digit, so the port carries the fdlibm algorithm itself.
"""

from __future__ import annotations

import math
import struct
from typing import Any

from control_tower.core.js import js_number_to_string

_LN2_HI = 6.93147180369123816490e-01
_LN2_LO = 1.90821492927058770002e-10
_TWO54 = 1.80143985094819840000e16
_LG1 = 6.666666666666735130e-01
_LG2 = 3.999999999940941908e-01
_LG3 = 2.857142874366239149e-01
_LG4 = 2.222219843214978396e-01
_LG5 = 1.818357216161805012e-01
_LG6 = 1.531383769920937332e-01
_LG7 = 1.479819860511658591e-01

_SAFE_INTEGER = 2**53
_DOUBLE = struct.Struct("<d")
_BITS = struct.Struct("<Q")


def _high_word(x: float) -> tuple[int, int]:
    bits: int = _BITS.unpack(_DOUBLE.pack(x))[0]
    high = (bits >> 32) & 0xFFFFFFFF
    if high >= 0x80000000:
        high -= 1 << 32
    return high, bits & 0xFFFFFFFF


def _set_high_word(x: float, high: int) -> float:
    bits: int = _BITS.unpack(_DOUBLE.pack(x))[0]
    value: float = _DOUBLE.unpack(_BITS.pack(((high & 0xFFFFFFFF) << 32) | (bits & 0xFFFFFFFF)))[0]
    return value


def js_log(x: float) -> float:
    """``Math.log(x)`` bit for bit (fdlibm ``__ieee754_log``)."""
    hx, lx = _high_word(x)
    k = 0
    if hx < 0x00100000:
        if ((hx & 0x7FFFFFFF) | lx) == 0:
            return -math.inf
        if hx < 0:
            return math.nan
        k -= 54
        x *= _TWO54
        hx = _high_word(x)[0]
    if hx >= 0x7FF00000:
        return x + x
    k += (hx >> 20) - 1023
    hx &= 0x000FFFFF
    i = (hx + 0x95F64) & 0x100000
    x = _set_high_word(x, hx | (i ^ 0x3FF00000))
    k += i >> 20
    f = x - 1.0
    if (0x000FFFFF & (2 + hx)) < 3:
        if f == 0.0:
            if k == 0:
                return 0.0
            dk = float(k)
            return dk * _LN2_HI + dk * _LN2_LO
        r = f * f * (0.5 - 0.33333333333333333 * f)
        if k == 0:
            return f - r
        dk = float(k)
        return dk * _LN2_HI - ((r - dk * _LN2_LO) - f)
    s = f / (2.0 + f)
    dk = float(k)
    z = s * s
    i = hx - 0x6147A
    w = z * z
    j = 0x6B851 - hx
    t1 = w * (_LG2 + w * (_LG4 + w * _LG6))
    t2 = z * (_LG1 + w * (_LG3 + w * (_LG5 + w * _LG7)))
    i |= j
    r = t2 + t1
    if i > 0:
        hfsq = 0.5 * f * f
        if k == 0:
            return f - (hfsq - s * (hfsq + r))
        return dk * _LN2_HI - ((hfsq - (s * (hfsq + r) + dk * _LN2_LO)) - f)
    if k == 0:
        return f - s * (f - r)
    return dk * _LN2_HI - ((s * (f - r) - dk * _LN2_LO) - f)


def slice_end(length: int, end: int | float | None) -> int:
    """The exclusive end ``Array.prototype.slice(0, end)`` uses (``None`` is NaN)."""
    if end is None or (isinstance(end, float) and math.isnan(end)):
        return 0
    if end < 0:
        return max(length + int(max(end, -length)), 0)
    return int(min(end, length))


def js_string(value: Any) -> str:
    """``String(value)`` for a value decoded from JSON."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int) and abs(value) > _SAFE_INTEGER:
        try:
            return js_number_to_string(float(value))
        except OverflowError:  # an integer literal past doubles: JavaScript's Infinity
            return "Infinity" if value > 0 else "-Infinity"
    if isinstance(value, int | float):
        return js_number_to_string(value)
    if isinstance(value, list):
        return ",".join("" if item is None else js_string(item) for item in value)
    return "[object Object]"
