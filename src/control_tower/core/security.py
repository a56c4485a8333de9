"""Request-size limits and security headers on every response."""

from __future__ import annotations

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from control_tower.core.config import Environment, Settings
from control_tower.core.errors import error_response

# Routes that read large bodies themselves, with their own (larger) limit.
OWN_BODY_LIMIT_PATHS = ("/api/upload",)
DOCS_PATHS = ("/docs", "/redoc", "/openapi.json")

_API_CSP = b"default-src 'none'; frame-ancestors 'none'"


class SecurityMiddleware:
    """Refuse oversized query strings and bodies; add security and rate-limit headers."""

    def __init__(self, app: ASGIApp, *, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self.headers: list[tuple[bytes, bytes]] = [
            (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"DENY"),
            (b"referrer-policy", b"no-referrer"),
            (b"cross-origin-opener-policy", b"same-origin"),
            (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
        ]
        if settings.environment is not Environment.DEVELOPMENT:
            self.headers.append((b"strict-transport-security", b"max-age=31536000"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        query: bytes = scope.get("query_string", b"")
        if len(query) > self.settings.max_query_bytes:
            response = error_response(
                Request(scope, receive),
                414,
                f"Query string too long: {len(query):,} bytes "
                f"(limit {self.settings.max_query_bytes:,})",
                "URI_TOO_LONG",
            )
            await response(scope, receive, self._with_headers(scope, send))
            return
        if not path.startswith(OWN_BODY_LIMIT_PATHS):
            declared = _content_length(scope)
            if declared is not None and declared > self.settings.max_body_bytes:
                response = error_response(
                    Request(scope, receive),
                    413,
                    f"Request body too large: {declared:,} bytes "
                    f"(limit {self.settings.max_body_bytes:,} bytes)",
                    "PAYLOAD_TOO_LARGE",
                )
                await response(scope, receive, self._with_headers(scope, send))
                return
        await self.app(scope, receive, self._with_headers(scope, send))

    def _with_headers(self, scope: Scope, send: Send) -> Send:
        docs = scope["path"].startswith(DOCS_PATHS)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.extend(self.headers)
                if not docs:
                    headers.append((b"content-security-policy", _API_CSP))
                rate_limit = scope.get("state", {}).get("rate_limit")
                if rate_limit is not None and message["status"] != 429:
                    for name, value in rate_limit.headers().items():
                        headers.append((name.encode(), value.encode()))
                message = {**message, "headers": headers}
            await send(message)

        return send_with_headers


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
