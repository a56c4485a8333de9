"""System notices reach every subscriber; only admins may announce."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from typing import Any

import httpx
from fastapi import FastAPI

from control_tower.auth.deps import Viewer
from control_tower.core.models import UserRole


class TestAnnounce:
    async def test_admin_notice_is_published_on_the_system_channel(
        self, app: FastAPI, client: httpx.AsyncClient
    ) -> None:
        subscription = await app.state.bus.subscribe()
        response = await client.post(
            "/api/admin/notices", json={"message": "Maintenance at 22:00", "level": "maintenance"}
        )
        assert response.status_code == 202
        body = response.json()
        assert body["type"] == "system.notice" and body["channel"] == "system"
        event = subscription.queue.get_nowait()
        assert event.payload == {
            "message": "Maintenance at 22:00",
            "level": "maintenance",
            "by": "user-admin-1",
        }
        assert event.business_unit is None  # every user may see it

    async def test_non_admin_is_refused(self, client: httpx.AsyncClient, as_viewer: Any) -> None:
        as_viewer(Viewer("user-manager-1", UserRole.BU_MANAGER, "Beer & Spirits"))
        response = await client.post("/api/admin/notices", json={"message": "hi"})
        assert response.status_code == 403

    async def test_invalid_notice_is_422(self, client: httpx.AsyncClient) -> None:
        for body in ({}, {"message": ""}, {"message": "x", "level": "panic"}):
            response = await client.post("/api/admin/notices", json=body)
            assert response.status_code == 422
            assert response.json()["code"] == "VALIDATION_ERROR"


class TestCli:
    def test_announce_needs_redis(self) -> None:
        env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
        result = subprocess.run(
            [sys.executable, "-m", "control_tower", "announce", "--message", "hi"],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        assert result.returncode == 2 and "needs REDIS_URL" in result.stderr

    def test_announce_publishes_to_the_shared_stream(self) -> None:
        import redis

        namespace = f"ct-test-{uuid.uuid4().hex[:10]}"
        env = {**os.environ, "REDIS_URL": "redis://127.0.0.1:6379/0", "REDIS_NAMESPACE": namespace}
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "control_tower",
                "announce",
                "--message",
                "Deploy soon",
                "--level",
                "warning",
            ],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        client = redis.Redis.from_url("redis://127.0.0.1:6379/0")
        try:
            entries = client.xrange(f"{namespace}:events")
            assert len(entries) == 1
            assert b"Deploy soon" in entries[0][1][b"e"]
        finally:
            client.delete(f"{namespace}:events")
            client.close()
