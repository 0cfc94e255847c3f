"""Importing a file of recommendations: the same parser and writer as ``uprflow import``."""

from __future__ import annotations

from uprflow.api.problems import FieldError, ProblemError
from uprflow.api.queries.triage import shipped_profile
from uprflow.domain.envelope import Actor
from uprflow.importing import (
    CycleNotStarted,
    ImportFileError,
    ImportSummary,
    parse_bytes,
    write_import,
)
from uprflow.importing.detect import MAX_ROWS
from uprflow.profiles import ProfileError
from uprflow.store.ledger import Ledger


def import_file(
    ledger: Ledger,
    data: bytes,
    name: str,
    *,
    cycle_id: str,
    actor: Actor,
    request_id: str | None,
    max_rows: int = MAX_ROWS,
) -> ImportSummary:
    """Check every row of the file first (422 naming row and column, nothing written), then
    record every recommendation in one transaction, routed by the cycle's shipped profile. The
    cycle must have been started (404 otherwise); the file's positions are recorded only once
    it is past its decisions (``uprflow.importing.gate``)."""
    try:
        parsed = parse_bytes(data, name, cycle=cycle_id, max_rows=max_rows)
    except ImportFileError as exc:
        where = ", ".join(
            x
            for x in (
                f"row {exc.row}" if exc.row else "",
                exc.column and f"column {exc.column}",
            )
            if x
        )
        raise ProblemError(
            422,
            f"{name}: {exc} (nothing imported)",
            kind="import-invalid",
            errors=[FieldError(field=where or "file", message=exc.reason)],
        ) from None
    try:
        profile = shipped_profile(cycle_id)
    except ProfileError as exc:  # pragma: no cover - shipped profiles are tested
        raise ProblemError(500, str(exc)) from None
    try:
        return write_import(
            ledger, parsed, actor=actor, profile=profile, request_id=request_id, cycle=cycle_id
        )
    except CycleNotStarted as exc:  # an import never brings a cycle into being
        raise ProblemError(404, f"{name}: {exc} (nothing imported)", kind="not-found") from None
