"""The dashboard's jinja2 environment: the templates and the stylesheet in ``api/templates/``.

The files ship in the wheel as package data (``api/templates/*.html``, ``*.css``). Autoescaping
is on for every template; an undefined name is an error, not an empty string.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

#: ``api/templates``, beside this package.
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
# Why a global and not an include: the stylesheet is inlined verbatim (no template syntax is
# read in it), so the page needs no second request and works without any static route.
env.globals["css"] = Markup((TEMPLATES / "dashboard.css").read_text(encoding="utf-8"))
