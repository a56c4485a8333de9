"""Property 3: database operation equivalence.

The recorded half is the golden replay's ``mutA`` write sequence (``tests/contract``), which
checks every answer of the original's own mutation sequence. Here, generated sequences of
share, inbox ``PATCH`` and alert-escalation operations (valid and invalid) run through the
API, and afterwards the ``shares``, ``cases`` and ``alerts`` tables, read straight from the
database file, must equal a simple model of the rows the contract says each operation
writes. The clock is frozen and stepped, so every timestamp the model expects is exact.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.properties.support_a import Harness, assert_error_shape, running_app

Row = dict[str, Any]
Tables = dict[str, dict[str, Row]]


class Absent:
    """A key left out of the request body."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = Absent()
USERS = ["user-admin-1", "user-manager-1", "user-supervisor-3", "user-2", "user-admin-001"]
TEXTS = ["Please look", "ช่วยดูด่วน", "", "x" * 300]


@dataclass(frozen=True)
class Share:
    share_type: Any
    source_type: str
    source_id: str
    sender: Any
    recipient: Any
    channel: Any
    message: Any


@dataclass(frozen=True)
class Patch:
    pick: int  # index into the known share ids; -1: an id that does not exist
    status: Any


@dataclass(frozen=True)
class Escalate:
    alert_id: str
    sender: Any
    recipient: Any
    channel: Any
    message: Any


@pytest.fixture(scope="module")
def harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    with running_app(tmp_path_factory.mktemp("p03")) as running:
        running.clock.freeze()
        yield running


def table(harness: Harness, name: str, columns: str = "*", where: str = "") -> dict[str, Row]:
    """Rows of a table by id (the first column), as column -> value."""
    with sqlite3.connect(harness.database) as connection:
        cursor = connection.execute(f"SELECT {columns} FROM {name} {where} ORDER BY rowid")
        names = [d[0] for d in cursor.description]
        return {row[0]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}


def read_tables(harness: Harness) -> Tables:
    """Shares and alerts whole; the generated cases whole; every case's escalation columns."""
    pool = ", ".join(f"'{case_id}'" for case_id in CASE_IDS)
    return {
        "shares": table(harness, "shares"),
        "alerts": table(harness, "alerts"),
        "cases": table(harness, "cases", where=f"WHERE id IN ({pool})"),
        "case_flags": table(harness, "cases", "id, severity, risk_flag, updated_at"),
    }


def body_of(**fields: Any) -> dict[str, Any]:
    return {key: value for key, value in fields.items() if value is not ABSENT}


optional_channel = st.sampled_from([ABSENT, "internal", "email", "line", None])
optional_message = st.sampled_from([ABSENT, *TEXTS])
person = st.sampled_from([*USERS, "", ABSENT])

CASE_IDS = ["case-1", "case-8", "case-500", "case-2139", "case-none"]
case_ids = st.sampled_from(CASE_IDS)
alert_ids = st.sampled_from(
    ["alert-spike-1", "alert-spike-2", "alert-threshold-1", "alert-urgency-1", "alert-none"]
)

operations = st.one_of(
    st.builds(
        Share,
        share_type=st.sampled_from([ABSENT, "share", "escalation", None]),
        source_type=st.sampled_from(["alert", "case"]),
        source_id=st.one_of(case_ids, alert_ids),
        sender=person,
        recipient=person,
        channel=optional_channel,
        message=optional_message,
    ),
    st.builds(
        Patch,
        pick=st.integers(-1, 20),
        status=st.sampled_from(["pending", "read", "actioned", "done", "", ABSENT]),
    ),
    st.builds(
        Escalate,
        alert_id=alert_ids,
        sender=person,
        recipient=person,
        channel=optional_channel,
        message=optional_message,
    ),
)


