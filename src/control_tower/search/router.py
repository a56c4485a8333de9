"""HTTP routes of the search feature."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from control_tower.auth.deps import CurrentUser
from control_tower.auth.readroute import ReadRoute
from control_tower.core.body import InvalidBody, read_json
from control_tower.core.deps import ClockDep, SessionDep
from control_tower.core.errors import BadRequest
from control_tower.core.jsonenc import JSResponse
from control_tower.core.openapi import error_responses, query_parameter, query_parameters
from control_tower.core.query import first_or, int_param
from control_tower.core.respcache import cached_json
from control_tower.search import service
from control_tower.search.ranking import Ordering, Paging
from control_tower.search.schemas import (
    LogSearchRequest,
    LogSearchResponse,
    PopularSearchesResponse,
    SearchResponse,
)

router = APIRouter(tags=["search"], route_class=ReadRoute)

_SEARCH_PARAMETERS = query_parameters(
    query_parameter(
        "q",
        "Natural-language query. Time phrases (today, yesterday, last N days, this week ...), "
        "business units, channels, categories, severities and the urgent/risk/review flags "
        "become filters; the remaining words are keywords matched in summary, category and "
        "subcategory. A blank query returns an empty result.",
        example="urgent kfc app crash last 7 days",
    ),
    query_parameter(
        "page", "Page number, read like parseInt (default 1).", example="1", kind="integer"
    ),
    query_parameter(
        "limit",
        "Page size, read like parseInt (default 20, no maximum); non-numeric gives no results "
        "but the full totalCount.",
        example="20",
        kind="integer",
    ),
    query_parameter(
        "sortBy",
        "relevance (default), date or severity; any other value keeps the database order.",
        example="relevance",
    ),
    query_parameter(
        "sortOrder", "desc (default); any other value sorts ascending.", example="desc"
    ),
)

_ANALYTICS_PARAMETERS = query_parameters(
    query_parameter(
        "limit", "How many queries, read like parseInt (default 10).", example="6", kind="integer"
    ),
    query_parameter(
        "days",
        "Look back this many days from now, read like parseInt (default 30); a non-numeric "
        "value fails with 500 as in the original.",
        example="30",
        kind="integer",
    ),
)

_LOG_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": LogSearchRequest.model_json_schema()}},
    }
}


@router.get(
    "/api/search",
    summary="Search cases with a natural-language query",
    response_class=JSResponse,
    response_model=None,
    responses={
        200: {"model": SearchResponse, "description": "Ranked matches, one page of them"},
        **error_responses(**{"500": "Search failed (database error, or a date out of range)"}),
    },
    openapi_extra=_SEARCH_PARAMETERS,
)
async def search_cases(
    request: Request, session: SessionDep, clock: ClockDep, viewer: CurrentUser
) -> Response:
    """Parse a query into filters and keywords and return the ranked matching cases."""

    async def build() -> Any:
        return await service.search_cases(
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

    return await cached_json(request, build)


@router.get(
    "/api/search/analytics",
    summary="List popular searches",
    response_class=JSResponse,
    response_model=None,
    responses={
        200: {"model": PopularSearchesResponse, "description": "Most searched queries"},
        **error_responses(**{"500": "Failed to fetch search analytics"}),
    },
    openapi_extra=_ANALYTICS_PARAMETERS,
)
async def popular_searches(request: Request, session: SessionDep, clock: ClockDep) -> JSResponse:
    """Return the most frequent normalised queries of the period, most searched first."""
    body = await service.popular_searches(
        session,
        limit=int_param(request, "limit", 10),
        days=int_param(request, "days", 30),
        now_ms=clock.now_ms(),
    )
    return JSResponse(body)


@router.post(
    "/api/search/analytics",
    summary="Log a search",
    response_class=JSResponse,
    response_model=None,
    responses={
        200: {"model": LogSearchResponse, "description": "Logged, or skipped without error"},
        **error_responses(**{"400": "Query is required"}),
    },
    openapi_extra=_LOG_BODY,
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
