"""The event catalogue: every business fact of a UPR cycle, as a frozen pydantic model.

Names are past tense. Each class carries ``schema_version``; the registry maps the type name
(the class name) to its model, and upcasters turn payloads stored under an older schema
version into the current shape on read. Stored events are never rewritten.

Every event names its ``cycle_id`` so a whole cycle (all its streams) can be folded.

Modules: :mod:`~.base` (:class:`DomainEvent`), one module of events per concern
(:mod:`~.cycle`, :mod:`~.consultation`, :mod:`~.reports`, :mod:`~.recommendations`,
:mod:`~.tasks`, :mod:`~.commands`), and :mod:`~.registry` (the catalogue, upcasting,
encoding). The names below are the domain's event vocabulary, importable from here.
"""

from uprflow.domain.events.base import DomainEvent, Id, Ids
from uprflow.domain.events.commands import CommandRejected
from uprflow.domain.events.consultation import (
    ConsultationHeld,
    HearingHeld,
    HearingScheduled,
    SectionContributed,
    SubmissionReceived,
)
from uprflow.domain.events.cycle import (
    CycleCompleted,
    CycleStarted,
    DeadlineExtended,
    StageClosed,
    StageOpened,
)
from uprflow.domain.events.recommendations import (
    AssessmentFiled,
    ImplementationPlanned,
    ParliamentItemResolved,
    PositionAssessed,
    PositionDecided,
    PositionProposed,
    ProgressReported,
    RecommendationReceived,
    RecommendationRouted,
)
from uprflow.domain.events.registry import (
    EVENT_TYPES,
    UPCASTERS,
    EventSchemaError,
    UnknownEventType,
    Upcaster,
    decode_event,
    encode_event,
    event_class,
    register_upcaster,
    upcast,
)
from uprflow.domain.events.reports import (
    AddendumSubmitted,
    ApprovalGiven,
    CommentReceived,
    DraftPublished,
    DraftRevised,
    MidtermReportSubmitted,
    OutcomeAdopted,
    ParliamentReviewed,
    ReportSubmitted,
)
from uprflow.domain.events.tasks import (
    NotificationDelivered,
    TaskAssigned,
    TaskCancelled,
    TaskCompleted,
    TaskEscalated,
    TaskExtended,
    TaskReassigned,
    TaskReminded,
)

__all__ = [
    "EVENT_TYPES",
    "UPCASTERS",
    "AddendumSubmitted",
    "ApprovalGiven",
    "AssessmentFiled",
    "CommandRejected",
    "CommentReceived",
    "ConsultationHeld",
    "CycleCompleted",
    "CycleStarted",
    "DeadlineExtended",
    "DomainEvent",
    "DraftPublished",
    "DraftRevised",
    "EventSchemaError",
    "HearingHeld",
    "HearingScheduled",
    "Id",
    "Ids",
    "ImplementationPlanned",
    "MidtermReportSubmitted",
    "NotificationDelivered",
    "OutcomeAdopted",
    "ParliamentItemResolved",
    "ParliamentReviewed",
    "PositionAssessed",
    "PositionDecided",
    "PositionProposed",
    "ProgressReported",
    "RecommendationReceived",
    "RecommendationRouted",
    "ReportSubmitted",
    "SectionContributed",
    "StageClosed",
    "StageOpened",
    "SubmissionReceived",
    "TaskAssigned",
    "TaskCancelled",
    "TaskCompleted",
    "TaskEscalated",
    "TaskExtended",
    "TaskReassigned",
    "TaskReminded",
    "UnknownEventType",
    "Upcaster",
    "decode_event",
    "encode_event",
    "event_class",
    "register_upcaster",
    "upcast",
]
