"""The refusal contract: workflows refuse with a typed kind and field paths; the API maps both."""

from __future__ import annotations

from typing import Any

import pytest
from temporalio.api.failure.v1 import Failure
from temporalio.converter import DataConverter
from temporalio.exceptions import ApplicationError

from uprflow.api.commands.updates import STATUS_BY_REFUSAL, refusal_problem
from uprflow.domain.refusals import Refusal, RefusedField, fields_of, refusal_of
from uprflow.domain.tasks import PayloadError, TaskContext, TaskKind, validate_completion
from uprflow.workflows.refusals import refuse

#: The ApplicationError types the workflows raised before the enum existed: histories and
#: recorded failures carry them, so the values must never change.
LEGACY_TYPES = {
    "InvalidPayload",
    "InvalidExtension",
    "InvalidReassignment",
    "NotAssignee",
    "NotAllowed",
    "StaleVersion",
    "TaskClosed",
    "TaskNotReady",
    "WindowClosed",
    "WindowFull",
    "StageNotOpen",
}


def test_refusal_values_are_the_recorded_type_names_and_each_has_an_http_status() -> None:
    assert {r.value for r in Refusal} == LEGACY_TYPES
    assert set(STATUS_BY_REFUSAL) == set(Refusal)


async def _through_temporal(err: ApplicationError) -> BaseException:
    """``err`` as a client receives it: encoded to a Failure and decoded again."""
    converter = DataConverter.default
    failure = Failure()
    await converter.encode_failure(err, failure)
    return await converter.decode_failure(failure)


async def test_refuse_carries_kind_and_field_paths_across_the_converter() -> None:
    err = refuse(Refusal.INVALID_EXTENSION, "must carry a time zone", field="new_deadline")
    assert err.message == "new_deadline: must carry a time zone"
    assert err.non_retryable
    got = await _through_temporal(err)
    assert isinstance(got, ApplicationError)
    assert refusal_of(got.type) is Refusal.INVALID_EXTENSION
    assert fields_of(got.details) == [RefusedField("new_deadline", "must carry a time zone")]


@pytest.mark.parametrize(
    ("err", "status", "kind", "fields"),
    [
        (
            refuse(Refusal.INVALID_PAYLOAD, "x", field="signatories"),
            422,
            "invalid-payload",
            ["body.signatories"],
        ),
        (
            refuse(
                Refusal.INVALID_PAYLOAD,
                "payload: a: m; b.0: n",
                fields=[RefusedField("payload.a", "m"), RefusedField("payload.b.0", "n")],
            ),
            422,
            "invalid-payload",
            ["body.payload.a", "body.payload.b.0"],
        ),
        (
            refuse(Refusal.NOT_ASSIGNEE, "MOH", field="actor.organisation"),
            403,
            "not-assignee",
            None,
        ),
        (refuse(Refusal.STALE_VERSION, "v", field="expected_version"), 409, "stale-version", None),
        (ApplicationError("boom", type="SomethingElse"), 409, "something-else", None),
    ],
)
async def test_the_api_maps_kind_to_status_and_details_to_field_paths(
    err: ApplicationError, status: int, kind: str, fields: list[str] | None
) -> None:
    problem = refusal_problem(await _through_temporal(err))
    assert (problem.status, problem.kind, problem.detail) == (status, kind, err.message)
    got: Any = [e.field for e in problem.errors] if problem.errors else None
    assert got == fields


def test_payload_errors_name_each_field_and_keep_their_message() -> None:
    context = TaskContext(stage="consultation", subjects=())
    with pytest.raises(PayloadError) as info:
        validate_completion(TaskKind.CONTRIBUTE_SECTION, {"title": "", "word_count": 0}, context)
    assert [f.field for f in info.value.fields] == ["title", "word_count"]
    assert str(info.value) == "; ".join(f"{f.field}: {f.message}" for f in info.value.fields)
