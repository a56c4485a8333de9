"""HTTP routes of the uploads feature: import a file of cases, the template, upload history."""

from __future__ import annotations

import time
from typing import Any, Final

from fastapi import APIRouter, Path, Request
from starlette.responses import Response

from control_tower.auth.deps import CurrentUser
from control_tower.auth.readroute import ReadRoute
from control_tower.core.deps import ClockDep, SessionDep, SettingsDep
from control_tower.core.errors import BadRequest, OriginalFailure
from control_tower.core.jsonenc import JSResponse
from control_tower.core.openapi import ErrorBody
from control_tower.core.query import Pagination, first
from control_tower.core.respcache import cached_json
from control_tower.uploads import service
from control_tower.uploads.forms import MalformedForm, read_upload_form
from control_tower.uploads.schemas import (
    UploadDetail,
    UploadList,
    UploadRejected,
    UploadResult,
)

router = APIRouter(tags=["uploads"], route_class=ReadRoute)

# The write commits before the response is sent, so a client that reads right after an
# upload sees it (a request-scoped dependency would commit only after the response).

_FAILED: Final = "Failed to process upload"
_ALLOW_DUPLICATE: Final = "allowDuplicate"

_UPLOAD_OPENAPI: Final[dict[str, Any]] = {
    "parameters": [
        {
            "name": _ALLOW_DUPLICATE,
            "in": "query",
            "required": False,
            "schema": {"type": "string", "enum": ["true", "false"]},
            "description": (
                "Import the file even if identical bytes were already imported "
                "(otherwise 409 DUPLICATE_UPLOAD). Also accepted as a form field."
            ),
        }
    ],
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": (
                                "A CSV file (name ending in .csv or type text/csv; UTF-8 with "
                                "or without BOM, or Thai Windows-874/TIS-620) or an .xlsx "
                                "workbook (first worksheet). Header row first; required "
                                "columns caseNumber, createdAt, businessUnit, channel (aliases "
                                "accepted). At most upload_max_bytes (default 10 MB) and "
                                "upload_max_rows rows."
                            ),
                        },
                        _ALLOW_DUPLICATE: {
                            "type": "string",
                            "enum": ["true", "false"],
                            "description": "Same as the query parameter",
                        },
                    },
                },
                "encoding": {"file": {"contentType": "text/csv, application/octet-stream"}},
            }
        },
    },
}

_PAGE_PARAMETERS: Final[list[dict[str, Any]]] = [
    {
        "name": "page",
        "in": "query",
        "required": False,
        "schema": {"type": "string", "default": "1"},
        "description": "1-based page number (parseInt semantics)",
    },
    {
        "name": "limit",
        "in": "query",
        "required": False,
        "schema": {"type": "string", "default": "10"},
        "description": "Uploads per page (parseInt; 0 gives an empty page, negative no limit)",
    },
]


def _flag(value: str | None) -> bool:
    return value is not None and value.strip().lower() in {"true", "1"}


@router.post(
    "/api/upload",
    response_class=JSResponse,
    summary="Import cases from a CSV or XLSX file",
    responses={
        200: {
            "model": UploadResult,
            "description": "The file was processed (success is false when nothing imported)",
        },
        400: {
            "model": UploadRejected | ErrorBody,
            "description": (
                "Every row failed validation (UploadRejected), or no file / a file type other "
                "than CSV or XLSX / an unreadable XLSX (ErrorBody)"
            ),
        },
        409: {
            "model": ErrorBody,
            "description": "DUPLICATE_UPLOAD: the same bytes were already imported",
        },
        413: {
            "model": ErrorBody,
            "description": "The file exceeds upload_max_bytes or upload_max_rows, or an XLSX "
            "would inflate absurdly",
        },
        500: {
            "model": ErrorBody,
            "description": "The body is not a form ('Failed to process upload')",
        },
    },
    openapi_extra=_UPLOAD_OPENAPI,
)
async def upload_cases(
    request: Request,
    session: SessionDep,
    viewer: CurrentUser,
    clock: ClockDep,
    settings: SettingsDep,
) -> Any:
    """Validate an uploaded file of cases and import its valid rows in one transaction."""
    try:
        form = await read_upload_form(
            request,
            max_file_bytes=settings.upload_max_bytes,
            max_body_bytes=settings.max_body_bytes,
        )
    except MalformedForm as exc:
        raise OriginalFailure(_FAILED, details={"reason": str(exc)}) from exc
    part = form.first("file")
    if part is None:
        raise BadRequest("No file provided", code="NO_FILE")
    if part.filename is None:
        raise OriginalFailure(
            _FAILED, details={"reason": "the 'file' form field holds text, not a file"}
        )
    duplicate_field = form.first(_ALLOW_DUPLICATE)
    allow_duplicate = _flag(first(request, _ALLOW_DUPLICATE)) or (
        duplicate_field is not None and _flag(duplicate_field.text())
    )
    upload = service.UploadedFile(
        name=part.filename, content_type=part.content_type or "", data=bytes(part.data)
    )
    started = time.perf_counter()
    reply = await service.import_upload(
        session,
        upload,
        viewer=viewer,
        clock=clock,
        settings=settings,
        allow_duplicate=allow_duplicate,
    )
    request.app.state.metrics.upload_seconds.observe(time.perf_counter() - started)
    return JSResponse(reply.body, status_code=reply.status_code)


@router.get(
    "/api/upload/template",
    response_class=Response,
    summary="Download the CSV upload template",
    responses={
        200: {
            "description": "The template, as an attachment named case-upload-template.csv",
            "content": {
                "text/csv": {"schema": {"type": "string"}, "example": service.TEMPLATE_CSV}
            },
        }
    },
)
async def get_upload_template() -> Response:
    """Return the CSV template offered to people preparing an upload."""
    return Response(
        service.TEMPLATE_CSV.encode("utf-8"),
        headers={
            "content-type": "text/csv",
            "content-disposition": f'attachment; filename="{service.TEMPLATE_FILENAME}"',
        },
    )


@router.get(
    "/api/uploads",
    response_class=JSResponse,
    summary="List uploads, newest first",
    responses={200: {"model": UploadList}, 400: {"model": ErrorBody}},
    openapi_extra={"parameters": _PAGE_PARAMETERS},
)
async def list_uploads(request: Request, session: SessionDep) -> Any:
    """List past uploads, newest first, one page at a time."""
    pagination = Pagination.from_request(request, default_limit=10)

    async def build() -> Any:
        return await service.list_uploads(session, pagination=pagination)

    return await cached_json(request, build)


@router.get(
    "/api/uploads/{upload_id}",
    response_class=JSResponse,
    summary="Get one upload with its errors",
    responses={200: {"model": UploadDetail}, 404: {"model": ErrorBody}},
)
async def get_upload(
    request: Request,
    session: SessionDep,
    viewer: CurrentUser,
    upload_id: str = Path(description="Upload id as returned by `POST /api/upload`"),
) -> Any:
    """Return one upload, its parsed row errors and how many cases it imported."""

    async def build() -> Any:
        return await service.get_upload(session, upload_id, scope=viewer.scope)

    return await cached_json(request, build)
