"""Business rules of the cases feature: list filters, the summary and the timeline."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from hypothesis import given
from hypothesis import strategies as st

from control_tower.cases import service
from control_tower.cases.service import CaseFilters, CaseListQuery, ai_summary, timeline
from control_tower.core.clock import iso_from_ms, parse_js_date
from control_tower.core.db import Database
from control_tower.core.errors import BadRequest, NotFound
from control_tower.core.query import Pagination
from control_tower.core.rows import CASE
from tests.cases.factories import case_row, insert_case

CASE_3 = {
    "id": "case-3",
    "caseNumber": "CC-000003",
    "channel": "phone",
    "status": "closed",
    "category": "Product Quality",
    "subcategory": "Taste Complaint",
    "sentiment": "negative",
    "severity": "high",
    "riskFlag": False,
    "needsReviewFlag": False,
    "businessUnit": "KFC Restaurants",
    "summary": "Complaint about cleanliness at Sukhumvit 21 branch",
    "customerName": "William Martinez",
    "agentId": "agent-7",
    "assignedTo": "user-supervisor-9",
    "createdAt": "2026-11-10T06:51:39.486Z",
    "updatedAt": "2026-11-10T06:51:39.486Z",
    "resolvedAt": "2026-11-16T06:51:39.486Z",
    "uploadId": None,
}


def wire_case(**overrides: Any) -> dict[str, Any]:
    """A wire-shaped case (camelCase) built from the factory defaults."""
    row = case_row(**overrides)
    return CASE.to_json([row[column.name] for column in CASE.columns])


def listing(
    *,
    page: int | None = 1,
    limit: int | None = 20,
    sort_by: str | None = None,
    sort_order: str | None = None,
    **filters: Any,
) -> CaseListQuery:
    return CaseListQuery(
        filters=CaseFilters(**filters),
        pagination=Pagination(page, limit),
        sort_by=sort_by,
        sort_order=sort_order,
    )


@pytest.fixture
def db(app: FastAPI) -> Database:
    database: Database = app.state.db
    return database


async def list_body(db: Database, query: CaseListQuery, scope: str | None = None) -> Any:
    async with db.session() as session:
        return await service.list_cases(session, query=query, scope=scope)


# -- aiSummary ----------------------------------------------------------------------------


class TestAiSummary:
    def test_documented_example(self) -> None:
        assert ai_summary(CASE_3) == {
            "whatHappened": "Customer William Martinez via phone regarding product quality - "
            "Taste Complaint. Complaint about cleanliness at Sukhumvit 21 branch",
            "impact": "High impact on customer experience. May affect customer retention if "
            "not resolved promptly.",
            "suggestedAction": "No further action required. Case has been fully resolved and "
            "documented. Prioritize empathetic communication and expedited resolution. "
            "Consider follow-up call after resolution.",
        }

    @pytest.mark.parametrize("name", [None, ""])
    def test_anonymous_customer_contacted_support(self, name: str | None) -> None:
        summary = ai_summary(wire_case(customer_name=name, subcategory=""))
        assert summary["whatHappened"] == (
            "Customer contacted support via phone regarding order issues. Order arrived cold"
        )

    @pytest.mark.parametrize(
        ("severity", "start"),
        [
            ("critical", "Critical business impact requiring immediate attention."),
            ("high", "High impact on customer experience."),
            ("medium", "Moderate impact on customer satisfaction."),
            ("low", "Low impact on business operations."),
        ],
    )
    def test_impact_by_severity(self, severity: str, start: str) -> None:
        assert ai_summary(wire_case(severity=severity))["impact"].startswith(start)

    @pytest.mark.parametrize("severity", ["urgent", "HIGH", "", "constructor"])
    def test_unknown_severity_omits_impact(self, severity: str) -> None:
        assert list(ai_summary(wire_case(severity=severity))) == [
            "whatHappened",
            "suggestedAction",
        ]

    @pytest.mark.parametrize(
        ("status", "sentiment", "expected"),
        [
            (
                "open",
                "neutral",
                "Assign to available agent and initiate contact within SLA timeframe. "
                "Proceed with standard resolution process. Maintain professional and "
                "helpful tone.",
            ),
            (
                "in_progress",
                "positive",
                "Continue monitoring progress. Escalate if approaching SLA breach. Maintain "
                "positive relationship. Use as opportunity to gather feedback and offer "
                "additional services.",
            ),
            (
                "resolved",
                "negative",
                "Send satisfaction survey. Archive case notes for future reference. "
                "Prioritize empathetic communication and expedited resolution. Consider "
                "follow-up call after resolution.",
            ),
            ("pending", "angry", "undefined undefined"),
            (
                "closed",
                "angry",
                "No further action required. Case has been fully resolved and documented. "
                "undefined",
            ),
        ],
    )
    def test_suggested_action(self, status: str, sentiment: str, expected: str) -> None:
        summary = ai_summary(wire_case(status=status, sentiment=sentiment))
        assert summary["suggestedAction"] == expected

    def test_category_is_lowercased_but_subcategory_is_not(self) -> None:
        summary = ai_summary(wire_case(category="App & TECH", subcategory="Login ISSUES"))
        assert "regarding app & tech - Login ISSUES. " in summary["whatHappened"]


# -- timeline -----------------------------------------------------------------------------


class TestTimeline:
    def test_documented_example(self) -> None:
        assert timeline(CASE_3) == [
            {
                "id": "1",
                "type": "created",
                "title": "Case Created",
                "description": "Case opened via phone channel",
                "timestamp": "2026-11-10T06:51:39.486Z",
            },
            {
                "id": "2",
                "type": "assigned",
                "title": "Agent Assigned",
                "description": "Case assigned to agent agent-7",
                "timestamp": "2026-11-10T06:56:39.486Z",
            },
            {
                "id": "3",
                "type": "contact",
                "title": "Customer Contacted",
                "description": "Initial contact made with customer",
                "timestamp": "2026-11-10T07:06:39.486Z",
            },
            {
                "id": "4",
                "type": "resolved",
                "title": "Case Resolved",
                "description": "Issue has been resolved",
                "timestamp": "2026-11-16T06:51:39.486Z",
            },
        ]

    def test_open_unassigned_case_has_only_the_creation(self) -> None:
        events = timeline(wire_case())
        assert [event["id"] for event in events] == ["1"]

    def test_assigned_without_agent_names_unknown(self) -> None:
        events = timeline(wire_case(assigned_to="user-1", agent_id=""))
        assert events[1]["description"] == "Case assigned to agent unknown"

    def test_ids_keep_gaps(self) -> None:
        events = timeline(wire_case(status="resolved", resolved_at="2026-01-14T00:00:00.000Z"))
        assert [event["id"] for event in events] == ["1", "3", "4"]
        # Not sorted: the resolution may predate the creation.
        assert events[2]["timestamp"] == "2026-01-14T00:00:00.000Z"

    def test_creation_and_resolution_are_verbatim(self) -> None:
        events = timeline(wire_case(created_at="2026-01-15", resolved_at="not a date"))
        assert events[0]["timestamp"] == "2026-01-15"
        assert events[-1]["timestamp"] == "not a date"

    def test_derived_times_are_reserialised(self) -> None:
        events = timeline(wire_case(created_at="2026-01-15", assigned_to="u", status="in_progress"))
        assert events[1]["timestamp"] == "2026-01-15T00:05:00.000Z"
        assert events[2]["timestamp"] == "2026-01-15T00:15:00.000Z"

    @pytest.mark.parametrize("created_at", ["garbage", "", "2026-13-45T00:00:00Z"])
    def test_unreadable_creation_time_skips_derived_events(self, created_at: str) -> None:
        events = timeline(
            wire_case(
                created_at=created_at,
                assigned_to="u",
                status="closed",
                resolved_at="2026-01-15T00:00:00.000Z",
            )
        )
        assert [event["id"] for event in events] == ["1", "4"]
        assert events[0]["timestamp"] == created_at

    @given(
        st.integers(min_value=0, max_value=4_102_444_800_000),
        st.sampled_from(["open", "in_progress", "resolved", "closed", "other"]),
        st.booleans(),
    )
    def test_derived_events_follow_creation(self, ms: int, status: str, assigned: bool) -> None:
        created = iso_from_ms(ms)
        events = timeline(
            wire_case(created_at=created, status=status, assigned_to="u" if assigned else None)
        )
        by_id = {event["id"]: event for event in events}
        assert ("2" in by_id) == assigned
        assert ("3" in by_id) == (status in {"in_progress", "resolved", "closed"})
        if "2" in by_id:
            assert parse_js_date(by_id["2"]["timestamp"]) == ms + 300_000
        if "3" in by_id:
            assert parse_js_date(by_id["3"]["timestamp"]) == ms + 900_000
        assert [event["id"] for event in events] == sorted(by_id)


# -- list and detail ----------------------------------------------------------------------


class TestListCases:
    async def test_default_page(self, db: Database) -> None:
        body = await list_body(db, listing())
        assert list(body) == ["cases", "pagination"]
        assert body["pagination"] == {"page": 1, "limit": 20, "total": 2139, "totalPages": 107}
        assert len(body["cases"]) == 20
        assert list(body["cases"][0]) == list(CASE_3)
        assert isinstance(body["cases"][0]["riskFlag"], bool)

    async def test_filters_combine(self, db: Database) -> None:
        body = await list_body(
            db,
            listing(business_unit="KFC Loyalty", severity="critical", status="open", limit=None),
        )
        assert body["pagination"]["total"] == len(body["cases"]) > 0
        for case in body["cases"]:
            assert (case["businessUnit"], case["severity"], case["status"]) == (
                "KFC Loyalty",
                "critical",
                "open",
            )

    async def test_search_is_an_unescaped_like(self, db: Database) -> None:
        wildcard = await list_body(db, listing(search="app%crash", limit=None))
        assert wildcard["cases"]
        for case in wildcard["cases"]:
            lowered = case["summary"].lower()
            assert "app" in lowered and "crash" in lowered[lowered.index("app") :]
        upper = await list_body(db, listing(search="APP CRASH", limit=None))
        lower = await list_body(db, listing(search="app crash", limit=None))
        assert upper["pagination"]["total"] == lower["pagination"]["total"]

    async def test_upload_batch_and_dates(self, db: Database) -> None:
        async with db.session() as session:
            await insert_case(session, id="case-a", case_number="A", upload_id="batch-1")
            await insert_case(
                session,
                id="case-b",
                case_number="B",
                upload_id="batch-1",
                created_at="2026-01-15T09:30:00.000Z",
            )
        body = await list_body(db, listing(upload_id="batch-1"))
        assert [case["id"] for case in body["cases"]] == ["case-b", "case-a"]
        body = await list_body(
            db, listing(upload_id="batch-1", end_date="2026-01-15T09:00:00.000Z")
        )
        assert [case["id"] for case in body["cases"]] == ["case-a"]

    async def test_sort_by_case_number(self, db: Database) -> None:
        asc = await list_body(db, listing(sort_by="caseNumber", sort_order="asc", limit=3))
        assert [case["caseNumber"] for case in asc["cases"]] == [
            "CC-000001",
            "CC-000002",
            "CC-000003",
        ]
        upper = await list_body(db, listing(sort_by="caseNumber", sort_order="ASC", limit=1))
        assert upper["cases"][0]["caseNumber"] == "CC-002140"

    async def test_offset_without_limit_is_rejected(self, db: Database) -> None:
        with pytest.raises(BadRequest):
            await list_body(db, listing(page=2, limit=-1))

    async def test_scope_keeps_only_the_unit(self, db: Database) -> None:
        body = await list_body(db, listing(limit=None), scope="KFC Loyalty")
        assert body["pagination"]["total"] == 170
        assert {case["businessUnit"] for case in body["cases"]} == {"KFC Loyalty"}
        crossed = await list_body(db, listing(business_unit="KFC Delivery"), scope="KFC Loyalty")
        assert crossed["pagination"]["total"] == 0


class TestCaseDetail:
    async def test_flattened_case_then_summary_and_timeline(self, db: Database) -> None:
        async with db.session() as session:
            detail = await service.get_case_detail(session, case_id="case-3", scope=None)
        assert list(detail) == [*CASE_3, "aiSummary", "timeline"]
        assert detail["id"] == "case-3"
        assert detail["timeline"][0]["timestamp"] == detail["createdAt"]

    async def test_missing_case(self, db: Database) -> None:
        async with db.session() as session:
            with pytest.raises(NotFound, match="Case not found"):
                await service.get_case_detail(session, case_id="case-0", scope=None)

    async def test_scope_hides_other_units(self, db: Database) -> None:
        async with db.session() as session:
            with pytest.raises(NotFound):
                await service.get_case_detail(session, case_id="case-3", scope="KFC Loyalty")
            visible = await service.get_case_detail(
                session, case_id="case-3", scope="KFC Restaurants"
            )
        assert visible["id"] == "case-3"
