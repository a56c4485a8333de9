"""Small builders for upload tests: CSV text, XLSX workbooks, clients with chosen limits."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx

from control_tower.core.clock import Clock
from control_tower.main import create_app
from tests.support.databases import connect
from tests.support.paths import CLOCK_START
from tests.support.server import make_settings

HEADER = "caseNumber,createdAt,bu,channel,category,severity,summary,customerName"


def row(number: str, **overrides: str) -> str:
    """One valid data row for ``HEADER`` (fields overridable by name)."""
    values = {
        "caseNumber": number,
        "createdAt": "2026-01-14T08:00:00Z",
        "bu": "Cards",
        "channel": "phone",
        "category": "Billing",
        "severity": "high",
        "summary": f"Summary of {number}",
        "customerName": "Customer",
    }
    values.update(overrides)
    return ",".join(values[name] for name in HEADER.split(","))


def csv_text(numbers: Sequence[str], *, header: str = HEADER) -> str:
    return "\n".join([header, *(row(number) for number in numbers)]) + "\n"


def bulk_csv(count: int, *, prefix: str = "BULK") -> bytes:
    """``count`` valid rows with varied values (about 110 bytes a row)."""
    units = ("Cards", "Lending", "Digital", "Wealth", "Insurance", "Support")
    channels = ("phone", "email", "line", "web")
    severities = ("low", "medium", "high", "critical")
    lines = [HEADER]
    for index in range(1, count + 1):
        day = 1 + index % 14
        lines.append(
            f"{prefix}-{index:07d},2026-01-{day:02d}T{index % 24:02d}:{index % 60:02d}:00Z,"
            f"{units[index % 6]},{channels[index % 4]},Billing,{severities[index % 4]},"
            f"Customer reports an issue with order number {index},Customer {index}"
        )
    return ("\n".join(lines) + "\n").encode()


def xlsx_bytes(rows: Sequence[Sequence[Any]]) -> bytes:
    """A workbook whose first sheet holds ``rows``."""
    import openpyxl  # type: ignore[import-untyped]

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for values in rows:
        sheet.append(list(values))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload_files(
    data: bytes | str, name: str = "cases.csv", content_type: str = "text/csv"
) -> dict[str, tuple[str, bytes, str]]:
    raw = data.encode() if isinstance(data, str) else data
    return {"file": (name, raw, content_type)}


@asynccontextmanager
async def client_with(database: Path, **overrides: Any) -> AsyncIterator[httpx.AsyncClient]:
    """An ASGI client over an app on ``database`` with settings overridden."""
    app = create_app(make_settings(database, **overrides), clock=Clock(CLOCK_START))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield http


def query(database: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with connect(database) as connection:
        return connection.execute(sql, params).fetchall()
