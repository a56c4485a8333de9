"""Small helpers that put export test data into a test database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from control_tower.seed.generator import generate_extra_cases
from tests.support.databases import connect
from tests.support.paths import SEED_ANCHOR

REFERENCE_CASES = 2139


def case_row(number: int, **overrides: Any) -> dict[str, Any]:
    """A complete ``cases`` row; ``overrides`` use column names."""
    row: dict[str, Any] = {
        "id": f"case-test-{number}",
        "case_number": f"CC-T{number:05d}",
        "channel": "email",
        "status": "in_progress",
        "category": "Testing",
        "subcategory": None,
        "sentiment": "neutral",
        "severity": "low",
        "risk_flag": 0,
        "needs_review_flag": 1,
        "business_unit": "Test Unit",
        "summary": "A test case",
        "customer_name": None,
        "agent_id": None,
        "assigned_to": None,
        "created_at": "2026-01-15T09:00:00.000Z",
        "updated_at": "2026-01-15T09:00:00.000Z",
        "resolved_at": None,
        "upload_id": None,
    }
    row.update(overrides)
    return row


def insert_cases(database: Path, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    columns = list(rows[0])
    statement = (
        f"INSERT INTO cases ({', '.join(columns)}) "
        f"VALUES ({', '.join(':' + name for name in columns)})"
    )
    with connect(database) as connection:
        connection.executemany(statement, rows)


def add_generated_cases(database: Path, count: int) -> None:
    """``count`` more seed-style cases, numbered after the reference data."""
    insert_cases(
        database,
        list(generate_extra_cases(count, SEED_ANCHOR, start_number=REFERENCE_CASES + 2)),
    )
