from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
REFERENCE_DB = FIXTURES / "reference.db"
GOLDEN = FIXTURES / "golden-public.jsonl"
GOLDEN_COMPARE = FIXTURES / "golden_compare.py"
SEED_ANCHOR = datetime(2026, 1, 15, 10, 0, tzinfo=UTC)
CLOCK_START = datetime(2026, 1, 15, 10, 5, tzinfo=UTC)
