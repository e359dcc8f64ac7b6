"""Two cycles compared: what is new, changed and removed, how scenarios moved, and why."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from weerbaar.services.compare import compare_cycles
from weerbaar.services.cycles import get_cycle, list_cycles
from weerbaar.web.deps import IdentityDep, StoreDep
from weerbaar.web.render import page

router = APIRouter()


@router.get("/cycles/{cycle}/compare")
def compare_page(request: Request, cycle: str, store: StoreDep, identity: IdentityDep,
                 base: str | None = None) -> Response:
    viewer = identity.viewer
    result = compare_cycles(store, viewer, cycle, base or None)
    return page(request, "compare.html", identity=identity, cycle=get_cycle(store, viewer, cycle),
                result=result, cycles=list_cycles(store, viewer))
