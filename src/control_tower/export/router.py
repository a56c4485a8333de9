"""HTTP routes of the export feature."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import StreamingResponse

from control_tower.auth.deps import CurrentUser
from control_tower.core.deps import ClockDep, DatabaseDep, SessionDep, SettingsDep
from control_tower.core.openapi import ErrorBody
from control_tower.core.query import first
from control_tower.export import service
from control_tower.export.repository import ExportQuery

router = APIRouter(tags=["export"])


def _param(name: str, description: str, **schema: Any) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": {"type": "string", **schema},
    }


_PARAMETERS = [
    _param(
        "format",
        "`csv` (default) or `xlsx`; the first occurrence counts and the value is case-sensitive.",
        enum=["csv", "xlsx"],
        default="csv",
    ),
    _param("businessUnit", "Exact business unit."),
    _param("bu", "Business unit as the UI sends it; `businessUnit` wins when both are set."),
    _param("channel", "Exact channel (`phone`, `email`, `line`, `web`)."),
    _param("status", "Exact status (`open`, `in_progress`, `resolved`, `closed`)."),
    _param("severity", "Exact severity (`low`, `medium`, `high`, `critical`)."),
    _param("category", "Exact category."),
    _param(
        "search",
        "Substring of the case number, summary or customer name (SQL LIKE: ASCII case is "
        "ignored, `%` and `_` are wildcards).",
    ),
    _param(
        "dateFrom",
        "Cases created at or after this value (text comparison with the stored "
        "`YYYY-MM-DDTHH:MM:SS.mmmZ`).",
    ),
    _param("startDate", "Same as `dateFrom`, as the UI sends it; `dateFrom` wins."),
    _param(
        "dateTo",
        "Cases created at or before this value (text comparison, so a bare `YYYY-MM-DD` "
        "excludes that day).",
    ),
    _param("endDate", "Same as `dateTo`, as the UI sends it; `dateTo` wins."),
    _param(
        "maxRows",
        "Row cap, default 10000 (the original's). Up to `EXPORT_MAX_ROWS_CEILING` "
        "(default 1000000); XLSX at most 1048575. Rows stream, so large exports are safe.",
        pattern=r"^\d+$",
    ),
]

_FILE_HEADERS = {
    "Content-Disposition": {
        "description": 'attachment; filename="cases-export-<UTC date>.<csv|xlsx>"',
        "schema": {"type": "string"},
    },
    "X-Total-Rows": {
        "description": "Rows in the file (at most X-Max-Rows)",
        "schema": {"type": "integer"},
    },
    "X-Max-Rows": {"description": "The row cap applied", "schema": {"type": "integer"}},
}


async def _nothing() -> AsyncIterator[bytes]:
    return
    yield b""


CSV_EXAMPLE = (
    "Case Number,Created At,Business Unit,Channel,Status,Category,Subcategory,Severity,"
    "Sentiment,Summary,Customer Name,Agent ID,Assigned To,Risk Flag,Needs Review,Resolved At,"
    "Updated At\n"
    "CC-002140,2026-01-15,Beer & Spirits,Web,Closed,Promotions & Pricing,Bundle Issues,Medium,"
    "Negative,Online promo code expired early,John Anderson,agent-20,user-supervisor-1,No,Yes,,"
    "2026-01-15"
)


@router.get(
    "/api/export",
    summary="Export cases as CSV or XLSX",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "The file, streamed: newest cases first, 17 columns with a "
            "header row. CSV rows are joined with `\\n` (no BOM, no trailing newline); cells "
            "starting with `=`, `+`, `-`, `@`, tab or CR get a leading `'`. XLSX is the "
            "workbook SheetJS 0.18.5 wrote (one sheet `Cases`).",
            "headers": _FILE_HEADERS,
            "content": {
                service.CSV_MEDIA_TYPE: {"schema": {"type": "string"}, "example": CSV_EXAMPLE},
                service.XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}},
            },
        },
        400: {"model": ErrorBody, "description": "Invalid format or maxRows"},
        404: {"model": ErrorBody, "description": "No case matches the filters"},
        422: {"model": ErrorBody, "description": "A cell is too long for XLSX"},
        500: {"model": ErrorBody, "description": "Failed to generate export"},
    },
    openapi_extra={"parameters": _PARAMETERS},
)
async def export_cases(
    request: Request,
    session: SessionDep,
    database: DatabaseDep,
    clock: ClockDep,
    user: CurrentUser,
    settings: SettingsDep,
) -> StreamingResponse:
    """Export the filtered cases, newest first, as a streamed CSV or XLSX file."""
    export_format = service.parse_format(first(request, "format"))
    max_rows = service.parse_max_rows(
        first(request, "maxRows"),
        ceiling=settings.export_max_rows_ceiling,
        export_format=export_format,
    )
    query = ExportQuery(
        business_unit=first(request, "businessUnit") or first(request, "bu"),
        channel=first(request, "channel"),
        status=first(request, "status"),
        severity=first(request, "severity"),
        category=first(request, "category"),
        search=first(request, "search"),
        date_from=first(request, "dateFrom") or first(request, "startDate"),
        date_to=first(request, "dateTo") or first(request, "endDate"),
        scope=user.scope,
        limit=max_rows,
    )
    export = await service.export_cases(
        session,
        database.engine,
        export_format=export_format,
        query=query,
        today=clock.now_iso().split("T")[0],
        batch_size=settings.export_batch_size,
    )
    body: AsyncIterator[bytes] = export.body
    if getattr(request.state, "head_request", False):
        # HEAD: the same headers, without reading a single row.
        await export.body.aclose()
        body = _nothing()
    return StreamingResponse(
        body,
        media_type=export.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{export.filename}"',
            "X-Total-Rows": str(export.total_rows),
            "X-Max-Rows": str(export.max_rows),
        },
    )
