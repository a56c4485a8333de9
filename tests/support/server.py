"""A real uvicorn server in a background thread, for streaming and replay tests."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from pathlib import Path
from typing import Any

import uvicorn

from control_tower.core.clock import Clock
from control_tower.core.config import Environment, LogFormat, Settings
from control_tower.main import create_app
from tests.support.paths import CLOCK_START


def make_settings(database: Path | str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": str(database),
        "clock_start": CLOCK_START,
        "environment": Environment.DEVELOPMENT,
        "log_format": LogFormat.CONSOLE,
        "log_level": "WARNING",
        "redis_url": None,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class LiveServer:
    def __init__(self, settings: Settings, *, clock: Clock | None = None) -> None:
        self.port = free_port()
        self.app = create_app(settings, clock=clock)
        config = uvicorn.Config(
            self.app,
            host="127.0.0.1",
            port=self.port,
            log_config=None,
            access_log=False,
            lifespan="on",
            timeout_graceful_shutdown=2,
        )
        self.server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.loop: asyncio.AbstractEventLoop

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _run(self) -> None:
        asyncio.run(self._serve())

    async def _serve(self) -> None:
        self.loop = asyncio.get_running_loop()
        await self.server.serve()

    def call(self, coroutine: Any, timeout: float = 10) -> Any:
        """Run ``coroutine`` on the server's event loop and return its result."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def start(self) -> None:
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("live server did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        self.server.should_exit = True
        self._thread.join(timeout=15)
