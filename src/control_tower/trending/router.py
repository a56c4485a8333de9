"""HTTP routes of the trending feature: trending topics, one topic, predictions, compute."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote_to_bytes

from fastapi import APIRouter, Path, Request
from starlette.convertors import Convertor, register_url_convertor

from control_tower.auth.deps import AdminUser, CurrentUser
from control_tower.auth.readroute import ReadRoute
from control_tower.core.body import UNDEFINED, InvalidBody, field, read_json
from control_tower.core.cache import cached
from control_tower.core.deps import CacheDep, ClockDep, SessionDep, SettingsDep
from control_tower.core.errors import BadRequest, NotFound
from control_tower.core.js import js_truthy
from control_tower.core.jsonenc import JSResponse
from control_tower.core.openapi import ErrorBody
from control_tower.core.query import first_or, int_param, js_int
from control_tower.core.respcache import cached_json
from control_tower.trending import service
from control_tower.trending.jsmath import js_string
from control_tower.trending.schemas import (
    ComputeRequest,
    ComputeResult,
    PredictionList,
    TopicDetail,
    TopicNotFound,
    TrendingList,
)

router = APIRouter(tags=["trending"], route_class=ReadRoute)

TOPIC_PREFIX = "/api/trending/"


class TopicConvertor(Convertor[str]):
    """A topic segment: anything but the literal ``compute``, which is its own route."""

    regex = "(?!compute$).+"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("trending_topic", TopicConvertor())


def _query(name: str, description: str, example: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": {"type": "string"},
        "example": example,
    }


WINDOW_24H_DOC = _query(
    "window",
    "`24h` compares the last 24 hours with the 24 before; any other value compares the last "
    "7 days with the 7 before (and is echoed as sent). Default `24h`.",
    "24h",
)
LIMIT_DOC = _query(
    "limit",
    "How many topics (parseInt; default 5; non-numeric gives none, negative drops from the end)",
    "5",
)


@router.get(
    "/api/trending",
    response_class=JSResponse,
    summary="List trending topics",
    responses={200: {"model": TrendingList}},
    openapi_extra={"parameters": [WINDOW_24H_DOC, LIMIT_DOC]},
)
async def list_trending(
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    user: CurrentUser,
    cache: CacheDep,
    settings: SettingsDep,
) -> Any:
    """List the terms rising fastest in case summaries over the window."""
    window = first_or(request, "window", "24h")
    limit = int_param(request, "limit", 5)
    # Windows move with the clock: an answer is reused for CACHE_TTL_S at most, and never
    # after a case write.

    async def build() -> Any:
        return await cached(
            cache,
            "trending",
            (window, limit, user.scope),
            depends_on=("cases",),
            ttl_s=settings.cache_ttl_s,
            compute=lambda: service.list_trending(
                session, window=window, limit=limit, now_ms=clock.now_ms(), scope=user.scope
            ),
        )

    return await cached_json(request, build)


@router.post(
    "/api/trending/compute",
    response_class=JSResponse,
    summary="Recompute and store trending topics",
    responses={
        200: {"model": ComputeResult},
        400: {"model": ErrorBody},
        403: {"model": ErrorBody, "description": "Only an admin may recompute trending"},
    },
    openapi_extra={
        "requestBody": {
            "required": False,
            "content": {"application/json": {"schema": ComputeRequest.model_json_schema()}},
        }
    },
)
async def compute_trending(
    request: Request, session: SessionDep, clock: ClockDep, user: AdminUser
) -> Any:
    """Recompute trending topics and predictions, replacing the stored trending topics."""
    try:
        payload = await read_json(request)
    except InvalidBody:
        payload = {}
    if payload is None:
        raise BadRequest(
            'Invalid body: send a JSON object such as {"window": "7d", "limit": 5}, '
            "or no body for the defaults"
        )
    window = field(payload, "window")
    limit = field(payload, "limit")
    body = await service.compute_snapshot(
        session,
        window=window if _truthy(window) else "24h",
        limit=js_int(js_string(limit)) if _truthy(limit) else 10,
        now_ms=clock.now_ms(),
        scope=user.scope,
    )
    return JSResponse(body)


def _truthy(value: Any) -> bool:
    return value is not UNDEFINED and js_truthy(value)


TopicPath = Path(
    description="The topic, percent-encoded once (`Discount%20Code`); normalised like a term",
    examples=["discount%20code"],
)

_BAD_PERCENT = re.compile(rb"%(?![0-9A-Fa-f]{2})")


def decode_topic(request: Request, fallback: str) -> str:
    """The topic path segment percent-decoded exactly once (``decodeURIComponent``)."""
    raw_path = request.scope.get("raw_path")
    if not raw_path:
        return fallback
    path = raw_path.split(b"?", 1)[0]
    prefix = TOPIC_PREFIX.encode("ascii")
    if prefix not in path:
        return fallback
    segment = path.split(prefix, 1)[1]
    if b"/" in segment:
        raise NotFound(f"Not found: no route matches {request.method} {request.url.path}")
    try:
        if _BAD_PERCENT.search(segment):
            raise ValueError("stray %")
        return unquote_to_bytes(segment).decode("utf-8")
    except ValueError as exc:
        raise BadRequest(
            "Invalid topic: the path segment is not valid percent-encoded UTF-8 "
            "(every % must start a %XX escape, and the escapes must spell UTF-8 text)",
            details={"segment": segment.decode("latin-1")},
        ) from exc


@router.get(
    "/api/trending/{topic:trending_topic}",
    response_class=JSResponse,
    summary="Get one trending topic in detail",
    responses={
        200: {"model": TopicDetail},
        400: {"model": ErrorBody, "description": "The segment is not valid percent-encoding"},
        404: {"model": TopicNotFound, "description": "No case in either period mentions it"},
    },
    openapi_extra={
        "parameters": [
            _query(
                "window",
                "`24h` or anything else for 7 days (default `7d`; echoed as sent)",
                "7d",
            )
        ]
    },
)
async def get_topic(
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    user: CurrentUser,
    topic: str = TopicPath,
) -> Any:
    """Show one topic's counts, 14-day daily trend, breakdowns and sample cases."""
    decoded = decode_topic(request, topic)

    async def build() -> Any:
        body = await service.get_topic(
            session,
            topic=decoded,
            window=first_or(request, "window", "7d"),
            now_ms=clock.now_ms(),
            scope=user.scope,
        )
        if body is None:
            raise NotFound("Topic not found", trailing={"topic": decoded})
        return body

    return await cached_json(request, build)


