"""The seed generator reproduces the recorded original seed (tests/fixtures/reference.db)."""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from itertools import islice
from pathlib import Path

import pytest

from control_tower.seed import data
from control_tower.seed.generator import (
    CASE_COLUMNS,
    TABLE_COLUMNS,
    Lcg,
    generate,
    generate_extra_cases,
)

REFERENCE_DB = Path(__file__).resolve().parents[1] / "fixtures" / "reference.db"
ANCHOR = datetime(2026, 1, 15, 10, 0, tzinfo=UTC)
TABLES = (
    "users",
    "cases",
    "alerts",
    "trending_topics",
    "feed_items",
    "shares",
    "uploads",
    "search_analytics",
)

Rows = list[dict[str, object]]


@pytest.fixture(scope="module")
def generated() -> dict[str, Rows]:
    return generate(ANCHOR)


@pytest.fixture(scope="module")
def reference() -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(f"file:{REFERENCE_DB}?mode=ro", uri=True)
    try:
        yield connection
    finally:
        connection.close()


def _reference_rows(connection: sqlite3.Connection, table: str) -> tuple[list[str], Rows]:
    cursor = connection.execute(f"SELECT * FROM {table} ORDER BY rowid")
    columns = [description[0] for description in cursor.description]
    return columns, [dict(zip(columns, row, strict=True)) for row in cursor]


# --------------------------------------------------------------------------------------
# LCG
# --------------------------------------------------------------------------------------


def test_lcg_first_states() -> None:
    rng = Lcg(42)
    states = []
    for _ in range(6):
        rng.next()
        states.append(rng.state)
    assert states == [1250496027, 1116302080, 1964818176, 1500480256, 1617229568, 1480547072]


def test_lcg_helpers() -> None:
    rng = Lcg(42)
    value = rng.next()
    assert value == 1250496027 / 0x7FFFFFFF
    assert 0.0 <= value <= 1.0
    items = ("a", "b", "c")
    # pick/int/bool all derive from the same next() value.
    expected_index = int(Lcg(42).next() * 3)
    assert Lcg(42).pick(items) == items[expected_index]
    assert Lcg(42).int(5, 7) == 5 + expected_index
    assert Lcg(42).bool(value + 1e-9) is True
    assert Lcg(42).bool(value) is False
    # weighted_pick: first entry where the running remainder drops to <= 0.
    r = value * 100
    assert Lcg(42).weighted_pick(data.BU_WEIGHTS) == next(
        bu for bu, cumulative in _cumulative(data.BU_WEIGHTS) if r - cumulative <= 0
    )


def _cumulative(weights: tuple[tuple[str, int], ...]) -> Iterator[tuple[str, int]]:
    total = 0
    for item, weight in weights:
        total += weight
        yield item, total


# --------------------------------------------------------------------------------------
# Row-for-row equality with the recorded original seed
# --------------------------------------------------------------------------------------


def test_generate_returns_all_tables(generated: dict[str, Rows]) -> None:
    assert tuple(generated) == TABLES
    for table, rows in generated.items():
        for row in rows:
            assert tuple(row) == TABLE_COLUMNS[table]


@pytest.mark.parametrize("table", TABLES)
def test_table_matches_reference(
    table: str, generated: dict[str, Rows], reference: sqlite3.Connection
) -> None:
    columns, expected = _reference_rows(reference, table)
    assert list(TABLE_COLUMNS[table]) == columns
    actual = generated[table]
    assert len(actual) == len(expected)
    for index, (got, want) in enumerate(zip(actual, expected, strict=True)):
        assert list(got) == columns, f"{table} row {index}: column names/order"
        assert got == want, f"{table} row {index} ({want.get('id')}) differs"
        # Equal values can still differ in storage type (95 vs 95.0, True vs 1).
        got_types = {column: type(value) for column, value in got.items()}
        want_types = {column: type(value) for column, value in want.items()}
        assert got_types == want_types, f"{table} row {index} ({want.get('id')}) types"


def test_generate_is_deterministic() -> None:
    assert generate(ANCHOR) == generate(ANCHOR)


def test_anchor_shifts_all_timestamps(generated: dict[str, Rows]) -> None:
    shifted = generate(ANCHOR + timedelta(days=1, hours=2, milliseconds=5))
    assert shifted["cases"][0]["created_at"] == "2026-01-09T12:00:00.005Z"
    assert generated["cases"][0]["created_at"] == "2026-01-08T10:00:00.000Z"
    # Same draws whatever the anchor: only timestamps move.
    assert [row["summary"] for row in shifted["cases"]] == [
        row["summary"] for row in generated["cases"]
    ]


