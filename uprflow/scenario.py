"""Load a demo scenario: a country's real recommendations from the bundled UPR Info slice."""

from __future__ import annotations

import csv
from pathlib import Path

from uprflow.domain.simulation import Scenario
from uprflow.domain.tasks import RecommendationIn
from uprflow.domain.values import Position

DEMO_DATA = Path(__file__).resolve().parent / "demo_data" / "upr-info-study-countries.csv"

#: The study's countries as UPR Info names them.
COUNTRY_NAMES = {
    "DK": "Denmark",
    "GE": "Georgia",
    "KE": "Kenya",
    "MY": "Malaysia",
    "MA": "Morocco",
    "NZ": "New Zealand",
    "PE": "Peru",
}


def load_scenario(country: str, *, path: Path = DEMO_DATA, limit: int | None = None) -> Scenario:
    """The recommendations ``country`` received (UPR Info export format) and its positions."""
    code = country.upper()
    name = COUNTRY_NAMES.get(code)
    if name is None:
        raise ValueError(f"country: no demo data for {country!r} (have {sorted(COUNTRY_NAMES)})")
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
