"""Run the real server (``control-tower serve``) and read its workers' memory."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

import httpx

from bench.datasets import cli_env


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found.extend(int(child) for child in task.read_text().split())
    return found


def _status_kb(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    except FileNotFoundError:
        return 0
    return 0


class Server:
    """``control-tower serve`` on 127.0.0.1 with ``workers`` processes."""

    def __init__(
        self,
        database_url: str,
        *,
        port: int,
        workers: int,
        log_path: Path,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.database_url = database_url
        self.port = port
        self.workers = workers
        self.log_path = log_path
        self.extra_env = extra_env or {}
        self.process: subprocess.Popen[bytes] | None = None
        self.startup_s = 0.0
        self.warmup_s = 0.0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Server:
        env = {
            **cli_env(self.database_url),
            # The benchmark measures the work behind each request: no per-client budget,
            # and no response cache unless the run asks for it.
            "API_RATE_LIMIT_PER_MINUTE": "0",
            "CACHE_TTL_S": "0",
            "UPLOAD_MAX_BYTES": str(1024 * 1024 * 1024),
            **self.extra_env,
        }
        env.pop("REDIS_URL", None)
        command = [
            str(Path(sys.executable).parent / "control-tower"),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--workers",
            str(self.workers),
        ]
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        started = time.perf_counter()
        self.process = subprocess.Popen(
            command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        self._wait_ready(timeout_s=600)
        self.startup_s = time.perf_counter() - started
        # Startup work continues in the background (the search index warms up): measure
        # once the workers are idle.
        self.warmup_s = self._wait_idle(timeout_s=600)
        return self

    def _cpu_seconds(self) -> float:
        total = 0
        for pid in self.worker_pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except FileNotFoundError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks
        return total / os.sysconf("SC_CLK_TCK")

    def _wait_idle(self, *, timeout_s: float, busy_share: float = 0.1) -> float:
        started = time.perf_counter()
        while time.perf_counter() - started < timeout_s:
            before = self._cpu_seconds()
            time.sleep(0.5)
            if self._cpu_seconds() - before < 0.5 * busy_share * self.workers:
                break
        return time.perf_counter() - started

    def _wait_ready(self, *, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited early; see {self.log_path}")
            try:
                answered = httpx.get(f"{self.base_url}/health", timeout=2).status_code == 200
                if answered and (self.workers == 1 or len(self.worker_pids()) >= self.workers):
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.25)
        raise RuntimeError(f"the server did not answer /health in {timeout_s} s")

    def worker_pids(self) -> list[int]:
        """The processes that serve requests (the server itself with one worker)."""
        assert self.process is not None
        if self.workers == 1:
            return [self.process.pid]
        # uvicorn's supervisor forks the workers (behind a multiprocessing helper).
        pids = []
        for child in _children(self.process.pid):
            if Path(f"/proc/{child}/cmdline").read_bytes().find(b"multiprocessing") >= 0 and (
                b"resource_tracker" in Path(f"/proc/{child}/cmdline").read_bytes()
            ):
                continue
            pids.append(child)
        return pids

    def rss_mb(self) -> list[float]:
        """Current resident memory of each worker, in MB."""
        return [_status_kb(pid, "VmRSS") / 1024 for pid in self.worker_pids()]

    def peak_rss_mb(self) -> list[float]:
        """Peak resident memory of each worker since it started, in MB."""
        return [_status_kb(pid, "VmHWM") / 1024 for pid in self.worker_pids()]

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
