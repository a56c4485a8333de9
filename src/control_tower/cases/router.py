"""HTTP routes of the cases feature."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["cases"])
