"""HTTP routes of the demo feature: read and toggle the mock event generator."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from control_tower.auth.deps import AdminUser
from control_tower.core.body import UNDEFINED, InvalidBody, field, read_json
from control_tower.core.deps import ClockDep
from control_tower.core.errors import OriginalFailure
from control_tower.core.js import js_truthy
from control_tower.core.jsonenc import JSResponse
from control_tower.core.openapi import ErrorBody
from control_tower.demo.schemas import DemoFailure, DemoStatus, DemoToggle, DemoToggled
from control_tower.demo.service import DEFAULT_INTERVAL_MS, get_controller

router = APIRouter(tags=["demo"])

TOGGLE_FAILED = "Failed to toggle demo mode"


def _truthy(value: Any) -> bool:
    return value is not UNDEFINED and js_truthy(value)


@router.get(
    "/api/demo-mode",
    summary="Show whether demo mode runs",
    response_class=JSResponse,
    responses={200: {"model": DemoStatus}},
)
async def get_demo_mode(request: Request, clock: ClockDep) -> JSResponse:
    """Report whether the mock event generator runs, and its base interval."""
    status = await get_controller(request.app).status()
    return JSResponse({**status, "timestamp": clock.now_iso()})


@router.post(
    "/api/demo-mode",
    summary="Start or stop demo mode",
    response_class=JSResponse,
    responses={
        200: {"model": DemoToggled},
        403: {"model": ErrorBody, "description": "Only an admin may toggle demo mode"},
        500: {"model": DemoFailure, "description": "The body is not JSON, or is `null`"},
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": DemoToggle.model_json_schema()}},
        }
    },
)
async def toggle_demo_mode(request: Request, clock: ClockDep, admin: AdminUser) -> JSResponse:
    """Start the mock event generator (one event at once, then every 30-60 s) or stop it."""
    try:
        body = await read_json(request)
    except InvalidBody as exc:
        raise OriginalFailure(TOGGLE_FAILED, leading={"success": False}) from exc
    if body is None:
        raise OriginalFailure(TOGGLE_FAILED, leading={"success": False})
    controller = get_controller(request.app)
    if _truthy(field(body, "enabled")):
        interval = field(body, "intervalMs")
        await controller.start(interval if _truthy(interval) else DEFAULT_INTERVAL_MS)
    else:
        await controller.stop()
    status = await controller.status()
    return JSResponse({"success": True, **status, "timestamp": clock.now_iso()})
