"""The UPR calendar's rule linking Working Group sessions to review cycles."""

from __future__ import annotations


def cycle_of_session(session: int) -> int:
    """The UPR cycle a Working Group session belongs to (1-12: 1, 13-26: 2, 27-40: 3, 41+: 4).

    Why fixed bounds: a cycle reviews every UN Member State once, over twelve sessions (the
    first cycle) or fourteen (the later ones); the fourth opened with session 41 and is the
    current one, so every later session belongs to it.
    """
    if session <= 12:
        return 1
    if session <= 26:
        return 2
    if session <= 40:
        return 3
    return 4
