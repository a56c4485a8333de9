"""HTTP routes of the recompute feature (alert and trending recomputation after an upload)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["uploads"])
