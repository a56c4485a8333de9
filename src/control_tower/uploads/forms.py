"""Reading the upload form from the request stream, with limits enforced while reading.

The original called ``request.formData()``: a multipart or URL-encoded body, any other body
failing. Here the body is streamed through python-multipart and kept in memory part by
part, so a file larger than the configured limit is refused as soon as the limit is
crossed, without reading the rest of the stream.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

from control_tower.core.errors import PayloadTooLarge

# Room for boundaries, part headers and small fields beside the file itself.
FORM_OVERHEAD_BYTES = 256 * 1024
MAX_FIELD_BYTES = 64 * 1024
MAX_PARTS = 50


class MalformedForm(Exception):
    """The body is not a readable form (what made ``request.formData()`` throw)."""


@dataclass(slots=True)
class FormPart:
    name: str
    filename: str | None = None
    content_type: str | None = None
    data: bytearray = field(default_factory=bytearray)

    @property
    def is_file(self) -> bool:
        return self.filename is not None

    def text(self) -> str:
        return self.data.decode("utf-8", errors="replace")


@dataclass(slots=True)
class UploadForm:
    parts: list[FormPart] = field(default_factory=list)

    def first(self, name: str) -> FormPart | None:
        """The first part called ``name`` (``FormData.get``)."""
        for part in self.parts:
            if part.name == name:
                return part
        return None


def describe_size(size: int) -> str:
    """``10 MB`` for round megabytes, else the byte count."""
    megabyte = 1024 * 1024
    if size % megabyte == 0:
        return f"{size // megabyte} MB"
    return f"{size:,} bytes"


def file_too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(
        f"File too large: uploads are limited to {describe_size(limit)} ({limit:,} bytes). "
        "Split the file into smaller files and upload them one by one.",
        code="FILE_TOO_LARGE",
        details={"limitBytes": limit},
    )


def _decode_header(value: bytes) -> str:
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value.decode("latin-1")


class _MultipartCollector:
    """python-multipart callbacks that gather parts in memory, enforcing the limits."""

    def __init__(self, max_file_bytes: int) -> None:
        self.max_file_bytes = max_file_bytes
        self.form = UploadForm()
        self.finished = False
        self._headers: list[tuple[bytes, bytes]] = []
        self._header_name = b""
        self._header_value = b""
        self._part: FormPart | None = None

    def on_part_begin(self) -> None:
        self._headers = []
        self._part = None

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def on_header_end(self) -> None:
        self._headers.append((self._header_name.strip().lower(), self._header_value.strip()))
        self._header_name = b""
        self._header_value = b""

    def on_headers_finished(self) -> None:
        disposition = b""
        content_type: bytes | None = None
        for name, value in self._headers:
            if name == b"content-disposition" and not disposition:
                disposition = value
            elif name == b"content-type" and content_type is None:
                content_type = value
        _, options = parse_options_header(disposition)
        if b"name" not in options:
            raise MalformedForm('a form part has no Content-Disposition "name"')
        if len(self.form.parts) >= MAX_PARTS:
            raise MalformedForm(f"the form has more than {MAX_PARTS} parts")
        filename = options.get(b"filename")
        self._part = FormPart(
            name=_decode_header(options[b"name"]),
            filename=None if filename is None else _decode_header(filename),
            content_type=None if content_type is None else _decode_header(content_type),
        )
        self.form.parts.append(self._part)

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        part = self._part
        if part is None:
            return
        part.data += data[start:end]
        if part.is_file:
            if len(part.data) > self.max_file_bytes:
                raise file_too_large(self.max_file_bytes)
        elif len(part.data) > MAX_FIELD_BYTES:
            raise PayloadTooLarge(
                f"Form field {part.name!r} is too large (limit {MAX_FIELD_BYTES:,} bytes)",
                details={"limitBytes": MAX_FIELD_BYTES},
            )

    def on_end(self) -> None:
        self.finished = True


async def _read_multipart(request: Request, boundary: bytes, max_file_bytes: int) -> UploadForm:
    collector = _MultipartCollector(max_file_bytes)
    try:
        parser = MultipartParser(
            boundary,
            {
                "on_part_begin": collector.on_part_begin,
                "on_header_field": collector.on_header_field,
                "on_header_value": collector.on_header_value,
                "on_header_end": collector.on_header_end,
                "on_headers_finished": collector.on_headers_finished,
                "on_part_data": collector.on_part_data,
                "on_end": collector.on_end,
            },
        )
    except (FormParserError, ValueError) as exc:
        raise MalformedForm(f"unusable multipart boundary: {exc}") from exc
    limit = max_file_bytes + FORM_OVERHEAD_BYTES
    received = 0
    try:
        async for chunk in request.stream():
            received += len(chunk)
            if received > limit:
                raise file_too_large(max_file_bytes)
            parser.write(chunk)
        parser.finalize()
    except FormParserError as exc:
        raise MalformedForm(f"invalid multipart body: {exc}") from exc
    if not collector.finished:
        raise MalformedForm("the multipart body ends before its closing boundary")
    return collector.form


async def _read_urlencoded(request: Request, limit: int) -> UploadForm:
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise PayloadTooLarge(
                f"Request body too large: more than {limit:,} bytes", details={"limitBytes": limit}
            )
    pairs = parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True)
    return UploadForm(
        [FormPart(name=name, data=bytearray(value.encode())) for name, value in pairs]
    )


async def read_upload_form(
    request: Request, *, max_file_bytes: int, max_body_bytes: int
) -> UploadForm:
    """The submitted form; ``MalformedForm`` when the body is not a form at all."""
    content_type, options = parse_options_header(request.headers.get("content-type"))
    declared = request.headers.get("content-length")
    if content_type == b"multipart/form-data":
        boundary = options.get(b"boundary")
        if not boundary:
            raise MalformedForm("the multipart Content-Type has no boundary")
        if (
            declared is not None
            and declared.isdigit()
            and int(declared) > max_file_bytes + FORM_OVERHEAD_BYTES
        ):
            raise file_too_large(max_file_bytes)
        return await _read_multipart(request, boundary, max_file_bytes)
    if content_type == b"application/x-www-form-urlencoded":
        if declared is not None and declared.isdigit() and int(declared) > max_body_bytes:
            raise PayloadTooLarge(
                f"Request body too large: {int(declared):,} bytes (limit {max_body_bytes:,} bytes)",
                details={"limitBytes": max_body_bytes},
            )
        return await _read_urlencoded(request, max_body_bytes)
    shown = content_type.decode("latin-1") or "none"
    raise MalformedForm(
        f"expected a multipart/form-data body with a 'file' part (Content-Type: {shown})"
    )
