"""One uploaded file from a ``multipart/form-data`` body, read in memory after authentication.

Why not FastAPI's ``UploadFile``: a declared form body is read (and a file over 1 MiB
spooled to disk) before any dependency runs, so an anonymous caller could make the API store
its upload before the 401. A route that reads the body itself from ``request.stream()`` does
so after its dependencies (the token, the role) have passed; the body is already capped as
it arrives (:mod:`uprflow.api.limits`), so holding it in memory is bounded.
"""

from __future__ import annotations

from typing import Any

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

from uprflow.api.problems import FieldError, ProblemError


def openapi_file_body(field: str, description: str) -> dict[str, Any]:
    """The ``openapi_extra`` documenting a multipart body with one required file."""
    return {
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": [field],
                        "properties": {
                            field: {
                                "type": "string",
                                "format": "binary",
                                "description": description,
                            }
                        },
                    }
                }
            },
        }
    }


def _missing(field: str, why: str) -> ProblemError:
    return ProblemError(
        422,
        f"the request is not valid: body.{field}",
        kind="validation",
        errors=[FieldError(field=f"body.{field}", message=why)],
    )


async def read_file(request: Request, field: str) -> tuple[str, bytes]:
    """The file name and content of the part named ``field`` (422 when absent)."""
    ctype, params = parse_options_header(request.headers.get("content-type", ""))
    boundary = params.get(b"boundary")
    if ctype != b"multipart/form-data" or not boundary:
        raise _missing(field, "a multipart/form-data body with a file is required")
    found: dict[str, Any] = {}
    current: dict[str, Any] = {}
    header = [b"", b""]

    def on_part_begin() -> None:
        current.clear()
        current["data"] = bytearray()
        current["disposition"] = b""

    def on_header_field(data: bytes, start: int, end: int) -> None:
        header[0] += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        header[1] += data[start:end]

    def on_header_end() -> None:
        if header[0].lower() == b"content-disposition":
            current["disposition"] = header[1]
        header[0], header[1] = b"", b""

    def on_part_data(data: bytes, start: int, end: int) -> None:
        current["data"] += data[start:end]

    def on_part_end() -> None:
        _, options = parse_options_header(current.get("disposition", b""))
        name = options.get(b"name", b"").decode("utf-8", "replace")
        if name == field and b"filename" in options and "data" not in found:
            found["name"] = options[b"filename"].decode("utf-8", "replace")
            found["data"] = bytes(current["data"])

    callbacks: Any = {
        "on_part_begin": on_part_begin,
        "on_part_data": on_part_data,
        "on_part_end": on_part_end,
        "on_header_field": on_header_field,
        "on_header_value": on_header_value,
        "on_header_end": on_header_end,
    }
    try:
        parser = MultipartParser(boundary, callbacks)
        async for chunk in request.stream():
            parser.write(chunk)
        parser.finalize()
    except (FormParserError, ValueError):
        raise _missing(field, "the multipart body is malformed") from None
    if "data" not in found:
        raise _missing(field, "Field required")
    return found["name"], found["data"]
