"""Short-lived access JWTs (HS256, pinned) and opaque session tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

import jwt

from control_tower.core.clock import Clock

ALGORITHM = "HS256"
ISSUER = "control-tower"
ACCESS_TYPE = "access"


class InvalidToken(Exception):
    """The token is malformed, forged, expired or of the wrong kind."""


@dataclass(frozen=True, slots=True)
class AccessClaims:
    user_id: str
    session_id: str
    role: str
    business_unit: str | None
    expires_at_ms: int


def issue_access_token(
    *,
    secret: str,
    clock: Clock,
    ttl_s: int,
    user_id: str,
    session_id: str,
    role: str,
    business_unit: str | None,
) -> tuple[str, int]:
    """A signed access token and its expiry (epoch ms)."""
    now_s = clock.now_ms() // 1000
    expires_s = now_s + ttl_s
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "sub": user_id,
        "sid": session_id,
        "typ": ACCESS_TYPE,
        "role": role,
        "bu": business_unit,
        "iat": now_s,
        "nbf": now_s,
        "exp": expires_s,
        "jti": secrets.token_hex(8),
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM), expires_s * 1000


def decode_access_token(token: str, *, secret: str, clock: Clock) -> AccessClaims:
    """Verify signature, algorithm, issuer, type and expiry (against the service clock)."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise InvalidToken("malformed token") from exc
    if header.get("alg") != ALGORITHM:
        raise InvalidToken("unexpected signing algorithm")
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            options={
                "require": ["exp", "iat", "sub", "sid", "typ"],
                # Expiry is checked against the service's (settable) clock below.
                "verify_exp": False,
                "verify_iat": False,
                "verify_nbf": False,
            },
        )
    except jwt.PyJWTError as exc:
        raise InvalidToken(str(exc)) from exc
    if claims.get("typ") != ACCESS_TYPE:
        raise InvalidToken("not an access token")
    now_s = clock.now_ms() // 1000
    expires_s = claims["exp"]
    if not isinstance(expires_s, int) or expires_s <= now_s:
        raise InvalidToken("token expired")
    if isinstance(claims.get("nbf"), int) and claims["nbf"] > now_s + 5:
        raise InvalidToken("token not yet valid")
    return AccessClaims(
        user_id=str(claims["sub"]),
        session_id=str(claims["sid"]),
        role=str(claims.get("role", "")),
        business_unit=claims.get("bu"),
        expires_at_ms=expires_s * 1000,
    )


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


def hash_session_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
