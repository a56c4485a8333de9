"""Property 15, configuration handling.

* Each environment loads its documented defaults (README's table): for any environment and
  any subset of the other variables set to valid values, the variables left unset have
  their defaults, the ones set are read as given, and authentication is demo only in
  development.
* Generated invalid settings fail when the settings load (the first thing every command
  does) with a ``ConfigError`` whose single line names every invalid variable.
"""

from __future__ import annotations

import os
import string
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from control_tower.core.config import (
    DEFAULT_SECRET_KEY,
    AuthMode,
    ConfigError,
    Environment,
    LogFormat,
    load_settings,
)

STRONG_SECRET = "p15-" + "k" * 40
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
DEFAULTS: dict[str, Any] = {
    "database_url": "sqlite+aiosqlite:///data/call-center.db",
    "cors_origins": ["http://localhost:3000", "http://127.0.0.1:3000"],
    "log_level": "INFO",
    "log_format": LogFormat.CONSOLE,
    "clock_start": None,
    "redis_url": None,
    "slow_query_ms": 200,
    "api_rate_limit_per_minute": 1200,
    "max_body_bytes": 1_048_576,
    "max_query_bytes": 4096,
    "login_attempts_per_ip_per_minute": 30,
    "login_failures_per_email": 5,
    "login_failure_window_s": 900,
    "demo_user_id": "user-admin-1",
}


@pytest.fixture(autouse=True)
def isolated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """No ``.env`` file and none of the service's variables from the outer environment."""
    saved = dict(os.environ)
    previous = os.getcwd()
    os.chdir(tmp_path_factory.mktemp("p15"))
    try:
        yield
    finally:
        os.chdir(previous)
        os.environ.clear()
        os.environ.update(saved)


@contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    names = {*values, *(name.upper() for name in DEFAULTS)}
    names |= {"ENVIRONMENT", "SECRET_KEY", "AUTH_MODE", "REDIS_NAMESPACE", "DB_POOL_SIZE"}
    saved = {name: os.environ.pop(name) for name in names if name in os.environ}
    os.environ.update(values)
    try:
        yield
    finally:
        for name in values:
            os.environ.pop(name, None)
        os.environ.update(saved)


safe_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x00"),
    max_size=20,
)
word = st.text(alphabet=string.ascii_lowercase, min_size=1, max_size=8)

# Valid values for the variables that have no effect on each other.
VALID: dict[str, st.SearchStrategy[tuple[str, Any]]] = {
    "LOG_LEVEL": st.sampled_from(LEVELS).map(lambda v: (v.lower(), v)),
    "LOG_FORMAT": st.sampled_from(["json", "console"]).map(lambda v: (v, LogFormat(v))),
    "SLOW_QUERY_MS": st.integers(0, 10_000).map(lambda v: (str(v), v)),
    "API_RATE_LIMIT_PER_MINUTE": st.integers(0, 100_000).map(lambda v: (str(v), v)),
    "MAX_QUERY_BYTES": st.integers(256, 65_536).map(lambda v: (str(v), v)),
    "DATABASE_URL": word.map(lambda v: (f"{v}.db", f"sqlite+aiosqlite:///{v}.db")),
    "REDIS_URL": word.map(lambda v: (f"redis://{v}:6379/0", f"redis://{v}:6379/0")),
    "CORS_ORIGINS": st.lists(word, min_size=1, max_size=3).map(
        lambda hosts: (
            ",".join(f"https://{h}.example" for h in hosts),
            [f"https://{h}.example" for h in hosts],
        )
    ),
}


class TestDefaultsPerEnvironment:
    @given(
        env=st.sampled_from(list(Environment)),
        chosen=st.dictionaries(
            st.sampled_from(sorted(VALID)), st.none(), max_size=len(VALID)
        ).flatmap(lambda keys: st.fixed_dictionaries({name: VALID[name] for name in keys})),
    )
    def test_unset_variables_have_their_defaults(
        self, env: Environment, chosen: dict[str, tuple[str, Any]]
    ) -> None:
        values = {name: raw for name, (raw, _) in chosen.items()}
        values["ENVIRONMENT"] = env.value
        if env is Environment.PRODUCTION:
            values["SECRET_KEY"] = STRONG_SECRET
        with environment(values):
            settings = load_settings()
        assert settings.environment is env
        for field, default in DEFAULTS.items():
            name = field.upper()
            expected = chosen[name][1] if name in chosen else default
            assert getattr(settings, field) == expected, name
        demo = env is Environment.DEVELOPMENT
        assert settings.effective_auth_mode is (AuthMode.DEMO if demo else AuthMode.REQUIRED)
        if env is not Environment.PRODUCTION:
            assert settings.secret_key.get_secret_value() == DEFAULT_SECRET_KEY


def not_in(*allowed: str) -> st.SearchStrategy[str]:
    return safe_text.filter(lambda v: v.strip() and v.strip().lower() not in allowed)


# Invalid values per variable; each must be refused with the variable's name.
INVALID: dict[str, st.SearchStrategy[str]] = {
    "ENVIRONMENT": not_in("development", "staging", "production").filter(
        lambda v: v not in {"development", "staging", "production"}
    ),
    "LOG_LEVEL": not_in(*(level.lower() for level in LEVELS)),
    "LOG_FORMAT": not_in("json", "console"),
    "AUTH_MODE": not_in("demo", "required").filter(lambda v: v not in {"demo", "required"}),
    "DATABASE_URL": st.one_of(
        st.tuples(word.filter(lambda s: not s.startswith(("sqlite", "postgres"))), word).map(
            lambda parts: f"{parts[0]}://host/{parts[1]}"
        ),
        word.map(lambda v: f"sqlite://{v}.db"),
        word.map(lambda v: f"postgresql:///{v}"),
    ),
    "REDIS_URL": safe_text.filter(
        lambda v: v.strip() and not v.strip().startswith(("redis://", "rediss://", "unix://"))
    ),
    "CORS_ORIGINS": word.map(lambda v: f"{v}.example"),
    "CLOCK_START": word.filter(lambda v: v not in {"now", "today"}),
    "DB_POOL_SIZE": st.one_of(st.integers(max_value=0), st.integers(min_value=201)).map(str),
    "MAX_BODY_BYTES": st.one_of(st.integers(max_value=1023).map(str), word),
    "SLOW_QUERY_MS": st.integers(max_value=-1).map(str),
    "REDIS_NAMESPACE": st.text(alphabet=" !#$/\\", min_size=1, max_size=5),
}


class TestInvalidSettingsStopTheStart:
    @given(
        bad=st.dictionaries(
            st.sampled_from(sorted(INVALID)), st.none(), min_size=1, max_size=3
        ).flatmap(lambda keys: st.fixed_dictionaries({name: INVALID[name] for name in keys}))
    )
    def test_message_names_every_invalid_variable(self, bad: dict[str, str]) -> None:
        with environment(bad), pytest.raises(ConfigError) as caught:
            load_settings()
        message = str(caught.value)
        assert message.startswith("invalid configuration: ")
        assert "\n" not in message
        for name in bad:
            assert f"{name}:" in message, (name, message)

    @given(secret=st.text(alphabet=string.ascii_letters + string.digits, max_size=31))
    def test_production_refuses_a_weak_secret(self, secret: str) -> None:
        values = {"ENVIRONMENT": "production", "SECRET_KEY": secret or DEFAULT_SECRET_KEY}
        with environment(values), pytest.raises(ConfigError, match="SECRET_KEY: "):
            load_settings()
