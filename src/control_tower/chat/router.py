"""HTTP routes of the chat feature."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from control_tower.auth.deps import CurrentUser
from control_tower.chat import service
from control_tower.chat.schemas import ChatReply, ChatRequest
from control_tower.core.body import InvalidBody, field, read_json
from control_tower.core.deps import ClockDep, SessionDep
from control_tower.core.errors import BadRequest, OriginalFailure
from control_tower.core.js import js_truthy
from control_tower.core.jsonenc import JSResponse
from control_tower.core.openapi import ErrorBody

router = APIRouter(tags=["chat"])

MESSAGE_REQUIRED = "Message is required"
INTERNAL_ERROR = "Internal server error"


async def _message(request: Request) -> str:
    try:
        body: Any = await read_json(request)
    except InvalidBody as exc:
        raise OriginalFailure(INTERNAL_ERROR) from exc
    if body is None:
        # Destructuring a JSON null threw in the original: its handled 500.
        raise OriginalFailure(INTERNAL_ERROR)
    message = field(body, "message")
    if not js_truthy(message) or not isinstance(message, str):
        raise BadRequest(MESSAGE_REQUIRED)
    return message


@router.post(
    "/api/chat",
    summary="Ask the chat assistant",
    response_class=JSResponse,
    responses={
        200: {"model": ChatReply},
        400: {
            "model": ErrorBody,
            "description": "`Message is required` (missing, empty or not a string), or a "
            "search the database cannot run (a time range before the year -271821, more "
            "search words than SQLite can OR together)",
        },
        500: {
            "model": ErrorBody,
            "description": "`Internal server error`: the body is not JSON, or is `null`",
        },
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": ChatRequest.model_json_schema()}},
        }
    },
)
async def post_chat(
    request: Request, session: SessionDep, clock: ClockDep, user: CurrentUser
) -> JSResponse:
    """Classify a message and answer it from the viewer's cases, alerts and trends."""
    message = await _message(request)
    body = await service.reply(session, message, now_ms=clock.now_ms(), scope=user.scope)
    return JSResponse(body)
