"""Settings of the export feature (environment variables ``EXPORT_*``)."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated

from fastapi import Depends
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ExportSettings(BaseSettings):
    """How large an export may get and how it is read from the database."""

    model_config = SettingsConfigDict(env_prefix="EXPORT_", extra="ignore")

    max_rows_ceiling: int = Field(
        default=1_000_000,
        ge=1,
        description="Largest maxRows a request may ask for (EXPORT_MAX_ROWS_CEILING)",
    )
    batch_size: int = Field(
        default=2_000,
        ge=1,
        le=100_000,
        description="Rows fetched from the database per round trip (EXPORT_BATCH_SIZE)",
    )


@lru_cache
def get_export_settings() -> ExportSettings:
    return ExportSettings()


ExportSettingsDep = Annotated[ExportSettings, Depends(get_export_settings)]
