"""Run the whole test suite on SQLite and on PostgreSQL (``make pytest``, what CI runs).

The two runs go side by side by default: the PostgreSQL run spends much of its time waiting
for the server, so together they finish well before one after the other would. Each run's
output is kept in a file and printed in full when it ends; the exit status is non-zero if
either run failed. ``CT_TEST_SEQUENTIAL=1`` runs them one after the other, printing live.
Extra arguments are passed to both pytest runs; ``CT_PYTEST_SQLITE_ARGS`` and
``CT_PYTEST_POSTGRESQL_ARGS`` add arguments to one of them (the Makefile measures coverage
on the SQLite run).
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BACKENDS = ("sqlite", "postgresql")


def _command(backend: str, extra: list[str]) -> list[str]:
    cache = f".pytest_cache/{backend}"
    own = shlex.split(os.environ.get(f"CT_PYTEST_{backend.upper()}_ARGS", ""))
    return [sys.executable, "-m", "pytest", "-o", f"cache_dir={cache}", *own, *extra]


def _environment(backend: str) -> dict[str, str]:
    return {**os.environ, "CT_TEST_DATABASE": backend}


def _sequential(extra: list[str]) -> int:
    status = 0
    for backend in BACKENDS:
        print(f"== pytest on {backend}", flush=True)
        started = time.monotonic()
        code = subprocess.call(_command(backend, extra), env=_environment(backend))
        print(f"== {backend}: exit {code} in {time.monotonic() - started:.0f}s", flush=True)
        status = status or code
    return status


def _side_by_side(extra: list[str]) -> int:
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="ct-pytest-") as tmp:
        logs = {backend: Path(tmp) / f"{backend}.log" for backend in BACKENDS}
        running = {}
        for backend in BACKENDS:
            with logs[backend].open("wb") as log:
                running[backend] = subprocess.Popen(
                    _command(backend, extra),
                    env=_environment(backend),
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
        print(f"== pytest on {' and '.join(BACKENDS)}, side by side", flush=True)
        codes: dict[str, int] = {}
        finished: dict[str, float] = {}
        while len(codes) < len(running):
            for backend, process in running.items():
                if backend not in codes and (code := process.poll()) is not None:
                    codes[backend] = code
                    finished[backend] = time.monotonic() - started
                    print(f"== {backend} finished: exit {code} in {finished[backend]:.0f}s")
            time.sleep(0.5)
        for backend in BACKENDS:
            print(f"\n== pytest on {backend} (exit {codes[backend]}, {finished[backend]:.0f}s)")
            sys.stdout.write(logs[backend].read_text(encoding="utf-8", errors="replace"))
        sys.stdout.flush()
    return next((code for code in codes.values() if code), 0)


def main() -> int:
    extra = sys.argv[1:]
    if os.environ.get("CT_TEST_SEQUENTIAL") == "1":
        return _sequential(extra)
    return _side_by_side(extra)


if __name__ == "__main__":
    raise SystemExit(main())
