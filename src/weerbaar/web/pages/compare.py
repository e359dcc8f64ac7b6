"""Two cycles compared: what is new, changed and removed, how scenarios moved, and why."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from weerbaar.services.caveats import cycle_caveats
from weerbaar.services.compare import compare_cycles
from weerbaar.services.cycles import get_cycle, list_cycles
from weerbaar.web.deps import IdentityDep, StoreDep
from weerbaar.web.render import language, page

router = APIRouter()


@router.get("/cycles/{cycle}/compare")
def compare_page(request: Request, cycle: str, store: StoreDep, identity: IdentityDep,
                 base: str | None = None) -> Response:
    viewer = identity.viewer
    result = compare_cycles(store, viewer, cycle, base or None)
    caveats = cycle_caveats(store, viewer, cycle, lang=language(request),
                            base=result.comparison.base, parent_withheld=result.parent_withheld)
    return page(request, "compare.html", identity=identity, cycle=get_cycle(store, viewer, cycle),
                result=result, cycles=list_cycles(store, viewer), caveats=caveats)
