"""Demo mode: the mock event generator, a background task owned by the app's lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI


@asynccontextmanager
async def demo_lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Start nothing; stop the generator cleanly on shutdown."""
    yield
