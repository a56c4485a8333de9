"""Property 9: search result consistency.

For generated queries (data words, severity/channel/time/flag words, stop words, banking
aliases, Thai, punctuation) and generated ``sortBy``/``sortOrder``/``page``/``limit``, the
answer agrees with a naive evaluation of the documented rules (analytics.md §1.3) over every
case in the database, using the answer's own ``parsedQuery``:

* ``totalCount`` is the number of cases passing the filters and the keyword post-filter;
* each result's ``relevanceScore`` and ``matchedFields`` follow the scoring formula;
* each result sits at a position its sort key allows: with ``n`` = its absolute position,
  fewer than ``n + 1`` cases rank strictly before it and at least ``n + 1`` rank before or
  level with it (ties keep the database's order, which this does not pin down).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from tests.properties.support_a import Harness, running_app

SEVERITY_RANK = {"critical": 4, "high": 3, "medium": 2, "low": 1}
WORDS = [
    # words of the data
    "kfc", "app", "crash", "delivery", "chicken", "cold", "promo", "chang", "oishi", "tea",
    "late", "wrong", "order", "payment", "code", "points", "green", "bottle", "rider",
    # severities, channels, flags, times
    "urgent", "critical", "high", "low", "minor", "serious", "phone", "email", "line", "web",
    "chat", "risk", "review", "needs review", "today", "yesterday", "last 3 days",
    "this week", "past month",
    # stop words, banking aliases (no such data), Thai, punctuation
    "the", "show", "cases", "about", "refund", "mortgage", "account", "ไก่", "ส่ง",
    "crash!", "cold,", "%", "_",
]  # fmt: skip


@dataclass(frozen=True)
class Case:
    id: str
    business_unit: str
    channel: str
    severity: str
    category: str
    subcategory: str | None
    summary: str
    created_at: str
    risk: bool
    review: bool


@pytest.fixture(scope="module")
def harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    with running_app(tmp_path_factory.mktemp("p09")) as running:
        yield running


@pytest.fixture(scope="module")
def cases(harness: Harness) -> list[Case]:
    rows = harness.rows(
        "SELECT id, business_unit, channel, severity, category, subcategory, summary, "
        "created_at, risk_flag, needs_review_flag FROM cases ORDER BY rowid"
    )
    return [
        Case(
            id=row[0],
            business_unit=row[1],
            channel=row[2],
            severity=row[3],
            category=row[4],
            subcategory=row[5],
            summary=row[6],
            created_at=row[7],
            risk=row[8] == 1,
            review=row[9] == 1,
        )
        for row in rows
    ]


def passes_filters(case: Case, parsed: dict[str, Any]) -> bool:
    """The SQL filter of §1.3."""
    lists = (
        (parsed["businessUnits"], case.business_unit),
        (parsed["channels"], case.channel),
        (parsed["severities"], case.severity),
        (parsed["categories"], case.category),
    )
    if any(values and value not in values for values, value in lists):
        return False
    window = parsed["timeRange"]
    if window and not window["start"] <= case.created_at <= window["end"]:
        return False
    flags = parsed["flags"]
    if flags["urgent"] and case.severity not in ("high", "critical"):
        return False
    return not ((flags["risk"] and not case.risk) or (flags["needsReview"] and not case.review))


def score(case: Case, parsed: dict[str, Any]) -> tuple[int, list[str]]:
    """``calculateDetailedRelevanceScore``: the score and the matched fields."""
    lists = [
        ("businessUnit", parsed["businessUnits"], case.business_unit),
        ("channel", parsed["channels"], case.channel),
        ("severity", parsed["severities"], case.severity),
        ("category", parsed["categories"], case.category),
    ]
    filter_count = sum(1 for _, values, _ in lists if values)
    matched = [name for name, values, value in lists if values and value in values]
    filter_score = len(matched)
    total = filter_score / filter_count * 40 if filter_count else 0.0
    keywords: list[str] = parsed["keywords"]
    if keywords:
        texts = (case.summary.lower(), case.category.lower(), (case.subcategory or "").lower())
        parts = []
        for keyword in keywords:
            part = 0.0
            for field, text, weight in zip(
                ("summary", "category", "subcategory"), texts, (0.6, 0.25, 0.15), strict=True
            ):
                if keyword in text:
                    part += weight
                    if field not in matched:
                        matched.append(field)
            parts.append(min(part, 1))
        total += sum(parts) / len(parts) * 60
    elif filter_count == 0:
        total = 50
    else:
        total = total / 40 * 100 if filter_score > 0 else 0
    return math.floor(min(total, 100) + 0.5), matched


def sort_key(sort_by: str, case: Case, relevance: int) -> Any:
    if sort_by == "relevance":
        return relevance
    if sort_by == "date":
        return case.created_at
    return SEVERITY_RANK.get(case.severity, 0)


class TestSearchRanking:
    @given(
        words=st.lists(st.sampled_from(WORDS), min_size=1, max_size=4),
        sort_by=st.sampled_from(["relevance", "date", "severity", None]),
        descending=st.booleans(),
        page=st.integers(1, 4),
        limit=st.integers(1, 25),
    )
    def test_results_follow_the_documented_ranking(
        self,
        harness: Harness,
        cases: list[Case],
        words: list[str],
        sort_by: str | None,
        descending: bool,
        page: int,
        limit: int,
    ) -> None:
        params = {"q": " ".join(words), "page": str(page), "limit": str(limit)}
        if sort_by is not None:
            params["sortBy"] = sort_by
        if not descending:
            params["sortOrder"] = "asc"
        response = harness.get("/api/search?" + urlencode(params))
        assert response.status_code == 200, response.text
        body = response.json()
        parsed = body["parsedQuery"]

        by_id = {case.id: case for case in cases}
        matching = {}
        for case in cases:
            if not passes_filters(case, parsed):
                continue
            relevance, matched = score(case, parsed)
            if parsed["keywords"] and not matched:
                continue  # the keyword post-filter
            matching[case.id] = (relevance, matched)
        assert body["totalCount"] == len(matching)
        event(f"matches: {'none' if not matching else 'some'}")

        results = body["results"]
        offset = (page - 1) * limit
        assert len(results) == max(0, min(limit, len(matching) - offset))
        sort = sort_by or "relevance"
        keys = [sort_key(sort, by_id[i], r) for i, (r, _) in matching.items()]
        for position, result in enumerate(results, start=offset):
            case_id = result["case"]["id"]
            assert case_id in matching, case_id
            relevance, matched = matching[case_id]
            assert result["relevanceScore"] == relevance, (case_id, parsed)
            assert result["matchedFields"] == matched, (case_id, parsed)
            key = sort_key(sort, by_id[case_id], relevance)
            before = [k for k in keys if (k > key if descending else k < key)]
            level = sum(1 for k in keys if k == key)
            assert len(before) <= position < len(before) + level, (position, key, sort)
