"""Who is asking: bearer token, session cookie, or (in demo mode) the configured demo user.

``authenticate`` runs before every ``/api`` route. A request that carries credentials is
always authenticated for real (bad credentials answer 401, even in demo mode). Without
credentials, ``AUTH_MODE=demo`` acts as ``DEMO_USER_ID`` so the unchanged frontend works, and
``AUTH_MODE=required`` answers 401. Cookie-authenticated writes must come from an allowed
``Origin`` (CSRF). Each viewer has a request budget per minute.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Request

from control_tower.auth import repository
from control_tower.auth.service import (
    Viewer,
    viewer_from_access_token,
    viewer_from_session_token,
    viewer_from_user,
)
from control_tower.core.config import AuthMode, Settings
from control_tower.core.deps import ClockDep, SessionDep, SettingsDep
from control_tower.core.errors import Forbidden, RateLimited, Unauthorized
from control_tower.core.models import UserRole
from control_tower.core.ratelimit import RateLimiter

__all__ = [
    "SESSION_COOKIE",
    "CurrentUser",
    "Viewer",
    "apply_budget",
    "authenticate",
    "client_ip",
    "known_demo_viewer",
]

SESSION_COOKIE = "ct_session"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _origin_of(url: str) -> str | None:
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def check_csrf(request: Request, settings: Settings) -> None:
    """Cookie-authenticated writes must come from one of our origins."""
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        referer = request.headers.get("referer")
        origin = _origin_of(referer) if referer else None
    if origin is None:
        raise Forbidden(
            "Cross-site request refused: a cookie-authenticated write must send an Origin header",
            code="CSRF_FAILED",
        )
    allowed = {o.lower() for o in settings.cors_origins if o != "*"}
    own = f"{request.url.scheme}://{request.url.netloc}".lower()
    if origin.lower() not in allowed and origin.lower() != own:
        raise Forbidden(
            f"Cross-site request refused: origin {origin} is not allowed", code="CSRF_FAILED"
        )


def known_demo_viewer(request: Request, settings: Settings) -> Viewer | None:
    """The demo viewer of a request without credentials, if demo mode has already loaded it.

    Reads no database, so it can run before a route's dependencies; ``None`` whenever the
    request carries credentials or the demo user has not been looked up yet.
    """
    if settings.effective_auth_mode is not AuthMode.DEMO:
        return None
    if "authorization" in request.headers or request.cookies.get(SESSION_COOKIE):
        return None
    cached: Viewer | None = getattr(request.app.state, "demo_viewer", None)
    if cached is None or cached.id != settings.demo_user_id:
        return None
    return cached


async def _demo_viewer(request: Request, session: SessionDep, settings: Settings) -> Viewer:
    cached = known_demo_viewer(request, settings)
    if cached is not None:
        return cached
    user = await repository.get_user(session, settings.demo_user_id)
    if user is None:
        viewer = Viewer(id=settings.demo_user_id, role=UserRole.ADMIN, via="demo")
    else:
        viewer = viewer_from_user(user, via="demo")
    request.app.state.demo_viewer = viewer
    return viewer


async def _identify(
    request: Request, session: SessionDep, settings: Settings, clock: ClockDep
) -> Viewer:
    authorization = request.headers.get("authorization")
    if authorization is not None:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized(
                "Invalid Authorization header: use 'Bearer <access token>'", code="INVALID_TOKEN"
            )
        return await viewer_from_access_token(
            session, token.strip(), clock=clock, settings=settings
        )
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        viewer = await viewer_from_session_token(session, cookie, clock=clock)
        if request.method in UNSAFE_METHODS:
            check_csrf(request, settings)
        return viewer
    if settings.effective_auth_mode is AuthMode.DEMO:
        return await _demo_viewer(request, session, settings)
    raise Unauthorized("Authentication required: log in at POST /api/auth/login")


async def apply_budget(request: Request, viewer: Viewer, settings: Settings) -> None:
    """Count the request against its viewer's budget; 429 once the minute's is spent."""
    limit = settings.api_rate_limit_per_minute
    limiter: RateLimiter | None = getattr(request.app.state, "rate_limiter", None)
    if limit <= 0 or limiter is None:
        return
    key = f"api:user:{viewer.id}" if viewer.via != "demo" else f"api:ip:{client_ip(request)}"
    result = await limiter.hit(key, limit=limit, window_s=60)
    request.state.rate_limit = result
    if not result.allowed:
        raise RateLimited(
            f"Too many requests: the limit is {limit} per minute; retry in {result.reset_s} s",
            headers=result.headers(),
        )


async def authenticate(
    request: Request, session: SessionDep, settings: SettingsDep, clock: ClockDep
) -> Viewer:
    """Identify the caller once per request (cached on ``request.state``)."""
    viewer: Viewer | None = getattr(request.state, "viewer", None)
    if viewer is not None:
        return viewer
    viewer = await _identify(request, session, settings, clock)
    await apply_budget(request, viewer, settings)
    request.state.viewer = viewer
    return viewer


CurrentUser = Annotated[Viewer, Depends(authenticate)]


async def require_admin(viewer: CurrentUser) -> Viewer:
    if not viewer.is_admin:
        raise Forbidden("Only an admin may do this")
    return viewer


AdminUser = Annotated[Viewer, Depends(require_admin)]
