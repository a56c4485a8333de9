"""Whole-response caching of selected GET routes, invalidated by writes.

A route opts in explicitly by returning ``await cached_response(request, build, depends_on=...)``
where ``build`` computes the response as before. The first 200 answer is stored as body bytes,
status and headers; an identical request then skips the database entirely.

The key is the route path, the exact raw query string, the viewer (id, role, unit scope), the
generations of the namespaces the answer reads (``depends_on`` plus ``writes``, bumped by every
committed unit of work that wrote anything, see ``core.db``), how the service clock was set
(any jump changes it) and the clock's time bucket ``now_ms // ttl_ms`` (answers that depend on
"now" are never older than the TTL). ``CACHE_TTL_S=0`` turns it off. Errors are never cached.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Request
from starlette.responses import Response

from control_tower.core.cache import NAMESPACES, WRITES_NAMESPACE, Cache
from control_tower.core.clock import Clock

# Bodies larger than this are not cached (bounded memory next to the entry cap).
MAX_BODY_BYTES = 512 * 1024


def _key(
    request: Request,
    viewer: Any,
    generations: tuple[int, ...],
    clock: Clock,
    ttl_ms: int,
    vary: tuple[str, ...],
) -> str:
    now_ms = clock.now_ms()
    query = request.scope.get("query_string", b"").decode("latin-1")
    return (
        f"resp|{request.scope.get('path', '')}?{query}"
        f"|{viewer.id}|{viewer.role}|{viewer.scope}|{viewer.via}"
        f"|{','.join(map(str, generations))}|{clock.setting()}|{now_ms // ttl_ms}|{vary!r}"
    )


async def cached_response(
    request: Request,
    build: Callable[[], Awaitable[Response]],
    *,
    depends_on: tuple[str, ...] = NAMESPACES,
    vary: tuple[str, ...] = (),
) -> Response:
    """``build()``'s response, served from the cache for identical requests.

    ``vary``: whatever else the answer depends on besides the path, the query string, the
    viewer and the clock (e.g. a locale read from a header).
    """
    state = request.app.state
    cache: Cache | None = getattr(state, "cache", None)
    ttl_s: float = state.settings.cache_ttl_s
    viewer = getattr(request.state, "viewer", None)
    if cache is None or ttl_s <= 0 or viewer is None or request.method != "GET":
        return await build()
    ttl_ms = max(1, int(ttl_s * 1000))
    generations = await cache.generations((*depends_on, WRITES_NAMESPACE))
    key = _key(request, viewer, generations, state.clock, ttl_ms, vary)
    hit = await cache.get(key)
    if hit is not None:
        response = Response(content=hit["b"].encode("utf-8"), status_code=hit["s"])
        response.raw_headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in hit["h"]]
        return response
    response = await build()
    body = getattr(response, "body", None)
    if (
        response.status_code == 200
        and response.background is None
        and isinstance(body, bytes)
        and len(body) <= MAX_BODY_BYTES
    ):
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return response
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in response.raw_headers]
        await cache.set(key, {"s": 200, "h": headers, "b": text}, ttl_s)
    return response
