"""Request-scoped dependencies, injected with ``Annotated`` aliases."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from control_tower.core.cache import Cache
from control_tower.core.clock import Clock
from control_tower.core.config import Settings
from control_tower.core.db import Database
from control_tower.core.events import EventBus


async def get_database(request: Request) -> Database:
    database: Database = request.app.state.db
    return database


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One request, one unit of work: commit on success, roll back on error."""
    database: Database = request.app.state.db
    async with database.session() as session:
        yield session


async def get_clock(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


async def get_bus(request: Request) -> EventBus:
    bus: EventBus = request.app.state.bus
    return bus


async def get_cache(request: Request) -> Cache:
    cache: Cache = request.app.state.cache
    return cache


async def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


# scope="function": the unit of work commits (and its events go out) before the response is
# sent, so a client that reads right after a write sees it, and a failed commit is reported.
# Streaming responses must open their own session (``DatabaseDep``) inside the stream.
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
DatabaseDep = Annotated[Database, Depends(get_database)]
ClockDep = Annotated[Clock, Depends(get_clock)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]
BusDep = Annotated[EventBus, Depends(get_bus)]
CacheDep = Annotated[Cache, Depends(get_cache)]
