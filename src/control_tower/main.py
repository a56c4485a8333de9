"""Application factory: routers, middleware, error handlers; the lifespan owns resources."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import structlog
from fastapi import APIRouter, FastAPI
from starlette.middleware.cors import CORSMiddleware

from control_tower.core.clock import Clock
from control_tower.core.config import Settings, get_settings
from control_tower.core.db import Database
from control_tower.core.errors import install_error_handlers
from control_tower.core.http import FrameworkMiddleware, RouteTable
from control_tower.core.jsonenc import JSResponse
from control_tower.core.logging import RequestContextMiddleware, configure_logging
from control_tower.health.router import router as health_router

log = structlog.get_logger("control_tower.app")

API_DESCRIPTION = """
The Call Center Intelligence Control Tower API.

Every `/api` route answers exactly as the original Next.js API did (same paths, parameters,
JSON shapes, key order, number and timestamp formats, status codes and messages). Errors use
one shape: `{"error": "<message>", "code": "<CODE>", "details"?: ..., "timestamp": "...",
"requestId": "..."}`.
"""


def api_routers() -> list[APIRouter]:
    """Every feature router, in registration order."""
    return []


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> FastAPI:
    """Build the ASGI application."""
    settings = settings or get_settings()
    configure_logging(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        database = Database(settings)
        app.state.db = database
        log.info("app.started", database=database.dialect, environment=settings.environment)
        try:
            yield
        finally:
            await database.dispose()
            log.info("app.stopped")

    app = FastAPI(
        title="Control Tower API",
        version="1.0.0",
        description=API_DESCRIPTION,
        default_response_class=JSResponse,
        lifespan=lifespan,
        redirect_slashes=False,
    )
    app.state.settings = settings
    app.state.clock = clock or Clock(settings.clock_start)

    install_error_handlers(app)
    routers = [health_router, *api_routers()]
    for router in routers:
        app.include_router(router)
    app.state.route_table = RouteTable([app.router, *routers])

    app.add_middleware(FrameworkMiddleware, route_table=app.state.route_table)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_credentials="*" not in settings.cors_origins,
        allow_methods=["GET", "POST", "PATCH", "PUT", "DELETE", "OPTIONS"],
        allow_headers=["*"],
        expose_headers=["x-request-id", "x-total-rows", "x-max-rows", "content-disposition"],
    )
    app.add_middleware(RequestContextMiddleware)
    return app
