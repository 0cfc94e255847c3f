"""The API's routers, one module per audience or resource."""

from __future__ import annotations

from fastapi import APIRouter

from api.routes import audit, cycles, participation, public, recommendations, tasks

ROUTERS: list[APIRouter] = [
    cycles.router,
    recommendations.router,
    tasks.router,
    participation.router,
    audit.router,
    public.router,
]
