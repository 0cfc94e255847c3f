"""Wire models of the published data (no token).

Built field by field from an allow-list, never by removing fields from the internal state, so
a field added to the state later stays private (see :mod:`uprflow.api.queries.public`).
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from uprflow.domain.values import ImplementationStatus, Position


class PublicCycle(BaseModel):
    """A cycle as the public sees it."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "cycle_id": "cycle-KE-4",
                    "country": "KE",
                    "cycle_number": 4,
                    "status": "active",
                    "review_date": "2030-01-15",
                    "started_at": "2029-01-10T09:00:00Z",
                    "completed_at": None,
                    "outcome_adopted_on": "2030-05-20",
                    "positions_published": True,
                    "recommendations": 166,
                    "by_position": {"supported": 140, "noted": 26},
                    "by_implementation_status": {"in_progress": 90, "not_started": 50},
                }
            ]
        }
    )

    cycle_id: str
    country: str | None
    cycle_number: int | None
    status: str
    review_date: date | None
    started_at: datetime | None
    completed_at: datetime | None
    outcome_adopted_on: date | None = Field(
        description="when the Human Rights Council adopted the outcome; positions are "
        "published from then on"
    )
    positions_published: bool
    recommendations: int
    by_position: dict[str, int] = Field(description="decided positions (empty before adoption)")
    by_implementation_status: dict[str, int]


class PublicCycles(BaseModel):
    """Every cycle."""

    cycles: list[PublicCycle]


class PublicRecommendation(BaseModel):
    """A recommendation as published."""

    recommendation_id: str
    text: str
    recommending_states: list[str]
    themes: list[str]
    sdgs: list[str]
    affected_persons: list[str]
    position: Position | None = Field(
        description="the State's decided position; null until the outcome is adopted"
    )
    implementation_status: ImplementationStatus | None


class PublicRecommendations(BaseModel):
    """A filtered page of a cycle's recommendations."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "cycle_id": "cycle-KE-4",
                    "outcome_adopted_on": "2030-05-20",
                    "positions_published": True,
                    "total": 1,
                    "limit": 50,
                    "offset": 0,
                    "items": [
                        {
                            "recommendation_id": "KE-S35-001",
                            "text": "Consider ratifying ICRMW",
                            "recommending_states": ["Algeria"],
                            "themes": ["International instruments", "Migrants"],
                            "sdgs": ["8", "10"],
                            "affected_persons": ["Migrants"],
                            "position": "supported",
                            "implementation_status": "in_progress",
                        }
                    ],
                }
            ]
        }
    )

    cycle_id: str
    outcome_adopted_on: date | None
    positions_published: bool
    total: int = Field(description="recommendations matching the filters")
    limit: int
    offset: int
    items: list[PublicRecommendation]
