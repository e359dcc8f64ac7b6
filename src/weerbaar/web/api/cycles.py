"""Cycles: the list, one cycle, its risk diagram's data, its priority list, a comparison."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from weerbaar.services.assessment import cycle_priorities, diagram_json
from weerbaar.services.caveats import cycle_caveats
from weerbaar.services.compare import compare_cycles
from weerbaar.services.cycles import get_cycle, list_cycles
from weerbaar.web.api.caveated import DIAGRAM_SCHEMA, Caveated, caveated
from weerbaar.web.deps import StoreDep, ViewerDep

router = APIRouter()


@router.get("/cycles")
def api_cycles(viewer: ViewerDep, store: StoreDep) -> list[dict[str, Any]]:
    return [c.model_dump(mode="json") for c in list_cycles(store, viewer)]


@router.get("/cycles/{cycle}", response_model=Caveated)
def api_cycle(cycle: str, viewer: ViewerDep, store: StoreDep, lang: str = "en") -> dict[str, Any]:
    """The cycle, with the caveats of its results (``illustrative``, ``caveats``)."""
    found = get_cycle(store, viewer, cycle).model_dump(mode="json")
    return caveated(found, cycle_caveats(store, viewer, cycle, lang=lang))


@router.get("/cycles/{cycle}/diagram", response_model=None, responses={200: {
    "description": "The diagram's data, with the caveats of its results",
    "content": {"application/json": {"schema": DIAGRAM_SCHEMA}}}})
def api_diagram(cycle: str, viewer: ViewerDep, store: StoreDep, lang: str = "en") -> Response:
    """Positions of every scenario (current, residual, parent cycle) for the risk diagram."""
    return Response(diagram_json(store, viewer, cycle, lang=lang),
                    media_type="application/json")


@router.get("/cycles/{cycle}/priorities", response_model=Caveated)
def api_priorities(cycle: str, viewer: ViewerDep, store: StoreDep,
                   cut: str = "C", lang: str = "en") -> dict[str, Any]:
    """The priority list, with the caveats of the results it rests on."""
    found = cycle_priorities(store, viewer, cycle, cut=cut).to_dict()
    return caveated(found, cycle_caveats(store, viewer, cycle, lang=lang))


@router.get("/cycles/{cycle}/compare", response_model=Caveated)
def api_compare(cycle: str, viewer: ViewerDep, store: StoreDep,
                base: str | None = None, lang: str = "en") -> dict[str, Any]:
    """The comparison, with the caveats of both cycles' results."""
    result = compare_cycles(store, viewer, cycle, base or None)
    return caveated(result.to_dict(), cycle_caveats(
        store, viewer, cycle, lang=lang, base=result.comparison.base,
        parent_withheld=result.parent_withheld))
