"""Admin routes for system notices."""

from __future__ import annotations

from fastapi import APIRouter

from control_tower.auth.deps import AdminUser
from control_tower.core.deps import BusDep
from control_tower.core.jsonenc import JSResponse
from control_tower.core.openapi import ErrorBody
from control_tower.system import service
from control_tower.system.schemas import NoticeRequest, NoticeResponse

router = APIRouter(tags=["system"])


@router.post(
    "/api/admin/notices",
    summary="Announce a system notice",
    response_class=JSResponse,
    status_code=202,
    responses={
        202: {"model": NoticeResponse, "description": "Published to every connected client"},
        403: {"model": ErrorBody, "description": "Only an admin may announce"},
        422: {"model": ErrorBody, "description": "Missing or invalid message or level"},
    },
)
async def create_notice(notice: NoticeRequest, admin: AdminUser, bus: BusDep) -> JSResponse:
    """Publish a notice (e.g. planned maintenance) on the system channel of /ws and SSE."""
    event = await service.announce(bus, message=notice.message, level=notice.level, by=admin.id)
    return JSResponse(event.to_json(), status_code=202)
