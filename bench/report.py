"""Render results as Markdown tables into ``docs/performance.md``."""

from __future__ import annotations


def write(paths: list[str]) -> None:
    raise SystemExit("bench: report is not written yet")
