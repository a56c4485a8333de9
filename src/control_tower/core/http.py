"""HTTP behaviour the Next.js original had at the framework level.

* A trailing slash answers 308 with a *relative* ``Location`` (never the backend's host),
  ``Refresh: 0;url=...`` and the target path as the body, like Next.js.
* ``OPTIONS`` on a known path answers 204 with ``Allow`` listing the route's methods plus
  ``HEAD`` (when GET exists) and ``OPTIONS``, sorted as Next.js sorted them.
* Any other method the path does not export answers 405 with ``Allow``, in the project's
  JSON error shape.

The route table is read from the application itself, so a new route is covered without
being listed anywhere.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from starlette.requests import Request
from starlette.routing import Route, Router
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from control_tower.core.errors import error_response


def allowed_methods(methods: set[str]) -> list[str]:
    """Methods a path answers, as the ``Allow`` header lists them."""
    allowed = set(methods)
    if "GET" in allowed:
        allowed.add("HEAD")
    allowed.add("OPTIONS")
    return sorted(allowed)


class RouteTable:
    """Which methods each routed path accepts (union over routes sharing a path)."""

    def __init__(self, routers: Sequence[Router]) -> None:
        self._routers = routers
        self._entries: list[tuple[re.Pattern[str], frozenset[str]]] | None = None

    def _build(self) -> list[tuple[re.Pattern[str], frozenset[str]]]:
        entries = []
        for router in self._routers:
            for route in router.routes:
                if isinstance(route, Route) and route.methods:
                    entries.append((route.path_regex, frozenset(route.methods)))
        return entries

    def refresh(self) -> None:
        """Forget the cached table (after routes were added)."""
        self._entries = None

    def methods_for(self, path: str) -> set[str] | None:
        if self._entries is None:
            self._entries = self._build()
        found: set[str] = set()
        matched = False
        for regex, methods in self._entries:
            if regex.match(path):
                matched = True
                found |= methods
        return found if matched else None


class FrameworkMiddleware:
    """Trailing-slash redirects, OPTIONS and 405 before the router sees the request."""

    def __init__(self, app: ASGIApp, *, route_table: RouteTable) -> None:
        self.app = app
        self.route_table = route_table

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if len(path) > 1 and path.endswith("/"):
            await self._redirect_without_slash(scope, send)
            return
        methods = self.route_table.methods_for(path)
        if methods is None:
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        if method == "HEAD" and "GET" in methods and "HEAD" not in methods:
            await self._head_as_get(scope, receive, send)
            return
        if method in methods:
            await self.app(scope, receive, send)
            return
        allow = ", ".join(allowed_methods(methods))
        if method == "OPTIONS":
            await send(
                {
                    "type": "http.response.start",
                    "status": 204,
                    "headers": [(b"allow", allow.encode())],
                }
            )
            await send({"type": "http.response.body", "body": b""})
            return
        request = Request(scope, receive)
        response = error_response(
            request,
            405,
            f"Method {method} is not allowed on {path}; allowed: {allow}",
            "METHOD_NOT_ALLOWED",
            headers={"allow": allow},
        )
        await response(scope, receive, send)

    async def _head_as_get(self, scope: Scope, receive: Receive, send: Send) -> None:
        """HEAD runs the GET handler and sends its headers without the body."""

        async def send_headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if not message.get("more_body", False):
                    await send({"type": "http.response.body", "body": b""})
                return
            await send(message)

        state = {**scope.get("state", {}), "head_request": True}
        await self.app({**scope, "method": "GET", "state": state}, receive, send_headers_only)

    @staticmethod
    async def _redirect_without_slash(scope: Scope, send: Send) -> None:
        target = scope["path"].rstrip("/") or "/"
        raw_path = scope.get("raw_path")
        if raw_path:
            target_raw = raw_path.decode("latin-1").rstrip("/") or "/"
        else:
            target_raw = target
        query = scope.get("query_string", b"").decode("latin-1")
        location = target_raw + (f"?{query}" if query else "")
        body = location.encode("utf-8")
        await send(
            {
                "type": "http.response.start",
                "status": 308,
                "headers": [
                    (b"location", location.encode("latin-1")),
                    (b"refresh", f"0;url={location}".encode("latin-1")),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
