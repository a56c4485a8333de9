"""Application factory: routers, middleware, error handlers; the lifespan owns resources."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from typing import Any

import redis.asyncio as aioredis
import structlog
from fastapi import APIRouter, Depends, FastAPI
from fastapi.openapi.utils import get_openapi
from prometheus_client import CONTENT_TYPE_LATEST
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response

from control_tower.auth.deps import authenticate
from control_tower.auth.router import router as auth_router
from control_tower.core.cache import MemoryCache, RedisCache
from control_tower.core.clock import Clock
from control_tower.core.config import Settings, get_settings
from control_tower.core.db import Database, install_slow_query_log
from control_tower.core.errors import install_error_handlers
from control_tower.core.events import EventBus, InProcessEventBus
from control_tower.core.events_redis import RedisEventBus
from control_tower.core.http import FrameworkMiddleware, RouteTable
from control_tower.core.jsonenc import JSResponse
from control_tower.core.logging import RequestContextMiddleware, configure_logging
from control_tower.core.metrics import Metrics, MetricsMiddleware
from control_tower.core.openapi import complete_openapi
from control_tower.core.ratelimit import MemoryRateLimiter, RedisRateLimiter
from control_tower.core.security import SecurityMiddleware
from control_tower.health.router import router as health_router
from control_tower.realtime.ws import router as websocket_router

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
    from control_tower.alerts.router import router as alerts
    from control_tower.cases.router import router as cases
    from control_tower.chat.router import router as chat
    from control_tower.demo.router import router as demo
    from control_tower.export.router import router as export
    from control_tower.feed.router import router as feed
    from control_tower.inbox.router import router as inbox
    from control_tower.pulse.router import router as pulse
    from control_tower.realtime.router import router as realtime
    from control_tower.recompute.router import router as recompute
    from control_tower.search.router import router as search
    from control_tower.system.router import router as system
    from control_tower.trending.router import router as trending
    from control_tower.uploads.router import router as uploads

    return [
        alerts,
        cases,
        feed,
        pulse,
        inbox,
        demo,
        realtime,
        search,
        trending,
        chat,
        uploads,
        recompute,
        export,
        system,
    ]


LifespanHook = Callable[[FastAPI], AbstractAsyncContextManager[None]]


def _lifespan_hooks() -> list[LifespanHook]:
    """Background work owned by the app (started after the database, stopped before it)."""
    from control_tower.demo.service import demo_lifespan
    from control_tower.realtime.service import realtime_lifespan
    from control_tower.recompute.service import recompute_lifespan
    from control_tower.search.text_index import search_index_lifespan
    from control_tower.trending.recent import trending_window_lifespan

    return [
        demo_lifespan,
        realtime_lifespan,
        recompute_lifespan,
        search_index_lifespan,
        trending_window_lifespan,
    ]


LIFESPAN_HOOKS: list[LifespanHook] = []


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> FastAPI:
    """Build the ASGI application."""
    settings = settings or get_settings()
    configure_logging(settings)
    if not LIFESPAN_HOOKS:
        LIFESPAN_HOOKS.extend(_lifespan_hooks())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        redis = app.state.redis
        bus: EventBus
        if redis is not None:
            bus = RedisEventBus(app.state.clock, redis, stream=f"{settings.redis_namespace}:events")
        else:
            bus = InProcessEventBus(app.state.clock)
        await bus.start()
        database = Database(settings, bus=bus, cache=app.state.cache)
        install_slow_query_log(
            database.engine, settings.slow_query_ms, app.state.metrics.slow_queries.inc
        )
        app.state.bus = bus
        app.state.db = database
        log.info("app.started", database=database.dialect, environment=settings.environment)
        try:
            async with AsyncExitStack() as stack:
                for hook in LIFESPAN_HOOKS:
                    await stack.enter_async_context(hook(app))
                yield
        finally:
            await bus.close()
            await database.dispose()
            if redis is not None:
                await redis.aclose()
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

    # With REDIS_URL every worker shares events, rate limits and the cache.
    app.state.redis = aioredis.from_url(settings.redis_url) if settings.redis_url else None
    if app.state.redis is not None:
        namespace = settings.redis_namespace
        app.state.rate_limiter = RedisRateLimiter(
            app.state.clock, app.state.redis, prefix=f"{namespace}:rl"
        )
        app.state.cache = RedisCache(app.state.redis, prefix=f"{namespace}:cache")
    else:
        app.state.rate_limiter = MemoryRateLimiter(app.state.clock)
        app.state.cache = MemoryCache()
    app.state.cache.clock = app.state.clock
    app.state.metrics = Metrics(app.state)

    @app.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        return Response(app.state.metrics.render(), media_type=CONTENT_TYPE_LATEST)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = complete_openapi(
                get_openapi(
                    title=app.title,
                    version=app.version,
                    description=app.description,
                    routes=app.routes,
                )
            )
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    install_error_handlers(app)
    app.include_router(health_router)
    app.include_router(auth_router)
    app.include_router(websocket_router)  # authenticates in the handshake itself
    features = api_routers()
    for router in features:
        app.include_router(router, dependencies=[Depends(authenticate)])
    app.state.route_table = RouteTable([app.router, health_router, auth_router, *features])

    app.add_middleware(FrameworkMiddleware, route_table=app.state.route_table)
    app.add_middleware(SecurityMiddleware, settings=settings)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_credentials="*" not in settings.cors_origins,
        allow_methods=["GET", "POST", "PATCH", "PUT", "DELETE", "OPTIONS"],
        allow_headers=["*"],
        expose_headers=["x-request-id", "x-total-rows", "x-max-rows", "content-disposition"],
    )
    app.add_middleware(MetricsMiddleware, metrics=app.state.metrics)
    app.add_middleware(RequestContextMiddleware)
    return app
