"""HTTP routes of the pulse feature."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["pulse"])
