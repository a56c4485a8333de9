"""Settings from environment variables (and an optional ``.env`` file)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_SECRET_KEY = "dev-insecure-secret-key-change-me"
DEFAULT_DATABASE_PATH = Path("data") / "call-center.db"


class Environment(StrEnum):
    DEVELOPMENT = "development"
    STAGING = "staging"
    PRODUCTION = "production"


class LogFormat(StrEnum):
    JSON = "json"
    CONSOLE = "console"


class AuthMode(StrEnum):
    DEMO = "demo"
    REQUIRED = "required"


def normalise_database_url(raw: str) -> str:
    """Turn any accepted ``DATABASE_URL`` form into a SQLAlchemy async URL.

    Accepted: ``sqlite+aiosqlite:///path``, ``sqlite:///path``, ``postgresql+asyncpg://...``,
    ``postgresql://...`` / ``postgres://...``, and a bare file path (what the original read).
    """
    value = raw.strip()
    if not value:
        raise ValueError("must not be empty")
    if "://" not in value:
        return f"sqlite+aiosqlite:///{value}"
    scheme, _, rest = value.partition("://")
    scheme = scheme.lower()
    if scheme in {"sqlite", "sqlite+aiosqlite"}:
        if not rest.startswith("/"):
            raise ValueError(
                "a SQLite URL needs three slashes: sqlite+aiosqlite:///path/to/file.db"
            )
        return f"sqlite+aiosqlite://{rest}"
    if scheme in {"postgresql", "postgres", "postgresql+asyncpg"}:
        if not rest or rest.startswith("/"):
            raise ValueError("a PostgreSQL URL needs a host: postgresql+asyncpg://user@host/db")
        return f"postgresql+asyncpg://{rest}"
    raise ValueError(
        f"unsupported scheme {scheme!r}; use sqlite+aiosqlite:///FILE, "
        "postgresql+asyncpg://USER@HOST/DB or a plain file path"
    )


class Settings(BaseSettings):
    """Every setting the service reads, with its environment variable name."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    database_url: str = Field(
        default=f"sqlite+aiosqlite:///{DEFAULT_DATABASE_PATH}",
        description="SQLite file path/URL or PostgreSQL URL",
    )
    environment: Environment = Environment.DEVELOPMENT
    secret_key: SecretStr = SecretStr(DEFAULT_SECRET_KEY)
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["http://localhost:3000", "http://127.0.0.1:3000"]
    )
    log_level: str = "INFO"
    log_format: LogFormat = LogFormat.CONSOLE
    clock_start: datetime | None = None
    redis_url: str | None = None
    redis_namespace: str = Field(default="ct", pattern=r"^[A-Za-z0-9_.:-]{1,64}$")

    db_pool_size: int = Field(default=10, ge=1, le=200)
    sqlite_busy_timeout_ms: int = Field(default=5000, ge=0)
    slow_query_ms: int = Field(default=200, ge=0)

    auth_mode: AuthMode | None = None
    demo_user_id: str = "user-admin-1"
    access_token_ttl_s: int = Field(default=900, ge=30)
    session_ttl_s: int = Field(default=7 * 24 * 3600, ge=60)

    api_rate_limit_per_minute: int = Field(default=1200, ge=0)
    login_failures_per_email: int = Field(default=5, ge=1)
    login_failure_window_s: int = Field(default=900, ge=1)
    login_attempts_per_ip_per_minute: int = Field(default=30, ge=1)

    max_body_bytes: int = Field(default=1_048_576, ge=1024)
    max_query_bytes: int = Field(default=4096, ge=256)
    upload_max_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)
    upload_max_rows: int = Field(default=1_000_000, ge=1)
    cache_ttl_s: float = Field(default=5.0, ge=0)
    export_max_rows_ceiling: int = Field(default=1_000_000, ge=1)
    export_batch_size: int = Field(default=2_000, ge=1, le=100_000)

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        return normalise_database_url(value)

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        return level

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _cors_origins(cls, value: Any) -> Any:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                try:
                    return json.loads(text)
                except json.JSONDecodeError as exc:
                    raise ValueError("is not a valid JSON list of origins") from exc
            return [item.strip() for item in text.split(",") if item.strip()]
        return value

    @field_validator("cors_origins")
    @classmethod
    def _cors_origin_values(cls, value: list[str]) -> list[str]:
        for origin in value:
            if origin != "*" and not origin.startswith(("http://", "https://")):
                raise ValueError(f"{origin!r} is not an origin like https://example.com")
        return [origin.rstrip("/") for origin in value]

    @field_validator("clock_start", mode="before")
    @classmethod
    def _clock_start(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("clock_start")
    @classmethod
    def _clock_start_aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value

    @field_validator("redis_url", mode="before")
    @classmethod
    def _redis_url(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip() or None
        if value is not None and not str(value).startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must start with redis://, rediss:// or unix://")
        return value

    @model_validator(mode="after")
    def _production_guards(self) -> Settings:
        if self.environment is Environment.PRODUCTION:
            if self.secret_key.get_secret_value() == DEFAULT_SECRET_KEY:
                raise ValueError("SECRET_KEY: production refuses the default secret; set your own")
            if len(self.secret_key.get_secret_value()) < 32:
                raise ValueError("SECRET_KEY: must be at least 32 characters in production")
            if "*" in self.cors_origins:
                raise ValueError(
                    "CORS_ORIGINS: production refuses a wildcard origin; list the exact origins"
                )
            if self.auth_mode is AuthMode.DEMO:
                raise ValueError("AUTH_MODE: demo mode is not allowed in production")
        return self

    @property
    def effective_auth_mode(self) -> AuthMode:
        """``AUTH_MODE``, defaulting to demo in development and required elsewhere."""
        if self.auth_mode is not None:
            return self.auth_mode
        if self.environment is Environment.DEVELOPMENT:
            return AuthMode.DEMO
        return AuthMode.REQUIRED

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


class ConfigError(Exception):
    """A setting is invalid; the message names the variable and the problem."""


def describe_validation_error(error: ValidationError) -> str:
    """One line per problem: ``VARIABLE: what is wrong``."""
    lines = []
    for item in error.errors():
        location = "_".join(str(part) for part in item["loc"]).upper()
        message = str(item["msg"]).removeprefix("Value error, ")
        if location:
            lines.append(f"{location}: {message}")
        else:
            lines.append(message)
    return "; ".join(lines)


def load_settings(**overrides: Any) -> Settings:
    """Build settings from the environment, raising ``ConfigError`` with a clear message."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise ConfigError(f"invalid configuration: {describe_validation_error(exc)}") from None


@lru_cache
def get_settings() -> Settings:
    """Process-wide settings (cached)."""
    return load_settings()
