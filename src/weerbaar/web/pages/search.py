"""Search a cycle's scenarios, reviews, measures and signals."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from weerbaar.services.cycles import get_cycle
from weerbaar.services.search import search_cycle
from weerbaar.web.deps import IdentityDep, StoreDep
from weerbaar.web.render import page

router = APIRouter()


@router.get("/cycles/{cycle}/search")
def search_page(request: Request, cycle: str, store: StoreDep, identity: IdentityDep,
                q: str = "") -> Response:
    viewer = identity.viewer
    found = get_cycle(store, viewer, cycle)
    hits = search_cycle(store, viewer, cycle, q) if q.strip() else []
    return page(request, "search.html", identity=identity, cycle=found, q=q, hits=hits)
