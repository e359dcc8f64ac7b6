"""Search a cycle's content."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from weerbaar.services.search import MAX_HITS, search_cycle
from weerbaar.web.deps import StoreDep, ViewerDep

router = APIRouter()


@router.get("/cycles/{cycle}/search")
def api_search(cycle: str, q: Annotated[str, Query(max_length=1_000)], viewer: ViewerDep,
               store: StoreDep,
               limit: Annotated[int, Query(ge=1, le=MAX_HITS)] = 50) -> list[dict[str, str]]:
    """Scenarios, reviews, measures and signals whose text holds every word of ``q`` (among
    what the user's clearance on the cycle lets them see)."""
    return [h.to_dict() for h in search_cycle(store, viewer, cycle, q, limit=limit)]
