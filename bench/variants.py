"""The code under test: this checkout, or ``src/`` of another git commit ("before")."""

from __future__ import annotations

import io
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

from bench.datasets import CACHE_DIR, REPO


@dataclass(frozen=True)
class Variant:
    """``label=ref``: ``ref`` is a git commit, or ``.`` for the working tree."""

    label: str
    ref: str
    commit: str
    pythonpath: str | None

    @property
    def env(self) -> dict[str, str]:
        return {"PYTHONPATH": self.pythonpath} if self.pythonpath else {}


def _commit(ref: str) -> str:
    return subprocess.run(
        ["git", "rev-parse", "--short", ref], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.strip()


def variant(spec: str) -> Variant:
    label, _, ref = spec.partition("=")
    ref = ref or "."
    if ref == ".":
        return Variant(label, ref, _commit("HEAD") + "+tree", None)
    commit = _commit(ref)
    target = CACHE_DIR / "src" / commit
    if not (target / "src" / "control_tower").exists():
        archive = subprocess.run(
            ["git", "archive", "--format=tar", commit, "src"],
            cwd=REPO,
            capture_output=True,
            check=True,
        ).stdout
        target.mkdir(parents=True, exist_ok=True)
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(target, filter="data")
    return Variant(label, ref, commit, str(target / "src"))


def variants(specs: list[str]) -> list[Variant]:
    return [variant(spec) for spec in specs]


def source_root(chosen: Variant) -> Path:
    return Path(chosen.pythonpath) if chosen.pythonpath else REPO / "src"
