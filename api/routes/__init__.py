"""The API's routers, one module per audience or resource."""

from __future__ import annotations

from fastapi import APIRouter

from uprflow.api.routes import (
    audit,
    cycles,
    dashboard,
    documents,
    imports,
    participation,
    public,
    recommendations,
    tasks,
)

ROUTERS: list[APIRouter] = [
    cycles.router,
    recommendations.router,
    tasks.router,
    participation.router,
    audit.router,
    public.router,
    imports.router,
    documents.router,
    dashboard.router,
]
