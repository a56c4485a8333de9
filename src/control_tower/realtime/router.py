"""HTTP routes of the realtime feature."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["realtime"])
