"""HTTP routes of the export feature."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["export"])
