"""Every SQL statement of authentication."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from control_tower.auth.models import AuthSession, UserCredential
from control_tower.core.models import User

USER_COLUMNS = (User.id, User.name, User.email, User.role, User.business_unit, User.avatar_url)


async def get_user(session: AsyncSession, user_id: str) -> dict[str, Any] | None:
    row = (await session.execute(select(*USER_COLUMNS).where(User.id == user_id))).first()
    return dict(row._mapping) if row else None


async def get_user_by_email(session: AsyncSession, email: str) -> dict[str, Any] | None:
    statement = (
        select(*USER_COLUMNS)
        .where(func.lower(User.email) == email.strip().lower())
        .order_by(User.id)
        .limit(1)
    )
    row = (await session.execute(statement)).first()
    return dict(row._mapping) if row else None


async def insert_user(session: AsyncSession, values: dict[str, Any]) -> None:
    await session.execute(insert(User).values(**values))


async def get_password_hash(session: AsyncSession, user_id: str) -> str | None:
    statement = select(UserCredential.password_hash).where(UserCredential.user_id == user_id)
    return (await session.execute(statement)).scalar_one_or_none()


async def set_password_hash(
    session: AsyncSession, user_id: str, password_hash: str, now_iso: str
) -> None:
    updated = await session.execute(
        update(UserCredential)
        .where(UserCredential.user_id == user_id)
        .values(password_hash=password_hash, updated_at=now_iso)
    )
    if updated.rowcount == 0:  # type: ignore[attr-defined]
        await session.execute(
            insert(UserCredential).values(
                user_id=user_id, password_hash=password_hash, created_at=now_iso, updated_at=now_iso
            )
        )


async def insert_session(session: AsyncSession, values: dict[str, Any]) -> None:
    await session.execute(insert(AuthSession).values(**values))


async def get_session_by_token_hash(
    session: AsyncSession, token_hash: str
) -> dict[str, Any] | None:
    statement = select(AuthSession.__table__).where(AuthSession.token_hash == token_hash)
    row = (await session.execute(statement)).first()
    return dict(row._mapping) if row else None


async def get_session_with_user(session: AsyncSession, session_id: str) -> dict[str, Any] | None:
    """The session row joined with its user (``None`` if either is missing)."""
    statement = (
        select(AuthSession.__table__, *[c.label(f"user_{c.key}") for c in USER_COLUMNS])
        .join(User, User.id == AuthSession.user_id)
        .where(AuthSession.id == session_id)
    )
    row = (await session.execute(statement)).first()
    return dict(row._mapping) if row else None


async def revoke_session(
    session: AsyncSession, session_id: str, now_ms: int, *, replaced_by: str | None = None
) -> None:
    await session.execute(
        update(AuthSession)
        .where(AuthSession.id == session_id, AuthSession.revoked_at_ms.is_(None))
        .values(revoked_at_ms=now_ms, replaced_by=replaced_by)
    )


async def revoke_user_sessions(session: AsyncSession, user_id: str, now_ms: int) -> int:
    result = await session.execute(
        update(AuthSession)
        .where(AuthSession.user_id == user_id, AuthSession.revoked_at_ms.is_(None))
        .values(revoked_at_ms=now_ms)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
