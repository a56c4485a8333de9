"""HTTP routes of the uploads feature."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["uploads"])
