"""Search a cycle's content."""

from __future__ import annotations

from fastapi import APIRouter

from weerbaar.services.search import search_cycle
from weerbaar.web.deps import StoreDep, ViewerDep

router = APIRouter()


@router.get("/cycles/{cycle}/search")
def api_search(cycle: str, q: str, viewer: ViewerDep, store: StoreDep,
               limit: int = 50) -> list[dict[str, str]]:
    """Scenarios, reviews, measures and signals whose text holds every word of ``q`` (among
    what the user's clearance on the cycle lets them see)."""
    return [h.to_dict() for h in search_cycle(store, viewer, cycle, q, limit=limit)]
