"""A demo scenario: a study country's real recommendations from the bundled UPR Info slice
(``data/upr-info-study-countries.csv``) and the positions the State took on them."""

from __future__ import annotations

import csv
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from uprflow.domain.tasks import RecommendationIn
from uprflow.domain.values import Position
from uprflow.importing.countries import STUDY_COUNTRIES

DEMO_DATA = Path(__file__).resolve().parent / "data" / "upr-info-study-countries.csv"

#: The countries the demo can run (those with bundled recommendations).
DEMO_COUNTRIES: tuple[str, ...] = tuple(STUDY_COUNTRIES)


class Scenario(BaseModel):
    """The recommendations a simulated review produces and the positions the State took."""

    model_config = ConfigDict(frozen=True)

    country: str
    recommendations: tuple[RecommendationIn, ...]
    positions: dict[str, Position]

    def themes(self, rec_id: str) -> tuple[str, ...]:
        """A recommendation's themes (empty when unknown)."""
        for r in self.recommendations:
            if r.recommendation_id == rec_id:
                return r.themes
        return ()

    @property
    def session(self) -> int:
        """The Working Group session the recommendations came from (ids are ``KE-S8-001``)."""
        return int(self.recommendations[0].recommendation_id.split("-")[1].removeprefix("S"))


def load_scenario(country: str, *, path: Path = DEMO_DATA, limit: int | None = None) -> Scenario:
    """The recommendations ``country`` received (UPR Info export format) and its positions."""
    code = country.upper()
    name = STUDY_COUNTRIES.get(code)
    if name is None:
        raise ValueError(f"country: no demo data for {country!r} (have {sorted(STUDY_COUNTRIES)})")
    recs: list[RecommendationIn] = []
    positions: dict[str, Position] = {}
    with path.open(newline="", encoding="utf-8") as f:
        for line, row in enumerate(csv.DictReader(f), start=2):
            if row["To"] != name:
                continue
            rec_id = f"{code}-S{row['Session']}-{len(recs) + 1:03d}"
            recs.append(
                RecommendationIn(
                    recommendation_id=rec_id,
                    text=row["Text"].strip(),
                    recommending_states=(row["From"].strip(),),
                    themes=tuple(t.strip() for t in row["Issue"].split(",") if t.strip()),
                    source_paragraph=f"UPR Info, session {row['Session']}, {path.name} line {line}",
                )
            )
            positions[rec_id] = (
                Position.SUPPORTED if row["Response"].strip() == "Accepted" else Position.NOTED
            )
            if limit is not None and len(recs) >= limit:
                break
    if not recs:
        raise ValueError(f"country: {path} has no recommendations for {name}")
    return Scenario(country=code, recommendations=tuple(recs), positions=positions)
