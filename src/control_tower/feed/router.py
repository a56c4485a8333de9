"""HTTP routes of the feed feature."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from control_tower.auth.deps import CurrentUser
from control_tower.auth.readroute import ReadRoute
from control_tower.core.deps import ClockDep, SessionDep
from control_tower.core.jsonenc import JSResponse
from control_tower.core.openapi import ErrorBody
from control_tower.core.query import Pagination, first, first_or
from control_tower.core.respcache import cached_json
from control_tower.feed import service
from control_tower.feed.schemas import FeedPage

router = APIRouter(tags=["feed"], route_class=ReadRoute)


def _query(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


_FEED_PARAMETERS = [
    _query(
        "page", "Page number, read with `parseInt` (default 1).", {"type": "string", "example": "1"}
    ),
    _query(
        "limit",
        "Page size, read with `parseInt` (default 10); negative or non-numeric "
        "means every item (then only page 1 exists).",
        {"type": "string", "example": "10"},
    ),
    _query(
        "type",
        "Only items of this type: `alert`, `trending`, `highlight`, `upload`.",
        {"type": "string"},
    ),
    _query("bu", 'Only items whose metadata contains `"businessUnit":"<bu>"`.', {"type": "string"}),
    _query(
        "channel", 'Only items whose metadata contains `"channel":"<channel>"`.', {"type": "string"}
    ),
    _query(
        "dateRange",
        "`today` (from local midnight, the default; also any unknown value), "
        "`7d` or `30d` (rolling windows ending now).",
        {"type": "string", "enum": ["today", "7d", "30d"], "default": "today"},
    ),
]


@router.get(
    "/api/feed",
    summary="List feed items",
    response_class=JSResponse,
    responses={200: {"model": FeedPage}, 400: {"model": ErrorBody}},
    openapi_extra={"parameters": _FEED_PARAMETERS},
)
async def list_feed(
    request: Request, session: SessionDep, clock: ClockDep, user: CurrentUser
) -> Response:
    """List feed items by priority, then newest first, one page at a time."""
    filters = service.FeedFilters(
        item_type=first(request, "type"),
        bu=first(request, "bu"),
        channel=first(request, "channel"),
        date_range=first_or(request, "dateRange", service.DEFAULT_DATE_RANGE),
    )
    pagination = Pagination.from_request(request, default_limit=service.DEFAULT_LIMIT)

    async def build() -> Any:
        return await service.list_feed(
            session,
            filters=filters,
            pagination=pagination,
            now_ms=clock.now_ms(),
            scope=user.scope,
        )

    return await cached_json(request, build)
