"""HTTP routes of the realtime feature: the Server-Sent Events stream."""

from __future__ import annotations

import asyncio
from typing import Any, Final

from fastapi import APIRouter, Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from control_tower.auth.deps import CurrentUser
from control_tower.core.clock import Clock
from control_tower.core.query import first
from control_tower.realtime.schemas import EVENT_MODELS
from control_tower.realtime.service import UpdateStream, get_realtime, initial_cursor

router = APIRouter(tags=["realtime"])

# Exactly the original's headers (no charset on the content type).
STREAM_HEADERS: Final = {
    "content-type": "text/event-stream",
    "cache-control": "no-cache, no-transform",
    "connection": "keep-alive",
    "x-accel-buffering": "no",
}

_EXAMPLE_STREAM = (
    "id: 2026-01-15T10:05:04.238Z\n"
    "event: new_feed_items\n"
    'data: {"items":[{"id":"feed-upload-1","type":"upload","title":"New Batch Upload '
    'Processed","content":"...","metadata":"{}","priority":40,"referenceId":null,'
    '"referenceType":null,"createdAt":"2026-01-15T10:00:00.000Z","expiresAt":null}]}\n\n'
    "id: 2026-01-15T10:05:04.239Z\n"
    "event: alert_count\n"
    'data: {"count":7,"timestamp":"2026-01-15T10:05:04.239Z"}\n\n'
)

_STREAM_DESCRIPTION = (
    "A never-ending `text/event-stream`. Each frame is `id: <ISO send time>`, "
    "`event: <name>`, `data: <JSON>`. Events: "
    + "; ".join(
        f"`{name}`: {(model.__doc__ or '').strip()} Data: "
        + ", ".join(f"`{key}`" for key in model.model_fields)
        for name, model in EVENT_MODELS.items()
    )
)


class EventStreamResponse(Response):
    """Streams frames from an ``UpdateStream`` until the client leaves or the app stops."""

    media_type = "text/event-stream"

    def __init__(self, stream: UpdateStream) -> None:
        super().__init__(status_code=200)
        self.stream = stream
        self.raw_headers = [(k.encode(), v.encode()) for k, v in STREAM_HEADERS.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": self.raw_headers})
        gone = asyncio.Event()

        async def watch_disconnect() -> None:
            while (await receive())["type"] != "http.disconnect":
                pass
            gone.set()

        async def send_frame(chunk: bytes) -> None:
            if not gone.is_set():
                await send({"type": "http.response.body", "body": chunk, "more_body": True})

        watcher = asyncio.create_task(watch_disconnect())
        try:
            await self.stream.run(send_frame, gone)
        except asyncio.CancelledError:
            # The server cancels open streams when its shutdown grace period runs out: end
            # the response properly instead of failing the request.
            task = asyncio.current_task()
            if task is not None:
                task.uncancel()
        finally:
            watcher.cancel()
        if not gone.is_set():
            await send({"type": "http.response.body", "body": b"", "more_body": False})


@router.get(
    "/api/events",
    summary="Stream feed and alert updates",
    status_code=200,
    response_class=EventStreamResponse,
    responses={
        200: {
            "description": _STREAM_DESCRIPTION,
            "content": {
                "text/event-stream": {
                    "schema": {"type": "string"},
                    "example": _EXAMPLE_STREAM,
                }
            },
        }
    },
    openapi_extra={
        "parameters": [
            {
                "name": "lastEventId",
                "in": "query",
                "required": False,
                "description": "Send feed items created after this instant (any date "
                "`new Date()` accepts; the `id:` of the last event received). Default: now. "
                "A value that is not a date makes every check send `error`. Without this "
                "parameter, a reconnecting EventSource's `Last-Event-ID` header (the `id:` "
                "of the last event it received) is used, so it replays what it missed.",
                "schema": {"type": "string"},
                "example": "2026-01-15T09:00:00.000Z",
            }
        ]
    },
)
async def stream_events(request: Request, viewer: CurrentUser) -> Response:
    """Stream new feed items, the active alert count and heartbeats as Server-Sent Events."""
    app: Any = request.app
    clock: Clock = app.state.clock
    stream = UpdateStream(
        database=app.state.db,
        clock=clock,
        state=get_realtime(app),
        cursor_ms=initial_cursor(
            first(request, "lastEventId") or request.headers.get("last-event-id") or None, clock
        ),
        scope=viewer.scope,
        bus=getattr(app.state, "bus", None),
    )
    return EventStreamResponse(stream)


@router.head("/api/events", include_in_schema=False)
async def stream_events_head() -> Response:
    """Answer the stream's headers without opening it."""
    return Response(status_code=200, headers=STREAM_HEADERS)
