"""HTTP routes of the inbox feature: the user's inbox, its badge count, and sharing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy.exc import SQLAlchemyError
from starlette.responses import Response

from control_tower.auth.deps import CurrentUser
from control_tower.auth.readroute import ReadRoute
from control_tower.core.body import InvalidBody, read_json
from control_tower.core.deps import ClockDep, SessionDep
from control_tower.core.errors import OriginalFailure
from control_tower.core.jsonenc import JSResponse
from control_tower.core.openapi import ErrorBody
from control_tower.core.query import Pagination, first
from control_tower.core.respcache import cached_json
from control_tower.inbox import service
from control_tower.inbox.schemas import (
    InboxCount,
    InboxPage,
    InboxUpdate,
    InboxUpdated,
    ShareCreate,
    ShareCreated,
)

router = APIRouter(route_class=ReadRoute)


def _query(name: str, description: str, example: str | None = None) -> dict[str, Any]:
    parameter: dict[str, Any] = {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": {"type": "string"},
    }
    if example is not None:
        parameter["example"] = example
    return parameter


_USER_ID = _query(
    "userId",
    "Whose inbox (default `user-admin-001`, as in the original). Only admins may read "
    "another user's inbox; other users always get their own.",
    "user-manager-1",
)


def _json_body(model: type[Any]) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": model.model_json_schema()}},
        }
    }


@contextmanager
def _database_failure(message: str) -> Iterator[None]:
    """A database error answers the original's handled 500 with its message."""
    try:
        yield
    except SQLAlchemyError as exc:
        raise OriginalFailure(message) from exc


@router.get(
    "/api/inbox",
    tags=["inbox"],
    summary="List the user's inbox",
    response_class=JSResponse,
    responses={
        200: {"model": InboxPage},
        400: {"model": ErrorBody, "description": "`limit` below zero with a page other than 1"},
        403: {"model": ErrorBody, "description": "Another user's inbox, asked by a non-admin"},
        500: {"model": ErrorBody, "description": "`Failed to fetch inbox items`"},
    },
    openapi_extra={
        "parameters": [
            _USER_ID,
            _query("status", "`pending`, `read` or `actioned`; `all` or empty: any", "pending"),
            _query("type", "`share` or `escalation`; `all` or empty: any", "escalation"),
            _query("page", "Page number, parsed like `parseInt` (default 1)", "1"),
            _query("limit", "Page size, parsed like `parseInt` (default 20)", "20"),
        ]
    },
)
async def list_inbox(request: Request, session: SessionDep, viewer: CurrentUser) -> Response:
    """List shares received by the user, newest first, with sender and source."""
    recipient = service.inbox_owner(viewer, first(request, "userId"))

    async def build() -> Any:
        with _database_failure(service.FETCH_FAILED):
            page = await service.list_inbox(
                session,
                recipient_id=recipient,
                status=first(request, "status"),
                share_type=first(request, "type"),
                pagination=Pagination.from_request(request),
                scope=viewer.scope,
            )
        return page

    return await cached_json(request, build)


@router.patch(
    "/api/inbox",
    tags=["inbox"],
    summary="Change a share's status",
    response_class=JSResponse,
    responses={
        200: {"model": InboxUpdated},
        400: {"model": ErrorBody, "description": "Missing id, missing or invalid status"},
        403: {"model": ErrorBody, "description": "The share was sent to someone else"},
        500: {"model": ErrorBody, "description": "`Failed to update inbox item` (invalid JSON)"},
    },
    openapi_extra=_json_body(InboxUpdate),
)
async def update_inbox_item(
    request: Request, session: SessionDep, viewer: CurrentUser, clock: ClockDep
) -> JSResponse:
    """Mark a share pending, read or actioned."""
    try:
        body = await read_json(request)
    except InvalidBody as exc:
        raise OriginalFailure(service.UPDATE_FAILED) from exc
    with _database_failure(service.UPDATE_FAILED):
        result = await service.update_status(session, body, viewer=viewer, clock=clock)
    return JSResponse(result)


@router.get(
    "/api/inbox/count",
    tags=["inbox"],
    summary="Count the user's pending shares",
    response_class=JSResponse,
    responses={
        200: {"model": InboxCount},
        403: {"model": ErrorBody, "description": "Another user's count, asked by a non-admin"},
        500: {"model": ErrorBody, "description": "`Failed to fetch inbox count`"},
    },
    openapi_extra={"parameters": [_USER_ID]},
)
async def count_inbox(request: Request, session: SessionDep, viewer: CurrentUser) -> Response:
    """Count pending shares and say whether one of them is an escalation."""
    recipient = service.inbox_owner(viewer, first(request, "userId"))

    async def build() -> Any:
        with _database_failure(service.COUNT_FAILED):
            counts = await service.inbox_count(session, recipient_id=recipient)
        return counts

    return await cached_json(request, build)


@router.post(
    "/api/shares",
    summary="Share or escalate an alert or case",
    tags=["shares"],
    response_class=JSResponse,
    responses={
        200: {"model": ShareCreated},
        400: {"model": ErrorBody, "description": "A required field is missing or empty"},
        403: {"model": ErrorBody, "description": "`senderId` names another user"},
        404: {
            "model": ErrorBody,
            "description": "The alert or case is not visible to the user (another unit's)",
        },
        500: {
            "model": ErrorBody,
            "description": "`Failed to create share`: invalid JSON, a `null` type or channel, "
            "or a boolean/object value the original could not store",
        },
    },
    openapi_extra=_json_body(ShareCreate),
)
async def create_share(
    request: Request, session: SessionDep, viewer: CurrentUser, clock: ClockDep
) -> JSResponse:
    """Send an alert or case to a user; an escalated case becomes critical and at risk."""
    try:
        body = await read_json(request)
    except InvalidBody as exc:
        raise OriginalFailure(service.CREATE_FAILED) from exc
    with _database_failure(service.CREATE_FAILED):
        created = await service.create_share(session, body, clock=clock, viewer=viewer)
    return JSResponse(created)
