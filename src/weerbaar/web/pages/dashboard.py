"""The dashboard: the interactive risk diagram of a cycle (its data comes from the API)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from weerbaar.services.assessment import dashboard
from weerbaar.services.caveats import scope_caveats
from weerbaar.web.deps import IdentityDep, StoreDep
from weerbaar.web.render import asked_language, language, page

router = APIRouter()


@router.get("/")
def dashboard_page(request: Request, store: StoreDep, identity: IdentityDep,
                   cycle: str | None = None) -> Response:
    found = dashboard(store, identity.viewer, cycle, lang=asked_language(request))
    caveats = (scope_caveats(found.scope, language(request))
               if found.scope is not None else None)
    return page(request, "dashboard.html", identity=identity, cycles=found.cycles,
                cycle=found.cycle, themes=found.themes, interests=found.interests,
                caveats=caveats)
