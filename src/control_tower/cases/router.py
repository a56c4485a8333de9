"""HTTP routes of the cases feature."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Path, Request
from starlette.responses import Response

from control_tower.auth.deps import CurrentUser
from control_tower.auth.readroute import ReadRoute
from control_tower.cases import service
from control_tower.cases.schemas import CaseDetailResponse, CaseListResponse, ErrorBody
from control_tower.cases.service import CaseFilters, CaseListQuery
from control_tower.core.deps import SessionDep
from control_tower.core.jsonenc import JSResponse
from control_tower.core.openapi import PAGE_PARAMETERS, query_parameter, query_parameters
from control_tower.core.query import Pagination, first
from control_tower.core.respcache import cached_json

router = APIRouter(tags=["cases"], route_class=ReadRoute)

_LIST_PARAMETERS = query_parameters(
    *PAGE_PARAMETERS,
    query_parameter("bu", "Exact business unit (case-sensitive).", example="KFC Delivery"),
    query_parameter("channel", "Exact channel (phone, email, line, web)."),
    query_parameter("category", "Exact category.", example="Food Safety"),
    query_parameter("severity", "Exact severity (low, medium, high, critical)."),
    query_parameter("status", "Exact status (open, in_progress, resolved, closed)."),
    query_parameter(
        "startDate",
        "Keep cases whose createdAt text is >= this value (compared as text).",
        example="2026-01-01",
    ),
    query_parameter(
        "endDate",
        "Keep cases whose createdAt text is <= this value (compared as text, so a bare "
        "date excludes that day).",
        example="2026-01-15",
    ),
    query_parameter(
        "search",
        "Substring of the summary (SQL LIKE: ASCII case-insensitive; % and _ act as wildcards).",
        example="app crash",
    ),
    query_parameter("uploadBatch", "Only cases created by this upload id."),
    query_parameter(
        "sortBy",
        "createdAt (default), severity, status or caseNumber; anything else sorts by "
        "createdAt. Severity and status sort alphabetically.",
        example="createdAt",
    ),
    query_parameter(
        "sortOrder", "Exactly `asc` sorts ascending; anything else descending.", example="desc"
    ),
)


@router.get(
    "/api/cases",
    summary="List cases",
    response_class=JSResponse,
    response_model=None,
    openapi_extra=_LIST_PARAMETERS,
    responses={
        200: {"model": CaseListResponse, "description": "One page of cases."},
        400: {"model": ErrorBody, "description": "A page other than 1 with no limit."},
    },
)
async def list_cases(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    """List cases with optional filters, a summary search, one sort key and pagination."""
    query = CaseListQuery(
        filters=CaseFilters(
            business_unit=first(request, "bu"),
            channel=first(request, "channel"),
            category=first(request, "category"),
            severity=first(request, "severity"),
            status=first(request, "status"),
            start_date=first(request, "startDate"),
            end_date=first(request, "endDate"),
            search=first(request, "search"),
            upload_id=first(request, "uploadBatch"),
        ),
        pagination=Pagination.from_request(request),
        sort_by=first(request, "sortBy"),
        sort_order=first(request, "sortOrder"),
    )

    async def build() -> Any:
        return await service.list_cases(session, query=query, scope=user.scope)

    return await cached_json(request, build)


# ``:path`` so that an id with an encoded slash (``case-1%2Fextra``) still reaches the lookup
# and answers "Case not found", as the original's dynamic segment did.
@router.get(
    "/api/cases/{case_id:path}",
    summary="Get a case",
    response_class=JSResponse,
    response_model=None,
    responses={
        200: {"model": CaseDetailResponse, "description": "The case with summary and timeline."},
        404: {"model": ErrorBody, "description": "No case has this id."},
    },
)
async def get_case(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    case_id: str = Path(description="Case id, e.g. `case-8`", examples=["case-8"]),
) -> Response:
    """Get a case with its generated summary and timeline."""

    async def build() -> Any:
        return await service.get_case_detail(session, case_id=case_id, scope=user.scope)

    return await cached_json(request, build)
