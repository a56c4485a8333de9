"""HTTP routes of the demo feature."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["demo"])
