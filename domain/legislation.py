"""Which recommendations need parliament: legislation, ratification or budget (pure rule)."""

from __future__ import annotations

from collections.abc import Iterable

from uprflow.domain.profile.themes import normalise_theme

#: Theme fragments (UPR Info issues and OHCHR themes, normalised) that call for a law, a
#: ratification or a budget line, so parliament must act (DESIGN §2, step 8).
LEGISLATIVE_MARKERS: tuple[str, ...] = (
    "legislat",
    "constitution",
    "international instruments",
    "acceptance of international norms",
    "death penalty",
    "ratif",
    "budget",
)


def needs_parliament(themes: Iterable[str]) -> bool:
    """True when any theme marks the recommendation as needing legislation or budget."""
    return any(marker in normalise_theme(t) for t in themes for marker in LEGISLATIVE_MARKERS)
