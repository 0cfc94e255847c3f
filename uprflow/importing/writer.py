"""Writing a parsed file to the ledger: every event in ONE ``Ledger.append`` (one transaction).

Per recommendation: ``RecommendationReceived``, ``RecommendationRouted`` when the cycle has a
profile (``--profile``, else the shipped profile of the State if there is one; what no rule
matches goes to ``routing.triage``, the secretariat's triage queue), and ``PositionDecided``
when the source states a position (decided by the source, e.g. "UPR Info" or "OHCHR") and the
cycle may take it (:mod:`~.gate`: a named cycle must have been started; a started cycle takes
positions only once past its decisions). Event
ids are uuid5 of (file sha256, row, kind): importing the same file again adds nothing, and the
recommendations already in the read model (e.g. from another file of the same cycle) are
counted as already present and not written again.
"""

from __future__ import annotations

import time
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from pydantic import BaseModel, Field

from uprflow.domain.envelope import Actor, NewEvent, Trace
from uprflow.domain.events import PositionDecided, RecommendationReceived, RecommendationRouted
from uprflow.domain.profile import Profile
from uprflow.domain.values import Position
from uprflow.importing.gate import CycleGate, cycle_gate, require_started
from uprflow.importing.model import ImportRow, ParsedFile
from uprflow.profiles import load_profile, shipped_profiles
from uprflow.store.errors import EventIdConflict
from uprflow.store.ledger import Ledger
from uprflow.store.schema import proj_recommendations

_NAMESPACE = uuid.UUID("6f1f7c2e-3b1a-5c8e-9d2f-0a4b5c6d7e8f")
_CHUNK = 500

#: Progress callback: (events built, events to build).
Progress = Callable[[int, int], None]


class ImportSummary(BaseModel):
    """What an import found in the file and what it wrote."""

    file: str = Field(examples=["slovenia-cycle-3.csv"])
    format: str = Field(examples=["ohchr-csv"])
    sha256: str
    stream_id: str = Field(examples=["import-3f2a9c0d1e4b5a6c"])
    recommendations: int = Field(description="recommendations in the file", examples=[215])
    written: int = Field(description="recommendations recorded now", examples=[215])
    already_present: int = Field(
        description="recommendations already in the ledger (nothing written)", examples=[0]
    )
    duplicate_rows: int = Field(
        0,
        description="rows identical to an earlier row; each is kept as its own recommendation "
        "(ids are per row), as the export lists them",
    )
    states: int = Field(description="States under review", examples=[1])
    cycles: list[str] = Field(examples=[["cycle-SI-3"]])
    by_position: dict[str, int] = Field(examples=[{"supported": 182, "noted": 33}])
    routed: int = Field(0, description="routed to a lead ministry by a profile rule")
    triage: int = Field(0, description="no rule matched: sent to the triage organisation")
    triage_organisations: list[str] = Field(default_factory=list)
    unrouted: int = Field(0, description="no profile for the cycle's State: not routed")
    positions_held: int = Field(
        0,
        description="positions the file states but not recorded: the cycle is running and not "
        "past its decisions (its workflow decides them)",
    )
    events_written: int = Field(examples=[430])
    seconds: float = 0.0


def event_id(sha256: str, row: int, kind: str) -> uuid.UUID:
    return uuid.uuid5(_NAMESPACE, f"{sha256}:{row}:{kind}")


def profiles_for(parsed: ParsedFile, override: Profile | None) -> dict[str, Profile | None]:
    """The profile routing each cycle: the given one, else the State's shipped one, else none."""
    shipped = shipped_profiles()
    out: dict[str, Profile | None] = {}
    loaded: dict[str, Profile] = {}
    for r in parsed.rows:
        if r.cycle_id in out:
            continue
        if override is not None:
            out[r.cycle_id] = override
        elif r.state_under_review in shipped:
            code = r.state_under_review
            if code not in loaded:
                loaded[code] = load_profile(code)
            out[r.cycle_id] = loaded[code]
        else:
            out[r.cycle_id] = None
    return out


def present(engine: sa.Engine, parsed: ParsedFile) -> set[tuple[str, str]]:
    """(cycle, recommendation) pairs of the file already in the read model."""
    cycles = sorted({r.cycle_id for r in parsed.rows})
    t = proj_recommendations
    found: set[tuple[str, str]] = set()
    with engine.connect() as conn:
        for i in range(0, len(cycles), _CHUNK):
            chunk = cycles[i : i + _CHUNK]
            rows = conn.execute(
                sa.select(t.c.cycle_id, t.c.recommendation_id).where(t.c.cycle_id.in_(chunk))
            )
            found.update((c, r) for c, r in rows)
    return found


