"""Login, logout, session refresh and the current user."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from control_tower.auth import service
from control_tower.auth.deps import SESSION_COOKIE, CurrentUser, check_csrf, client_ip
from control_tower.auth.schemas import LoginRequest, LogoutResponse, MeResponse, TokenResponse
from control_tower.core.clock import iso_from_ms
from control_tower.core.config import Environment, Settings
from control_tower.core.deps import ClockDep, DatabaseDep, SessionDep, SettingsDep
from control_tower.core.errors import RateLimited, Unauthorized
from control_tower.core.jsonenc import JSResponse
from control_tower.core.ratelimit import RateLimiter

router = APIRouter(prefix="/api/auth", tags=["auth"])

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Missing, invalid, expired or revoked credentials"},
    429: {"description": "Too many attempts; see Retry-After"},
}


def _set_session_cookie(
    response: Response, issued: service.IssuedSession, settings: Settings, now_ms: int
) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        issued.session_token,
        max_age=max(0, (issued.session_expires_at_ms - now_ms) // 1000),
        httponly=True,
        samesite="lax",
        secure=settings.environment is not Environment.DEVELOPMENT,
        path="/",
    )


def _token_body(issued: service.IssuedSession, settings: Settings) -> dict[str, Any]:
    return {
        "accessToken": issued.access_token,
        "tokenType": "Bearer",
        "expiresIn": settings.access_token_ttl_s,
        "expiresAt": iso_from_ms(issued.access_expires_at_ms),
        "user": issued.viewer.to_json(),
    }


async def _limit_login(request: Request, email: str, settings: Settings) -> None:
    limiter: RateLimiter = request.app.state.rate_limiter
    per_ip = await limiter.hit(
        f"login:ip:{client_ip(request)}",
        limit=settings.login_attempts_per_ip_per_minute,
        window_s=60,
    )
    if not per_ip.allowed:
        raise RateLimited(
            f"Too many login attempts from this address; retry in {per_ip.reset_s} s",
            headers=per_ip.headers(),
        )
    per_email = await limiter.peek(
        f"login:email:{email.strip().lower()}",
        limit=settings.login_failures_per_email,
        window_s=settings.login_failure_window_s,
    )
    if not per_email.allowed:
        raise RateLimited(
            f"Too many failed logins for this account; retry in {per_email.reset_s} s",
            headers=per_email.headers(),
        )


@router.post(
    "/login",
    summary="Log in",
    response_class=JSResponse,
    responses={200: {"model": TokenResponse}, **ERRORS},
)
async def login(
    request: Request,
    credentials: LoginRequest,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
) -> Response:
    """Check email and password; return an access token and set the session cookie."""
    await _limit_login(request, credentials.email, settings)
    if request.headers.get("origin"):
        check_csrf(request, settings)
    try:
        issued = await service.login(
            session,
            email=credentials.email,
            password=credentials.password,
            clock=clock,
            settings=settings,
            user_agent=request.headers.get("user-agent"),
            client_ip=client_ip(request),
        )
    except Unauthorized:
        limiter: RateLimiter = request.app.state.rate_limiter
        await limiter.hit(
            f"login:email:{credentials.email.strip().lower()}",
            limit=settings.login_failures_per_email,
            window_s=settings.login_failure_window_s,
        )
        raise
    response = JSResponse(_token_body(issued, settings))
    _set_session_cookie(response, issued, settings, clock.now_ms())
    return response


@router.post(
    "/refresh",
    summary="Rotate the session",
    response_class=JSResponse,
    responses={200: {"model": TokenResponse}, **ERRORS},
)
async def refresh(
    request: Request,
    session: SessionDep,
    database: DatabaseDep,
    settings: SettingsDep,
    clock: ClockDep,
) -> Response:
    """Exchange the session cookie for a new session and a new access token."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise Unauthorized("No session cookie to refresh; log in again")
    check_csrf(request, settings)
    issued = await service.refresh(
        session,
        token,
        database=database,
        clock=clock,
        settings=settings,
        user_agent=request.headers.get("user-agent"),
        client_ip=client_ip(request),
    )
    response = JSResponse(_token_body(issued, settings))
    _set_session_cookie(response, issued, settings, clock.now_ms())
    return response


@router.post(
    "/logout",
    summary="Log out",
    response_class=JSResponse,
    responses={200: {"model": LogoutResponse}, **ERRORS},
)
async def logout(
    viewer: CurrentUser,
    session: SessionDep,
    clock: ClockDep,
    everywhere: bool = Query(False, description="End every session of this user"),
) -> Response:
    """End the current session (or every session of the user) and clear the cookie."""
    if viewer.via == "demo":
        raise Unauthorized("Not logged in: there is no session to end")
    ended = await service.logout(session, viewer, clock=clock, everywhere=everywhere)
    response = JSResponse({"success": True, "sessionsEnded": ended})
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get(
    "/me",
    summary="The current user",
    response_class=JSResponse,
    responses={200: {"model": MeResponse}, **ERRORS},
)
async def me(viewer: CurrentUser, settings: SettingsDep) -> Response:
    """Return who the request is authenticated as, and how."""
    return JSResponse(
        {
            "user": viewer.to_json(),
            "authenticatedVia": viewer.via,
            "sessionId": viewer.session_id,
            "authMode": settings.effective_auth_mode.value,
        }
    )
