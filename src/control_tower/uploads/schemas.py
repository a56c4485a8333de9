"""Wire shapes of the uploads routes (documentation only; handlers return plain dicts)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class _Wire(BaseModel):
    model_config = ConfigDict(populate_by_name=True)


class RowError(_Wire):
    """One problem with one row (row 0: the whole file; row 1: the header)."""

    row: int = Field(description="1-based row among non-blank records; the header is row 1")
    column: str = Field(description="Field name such as caseNumber or createdAt ('' for the file)")
    value: str = Field(description="The offending value (long values cut to 20 characters + ...)")
    reason: str
    suggestedFix: str

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "row": 4,
                "column": "createdAt",
                "value": "15/01/2026",
                "reason": "Invalid date value",
                "suggestedFix": "Use format YYYY-MM-DD (e.g., 2024-01-15)",
            }
        }
    )


class UploadResult(_Wire):
    """Outcome of an upload that was processed (200), including uploads that failed."""

    success: bool = Field(description="false when nothing was imported (status 'failed')")
    uploadId: str
    message: Literal[
        "Upload completed successfully", "Upload completed with some errors", "Upload failed"
    ]
    totalRows: int = Field(description="Data rows in the file (blank rows not counted)")
    successCount: int = Field(description="Cases imported")
    errorCount: int = Field(description="Number of error objects (not rows)")
    errors: list[RowError] | None = Field(default=None, description="Omitted when empty")
    insertedCaseIds: list[str]
    recomputeStatus: Literal["pending"] | None = Field(
        description="'pending' when cases were imported: call POST /api/uploads/{id}/recompute"
    )

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "success": True,
                "uploadId": "1768471501132-belnmgy",
                "message": "Upload completed with some errors",
                "totalRows": 3,
                "successCount": 2,
                "errorCount": 1,
                "errors": [
                    {
                        "row": 4,
                        "column": "channel",
                        "value": "fax",
                        "reason": "Invalid channel. Must be one of: phone, email, line, web",
                        "suggestedFix": "Valid values: phone, email, line, web",
                    }
                ],
                "insertedCaseIds": [
                    "case-1768471501134-b94jpav",
                    "case-1768471501135-h203zzo",
                ],
                "recomputeStatus": "pending",
            }
        }
    )


class UploadRejected(_Wire):
    """Every data row failed validation (400); the upload is recorded as failed."""

    success: Literal[False]
    uploadId: str
    message: Literal["All rows failed validation"]
    totalRows: int
    successCount: Literal[0]
    errorCount: int = Field(description="Number of invalid rows (the stored upload counts errors)")
    errors: list[RowError]

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "success": False,
                "uploadId": "1768471505890-uurdup1",
                "message": "All rows failed validation",
                "totalRows": 1,
                "successCount": 0,
                "errorCount": 1,
                "errors": [
                    {
                        "row": 2,
                        "column": "caseNumber",
                        "value": "",
                        "reason": "Case number is required",
                        "suggestedFix": "Provide a unique case identifier",
                    }
                ],
            }
        }
    )


_UPLOAD_EXAMPLE: dict[str, Any] = {
    "id": "1768471501132-belnmgy",
    "fileName": "cases-january.csv",
    "fileSize": 1322,
    "status": "completed",
    "totalRows": 12,
    "successCount": 12,
    "errorCount": 0,
    "errors": None,
    "uploadedBy": None,
    "createdAt": "2026-01-15T10:05:01.132Z",
    "completedAt": "2026-01-15T10:05:01.132Z",
    "recomputeStatus": "pending",
    "recomputeStartedAt": None,
    "recomputeCompletedAt": None,
    "alertsGenerated": 0,
    "trendingUpdated": False,
}


class UploadRecord(_Wire):
    """One row of the uploads table; ``errors`` is the stored JSON text."""

    id: str
    fileName: str
    fileSize: int = Field(description="Bytes")
    status: Literal["processing", "completed", "failed", "partial"]
    totalRows: int
    successCount: int
    errorCount: int
    errors: str | None = Field(description="JSON array of row errors, as text")
    uploadedBy: str | None
    createdAt: str
    completedAt: str | None
    recomputeStatus: Literal["pending", "processing", "completed", "failed"] | None
    recomputeStartedAt: str | None
    recomputeCompletedAt: str | None
    alertsGenerated: int | None
    trendingUpdated: bool

    model_config = ConfigDict(json_schema_extra={"example": _UPLOAD_EXAMPLE})


class PaginationMeta(_Wire):
    page: int | None
    limit: int | None
    total: int
    totalPages: int | None = Field(description="ceil(total / limit); null when limit is 0")


class UploadList(_Wire):
    """A page of uploads, newest first."""

    uploads: list[UploadRecord]
    pagination: PaginationMeta

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "uploads": [_UPLOAD_EXAMPLE],
                "pagination": {"page": 1, "limit": 10, "total": 1, "totalPages": 1},
            }
        }
    )


class UploadDetail(_Wire):
    """One upload with ``errors`` parsed and the number of cases linked to it."""

    id: str
    fileName: str
    fileSize: int
    status: Literal["processing", "completed", "failed", "partial"]
    totalRows: int
    successCount: int
    errorCount: int
    errors: list[RowError] | str | None = Field(
        description="Parsed error array (the raw text if it does not parse; null if none)"
    )
    uploadedBy: str | None
    createdAt: str
    completedAt: str | None
    recomputeStatus: Literal["pending", "processing", "completed", "failed"] | None
    recomputeStartedAt: str | None
    recomputeCompletedAt: str | None
    alertsGenerated: int | None
    trendingUpdated: bool
    associatedCaseCount: int

    model_config = ConfigDict(
        json_schema_extra={"example": {**_UPLOAD_EXAMPLE, "associatedCaseCount": 12}}
    )
