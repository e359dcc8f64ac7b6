"""The horizon scan of a cycle: signals by theme and the trend clusters."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from weerbaar.services.signals import horizon_overview
from weerbaar.web.deps import IdentityDep, StoreDep
from weerbaar.web.render import page

router = APIRouter()


@router.get("/cycles/{cycle}/horizon")
def horizon_page(request: Request, cycle: str, store: StoreDep,
                 identity: IdentityDep) -> Response:
    found = horizon_overview(store, identity.viewer, cycle)
    return page(request, "horizon.html", identity=identity, cycle=found.scope.cycle,
                themes=found.themes, by_theme=found.by_theme, unthemed=found.unthemed,
                section=found.section, total=found.total)
