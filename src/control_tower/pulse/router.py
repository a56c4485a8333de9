"""HTTP routes of the pulse feature."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from control_tower.auth.deps import CurrentUser
from control_tower.auth.readroute import ReadRoute
from control_tower.core.deps import CacheDep, ClockDep, SessionDep, SettingsDep
from control_tower.core.jsonenc import JSResponse
from control_tower.core.query import first
from control_tower.core.respcache import cached_json
from control_tower.pulse import service
from control_tower.pulse.schemas import PulseResponse, SparklinesResponse, WordcloudResponse

router = APIRouter(tags=["pulse"], route_class=ReadRoute)

_LOCALE_PARAMETERS = [
    {
        "name": "locale",
        "in": "query",
        "required": False,
        "description": "`th` labels the weekdays in Thai; anything else (also `th-TH`) in "
        "English. `Today` and `Yesterday` are never translated.",
        "schema": {"type": "string", "example": "th"},
    },
    {
        "name": "x-locale",
        "in": "header",
        "required": False,
        "description": "Used when the `locale` query parameter is absent or empty.",
        "schema": {"type": "string", "example": "th"},
    },
]


@router.get(
    "/api/pulse",
    summary="Get the sidebar KPIs",
    response_class=JSResponse,
    responses={200: {"model": PulseResponse}},
)
async def get_pulse(
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    user: CurrentUser,
    cache: CacheDep,
    settings: SettingsDep,
) -> Response:
    """Compute today's case KPIs, the resolution rate and the active alert count."""

    async def build() -> Any:
        return await service.get_pulse(
            session,
            now_ms=clock.now_ms(),
            scope=user.scope,
            cache=cache,
            ttl_s=settings.cache_ttl_s,
        )

    return await cached_json(request, build)


@router.get(
    "/api/pulse/sparklines",
    summary="Get seven-day KPI sparklines",
    response_class=JSResponse,
    responses={200: {"model": SparklinesResponse}},
    openapi_extra={"parameters": _LOCALE_PARAMETERS},
)
async def get_sparklines(
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    user: CurrentUser,
    cache: CacheDep,
    settings: SettingsDep,
) -> Response:
    """Count cases per local day over the last seven days for each KPI series."""
    locale = service.pick_locale(first(request, "locale"), request.headers.get("x-locale"))

    async def build() -> Any:
        return await service.get_sparklines(
            session,
            now_ms=clock.now_ms(),
            locale=locale,
            scope=user.scope,
            cache=cache,
            ttl_s=settings.cache_ttl_s,
        )

    return await cached_json(request, build)


@router.get(
    "/api/pulse/wordcloud",
    summary="Get case counts per category for the last seven days",
    response_class=JSResponse,
    responses={200: {"model": WordcloudResponse}},
)
async def get_wordcloud(
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    user: CurrentUser,
    cache: CacheDep,
    settings: SettingsDep,
) -> Response:
    """Count the cases of each category created in the last seven days."""

    async def build() -> Any:
        return await service.get_wordcloud(
            session,
            now_ms=clock.now_ms(),
            scope=user.scope,
            cache=cache,
            ttl_s=settings.cache_ttl_s,
        )

    return await cached_json(request, build)
