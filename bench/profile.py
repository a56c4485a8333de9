"""``python -m bench profile``: where one route spends its time, in process (pyinstrument)."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path
from typing import Any

import httpx

from bench import datasets


async def _profile(
    url: str, path: str, requests: int, html: str | None, args_quiet: bool, cache_ttl_s: float
) -> None:
    from pyinstrument import Profiler

    from control_tower.core.config import load_settings
    from control_tower.main import create_app

    settings = load_settings(
        database_url=url, cache_ttl_s=cache_ttl_s, api_rate_limit_per_minute=0, log_level="WARNING"
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            first = await client.get(path)
            print(f"{path}: {first.status_code}, {len(first.content)} bytes")
            if args_quiet:  # timings only, without the profiler's own cost
                started = time.perf_counter()
                for _ in range(requests):
                    await client.get(path)
                elapsed = (time.perf_counter() - started) / requests * 1000
                print(f"{requests} requests, {elapsed:.3f} ms each")
                return
            profiler = Profiler(async_mode="enabled")
            started = time.perf_counter()
            with profiler:
                for _ in range(requests):
                    await client.get(path)
            elapsed = (time.perf_counter() - started) / requests * 1000
            print(f"{requests} requests, {elapsed:.1f} ms each (profiled)")
            if html:
                Path(html).write_text(profiler.output_html(), encoding="utf-8")  # noqa: ASYNC240
            print(profiler.output_text(unicode=True, color=False, show_all=False))


def profile(args: Any) -> None:
    os.environ.setdefault("TZ", "UTC")
    os.environ.setdefault("CLOCK_START", datasets.ANCHOR)
    time.tzset()
    data = datasets.dataset(args.dataset)
    if args.backend == "postgres":
        url = datasets.postgres_copy(data)
    else:
        url = f"sqlite+aiosqlite:///{args.database or datasets.build(data)}"
    asyncio.run(_profile(url, args.path, args.requests, args.html, args.quiet, args.cache_ttl))
