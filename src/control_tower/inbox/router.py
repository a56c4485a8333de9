"""HTTP routes of the inbox feature."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["inbox"])