@router.get(
    "/api/predictions",
    response_class=JSResponse,
    summary="List predicted risks",
    responses={200: {"model": PredictionList}},
    openapi_extra={
        "parameters": [
            _query("window", "`24h` or anything else for 7 days (default `7d`)", "7d"),
            _query("limit", "How many predictions after sorting (parseInt; default 10)", "10"),
            _query(
                "threshold",
                "Alert threshold the window count is compared with (parseInt; default 100; "
                "non-numeric disables the approaching-threshold rule and echoes null)",
                "100",
            ),
        ]
    },
)
async def list_predictions(
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    user: CurrentUser,
    cache: CacheDep,
    settings: SettingsDep,
) -> Any:
    """Predict which rising terms are likely to keep rising or cross the alert threshold."""
    window = first_or(request, "window", "7d")
    limit = int_param(request, "limit", 10)
    threshold = int_param(request, "threshold", 100)

    async def build() -> Any:
        return await cached(
            cache,
            "predictions",
            (window, limit, threshold, user.scope),
            depends_on=("cases",),
            ttl_s=settings.cache_ttl_s,
            compute=lambda: service.list_predictions(
                session,
                window=window,
                limit=limit,
                threshold=threshold,
                now_ms=clock.now_ms(),
                scope=user.scope,
            ),
        )

    return await cached_json(request, build)
