"""Request bodies read the way the original's ``await request.json()`` read them.

The original parsed the body as JSON whatever the ``Content-Type``; fields were picked by
destructuring, so a missing key is ``undefined`` (distinct from ``null``) and a body that is
a number, string or array simply has no fields, while a literal ``null`` body made the
destructuring throw. ``UNDEFINED`` stands for JavaScript's ``undefined``.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request

from control_tower.core.errors import InvalidJson, PayloadTooLarge
from control_tower.core.js import UNDEFINED

DEFAULT_MAX_BODY_BYTES = 1_048_576
_PAST_DOUBLES = 400  # digits: more than any finite double has (about 309)
TOO_DEEP = (
    "Invalid JSON body: arrays and objects are nested too deeply to read "
    "(keep the nesting under 500 levels)"
)

__all__ = ["UNDEFINED", "InvalidBody", "field", "parse_json", "read_body", "read_json"]


class InvalidBody(Exception):
    """The body is empty or not JSON (what made ``request.json()`` throw)."""


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _json_int(digits: str) -> int:
    """An integer literal; one past every double (JavaScript's Infinity) as ±10**400, since
    Python refuses int() of more than 4300 digits."""
    if len(digits) > _PAST_DOUBLES:
        huge: int = 10**_PAST_DOUBLES
        return -huge if digits.startswith("-") else huge
    return int(digits)


def parse_json(raw: bytes) -> Any:
    """``JSON.parse`` of a UTF-8 body: no NaN/Infinity literals, a leading BOM ignored.

    Invalid UTF-8 becomes U+FFFD, as ``request.json()``'s text decoding did.
    """
    try:
        text = raw.decode("utf-8", errors="replace").removeprefix("\ufeff")
        if not text.strip():
            raise InvalidBody("the request body is empty; send a JSON object")
        return json.loads(text, parse_constant=_reject_constant, parse_int=_json_int)
    except RecursionError:
        # Valid JSON that JSON.parse read, but Python's parser recurses per level.
        raise InvalidJson(TOO_DEEP) from None
    except (json.JSONDecodeError, ValueError) as exc:
        if isinstance(exc, InvalidBody):
            raise
        raise InvalidBody(f"the request body is not valid JSON: {exc}") from exc


async def read_body(request: Request, *, limit: int | None = None) -> bytes:
    """The raw body, refusing more than ``limit`` bytes (default: ``MAX_BODY_BYTES``)."""
    if limit is None:
        settings = getattr(request.app.state, "settings", None)
        limit = getattr(settings, "max_body_bytes", DEFAULT_MAX_BODY_BYTES)
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(
            f"Request body too large: {int(declared):,} bytes (limit {limit:,} bytes)",
            details={"limit": limit},
        )
    chunks = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(
                f"Request body too large: more than {limit:,} bytes", details={"limit": limit}
            )
        chunks.append(chunk)
    return b"".join(chunks)


async def read_json(request: Request) -> Any:
    """``await request.json()``: the decoded body, or ``InvalidBody``."""
    return parse_json(await read_body(request))


def field(body: Any, key: str) -> Any:
    """``body[key]`` after destructuring: ``UNDEFINED`` when absent or the body is no object."""
    if isinstance(body, dict):
        return body.get(key, UNDEFINED)
    return UNDEFINED
