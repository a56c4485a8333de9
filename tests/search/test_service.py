"""The search service against the reference data: exact results, whichever route answers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from control_tower.core.clock import Clock, parse_js_date
from control_tower.core.db import Database
from control_tower.core.errors import OriginalFailure
from control_tower.core.rows import table
from control_tower.core.sqlcompat import sqlite_order
from control_tower.search import repository, service
from control_tower.search.parser import parse_query
from control_tower.search.ranking import Ordering, Paging
from control_tower.search.scoring import severity_rank
from tests.search.conftest import ReadOnlyReference
from tests.support.paths import CLOCK_START
from tests.support.server import make_settings

CASES = table("cases")

GOLDEN_QUERIES = [
    "cold chicken",
    "app crash",
    "urgent kfc app crash last 7 days",
    "yesterday delivery",
    "last 3 days email",
    "past 1 day",
    "this week critical",
    "last quarter",
    "risky customers",
    "at-risk",
    "pending review",
    "asap emergency",
    "high severity",
    "serious problems",
    "online banking",
    "mobile app login",
    "credit card fraud",
    "chicken, cold!",
    "'; DROP TABLE cases; --",
    "%",
    "_",
    "oishi green tea",
    "chang promo",
    "discount code",
    "wrong order",
    "emails about app",
    "this morning",
    "refunds",
    "Show me urgent cases from LINE this week",
    "What are customers saying about Oishi?",
    "critical food safety issues in the past 14 days",
    "needs review urgent phone",
    "\x00",
]

_WORDS = [
    "kfc",
    "app",
    "crash",
    "delivery",
    "cold",
    "chicken",
    "oishi",
    "beer",
    "order",
    "late",
    "wrong",
    "promo",
    "price",
    "tea",
    "food",
    "safety",
    "payment",
    "ไก่",
    "KFC",
    "App",
    "urgent",
    "critical",
    "high",
    "low",
    "minor",
    "asap",
    "risk",
    "at-risk",
    "review",
    "email",
    "phone",
    "line",
    "web",
    "chat",
    "online",
    "today",
    "yesterday",
    "last 3 days",
    "this week",
    "last month",
    "last quarter",
    "past 2 days",
    "refund",
    "cc",
    "show me",
    "the",
    "issues",
    "%",
    "_",
    "a",
    "xyz",
]
queries = st.lists(st.sampled_from(_WORDS), min_size=1, max_size=5).map(" ".join)
orderings = st.builds(
    Ordering,
    sort_by=st.sampled_from(["relevance", "relevance", "date", "severity", "bogus"]),
    sort_order=st.sampled_from(["desc", "desc", "asc"]),
)
pagings = st.one_of(
    st.builds(Paging, page=st.integers(1, 4), limit=st.integers(1, 30)),
    st.builds(
        Paging,
        page=st.sampled_from([None, 0, -1, 1, 2]),
        limit=st.sampled_from([None, 0, -3, 5, 10_000]),
    ),
)


def summary(found: tuple[list[dict[str, Any]], int]) -> tuple[list[Any], int]:
    results, total = found
    return [
        (r["case"]["id"], r["relevanceScore"], r["matchedFields"], r["highlightedSummary"])
        for r in results
    ], total


async def both_routes(
    session: AsyncSession,
    query: str,
    paging: Paging,
    ordering: Ordering,
    *,
    scope: str | None = None,
    clock: Clock | None = None,
) -> tuple[tuple[list[Any], int], tuple[list[Any], int]]:
    """(the service's answer, the direct route's answer) for one query."""
    clock = clock or _frozen_clock()
    body = await service.search_cases(
        session, query=query, paging=paging, ordering=ordering, clock=clock, scope=scope
    )
    parsed = parse_query(query, now_ms=clock.now_ms())
    conditions = repository.search_conditions(parsed, scope=scope)
    direct = await service.direct_search(session, parsed, conditions, paging, ordering)
    return summary((body["results"], body["totalCount"])), summary(direct)


def _frozen_clock() -> Clock:
    clock = Clock(CLOCK_START)
    clock.freeze(at=CLOCK_START)
    return clock


class TestSameResultsAsTheOriginalAlgorithm:
    @pytest.mark.parametrize("query", GOLDEN_QUERIES)
    @pytest.mark.parametrize(
        "ordering",
        [Ordering("relevance", "desc"), Ordering("date", "desc"), Ordering("severity", "asc")],
        ids=["relevance", "date", "severity"],
    )
    def test_golden_queries(
        self, reference: ReadOnlyReference, query: str, ordering: Ordering
    ) -> None:
        fast, direct = reference.run(
            lambda session: both_routes(session, query, Paging(2, 7), ordering)
        )
        assert fast == direct

    @given(query=queries, paging=pagings, ordering=orderings)
    def test_generated_queries(
        self, reference: ReadOnlyReference, query: str, paging: Paging, ordering: Ordering
    ) -> None:
        fast, direct = reference.run(lambda session: both_routes(session, query, paging, ordering))
        assert fast == direct

    @given(query=queries, ordering=orderings)
    def test_scoped_queries(
        self, reference: ReadOnlyReference, query: str, ordering: Ordering
    ) -> None:
        fast, direct = reference.run(
            lambda session: both_routes(
                session, query, Paging(1, 15), ordering, scope="KFC Delivery"
            )
        )
        assert fast == direct


class TestRanking:
    @given(query=queries)
    def test_relevance_is_descending_and_ties_keep_scan_order(
        self, reference: ReadOnlyReference, query: str
    ) -> None:
        async def run(session: AsyncSession) -> tuple[list[dict[str, Any]], list[str]]:
            body = await service.search_cases(
                session,
                query=query,
                paging=Paging(1, 10_000),
                ordering=Ordering(),
                clock=reference.clock,
                scope=None,
            )
            parsed = parse_query(query, now_ms=reference.clock.now_ms())
            statement = repository.original_statement(
                repository.search_conditions(parsed, scope=None)
            )
            # SQLite's walk, stated as ORDER BY on PostgreSQL.
            statement = sqlite_order(session, statement, repository.CASES)
            scan = [row.id for row in (await session.execute(statement)).all()]
            return body["results"], scan

        results, scan = reference.run(run)
        position = {case_id: index for index, case_id in enumerate(scan)}
        keys = [(-r["relevanceScore"], position[r["case"]["id"]]) for r in results]
        assert keys == sorted(keys)

    @given(query=queries, descending=st.booleans())
    def test_date_and_severity_sorts(
        self, reference: ReadOnlyReference, query: str, descending: bool
    ) -> None:
        order = "desc" if descending else "asc"

        async def run(session: AsyncSession) -> tuple[list[Any], list[Any]]:
            by_date = await service.search_cases(
                session,
                query=query,
                paging=Paging(1, 50),
                ordering=Ordering("date", order),
                clock=reference.clock,
                scope=None,
            )
            by_severity = await service.search_cases(
                session,
                query=query,
                paging=Paging(1, 50),
                ordering=Ordering("severity", order),
                clock=reference.clock,
                scope=None,
            )
            return by_date["results"], by_severity["results"]

        by_date, by_severity = reference.run(run)
        dates = [parse_js_date(r["case"]["createdAt"]) for r in by_date]
        ranks = [severity_rank(r["case"]["severity"]) for r in by_severity]
        assert dates == sorted(dates, reverse=descending)  # type: ignore[type-var]
        assert ranks == sorted(ranks, reverse=descending)


class TestGoldenValues:
    @pytest.mark.parametrize(
        ("query", "total", "top"),
        [
            ("refund", 0, None),
            ("account access", 0, None),
            ("cold chicken", 104, 36),
            ("app crash", 303, 53),
        ],
    )
    def test_totals_and_top_scores(
        self, reference: ReadOnlyReference, query: str, total: int, top: int | None
    ) -> None:
        body = reference.run(
            lambda session: service.search_cases(
                session,
                query=query,
                paging=Paging(1, 1),
                ordering=Ordering(),
                clock=reference.clock,
                scope=None,
            )
        )
        assert body["totalCount"] == total
        assert [r["relevanceScore"] for r in body["results"]] == ([] if top is None else [top])


class TestFastRoutes:
    @pytest.mark.parametrize("query", GOLDEN_QUERIES)
    def test_golden_queries_never_load_every_row(
        self, reference: ReadOnlyReference, monkeypatch: pytest.MonkeyPatch, query: str
    ) -> None:
        async def refuse(*_args: Any) -> Any:
            raise AssertionError("the direct route ran")

        monkeypatch.setattr(service, "direct_search", refuse)
        for ordering in (Ordering(), Ordering("date", "desc"), Ordering("bogus")):
            reference.run(
                lambda session, ordering=ordering: service.search_cases(
                    session,
                    query=query,
                    paging=Paging(1, 20),
                    ordering=ordering,
                    clock=reference.clock,
                    scope=None,
                )
            )


class TestScope:
    def test_a_scoped_viewer_sees_only_their_unit(self, reference: ReadOnlyReference) -> None:
        def run(scope: str | None) -> dict[str, Any]:
            return reference.run(
                lambda session: service.search_cases(
                    session,
                    query="delivery",
                    paging=Paging(1, 1000),
                    ordering=Ordering(),
                    clock=reference.clock,
                    scope=scope,
                )
            )

        everyone, scoped = run(None), run("KFC Delivery")
        units = {r["case"]["businessUnit"] for r in scoped["results"]}
        assert units == {"KFC Delivery"}
        assert scoped["totalCount"] == len(scoped["results"])
        assert scoped["totalCount"] == sum(
            1 for r in everyone["results"] if r["case"]["businessUnit"] == "KFC Delivery"
        )
        assert everyone["totalCount"] > scoped["totalCount"]

    def test_unknown_unit_sees_nothing(self, reference: ReadOnlyReference) -> None:
        body = reference.run(
            lambda session: service.search_cases(
                session,
                query="last quarter",
                paging=Paging(1, 20),
                ordering=Ordering(),
                clock=reference.clock,
                scope="Nobody",
            )
        )
        assert (body["results"], body["totalCount"]) == ([], 0)


class TestResponse:
    def test_blank_query_is_answered_without_parsing(self, reference: ReadOnlyReference) -> None:
        body = reference.run(
            lambda session: service.search_cases(
                session,
                query=" \t\u00a0",
                paging=Paging(1, 20),
                ordering=Ordering(),
                clock=reference.clock,
                scope=None,
            )
        )
        assert body == service.empty_response()
        assert body["parsedQuery"]["originalQuery"] == ""

    def test_key_order_and_elapsed_time(self, reference: ReadOnlyReference) -> None:
        body = reference.run(
            lambda session: service.search_cases(
                session,
                query="kfc",
                paging=Paging(1, 1),
                ordering=Ordering(),
                clock=reference.clock,
                scope=None,
            )
        )
        assert list(body) == [
            "results",
            "totalCount",
            "parsedQuery",
            "suggestedFilters",
            "executionTimeMs",
        ]
        assert body["executionTimeMs"] == 0  # frozen clock
        assert list(body["results"][0]) == [
            "case",
            "relevanceScore",
            "matchedFields",
            "highlightedSummary",
        ]

    def test_a_start_date_out_of_range_fails_like_the_original(
        self, reference: ReadOnlyReference
    ) -> None:
        with pytest.raises(OriginalFailure, match="Search failed"):
            reference.run(
                lambda session: service.search_cases(
                    session,
                    query="last 999999999 days",
                    paging=Paging(1, 20),
                    ordering=Ordering(),
                    clock=reference.clock,
                    scope=None,
                )
            )


class TestIndexFreshness:
    async def test_changed_text_on_the_page_rebuilds_the_index(self, reference_db: Path) -> None:
        database = Database(make_settings(reference_db))
        clock = _frozen_clock()
        try:
            async with database.session() as session:
                first = await service.search_cases(
                    session,
                    query="breakfast",
                    paging=Paging(1, 1),
                    ordering=Ordering(),
                    clock=clock,
                    scope=None,
                )
                top = first["results"][0]["case"]["id"]
                await session.execute(
                    update(CASES).where(CASES.c.id == top).values(summary="nothing here")
                )
                fast, direct = await both_routes(
                    session, "breakfast", Paging(1, 5), Ordering(), clock=clock
                )
            assert fast == direct
            assert top not in [item[0] for item in fast[0]]
            assert fast[1] == first["totalCount"] - 1
        finally:
            await database.dispose()

    async def test_new_cases_are_searchable_at_once(self, reference_db: Path) -> None:
        database = Database(make_settings(reference_db))
        clock = _frozen_clock()
        try:
            async with database.session() as session:
                await both_routes(session, "kfc", Paging(1, 5), Ordering(), clock=clock)
                row = (
                    (await session.execute(select(CASES).where(CASES.c.id == "case-1")))
                    .mappings()
                    .one()
                )
                await session.execute(
                    CASES.insert().values(
                        {**row, "id": "case-x", "case_number": "CC-X", "summary": "Zebra KFC"}
                    )
                )
                fast, direct = await both_routes(
                    session, "zebra kfc", Paging(1, 5), Ordering(), clock=clock
                )
            assert fast == direct
            assert fast[0][0][:2] == ("case-x", 36)
        finally:
            await database.dispose()

    async def test_a_date_that_does_not_sort_as_text_is_sorted_as_an_instant(
        self, reference_db: Path
    ) -> None:
        database = Database(make_settings(reference_db))
        clock = _frozen_clock()
        newest = Ordering("date", "desc")
        try:
            async with database.session() as session:
                await both_routes(session, "line", Paging(1, 5), newest, clock=clock)
                row = (
                    (await session.execute(select(CASES).where(CASES.c.id == "case-1")))
                    .mappings()
                    .one()
                )
                # As text "…00Z" sorts after "…00.500Z"; as instants it comes first.
                for case_id, created in (
                    ("case-bare", "2026-01-15T09:00:00Z"),
                    ("case-millis", "2026-01-15T09:00:00.500Z"),
                ):
                    await session.execute(
                        CASES.insert().values(
                            {
                                **row,
                                "id": case_id,
                                "case_number": f"CC-{case_id}",
                                "channel": "line",
                                "created_at": created,
                                "summary": "Zebra",
                            }
                        )
                    )
                # Found first among the new rows, then among the index's odd dates.
                for _ in range(2):
                    for query in ("line", "line zebra"):
                        fast, direct = await both_routes(
                            session, query, Paging(1, 5000), newest, clock=clock
                        )
                        assert fast == direct
                        ids = [item[0] for item in fast[0]]
                        assert ids.index("case-millis") < ids.index("case-bare")
        finally:
            await database.dispose()
