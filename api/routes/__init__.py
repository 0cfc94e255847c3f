"""The API's routers, one module per audience or resource."""

from __future__ import annotations

from fastapi import APIRouter

ROUTERS: list[APIRouter] = []
