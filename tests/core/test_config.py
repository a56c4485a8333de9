"""Settings: defaults per environment and one clear message per invalid value."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from control_tower.core.config import (
    DEFAULT_SECRET_KEY,
    AuthMode,
    ConfigError,
    Environment,
    load_settings,
    normalise_database_url,
)

STRONG_SECRET = "s" * 40


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in (
        "DATABASE_URL",
        "ENVIRONMENT",
        "SECRET_KEY",
        "CORS_ORIGINS",
        "LOG_LEVEL",
        "LOG_FORMAT",
        "CLOCK_START",
        "REDIS_URL",
        "AUTH_MODE",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


class TestDefaults:
    def test_development_defaults(self) -> None:
        settings = load_settings()
        assert settings.environment is Environment.DEVELOPMENT
        assert settings.database_url == "sqlite+aiosqlite:///data/call-center.db"
        assert settings.effective_auth_mode is AuthMode.DEMO
        assert settings.clock_start is None
        assert settings.redis_url is None

    def test_production_requires_auth_by_default(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("ENVIRONMENT", "production")
        monkeypatch.setenv("SECRET_KEY", STRONG_SECRET)
        assert load_settings().effective_auth_mode is AuthMode.REQUIRED

    def test_clock_start_is_parsed_as_utc(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("CLOCK_START", "2026-01-15T10:05:00Z")
        start = load_settings().clock_start
        assert start is not None and start.isoformat() == "2026-01-15T10:05:00+00:00"

    def test_cors_origins_accept_comma_list_and_json(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("CORS_ORIGINS", "http://a.example, https://b.example/")
        assert load_settings().cors_origins == ["http://a.example", "https://b.example"]
        monkeypatch.setenv("CORS_ORIGINS", '["https://c.example"]')
        assert load_settings().cors_origins == ["https://c.example"]


class TestDatabaseUrl:
    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("./data/x.db", "sqlite+aiosqlite:///./data/x.db"),
            ("/abs/x.db", "sqlite+aiosqlite:////abs/x.db"),
            ("sqlite:///x.db", "sqlite+aiosqlite:///x.db"),
            ("sqlite+aiosqlite:///x.db", "sqlite+aiosqlite:///x.db"),
            ("postgresql://u@h/db", "postgresql+asyncpg://u@h/db"),
            ("postgres://u@h/db", "postgresql+asyncpg://u@h/db"),
            ("postgresql+asyncpg://u@h/db", "postgresql+asyncpg://u@h/db"),
        ],
    )
    def test_accepted_forms(self, raw: str, expected: str) -> None:
        assert normalise_database_url(raw) == expected


class TestInvalidSettings:
    @pytest.mark.parametrize(
        ("variable", "value", "fragment"),
        [
            ("DATABASE_URL", "mysql://x/y", "DATABASE_URL: unsupported scheme"),
            ("DATABASE_URL", "sqlite://relative.db", "DATABASE_URL: a SQLite URL needs three"),
            ("DATABASE_URL", "postgresql:///nohost", "DATABASE_URL: a PostgreSQL URL needs a host"),
            ("ENVIRONMENT", "prod", "ENVIRONMENT: Input should be"),
            ("LOG_LEVEL", "loud", "LOG_LEVEL: must be one of"),
            ("LOG_FORMAT", "xml", "LOG_FORMAT: Input should be"),
            ("CLOCK_START", "yesterday", "CLOCK_START:"),
            ("REDIS_URL", "http://x", "REDIS_URL: must start with redis://"),
            ("CORS_ORIGINS", "example.com", "CORS_ORIGINS:"),
            ("CORS_ORIGINS", "[not json", "CORS_ORIGINS: is not a valid JSON list"),
            ("AUTH_MODE", "open", "AUTH_MODE: Input should be"),
        ],
    )
    def test_message_names_the_variable(
        self, monkeypatch: pytest.MonkeyPatch, variable: str, value: str, fragment: str
    ) -> None:
        monkeypatch.setenv(variable, value)
        with pytest.raises(ConfigError) as caught:
            load_settings()
        assert fragment in str(caught.value)
        assert "\n" not in str(caught.value)

    def test_production_refuses_default_secret(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("ENVIRONMENT", "production")
        monkeypatch.setenv("SECRET_KEY", DEFAULT_SECRET_KEY)
        with pytest.raises(ConfigError, match="SECRET_KEY: production refuses the default"):
            load_settings()

    def test_production_refuses_wildcard_cors(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("ENVIRONMENT", "production")
        monkeypatch.setenv("SECRET_KEY", STRONG_SECRET)
        monkeypatch.setenv("CORS_ORIGINS", "*")
        with pytest.raises(ConfigError, match="CORS_ORIGINS: production refuses a wildcard"):
            load_settings()

    def test_production_refuses_demo_auth(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("ENVIRONMENT", "production")
        monkeypatch.setenv("SECRET_KEY", STRONG_SECRET)
        monkeypatch.setenv("AUTH_MODE", "demo")
        with pytest.raises(ConfigError, match="AUTH_MODE"):
            load_settings()

    def test_cli_stops_with_one_line(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("LOG_LEVEL", "loud")
        result = subprocess.run(
            [sys.executable, "-m", "control_tower", "migrate"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 2
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1
        assert lines[0].startswith("control-tower: invalid configuration: LOG_LEVEL:")