def test_naive_anchor_rejected() -> None:
    with pytest.raises(ValueError):
        generate(datetime(2026, 1, 15, 10, 0))


# --------------------------------------------------------------------------------------
# Published seed-42 totals (contract analytics.md §7.3/§7.4), an independent check
# --------------------------------------------------------------------------------------


def _days_ago(timestamp: object) -> int:
    assert isinstance(timestamp, str)
    instant = datetime.strptime(timestamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    return (ANCHOR - instant) // timedelta(days=1)


def test_published_table_sizes(generated: dict[str, Rows]) -> None:
    sizes = {table: len(rows) for table, rows in generated.items()}
    assert sizes == {
        "users": 17,
        "cases": 2139,
        "alerts": 8,
        "trending_topics": 7,
        "feed_items": 14,
        "shares": 3,
        "uploads": 0,
        "search_analytics": 0,
    }


def test_published_case_totals(generated: dict[str, Rows]) -> None:
    cases = generated["cases"]
    assert Counter(case["business_unit"] for case in cases[:2000]) == {
        "KFC Delivery": 435,
        "KFC Restaurants": 360,
        "Oishi Restaurants": 309,
        "Oishi Beverages": 212,
        "Beer & Spirits": 178,
        "Corporate & Events": 172,
        "KFC Loyalty": 170,
        "Non-Alcoholic Beverages": 164,
    }
    assert Counter(case["channel"] for case in cases) == {
        "phone": 552,
        "email": 558,
        "web": 548,
        "line": 481,
    }
    assert Counter(case["severity"] for case in cases) == {
        "low": 490,
        "medium": 589,
        "high": 567,
        "critical": 493,
    }
    assert sum(1 for case in cases if case["risk_flag"] == 1) == 152
    assert sum(1 for case in cases if case["needs_review_flag"] == 1) == 204
    per_day = Counter(_days_ago(case["created_at"]) for case in cases)
    assert (per_day[0], per_day[1], per_day[2]) == (131, 87, 79)
    strip = ("id", "case_number")
    distinct = {tuple(v for k, v in case.items() if k not in strip) for case in cases[:2000]}
    assert len(distinct) == 715


def test_published_scenarios(generated: dict[str, Rows]) -> None:
    scenario = generated["cases"][2000:]
    assert scenario[0]["id"] == "case-2001"
    assert scenario[0]["case_number"] == "CC-002002"
    assert scenario[-1]["id"] == "case-2139"

    def daily(business_unit: str, category: str) -> dict[int, int]:
        counts = Counter(
            _days_ago(case["created_at"])
            for case in scenario
            if case["business_unit"] == business_unit and case["category"] == category
        )
        return dict(counts)

    assert daily("KFC Delivery", "App & Technical") == {3: 3, 2: 5, 1: 10, 0: 18}
    assert daily("Oishi Beverages", "Product Quality") == {
        14: 1, 13: 1, 12: 2, 11: 2, 10: 2, 9: 1, 8: 1, 7: 1,
        6: 4, 5: 5, 4: 3, 3: 3, 2: 3, 1: 3, 0: 5,
    }  # fmt: skip
    assert daily("Beer & Spirits", "Promotions & Pricing") == {
        7: 3, 6: 2, 5: 2, 4: 2, 3: 2, 2: 15, 1: 15, 0: 25,
    }  # fmt: skip
    assert all(case["resolved_at"] is None for case in scenario)


def test_published_alerts_topics_feed(generated: dict[str, Rows]) -> None:
    alerts = {alert["id"]: alert for alert in generated["alerts"]}
    spikes = [alerts[f"alert-spike-{n}"] for n in (1, 2, 3)]
    assert [(a["severity"], a["percentage_change"], a["status"]) for a in spikes] == [
        ("high", 95.0, "active"),
        ("high", 93.0, "acknowledged"),
        ("critical", 102.0, "active"),
    ]
    assert str(alerts["alert-misclass-1"]["title"]).startswith("Review needed: 12 ")
    assert sum(1 for alert in alerts.values() if alert["status"] == "active") == 7

    topics = generated["trending_topics"]
    rising = [topic["id"] for topic in topics if topic["trend"] == "rising"]
    assert rising == ["trend-1", "trend-3", "trend-5", "trend-7"]
    assert {topic["trend"] for topic in topics} == {"rising", "stable"}

    feed = {item["id"]: item for item in generated["feed_items"]}
    assert str(feed["feed-highlight-1"]["metadata"]).endswith('"totalCases":264}')
    assert feed["feed-highlight-1"]["expires_at"] == "2026-01-16T10:00:00.000Z"


# --------------------------------------------------------------------------------------
# Extra cases for benchmarks
# --------------------------------------------------------------------------------------

_EXTRA_START = 2140


def _extra(count: int, start: int = _EXTRA_START) -> Rows:
    return list(generate_extra_cases(count, ANCHOR, start_number=start))


def test_extra_cases_deterministic() -> None:
    assert _extra(3000) == _extra(3000)


def test_extra_cases_count_and_numbering() -> None:
    rows = _extra(2500)
    assert len(rows) == 2500
    assert _extra(0) == []
    numbers = [row["case_number"] for row in rows]
    assert len(set(numbers)) == len(numbers)
    assert numbers[0] == "CC-002140"
    assert numbers[-1] == "CC-004639"
    assert [row["id"] for row in rows] == [f"case-{n}" for n in range(2140, 4640)]
    assert all(tuple(row) == CASE_COLUMNS for row in rows)


def test_extra_cases_do_not_collide_with_seed(generated: dict[str, Rows]) -> None:
    seeded_numbers = {case["case_number"] for case in generated["cases"]}
    start = max(int(str(number)[3:]) for number in seeded_numbers) + 1
    rows = _extra(500, start)
    assert not seeded_numbers & {row["case_number"] for row in rows}
    # A different seed: not a copy of the base seed's first cases.
    strip = ("id", "case_number")
    base = [{k: v for k, v in case.items() if k not in strip} for case in generated["cases"][:50]]
    extra = [{k: v for k, v in row.items() if k not in strip} for row in rows[:50]]
    assert base != extra


def test_extra_cases_valid_values() -> None:
    earliest = ANCHOR - timedelta(days=30)
    for row in _extra(5000):
        business_unit = row["business_unit"]
        category = row["category"]
        assert isinstance(business_unit, str)
        assert isinstance(category, str)
        assert business_unit in data.BUSINESS_UNITS
        assert category in data.BU_CATEGORIES[business_unit]
        assert row["subcategory"] in data.SUBCATEGORIES[category]
        assert row["channel"] in data.CHANNELS
        assert row["status"] in data.CASE_STATUSES
        assert row["severity"] in data.SEVERITIES
        assert row["sentiment"] in {"positive", "neutral", "negative"}
        assert row["risk_flag"] in (0, 1)
        assert row["needs_review_flag"] in (0, 1)
        assert type(row["risk_flag"]) is int
        if row["risk_flag"] == 1:
            assert row["sentiment"] == "negative"
            assert row["severity"] in {"high", "critical"}
        assert isinstance(row["summary"], str)
        assert row["summary"]
        assert "{{" not in row["summary"]
        agent = row["agent_id"]
        assert isinstance(agent, str)
        assert 1 <= int(agent.removeprefix("agent-")) <= 50
        assigned = row["assigned_to"]
        assert assigned is None or assigned in {f"user-supervisor-{n}" for n in range(1, 11)}
        assert row["upload_id"] is None
        assert row["updated_at"] == row["created_at"]
        created = datetime.strptime(str(row["created_at"]), "%Y-%m-%dT%H:%M:%S.%fZ")
        created = created.replace(tzinfo=UTC)
        assert earliest <= created <= ANCHOR
        if row["status"] in {"resolved", "closed"}:
            assert isinstance(row["resolved_at"], str)
            assert 0 <= _days_ago(row["resolved_at"]) <= 15
        else:
            assert row["resolved_at"] is None


def test_extra_cases_are_lazy() -> None:
    stream = generate_extra_cases(10**12, ANCHOR, start_number=_EXTRA_START)
    first = list(islice(stream, 5))
    assert [row["id"] for row in first] == [f"case-{n}" for n in range(2140, 2145)]
    assert first == _extra(5)


def test_extra_cases_reject_bad_arguments() -> None:
    with pytest.raises(ValueError):
        list(generate_extra_cases(-1, ANCHOR, start_number=_EXTRA_START))
    with pytest.raises(ValueError):
        list(generate_extra_cases(1, ANCHOR, start_number=0))
