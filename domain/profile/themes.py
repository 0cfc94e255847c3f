"""Recommendation themes, and the normal form in which routing compares them."""

from __future__ import annotations

import re

_UHRI_CODE = re.compile(r"^[A-Z]\d{1,3}\s+")
_AMPERSAND = re.compile(r"\s*&\s*")
_AND = re.compile(r"\s+and\s+", re.IGNORECASE)
_SPACES = re.compile(r"\s+")


def normalise_theme(theme: str) -> str:
    """The form in which themes are compared: case-folded, UHRI code and spelling variants removed.

    Recommendation themes come from UPR Info "Issue" tags ("Women's rights") and OHCHR UHRI
    themes, which cycle 2 prefixes with a code ("B31 Equality & non-discrimination") and
    spells with "and" where cycle 3 writes "&". All of those compare equal here.
    """
    text = theme.strip().replace("\u2019", "'")
    text = _UHRI_CODE.sub("", text)
    text = _AND.sub(" & ", text)
    text = _AMPERSAND.sub(" & ", text)
    return _SPACES.sub(" ", text).strip().casefold()
