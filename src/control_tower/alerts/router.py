"""HTTP routes of the alerts feature."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Path, Request
from starlette.convertors import Convertor, register_url_convertor
from starlette.responses import Response

from control_tower.alerts import service
from control_tower.alerts.schemas import (
    AlertCountResponse,
    AlertDetailResponse,
    AlertListResponse,
    EscalateRequest,
    EscalateResponse,
)
from control_tower.alerts.service import AlertFilters, AlertListQuery
from control_tower.auth.deps import CurrentUser
from control_tower.auth.readroute import ReadRoute
from control_tower.core.body import InvalidBody, read_json
from control_tower.core.deps import ClockDep, SessionDep
from control_tower.core.errors import OriginalFailure
from control_tower.core.jsonenc import JSResponse
from control_tower.core.openapi import PAGE_PARAMETERS, ErrorBody, query_parameter, query_parameters
from control_tower.core.query import Pagination, first
from control_tower.core.respcache import cached_json


class AlertIdConvertor(Convertor[str]):
    """An alert id as the original's dynamic segment saw it.

    Routing sees the decoded path, so an id with an encoded slash (``a%2Fb``) arrives as
    ``a/b``; it must still reach the lookup and answer "Alert not found". Only the
    ``/escalate`` sub-path is left to its own route.
    """

    regex = r".+(?<!/escalate)"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("alert_id", AlertIdConvertor())

router = APIRouter(tags=["alerts"], route_class=ReadRoute)

_LIST_PARAMETERS = query_parameters(
    *PAGE_PARAMETERS,
    query_parameter("type", "Exact alert type (spike, threshold, urgency, misclassification)."),
    query_parameter("severity", "Exact severity (low, medium, high, critical)."),
    query_parameter("status", "Exact status (active, acknowledged, resolved, dismissed)."),
    query_parameter("bu", "Exact business unit (case-sensitive).", example="KFC Delivery"),
    query_parameter(
        "startDate",
        "Keep alerts whose createdAt text is >= this value (compared as text).",
        example="2026-01-14T00:00:00.000Z",
    ),
    query_parameter(
        "endDate",
        "Keep alerts whose createdAt text is <= this value (compared as text, so a bare "
        "date excludes that day).",
        example="2026-01-16",
    ),
    query_parameter(
        "sortBy",
        "createdAt (default), severity, status or type; anything else sorts by createdAt. "
        "Severity and status sort alphabetically.",
        example="createdAt",
    ),
    query_parameter(
        "sortOrder", "Exactly `asc` sorts ascending; anything else descending.", example="desc"
    ),
)
_ESCALATE_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": EscalateRequest.model_json_schema()}},
    }
}


@router.get(
    "/api/alerts",
    summary="List alerts",
    response_class=JSResponse,
    response_model=None,
    openapi_extra=_LIST_PARAMETERS,
    responses={
        200: {"model": AlertListResponse, "description": "One page of alerts."},
        400: {"model": ErrorBody, "description": "A page other than 1 with no limit."},
    },
)
async def list_alerts(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    """List alerts with optional filters, one sort key and pagination."""
    query = AlertListQuery(
        filters=AlertFilters(
            type=first(request, "type"),
            severity=first(request, "severity"),
            status=first(request, "status"),
            business_unit=first(request, "bu"),
            start_date=first(request, "startDate"),
            end_date=first(request, "endDate"),
        ),
        pagination=Pagination.from_request(request),
        sort_by=first(request, "sortBy"),
        sort_order=first(request, "sortOrder"),
    )

    async def build() -> Any:
        return await service.list_alerts(session, query=query, scope=user.scope)

    return await cached_json(request, build)


@router.get(
    "/api/alerts/count",
    summary="Count active alerts",
    response_class=JSResponse,
    response_model=None,
    responses={200: {"model": AlertCountResponse, "description": "Active alert counts."}},
)
async def count_alerts(
    request: Request, session: SessionDep, user: CurrentUser, clock: ClockDep
) -> Response:
    """Count active alerts, and the critical and high ones among them."""

    async def build() -> Any:
        counts = await service.alert_counts(session, scope=user.scope)
        return {**counts, "timestamp": clock.now_iso()}

    return await cached_json(request, build)


AlertId = Path(description="Alert id, e.g. `alert-spike-1`", examples=["alert-spike-1"])


@router.get(
    "/api/alerts/{alert_id:alert_id}",
    summary="Get an alert",
    response_class=JSResponse,
    response_model=None,
    responses={
        200: {"model": AlertDetailResponse, "description": "The alert and its context."},
        404: {"model": ErrorBody, "description": "No alert has this id."},
    },
)
async def get_alert(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    clock: ClockDep,
    alert_id: str = AlertId,
) -> Response:
    """Get an alert with recent sample cases, risk phrases and its comparison window."""

    async def build() -> Any:
        return await service.get_alert_detail(
            session, alert_id=alert_id, now_ms=clock.now_ms(), scope=user.scope
        )

    return await cached_json(request, build)


@router.post(
    "/api/alerts/{alert_id:path}/escalate",
    summary="Escalate an alert",
    response_class=JSResponse,
    response_model=None,
    openapi_extra=_ESCALATE_BODY,
    responses={
        200: {"model": EscalateResponse, "description": "The alert was escalated."},
        400: {"model": ErrorBody, "description": "senderId or recipientId is missing."},
        404: {"model": ErrorBody, "description": "No alert has this id."},
        413: {"model": ErrorBody, "description": "The body is too large."},
        500: {
            "model": ErrorBody,
            "description": "Failed to escalate alert: the body is not a JSON object, or "
            "the share could not be stored (nothing is written then).",
        },
    },
)
async def escalate_alert(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    clock: ClockDep,
    alert_id: str = AlertId,
) -> JSResponse:
    """Raise an alert to critical severity and send an escalation share."""
    try:
        body = await read_json(request)
    except InvalidBody as exc:
        raise OriginalFailure(service.ESCALATE_FAILED, details={"reason": str(exc)}) from exc
    result = await service.escalate_alert(
        session, body, alert_id=alert_id, now_ms=clock.now_ms(), viewer=user
    )
    return JSResponse(result)
