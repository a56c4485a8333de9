"""Login, sessions and access tokens.

A login creates a server-side session (its random token travels in an HttpOnly cookie; only
its SHA-256 is stored) and a short-lived access JWT naming that session. Every request is
checked against the session row, so logging out ends the session for the cookie and for
every access token issued on it, on every worker. Refresh rotates the session: the old token
stops working, and presenting it again is treated as theft (all the user's sessions end).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from control_tower.auth import repository
from control_tower.auth.passwords import check_policy, hash_password, needs_rehash, verify_password
from control_tower.auth.tokens import (
    InvalidToken,
    decode_access_token,
    hash_session_token,
    issue_access_token,
    new_session_token,
)
from control_tower.core.clock import Clock, iso_from_ms
from control_tower.core.config import Settings
from control_tower.core.db import Database
from control_tower.core.errors import BadRequest, Conflict, NotFound, Unauthorized
from control_tower.core.models import UserRole

log = structlog.get_logger("control_tower.auth")

INVALID_CREDENTIALS = "Invalid email or password"
SESSION_EXPIRED = "Your session has ended; log in again"
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True, slots=True)
class Viewer:
    """The user a request acts as."""

    id: str
    role: str
    business_unit: str | None = None
    name: str | None = None
    email: str | None = None
    session_id: str | None = None
    via: str = "demo"  # "bearer", "cookie" or "demo"

    @property
    def is_admin(self) -> bool:
        return self.role == UserRole.ADMIN

    @property
    def scope(self) -> str | None:
        """The business unit this viewer is limited to (``None``: every unit)."""
        if self.is_admin:
            return None
        # A non-admin without a unit sees no unit's data rather than all of them.
        return self.business_unit if self.business_unit is not None else ""

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "email": self.email,
            "role": self.role,
            "businessUnit": self.business_unit,
        }


def viewer_from_user(user: dict[str, Any], *, via: str, session_id: str | None = None) -> Viewer:
    return Viewer(
        id=user["id"],
        role=user["role"],
        business_unit=user["business_unit"],
        name=user["name"],
        email=user["email"],
        session_id=session_id,
        via=via,
    )


@dataclass(frozen=True, slots=True)
class IssuedSession:
    viewer: Viewer
    session_id: str
    session_token: str
    session_expires_at_ms: int
    access_token: str
    access_expires_at_ms: int


async def _open_session(
    session: AsyncSession,
    user: dict[str, Any],
    *,
    clock: Clock,
    settings: Settings,
    user_agent: str | None,
    client_ip: str | None,
) -> IssuedSession:
    now_ms = clock.now_ms()
    token = new_session_token()
    session_id = secrets.token_hex(16)
    expires_ms = now_ms + settings.session_ttl_s * 1000
    await repository.insert_session(
        session,
        {
            "id": session_id,
            "user_id": user["id"],
            "token_hash": hash_session_token(token),
            "created_at_ms": now_ms,
            "expires_at_ms": expires_ms,
            "user_agent": (user_agent or "")[:256] or None,
            "client_ip": client_ip,
        },
    )
    access, access_expires = issue_access_token(
        secret=settings.secret_key.get_secret_value(),
        clock=clock,
        ttl_s=settings.access_token_ttl_s,
        user_id=user["id"],
        session_id=session_id,
        role=user["role"],
        business_unit=user["business_unit"],
    )
    viewer = viewer_from_user(user, via="cookie", session_id=session_id)
    return IssuedSession(viewer, session_id, token, expires_ms, access, access_expires)


async def login(
    session: AsyncSession,
    *,
    email: str,
    password: str,
    clock: Clock,
    settings: Settings,
    user_agent: str | None = None,
    client_ip: str | None = None,
) -> IssuedSession:
    """Check the password and open a session; ``Unauthorized`` on any mismatch."""
    user = await repository.get_user_by_email(session, email)
    password_hash = await repository.get_password_hash(session, user["id"]) if user else None
    if not verify_password(password_hash, password) or user is None or password_hash is None:
        log.info("auth.login_failed", email_domain=email.rpartition("@")[2][:64])
        raise Unauthorized(INVALID_CREDENTIALS)
    if needs_rehash(password_hash):
        await repository.set_password_hash(
            session, user["id"], hash_password(password), clock.now_iso()
        )
    issued = await _open_session(
        session, user, clock=clock, settings=settings, user_agent=user_agent, client_ip=client_ip
    )
    log.info("auth.logged_in", user_id=user["id"], session_id=issued.session_id)
    return issued


def _check_session_row(row: dict[str, Any] | None, now_ms: int) -> dict[str, Any]:
    if row is None or row["revoked_at_ms"] is not None or row["expires_at_ms"] <= now_ms:
        raise Unauthorized(SESSION_EXPIRED, code="SESSION_EXPIRED")
    return row


async def viewer_from_access_token(
    session: AsyncSession, token: str, *, clock: Clock, settings: Settings
) -> Viewer:
    """The viewer of a valid access token whose session is still open."""
    try:
        claims = decode_access_token(
            token, secret=settings.secret_key.get_secret_value(), clock=clock
        )
    except InvalidToken as exc:
        raise Unauthorized(f"Invalid access token: {exc}", code="INVALID_TOKEN") from exc
    row = _check_session_row(
        await repository.get_session_with_user(session, claims.session_id), clock.now_ms()
    )
    if row["user_id"] != claims.user_id:
        raise Unauthorized("Invalid access token: session mismatch", code="INVALID_TOKEN")
    user = {
        key.removeprefix("user_"): value for key, value in row.items() if key.startswith("user_")
    }
    user["id"] = row["user_id"]
    return viewer_from_user(user, via="bearer", session_id=claims.session_id)


async def viewer_from_session_token(session: AsyncSession, token: str, *, clock: Clock) -> Viewer:
    """The viewer of a session cookie that is still open."""
    found = await repository.get_session_by_token_hash(session, hash_session_token(token))
    row = _check_session_row(found, clock.now_ms())
    user = await repository.get_user(session, row["user_id"])
    if user is None:
        raise Unauthorized(SESSION_EXPIRED, code="SESSION_EXPIRED")
    return viewer_from_user(user, via="cookie", session_id=row["id"])


async def logout(
    session: AsyncSession, viewer: Viewer, *, clock: Clock, everywhere: bool = False
) -> int:
    """End the viewer's session (or all of the user's sessions); returns how many ended."""
    now_ms = clock.now_ms()
    if everywhere:
        ended = await repository.revoke_user_sessions(session, viewer.id, now_ms)
    elif viewer.session_id is None:
        raise Unauthorized("Not logged in: there is no session to end")
    else:
        await repository.revoke_session(session, viewer.session_id, now_ms)
        ended = 1
    log.info("auth.logged_out", user_id=viewer.id, sessions=ended)
    return ended


async def refresh(
    session: AsyncSession,
    token: str,
    *,
    database: Database,
    clock: Clock,
    settings: Settings,
    user_agent: str | None = None,
    client_ip: str | None = None,
) -> IssuedSession:
    """Rotate a session: a new token and access token; the presented one stops working."""
    now_ms = clock.now_ms()
    found = await repository.get_session_by_token_hash(session, hash_session_token(token))
    if found is not None and found["replaced_by"] is not None:
        # A rotated-out token came back: someone holds a copy. End every session, in a unit
        # of work of its own so that it sticks although this request fails.
        async with database.session() as security_session:
            await repository.revoke_user_sessions(security_session, found["user_id"], now_ms)
        log.warning("auth.refresh_reuse", user_id=found["user_id"], session_id=found["id"])
        raise Unauthorized(SESSION_EXPIRED, code="SESSION_EXPIRED")
    row = _check_session_row(found, now_ms)
    user = await repository.get_user(session, row["user_id"])
    if user is None:
        raise Unauthorized(SESSION_EXPIRED, code="SESSION_EXPIRED")
    issued = await _open_session(
        session, user, clock=clock, settings=settings, user_agent=user_agent, client_ip=client_ip
    )
    await repository.revoke_session(session, row["id"], now_ms, replaced_by=issued.session_id)
    return issued


async def create_user(
    session: AsyncSession,
    *,
    email: str,
    name: str,
    role: str,
    business_unit: str | None,
    password: str,
    clock: Clock,
) -> dict[str, Any]:
    """Add a user who can log in (``control-tower users create``)."""
    email = email.strip()
    if not _EMAIL_RE.match(email):
        raise BadRequest(f"{email!r} is not an email address")
    if role not in {r.value for r in UserRole}:
        raise BadRequest(f"role must be one of {', '.join(r.value for r in UserRole)}")
    if role != UserRole.ADMIN and not business_unit:
        raise BadRequest(f"a {role} needs a business unit (--business-unit)")
    if not name.strip():
        raise BadRequest("name must not be empty")
    try:
        check_policy(password)
    except ValueError as exc:
        raise BadRequest(str(exc)) from exc
    if await repository.get_user_by_email(session, email) is not None:
        raise Conflict(f"a user with email {email} already exists")
    user_id = f"user-{secrets.token_hex(6)}"
    now_iso = iso_from_ms(clock.now_ms())
    values = {
        "id": user_id,
        "name": name.strip(),
        "email": email,
        "role": role,
        "business_unit": business_unit if role != UserRole.ADMIN else business_unit or None,
        "avatar_url": None,
        "created_at": now_iso,
    }
    await repository.insert_user(session, values)
    await repository.set_password_hash(session, user_id, hash_password(password), now_iso)
    return values


async def set_password(session: AsyncSession, *, email: str, password: str, clock: Clock) -> str:
    """Set (or replace) a user's password and end their sessions; returns the user id."""
    user = await repository.get_user_by_email(session, email)
    if user is None:
        raise NotFound(f"no user with email {email}")
    try:
        check_policy(password)
    except ValueError as exc:
        raise BadRequest(str(exc)) from exc
    await repository.set_password_hash(
        session, user["id"], hash_password(password), iso_from_ms(clock.now_ms())
    )
    await repository.revoke_user_sessions(session, user["id"], clock.now_ms())
    return str(user["id"])