def build_events(
    parsed: ParsedFile,
    rows: Sequence[ImportRow],
    profiles: dict[str, Profile | None],
    actor: Actor,
    *,
    occurred_at: datetime,
    trace: Trace,
    progress: Progress | None = None,
    gate: CycleGate | None = None,
) -> tuple[list[NewEvent], Counter[str]]:
    events: list[NewEvent] = []
    routing: Counter[str] = Counter()
    sha = parsed.sha256
    justification = f"as recorded in {parsed.source}"
    total = len(rows)
    for i, r in enumerate(rows, start=1):
        events.append(
            NewEvent(
                event=RecommendationReceived(
                    cycle_id=r.cycle_id,
                    recommendation_id=r.recommendation_id,
                    text=r.text,
                    recommending_states=r.recommending_states,
                    themes=r.themes,
                    sdgs=r.sdgs,
                    affected_persons=r.affected_persons,
                    source_paragraph=r.source_paragraph,
                ),
                event_id=event_id(sha, r.row, "received"),
                occurred_at=occurred_at,
                actor=actor,
                trace=trace,
            )
        )
        profile = profiles.get(r.cycle_id)
        if profile is not None:
            decision = profile.route(r.themes)
            if decision.matched_rule_index is None:
                routing["triage"] += 1
                routing[f"triage:{decision.lead}"] += 1
            else:
                routing["routed"] += 1
            events.append(
                NewEvent(
                    event=RecommendationRouted(
                        cycle_id=r.cycle_id,
                        recommendation_id=r.recommendation_id,
                        lead_ministry=decision.lead,
                        supporting=decision.supporting,
                    ),
                    event_id=event_id(sha, r.row, "routed"),
                    occurred_at=occurred_at,
                    actor=actor,
                    trace=trace,
                )
            )
        else:
            routing["unrouted"] += 1
        if r.position is not None and gate is not None and not gate.positions_allowed(r.cycle_id):
            routing["positions_held"] += 1
        elif r.position is not None:
            events.append(
                NewEvent(
                    event=PositionDecided(
                        cycle_id=r.cycle_id,
                        recommendation_id=r.recommendation_id,
                        position=r.position,
                        decided_by=parsed.source,
                        justification=None if r.position is Position.SUPPORTED else justification,
                    ),
                    event_id=event_id(sha, r.row, "decided"),
                    occurred_at=occurred_at,
                    actor=actor,
                    trace=trace,
                )
            )
        if progress is not None and (i % 1000 == 0 or i == total):
            progress(i, total)
    return events, routing


def write_import(
    ledger: Ledger,
    parsed: ParsedFile,
    *,
    actor: Actor,
    profile: Profile | None = None,
    occurred_at: datetime | None = None,
    request_id: str | None = None,
    progress: Progress | None = None,
    writing: Callable[[int], None] | None = None,
    cycle: str | None = None,
) -> ImportSummary:
    """Write the file's events in one append; return the summary.

    ``cycle``: the running cycle the import names (``--cycle``, the API's path); it must have
    been started, else :class:`~.gate.CycleNotStarted` and nothing is written.

    ``progress`` follows the building of the events; ``writing(n)`` is called just before the
    one transaction that writes ``n`` events.
    """
    started = time.perf_counter()
    profiles = profiles_for(parsed, profile)
    at = occurred_at or datetime.now(UTC)
    trace = Trace(correlation_id=parsed.stream_id, request_id=request_id)
    gate = cycle_gate(
        ledger.engine, {r.cycle_id for r in parsed.rows} | ({cycle} if cycle else set())
    )
    if cycle is not None:
        require_started(gate, cycle)
    for attempt in range(2):
        known = present(ledger.engine, parsed)
        todo = [r for r in parsed.rows if (r.cycle_id, r.recommendation_id) not in known]
        events, routing = build_events(
            parsed, todo, profiles, actor, occurred_at=at, trace=trace, progress=progress, gate=gate
        )
        if writing is not None:
            writing(len(events))
        try:
            if events:
                ledger.append(parsed.stream_id, events)
            break
        except EventIdConflict:
            # Another import of the same file committed in between: count what it wrote.
            if attempt:
                raise
    by_position = Counter(r.position.value if r.position else "none" for r in parsed.rows)
    return ImportSummary(
        file=parsed.name,
        format=parsed.format.value,
        sha256=parsed.sha256,
        stream_id=parsed.stream_id,
        recommendations=len(parsed.rows),
        written=len(todo),
        already_present=len(parsed.rows) - len(todo),
        duplicate_rows=sum(1 for r in parsed.rows if r.duplicate_of is not None),
        states=len({r.state_under_review for r in parsed.rows}),
        cycles=sorted({r.cycle_id for r in parsed.rows}),
        by_position=dict(sorted(by_position.items())),
        routed=routing["routed"],
        triage=routing["triage"],
        triage_organisations=sorted(k.split(":", 1)[1] for k in routing if k.startswith("triage:")),
        unrouted=routing["unrouted"],
        positions_held=routing["positions_held"],
        events_written=len(events),
        seconds=round(time.perf_counter() - started, 3),
    )
