"""Shared OpenAPI building blocks: the error shape, pagination, documented query parameters.

Routes parse their query strings themselves (the original's rules: first value wins, empty
means absent, ``parseInt``), so parameters are documented with ``openapi_extra`` instead of
typed FastAPI parameters.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


def query_parameter(
    name: str, description: str, *, example: str | None = None, kind: str = "string"
) -> dict[str, Any]:
    """An OpenAPI query-parameter entry (documentation only; parsing stays the original's)."""
    parameter: dict[str, Any] = {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": {"type": kind},
    }
    if example is not None:
        parameter["example"] = example
    return parameter


def query_parameters(*parameters: dict[str, Any]) -> dict[str, Any]:
    """``openapi_extra`` listing ``parameters`` for a route."""
    return {"parameters": list(parameters)}


PAGE_PARAMETERS = (
    query_parameter(
        "page",
        "Page number, read like JavaScript parseInt (default 1). Non-numeric pages echo as "
        "null and return the first page.",
        example="1",
        kind="integer",
    ),
    query_parameter(
        "limit",
        "Page size, read like parseInt (default 20, no maximum). 0 returns no rows; a "
        "negative or non-numeric limit returns every row (then only page 1 is allowed).",
        example="20",
        kind="integer",
    ),
)


class ErrorBody(BaseModel):
    """The project's error shape: the original's message plus a code and a timestamp."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "error": "Alert not found",
                    "code": "NOT_FOUND",
                    "timestamp": "2026-01-15T10:05:00.000Z",
                    "requestId": "3f1c2b7e9a0d4c55",
                }
            ]
        }
    )

    error: str = Field(description="What went wrong, in words a person can act on.")
    code: str = Field(description="Stable machine-readable error code.")
    details: Any | None = Field(default=None, description="Extra facts about the failure.")
    timestamp: str = Field(description="When the error was produced (ISO 8601, UTC).")
    requestId: str | None = Field(default=None, description="Request id for log lookups.")


class PaginationBody(BaseModel):
    """Page metadata; NaN/Infinity arithmetic results are null, as in the original."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"page": 1, "limit": 20, "total": 8, "totalPages": 1}]}
    )

    page: int | None
    limit: int | None
    total: int
    totalPages: int | None


def error_responses(**descriptions: str) -> dict[int | str, dict[str, Any]]:
    """``responses=`` entries for error statuses: ``error_responses(**{"404": "..."})``."""
    return {
        int(status): {"model": ErrorBody, "description": text}
        for status, text in descriptions.items()
    }


WRITE_METHODS = frozenset({"post", "put", "patch", "delete"})
_ERROR_REF = "#/components/schemas/ErrorBody"
_FRAMEWORK_SCHEMAS = ("HTTPValidationError", "ValidationError")

# Statuses every ``/api`` operation can answer, whatever the route does (authentication,
# the abuse limits of docs/security.md), and those every write can answer on top.
API_ERRORS: dict[int, str] = {
    401: "Missing, invalid, expired or revoked credentials (or none where authentication "
    "is required).",
    414: "The query string is longer than MAX_QUERY_BYTES.",
    429: "Too many requests; wait for Retry-After.",
}
WRITE_ERRORS: dict[int, str] = {
    403: "Not allowed for this user, or a cookie-authenticated write without an allowed "
    "Origin (CSRF_FAILED).",
    413: "The request body is larger than MAX_BODY_BYTES.",
}
VALIDATION_ERROR = "Invalid parameters or body; `details` lists each problem."
UNPARSEABLE_BODY = "The body could not be parsed (not JSON, or not the documented shape)."


def _error_content() -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": _ERROR_REF}}}


def _complete_operation(path: str, method: str, operation: dict[str, Any]) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    for status, response in responses.items():
        json_content = response.get("content", {}).get("application/json", {})
        reference = str(json_content.get("schema", {}).get("$ref", ""))
        if reference.rsplit("/", 1)[-1] in _FRAMEWORK_SCHEMAS:
            # Validation errors are rendered in the project's one error shape.
            response["description"] = VALIDATION_ERROR
            response["content"] = _error_content()
        elif int(status) >= 400 and not response.get("content"):
            response["content"] = _error_content()
    extra: dict[int, str] = {}
    if path.startswith("/api/"):
        extra.update(API_ERRORS)
        if method in WRITE_METHODS:
            extra.update(WRITE_ERRORS)
    if "requestBody" in operation:
        extra.setdefault(400, UNPARSEABLE_BODY)
    for code, description in extra.items():
        responses.setdefault(str(code), {"description": description, "content": _error_content()})


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    reference = schema.get("$ref")
    if not isinstance(reference, str) or not reference.startswith("#/"):
        return schema
    resolved: dict[str, Any] = document
    for part in reference[2:].split("/"):
        resolved = resolved.get(part, {})
    return resolved


def _nullable(document: dict[str, Any], schema: dict[str, Any]) -> bool:
    schema = _resolve(document, schema)
    if schema.get("type") == "null" or "null" in (schema.get("type") or []):
        return True
    return any(_nullable(document, branch) for branch in schema.get("anyOf", []))


def _restore_nulls(document: dict[str, Any], schema: dict[str, Any], value: Any) -> Any:
    """Put back the ``null`` members of an example that the OpenAPI encoder dropped.

    FastAPI renders the document with ``exclude_none``, which also strips ``null`` values
    out of examples; a required, nullable property missing from an example was one.
    """
    schema = _resolve(document, schema)
    if isinstance(value, list):
        items = schema.get("items", {})
        return [_restore_nulls(document, items, item) for item in value]
    if not isinstance(value, dict):
        return value
    for branch in schema.get("anyOf", []):
        if _resolve(document, branch).get("properties"):
            return _restore_nulls(document, branch, value)
    properties: dict[str, Any] = schema.get("properties", {})
    if not properties:
        return value
    required = set(schema.get("required", []))
    restored: dict[str, Any] = {}
    for name, member in properties.items():
        if name in value:
            restored[name] = _restore_nulls(document, member, value[name])
        elif name in required and _nullable(document, member):
            restored[name] = None
    restored.update((name, item) for name, item in value.items() if name not in restored)
    return restored


def _restore_example_nulls(document: dict[str, Any]) -> None:
    for component in document.get("components", {}).get("schemas", {}).values():
        if "examples" in component:
            component["examples"] = [
                _restore_nulls(document, component, item) for item in component["examples"]
            ]
        if "example" in component:
            component["example"] = _restore_nulls(document, component, component["example"])
    for item in document.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            for response in operation.get("responses", {}).values():
                media = response.get("content", {}).get("application/json", {})
                if "example" in media:
                    media["example"] = _restore_nulls(
                        document, media.get("schema", {}), media["example"]
                    )


def complete_openapi(schema: dict[str, Any]) -> dict[str, Any]:
    """Document what every operation can answer beyond its own route (in place).

    Authentication, rate limits, body and query size limits and request validation apply to
    every route, so their errors are added here rather than repeated on each router; every
    error response is described by ``ErrorBody``, the shape the one error handler renders.
    Examples get back the ``null`` members the encoder dropped.
    """
    for path, item in schema.get("paths", {}).items():
        for method, operation in item.items():
            if isinstance(operation, dict) and "responses" in operation:
                _complete_operation(path, method, operation)
    components = schema.get("components", {}).get("schemas", {})
    for name in _FRAMEWORK_SCHEMAS:
        components.pop(name, None)
    _restore_example_nulls(schema)
    return schema
