"""Warm in-memory indexes in the background at startup, so no request pays for building them."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any

from fastapi import FastAPI


@contextlib.asynccontextmanager
async def warming(
    app: FastAPI, name: str, warm: Callable[[FastAPI], Coroutine[Any, Any, Any]]
) -> AsyncIterator[None]:
    """Run ``warm(app)`` as a task while the app serves (``app.state.<name>_warming``).

    Requests never wait for it; one that comes first builds what it needs itself (the
    index's own lock makes them take turns). The task is cancelled at shutdown.
    """
    task: asyncio.Task[Any] = asyncio.create_task(warm(app), name=f"{name}-warm")
    setattr(app.state, f"{name}_warming", task)
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
