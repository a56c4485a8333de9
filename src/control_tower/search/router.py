"""HTTP routes of the search feature."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from control_tower.auth.deps import CurrentUser
from control_tower.core.body import InvalidBody, read_json
from control_tower.core.deps import ClockDep, SessionDep
from control_tower.core.errors import BadRequest
from control_tower.core.jsonenc import JSResponse
from control_tower.core.query import first_or, int_param
from control_tower.search import service
from control_tower.search.ranking import Ordering, Paging
from control_tower.search.schemas import (
    ErrorBody,
    LogSearchRequest,
    LogSearchResponse,
    PopularSearchesResponse,
    SearchResponse,
)

router = APIRouter(tags=["search"])


def _param(name: str, kind: str, description: str, **extra: Any) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": kind, **extra}
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


_SEARCH_PARAMETERS = [
    _param(
        "q",
        "string",
        "Natural-language query, e.g. `urgent kfc app crash last 7 days`. Time phrases, "
        "business units, channels, categories, severities and flags become filters; the "
        "rest are keywords. Blank gives an empty result.",
    ),
    _param("page", "integer", "Page number (parseInt; default 1).", default=1),
    _param("limit", "integer", "Page size (parseInt; default 20, no maximum).", default=20),
    _param(
        "sortBy",
        "string",
        "`relevance` (default), `date` or `severity`; any other value keeps scan order.",
        default="relevance",
    ),
    _param(
        "sortOrder",
        "string",
        "`desc` (default); anything else sorts ascending.",
        default="desc",
    ),
]


@router.get(
    "/api/search",
    summary="Search cases with a natural-language query",
    response_class=JSResponse,
    responses={200: {"model": SearchResponse}, 500: {"model": ErrorBody}},
    openapi_extra={"parameters": _SEARCH_PARAMETERS},
)
async def search_cases(
    request: Request, session: SessionDep, clock: ClockDep, viewer: CurrentUser
) -> JSResponse:
    """Parse a query into filters and keywords and return the ranked matching cases."""
    body = await service.search_cases(
        session,
        query=first_or(request, "q", ""),
        paging=Paging(int_param(request, "page", 1), int_param(request, "limit", 20)),
        ordering=Ordering(
            sort_by=first_or(request, "sortBy", "relevance"),
            sort_order=first_or(request, "sortOrder", "desc"),
        ),
        clock=clock,
        scope=viewer.scope,
    )
    return JSResponse(body)


@router.get(
    "/api/search/analytics",
    summary="List popular searches",
    response_class=JSResponse,
    responses={200: {"model": PopularSearchesResponse}, 500: {"model": ErrorBody}},
    openapi_extra={
        "parameters": [
            _param("limit", "integer", "How many queries (parseInt; default 10).", default=10),
            _param(
                "days",
                "integer",
                "Look back this many days from now (parseInt; default 30).",
                default=30,
            ),
        ]
    },
)
async def popular_searches(request: Request, session: SessionDep, clock: ClockDep) -> JSResponse:
    """Return the most frequent normalised queries of the period, most searched first."""
    days = int_param(request, "days", 30)
    body = await service.popular_searches(
        session, limit=int_param(request, "limit", 10), days=days, now_ms=clock.now_ms()
    )
    return JSResponse(body)


@router.post(
    "/api/search/analytics",
    summary="Log a search",
    response_class=JSResponse,
    responses={200: {"model": LogSearchResponse}, 400: {"model": ErrorBody}},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": LogSearchRequest.model_json_schema()}},
        }
    },
)
async def log_search(request: Request, session: SessionDep, clock: ClockDep) -> JSResponse:
    """Record a search the UI ran; failures are swallowed and answer ``logged: false``."""
    try:
        body = await read_json(request)
    except InvalidBody:
        return JSResponse({"success": True, "logged": False})
    try:
        result = await service.log_search(session, body, now_ms=clock.now_ms())
    except service.QueryRequired:
        raise BadRequest("Query is required") from None
    return JSResponse(result)
