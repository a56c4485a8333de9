"""Whole-response caching of selected GET routes, invalidated by writes.

A route opts in explicitly by returning ``await cached_json(request, compute)``, where
``compute`` returns the JSON body the route answers (``JSResponse``). The first answer is
stored as body bytes, status and headers; an identical request then skips the database
entirely.

The key is the route path, the exact raw query string, the request headers a cached route
reads (``VARY_HEADERS``), the viewer (id, role, unit scope), the generations of every cache
namespace plus ``writes`` (bumped by every committed unit of work that wrote anything, see
``core.db``), how the service clock was set (any jump changes it) and the clock's time
bucket ``now_ms // ttl_ms`` (answers that depend on "now" are never older than the TTL).
``CACHE_TTL_S=0`` turns it off. Errors are never cached.

Everything in the key can be read from the request and the viewer alone, so a route can
look an answer up before it solves its dependencies (``cached_answer``, used by
``auth.readroute``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Final

from fastapi import Request
from starlette.responses import Response

from control_tower.core.cache import NAMESPACES, WRITES_NAMESPACE, Cache
from control_tower.core.clock import Clock
from control_tower.core.jsonenc import JSResponse

# Bodies larger than this are not cached (bounded memory next to the entry cap).
MAX_BODY_BYTES = 512 * 1024


# Every request header that a cached route's answer depends on (besides the viewer's
# credentials): the x-locale fallback of the sparkline day labels.
VARY_HEADERS: Final = ("x-locale",)


def _key(
    request: Request, viewer: Any, generations: tuple[int, ...], clock: Clock, ttl_ms: int
) -> str:
    now_ms = clock.now_ms()
    query = request.scope.get("query_string", b"").decode("latin-1")
    headers = [request.headers.get(name) for name in VARY_HEADERS]
    return (
        f"resp|{request.scope.get('path', '')}?{query}|{headers!r}"
        f"|{viewer.id}|{viewer.role}|{viewer.scope}|{viewer.via}"
        f"|{','.join(map(str, generations))}|{clock.setting()}|{now_ms // ttl_ms}"
    )


def _ttl_s(request: Request) -> float:
    """The cache's TTL for ``request``, 0 when it does not apply (off, no cache, not a GET)."""
    state = request.app.state
    if getattr(state, "cache", None) is None or request.method != "GET":
        return 0
    ttl_s: float = state.settings.cache_ttl_s
    return max(ttl_s, 0)


async def _lookup(request: Request, viewer: Any, ttl_s: float) -> tuple[str, Response | None]:
    state = request.app.state
    cache: Cache = state.cache
    generations = await cache.generations((*NAMESPACES, WRITES_NAMESPACE))
    key = _key(request, viewer, generations, state.clock, max(1, int(ttl_s * 1000)))
    hit = await cache.get(key)
    if hit is None:
        return key, None
    response = Response(content=hit["b"].encode("utf-8"), status_code=hit["s"])
    response.raw_headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in hit["h"]]
    return key, response


async def cached_answer(request: Request, viewer: Any) -> Response | None:
    """The cached answer to ``request`` as ``viewer`` sees it, if there is one."""
    ttl_s = _ttl_s(request)
    if ttl_s <= 0:
        return None
    _key_of_hit, response = await _lookup(request, viewer, ttl_s)
    return response


async def cached_json(request: Request, compute: Callable[[], Awaitable[Any]]) -> Response:
    """``JSResponse(await compute())``, served from the cache for identical requests.

    An exception from ``compute`` (a 404, a database failure) propagates and caches nothing.
    """
    ttl_s = _ttl_s(request)
    viewer = getattr(request.state, "viewer", None)
    if ttl_s <= 0 or viewer is None:
        return JSResponse(await compute())
    key, hit = await _lookup(request, viewer, ttl_s)
    if hit is not None:
        return hit
    response = JSResponse(await compute())
    body = bytes(response.body)
    if len(body) > MAX_BODY_BYTES:
        return response
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return response
    headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in response.raw_headers]
    await request.app.state.cache.set(key, {"s": 200, "h": headers, "b": text}, ttl_s)
    return response
