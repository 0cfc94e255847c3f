"""Wire models of the triage queue: recommendations no routing rule matched."""

from __future__ import annotations

from pydantic import BaseModel, Field


class TriageItem(BaseModel):
    """A recommendation no routing rule matched."""

    recommendation_id: str = Field(examples=["cycle-KE-4:145.3"])
    text: str = Field(examples=["Ratify the Convention on ... (France);"])
    themes: list[str] = Field(default_factory=list, examples=[["Culture"]])
    position: str | None = Field(None, examples=["supported"])
    lead_ministry: str = Field(examples=["OAG-DOJ"])


class TriageList(BaseModel):
    """The cycle's triage queue: recommendations routed to the triage organisation."""

    cycle_id: str = Field(examples=["cycle-KE-4"])
    triage_organisation: str | None = Field(examples=["OAG-DOJ"])
    total: int = Field(examples=[1])
    items: list[TriageItem]
