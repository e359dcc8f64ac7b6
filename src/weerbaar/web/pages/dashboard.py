"""The dashboard: the interactive risk diagram of a cycle (its data comes from the API)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from weerbaar.services.assessment import dashboard
from weerbaar.web.deps import IdentityDep, StoreDep
from weerbaar.web.render import asked_language, page

router = APIRouter()


@router.get("/")
def dashboard_page(request: Request, store: StoreDep, identity: IdentityDep,
                   cycle: str | None = None) -> Response:
    found = dashboard(store, identity.viewer, cycle, lang=asked_language(request))
    return page(request, "dashboard.html", identity=identity, cycles=found.cycles,
                cycle=found.cycle, themes=found.themes, interests=found.interests)