class Model:
    """The rows each operation should leave, computed from the contract's rules."""

    def __init__(self, tables: Tables) -> None:
        self.tables = {name: {k: dict(v) for k, v in rows.items()} for name, rows in tables.items()}

    def share_ids(self) -> list[str]:
        return list(self.tables["shares"])

    def insert_share(self, share_id: str, op: Share | Escalate, now: str, **values: Any) -> None:
        """A new pending share row sent by ``op``; ``values`` are the columns that differ."""
        self.tables["shares"][share_id] = {
            "id": share_id,
            **values,
            "sender_id": op.sender,
            "recipient_id": op.recipient,
            "channel": "internal" if op.channel is ABSENT else op.channel,
            "message": op.message if op.message not in (ABSENT, "") else None,
            "status": "pending",
            "created_at": now,
            "read_at": None,
            "actioned_at": None,
        }

    @staticmethod
    def share_stored(op: Share) -> bool:
        """Whether ``POST /api/shares`` stores this share (else it writes nothing)."""
        required = (op.source_type, op.source_id, op.sender, op.recipient)
        if any(value is ABSENT or not value for value in required):
            return False  # 400: a required field is missing
        share_type = "share" if op.share_type is ABSENT else op.share_type
        channel = "internal" if op.channel is ABSENT else op.channel
        # NOT NULL columns: the original's handled 500.
        return share_type is not None and channel is not None

    def apply_share(self, op: Share, share_id: str, now: str) -> None:
        self.insert_share(
            share_id,
            op,
            now,
            type="share" if op.share_type is ABSENT else op.share_type,
            source_type=op.source_type,
            source_id=op.source_id,
        )
        if op.share_type == "escalation" and op.source_type == "case":
            for name in ("cases", "case_flags"):
                case = self.tables[name].get(op.source_id)
                if case is not None:
                    case.update(severity="critical", risk_flag=1, updated_at=now)

    def patch(self, share_id: str, status: str, now: str) -> None:
        share = self.tables["shares"].get(share_id)
        if share is None:
            return  # an unknown id answers success and changes nothing
        if status == "read":
            share.update(status="read", read_at=now)
        elif status == "actioned":
            share.update(status="actioned", read_at=now, actioned_at=now)
        else:
            share.update(status="pending", read_at=None, actioned_at=None)

    def escalate(self, op: Escalate, share_id: str, now: str) -> None:
        alert = self.tables["alerts"][op.alert_id]
        if alert["severity"] != "critical":
            alert.update(severity="critical", updated_at=now)
        self.insert_share(
            share_id, op, now, type="escalation", source_type="alert", source_id=op.alert_id
        )


def new_share_id(harness: Harness, model: Model) -> str:
    """The one share id the database holds and the model does not know yet."""
    created = {row[0] for row in harness.rows("SELECT id FROM shares")} - set(model.share_ids())
    assert len(created) == 1, created
    return str(created.pop())


def run(harness: Harness, model: Model, op: Any) -> None:
    harness.clock.advance(1000)
    now = harness.clock.now_iso()
    if isinstance(op, Share):
        response = harness.request(
            "POST",
            "/api/shares",
            json=body_of(
                type=op.share_type,
                sourceType=op.source_type,
                sourceId=op.source_id,
                senderId=op.sender,
                recipientId=op.recipient,
                channel=op.channel,
                message=op.message,
            ),
        )
        if not model.share_stored(op):
            assert response.status_code in (400, 500), response.text
            assert_error_shape(response, response.status_code)
        else:
            assert response.status_code == 200, response.text
            share_id = new_share_id(harness, model)
            assert response.json()["id"] == share_id
            model.apply_share(op, share_id, now)
    elif isinstance(op, Patch):
        known = model.share_ids()
        share_id = known[op.pick % len(known)] if op.pick >= 0 and known else "share-none"
        response = harness.request(
            "PATCH", "/api/inbox", json=body_of(id=share_id, status=op.status)
        )
        if op.status in ("pending", "read", "actioned"):
            assert response.status_code == 200, response.text
            assert response.json() == {"success": True, "id": share_id, "status": op.status}
            model.patch(share_id, op.status, now)
        else:
            assert_error_shape(response, 400, "VALIDATION_ERROR")
    else:
        response = harness.request(
            "POST",
            f"/api/alerts/{op.alert_id}/escalate",
            json=body_of(
                senderId=op.sender,
                recipientId=op.recipient,
                channel=op.channel,
                message=op.message,
            ),
        )
        if op.sender in (ABSENT, "") or op.recipient in (ABSENT, ""):
            assert_error_shape(response, 400, "VALIDATION_ERROR")
        elif op.alert_id not in model.tables["alerts"]:
            assert_error_shape(response, 404, "NOT_FOUND")
        elif op.channel is None:
            assert_error_shape(response, 500)  # the original's handled 500; nothing written
        else:
            assert response.status_code == 200, response.text
            share_id = new_share_id(harness, model)
            assert response.json()["id"] == share_id
            model.escalate(op, share_id, now)


class TestWriteSequences:
    @given(sequence=st.lists(operations, min_size=1, max_size=6))
    def test_tables_equal_the_model_after_any_sequence(
        self, harness: Harness, sequence: list[Any]
    ) -> None:
        model = Model(read_tables(harness))
        for op in sequence:
            run(harness, model, op)
            assert table(harness, "shares") == model.tables["shares"], op
        assert read_tables(harness) == model.tables
