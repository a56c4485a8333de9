"""HTTP routes of the alerts feature."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["alerts"])
