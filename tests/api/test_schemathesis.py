"""A bounded schemathesis run over the whole OpenAPI schema: no request makes the API fail.

Every operation the app documents gets generated requests, valid ones (positive) and invalid
ones (negative), sent over ASGI with a secretariat token (the role that may call the most
routes, and reads the audit routes too) against the demo cycle's ledger. Temporal is an
address nobody listens on, so the routes that need it must answer 503 problem JSON naming
Temporal; anything else at 5xx — above all a 500, an unhandled error — fails the run.

Then the same operations again WITHOUT a token (an anonymous attacker, issue 12): still no
server error, and the ledger does not grow by a single event from those requests (an
anonymous caller must not be able to append to the append-only ledger).

Bounded: at most ``MAX_EXAMPLES`` examples per operation and mode with the token; once
``BUDGET_S`` seconds are spent, the remaining operations get one example each (every operation
is still called; nothing asserts on wall-clock time). ``ANON_EXAMPLES`` per operation and mode
without a token (cheap: refused at authentication, or public reads): at least
``MIN_ANON_CASES`` requests without a token whatever the budget did, ``MIN_CASES`` in all.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.python import asgi

from tests.api.conftest import DemoLedger, api_settings, copy_sqlite
from uprflow.api.app import create_app
from uprflow.store.access import issue_token
from uprflow.store.db import make_engine

pytestmark = pytest.mark.slow  # whole cycles or servers: not in the quick loop

MAX_EXAMPLES = 10
BUDGET_S = 40.0
ANON_EXAMPLES = 20
MIN_CASES = 1000
MIN_ANON_CASES = 1000


class ServerError(AssertionError):
    """The API answered 5xx where it must not."""


def content_type(response: Any) -> str:
    value = response.headers.get("content-type") or response.headers.get("Content-Type") or ""
    return str(value[0] if isinstance(value, list) else value).split(";")[0].strip()


def check_no_server_error(case: Any, response: Any) -> None:
    """No 5xx, except 503 problem JSON saying Temporal is unreachable or did not answer in
    time (the documented ``temporal-down`` / ``temporal-timeout`` problems), or /health's and
    /readyz's report of a component being down."""
    status = response.status_code
    if status < 500:
        return
    label = f"{case.method} {case.formatted_path}"
    if status == 503:
        if case.path in ("/health", "/readyz"):
            return
        is_problem = content_type(response) == "application/problem+json"
        body = response.json() if is_problem else {}
        if is_problem and body.get("type", "").endswith(("/temporal-down", "/temporal-timeout")):
            return
    raise ServerError(f"{label} answered {status}: {response.text[:500]}")


def test_no_server_errors(demo_ledger: DemoLedger, tmp_path: Path) -> None:
    url = copy_sqlite(demo_ledger.path, tmp_path / "ledger.db")
    # Rate limits off: a fuzz run that mostly sees 429 would test the limiter, not the routes
    # (tests/api/test_limits.py tests the limiter).
    app_settings = api_settings(url).model_copy(
        update={"rate_limit_anonymous_per_minute": 0, "rate_limit_authenticated_per_minute": 0}
    )
    engine = make_engine(url)
    try:
        _, token = issue_token(
            engine,
            app_settings.secret_key.get_secret_value(),
            role="secretariat",
            organisation="NMRF",
            name="schemathesis",
        )
    finally:
        engine.dispose()
    app = create_app(app_settings)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    headers = {"Authorization": f"Bearer {token}"}

    operations = [result.ok() for result in schema.get_all_operations()]
    labels = {f"{op.method.upper()} {op.path}" for op in operations}
    assert {"GET /audit/events", "GET /audit/export", "GET /public/cycles", "GET /health"} <= labels

    started = time.monotonic()
    calls: dict[str, int] = {}
    statuses: dict[int, int] = {}
    anon_calls: dict[str, int] = {}
    anon_statuses: dict[int, int] = {}
    try:
        for op in operations:
            label = f"{op.method.upper()} {op.path}"
            over_budget = time.monotonic() - started > BUDGET_S
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                run_examples(op, mode, headers, 1 if over_budget else MAX_EXAMPLES, calls, statuses)
            assert calls.get(label, 0) >= 1, f"{label}: no request was generated"

        # Unauthenticated: every operation, no token at all.
        before = event_count(url)
        for op in operations:
            label = f"{op.method.upper()} {op.path}"
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                run_examples(op, mode, {}, ANON_EXAMPLES, anon_calls, anon_statuses)
            assert anon_calls.get(label, 0) >= 1, f"{label}: no anonymous request was generated"
        after = event_count(url)
    finally:
        asgi.shutdown_lifespans()
    elapsed = time.monotonic() - started
    total = sum(calls.values()) + sum(anon_calls.values())
    print(
        f"schemathesis: {sum(calls.values())} requests with a token, "
        f"{sum(anon_calls.values())} without, over {len(labels)} operations in {elapsed:.1f} s; "
        f"statuses {dict(sorted(statuses.items()))}, "
        f"anonymous {dict(sorted(anon_statuses.items()))}"
    )
    assert total >= MIN_CASES, f"only {total} generated requests"
    assert sum(anon_calls.values()) >= MIN_ANON_CASES, anon_calls
    # No ledger growth from anonymous callers (issue 12, item 1): refusals of callers without
    # a token are not recorded, so no anonymous request appends anything.
    assert after == before, f"{after - before} events appended by unauthenticated requests"


def event_count(url: str) -> int:
    """Events in the ledger (read with a fresh engine; the app's engine keeps writing)."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.exec_driver_sql("SELECT count(*) FROM events").scalar() or 0)
    finally:
        engine.dispose()


def run_examples(
    op: Any,
    mode: GenerationMode,
    headers: dict[str, str],
    max_examples: int,
    calls: dict[str, int],
    statuses: dict[int, int],
) -> None:
    label = f"{op.method.upper()} {op.path}"
    try:
        strategy = op.as_strategy(generation_mode=mode)
    except Exception as exc:  # an operation with nothing to make invalid
        if mode is GenerationMode.NEGATIVE:
            return
        raise AssertionError(f"{label}: no strategy: {exc}") from exc

    @settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy, auth=st.just(headers))
    def call(case: Any, auth: dict[str, str]) -> None:
        merged = {**strip_auth(case.headers or {}), **auth}
        response = case.call(headers=merged)
        calls[label] = calls.get(label, 0) + 1
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        check_no_server_error(case, response)

    try:
        call()
    except ServerError:
        raise
    except Exception as exc:
        # Hypothesis gives up on a strategy it cannot satisfy (e.g. negative data for an
        # operation without parameters); that is not an API failure.
        if mode is GenerationMode.NEGATIVE and "Unsatisfiable" in type(exc).__name__:
            return
        raise


def strip_auth(headers: dict[str, str]) -> dict[str, str]:
    """The generated headers without any Authorization (the token, if any, is ours to add)."""
    return {k: v for k, v in headers.items() if k.lower() != "authorization"}


@pytest.fixture(autouse=True)
def _no_schemathesis_plugin_leftovers() -> Any:
    yield
    asgi.shutdown_lifespans()
