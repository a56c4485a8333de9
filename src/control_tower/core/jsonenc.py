"""JSON exactly as the original's ``JSON.stringify`` wrote it.

Compact separators, raw UTF-8, integral floats without a decimal point, NaN and infinities
as ``null``, ``-0`` as ``0``. Everything else about number text already matches: orjson
prints the shortest round-trip digits in the same layout as ECMAScript.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import orjson
from starlette.background import BackgroundTask
from starlette.responses import JSONResponse

from control_tower.core.js import js_number_to_string

_SAFE_INTEGER = 2.0**53
_JS_INTEGER_LIMIT = 1e21


def _js_float(value: float) -> float | int | orjson.Fragment | None:
    if math.isnan(value) or math.isinf(value):
        return None
    if value.is_integer():
        if abs(value) <= _SAFE_INTEGER:
            return int(value)
        if abs(value) < _JS_INTEGER_LIMIT:
            # JS prints the shortest digits padded with zeros (5.4e16 -> 54000000000000000),
            # not the exact binary value that int() would give.
            return orjson.Fragment(js_number_to_string(value))
    return value


def to_js(value: Any) -> Any:
    """Return ``value`` with every float normalised the way JavaScript prints it."""
    kind = type(value)
    if kind is float:
        return _js_float(value)
    if kind is dict:
        return {key: to_js(item) for key, item in value.items()}
    if kind is list or kind is tuple:
        return [to_js(item) for item in value]
    if isinstance(value, Mapping):
        return {key: to_js(item) for key, item in value.items()}
    return value


def dumps(value: Any) -> bytes:
    """Serialise ``value`` as the original API did (compact, raw UTF-8, JS numbers)."""
    return orjson.dumps(to_js(value))


def dumps_str(value: Any) -> str:
    """``JSON.stringify(value)`` as text (used for JSON stored in TEXT columns)."""
    return dumps(value).decode("utf-8")


class JSResponse(JSONResponse):
    """``NextResponse.json``: ``content-type: application/json`` without a charset."""

    media_type = "application/json"

    def __init__(
        self,
        content: Any,
        status_code: int = 200,
        headers: Mapping[str, str] | None = None,
        background: BackgroundTask | None = None,
    ) -> None:
        super().__init__(content, status_code, headers, None, background)

    def render(self, content: Any) -> bytes:
        return dumps(content)
