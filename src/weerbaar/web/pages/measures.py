"""Measures and capabilities of a cycle."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from weerbaar.services.measures import list_measures
from weerbaar.web.deps import IdentityDep, StoreDep
from weerbaar.web.render import page

router = APIRouter()


@router.get("/cycles/{cycle}/measures")
def measure_list(request: Request, cycle: str, store: StoreDep,
                 identity: IdentityDep) -> Response:
    found = list_measures(store, identity.viewer, cycle)
    return page(request, "measures.html", identity=identity, cycle=found.scope.cycle,
                measures=found.measures, themes=found.themes, **found.scope.marking_choices())
