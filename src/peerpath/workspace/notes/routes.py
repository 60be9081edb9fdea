"""Routes for this area (being built)."""

from __future__ import annotations

from fastapi import APIRouter

from peerpath.core.unit_of_work import UnitOfWorkRoute

pages = APIRouter(route_class=UnitOfWorkRoute, include_in_schema=False)
api = APIRouter(route_class=UnitOfWorkRoute)
