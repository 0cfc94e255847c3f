"""API routes: documents — the implementation matrix (XLSX, CSV) and the mid-term report
(DOCX, HTML), built from the ledger by the same functions as ``uprflow export matrix`` and
``uprflow report midterm`` (`uprflow/documents/`), as of an instant of business time."""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response

from uprflow.api.deps import AnyRole, ReportReader, RuntimeDep
from uprflow.api.params import LedgerCycleId
from uprflow.api.problems import ProblemError, problem_responses
from uprflow.documents.dates import end_of_day
from uprflow.documents.matrix import (
    CSV_MEDIA_TYPE,
    XLSX_MEDIA_TYPE,
    CycleNotFound,
    load_matrix,
    matrix_csv,
    matrix_xlsx,
)
from uprflow.documents.midterm import (
    DOCX_MEDIA_TYPE,
    HTML_MEDIA_TYPE,
    load_midterm,
    midterm_docx,
    midterm_html,
)

router = APIRouter(tags=["documents"])

_ERRORS = problem_responses(401, 403, 404, 422)


def _file(media_type: str, what: str, example: str) -> dict[int | str, dict[str, Any]]:
    return {
        200: {
            "description": what,
            "content": {
                media_type: {"schema": {"type": "string", "format": "binary"}, "example": example}
            },
        },
        **_ERRORS,
    }


def _download(data: bytes, media_type: str, filename: str, *, inline: bool = False) -> Response:
    disposition = "inline" if inline else "attachment"
    return Response(
        data,
        media_type=media_type,
        headers={"Content-Disposition": f'{disposition}; filename="{filename}"'},
    )


async def _matrix(rt: RuntimeDep, cycle_id: str, as_of: datetime | None) -> Any:
    try:
        return await asyncio.to_thread(load_matrix, rt.engine, cycle_id, as_of)
    except CycleNotFound as exc:
        raise ProblemError(404, str(exc), kind="not-found") from None


AsOfInstant = Annotated[
    datetime | None,
    Query(description="ISO 8601 instant of business time (default: now)"),
]
AsOfDate = Annotated[
    date, Query(description="the date the report is as of (the whole day included)")
]


@router.get(
    "/cycles/{cycle_id}/matrix.xlsx",
    summary="The implementation matrix as an Excel workbook",
    response_class=Response,
    responses=_file(XLSX_MEDIA_TYPE, "the workbook (sheets Matrix and Summary)", "(XLSX bytes)"),
)
async def matrix_xlsx_route(
    cycle_id: LedgerCycleId, rt: RuntimeDep, p: AnyRole, as_of: AsOfInstant = None
) -> Response:
    """One row per recommendation with the OHCHR columns and the implementation columns,
    grouped by cluster; frozen header, filters; a Summary sheet with counts."""
    matrix = await _matrix(rt, cycle_id, as_of)
    data = await asyncio.to_thread(matrix_xlsx, matrix)
    return _download(data, XLSX_MEDIA_TYPE, f"matrix-{cycle_id}.xlsx")


@router.get(
    "/cycles/{cycle_id}/matrix.csv",
    summary="The implementation matrix as CSV",
    response_class=Response,
    responses=_file(
        CSV_MEDIA_TYPE, "UTF-8 CSV, one row per recommendation", "Cluster,Recommendation ID,...\r\n"
    ),
)
async def matrix_csv_route(
    cycle_id: LedgerCycleId, rt: RuntimeDep, p: AnyRole, as_of: AsOfInstant = None
) -> Response:
    """The same columns and rows as the workbook, as UTF-8 CSV."""
    matrix = await _matrix(rt, cycle_id, as_of)
    return _download(matrix_csv(matrix), CSV_MEDIA_TYPE, f"matrix-{cycle_id}.csv")


async def _midterm(rt: RuntimeDep, cycle_id: str, as_of: date) -> Any:
    try:
        return await asyncio.to_thread(load_midterm, rt.engine, cycle_id, end_of_day(as_of))
    except CycleNotFound as exc:
        raise ProblemError(404, str(exc), kind="not-found") from None


@router.get(
    "/cycles/{cycle_id}/reports/midterm.docx",
    summary="The mid-term report as a Word document",
    response_class=Response,
    responses=_file(DOCX_MEDIA_TYPE, "the report", "(DOCX bytes)"),
)
async def midterm_docx_route(
    cycle_id: LedgerCycleId, rt: RuntimeDep, p: ReportReader, as_of: AsOfDate
) -> Response:
    """Built from the ledger as of the date: summary counts, status by theme (chart), the
    per-recommendation progress table with the NHRI's and CSOs' assessments."""
    report = await _midterm(rt, cycle_id, as_of)
    data = await asyncio.to_thread(midterm_docx, report)
    return _download(data, DOCX_MEDIA_TYPE, f"midterm-{cycle_id}-{as_of.isoformat()}.docx")


@router.get(
    "/cycles/{cycle_id}/reports/midterm.html",
    summary="The mid-term report as an HTML page",
    response_class=Response,
    responses=_file(HTML_MEDIA_TYPE, "a self-contained page", "<!DOCTYPE html>..."),
)
async def midterm_html_route(
    cycle_id: LedgerCycleId, rt: RuntimeDep, p: ReportReader, as_of: AsOfDate
) -> Response:
    """The same report as one self-contained, accessible HTML page (chart as a data URI)."""
    report = await _midterm(rt, cycle_id, as_of)
    html = await asyncio.to_thread(midterm_html, report)
    name = f"midterm-{cycle_id}-{as_of.isoformat()}.html"
    return _download(html.encode("utf-8"), HTML_MEDIA_TYPE, name, inline=True)
