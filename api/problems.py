"""Errors as RFC 9457 problem details (``application/problem+json``).

Every error the API returns has ``type``, ``title``, ``status`` and ``detail``; validation
errors add ``errors``: one entry per bad field with its dotted path (``body.payload.positions.1
.justification``), so a desk officer's client can point at the field.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from uprflow.api.rejections import record_rejection
from uprflow.logging import get_logger

log = get_logger("uprflow.api")

MEDIA_TYPE = "application/problem+json"
_TITLES = {
    400: "Bad request",
    401: "Not authenticated",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    422: "Unprocessable content",
    500: "Internal server error",
    503: "Service unavailable",
}


class FieldError(BaseModel):
    """One bad field."""

    field: str
    message: str


class Problem(BaseModel):
    """An RFC 9457 problem document."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[FieldError] | None = None


class ProblemError(Exception):
    """Raise anywhere in a request to answer with a problem document."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        kind: str | None = None,
        errors: list[FieldError] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.kind = kind
        self.errors = errors
        self.headers = headers


def problem_response(
    request: Request,
    status: int,
    detail: str,
    *,
    kind: str | None = None,
    errors: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """A problem+json response for ``status``."""
    body = Problem(
        type=f"https://uprflow.org/problems/{kind}" if kind else "about:blank",
        title=_TITLES.get(status, "Error"),
        status=status,
        detail=detail,
        instance=request.url.path,
        errors=errors,
    )
    return JSONResponse(
        body.model_dump(exclude_none=True),
        status_code=status,
        media_type=MEDIA_TYPE,
        headers=headers,
    )


def _loc(loc: tuple[Any, ...] | list[Any]) -> str:
    return ".".join(str(p) for p in loc)


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into a problem document."""

    @app.exception_handler(ProblemError)
    async def _problem(request: Request, exc: ProblemError) -> JSONResponse:
        if exc.status < 500:
            await record_rejection(request, exc.status, exc.detail)
        return problem_response(
            request, exc.status, exc.detail, kind=exc.kind, errors=exc.errors, headers=exc.headers
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            FieldError(field=_loc(e.get("loc", ())), message=str(e.get("msg", "")))
            for e in exc.errors()
        ]
        fields = ", ".join(e.field for e in errors[:5])
        await record_rejection(
            request, 422, f"invalid: {'; '.join(f'{e.field}: {e.message}' for e in errors)}"
        )
        return problem_response(
            request, 422, f"the request is not valid: {fields}", kind="validation", errors=errors
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code < 500:
            await record_rejection(request, exc.status_code, str(exc.detail))
        return problem_response(
            request,
            exc.status_code,
            str(exc.detail),
            headers=dict(exc.headers) if exc.headers else None,
        )

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", path=request.url.path)
        return problem_response(request, 500, "an internal error occurred; it has been logged")


#: OpenAPI ``responses`` entry for routes that may answer with a problem.
def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI documentation of the problem responses of a route."""
    return {
        s: {"model": Problem, "description": _TITLES.get(s, "Error"), "content": {MEDIA_TYPE: {}}}
        for s in statuses
    }
