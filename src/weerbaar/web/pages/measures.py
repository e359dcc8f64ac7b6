"""Measures and capabilities of a cycle."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from weerbaar.services.caveats import scope_caveats
from weerbaar.services.measures import list_measures
from weerbaar.web.deps import IdentityDep, StoreDep
from weerbaar.web.render import language, page
from weerbaar.web.threat_view import names

router = APIRouter()


@router.get("/cycles/{cycle}/measures")
def measure_list(request: Request, cycle: str, store: StoreDep,
                 identity: IdentityDep, scope: str | None = None) -> Response:
    found = list_measures(store, identity.viewer, cycle, of_scope=scope)
    return page(request, "measures.html", identity=identity, cycle=found.scope.cycle,
                measures=found.measures, themes=found.themes, scope_filter=scope or "",
                scoped=bool(scope) or any(m.scope for m in found.measures), **names(request),
                caveats=scope_caveats(found.scope, language(request)),
                **found.scope.marking_choices())
