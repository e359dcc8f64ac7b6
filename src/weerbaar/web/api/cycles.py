"""Cycles: the list, one cycle, its risk diagram's data, its priority list, a comparison."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from weerbaar.services.assessment import cycle_priorities, diagram_json
from weerbaar.services.compare import compare_cycles
from weerbaar.services.cycles import get_cycle, list_cycles
from weerbaar.web.deps import StoreDep, ViewerDep

router = APIRouter()


@router.get("/cycles")
def api_cycles(viewer: ViewerDep, store: StoreDep) -> list[dict[str, Any]]:
    return [c.model_dump(mode="json") for c in list_cycles(store, viewer)]


@router.get("/cycles/{cycle}")
def api_cycle(cycle: str, viewer: ViewerDep, store: StoreDep) -> dict[str, Any]:
    return get_cycle(store, viewer, cycle).model_dump(mode="json")


@router.get("/cycles/{cycle}/diagram", response_model=None, responses={200: {
    "description": "The diagram's data", "content": {"application/json": {
        "schema": {"type": "object", "additionalProperties": True}}}}})
def api_diagram(cycle: str, viewer: ViewerDep, store: StoreDep, lang: str = "en") -> Response:
    """Positions of every scenario (current, residual, parent cycle) for the risk diagram."""
    return Response(diagram_json(store, viewer, cycle, lang=lang),
                    media_type="application/json")


@router.get("/cycles/{cycle}/priorities")
def api_priorities(cycle: str, viewer: ViewerDep, store: StoreDep,
                   cut: str = "C") -> dict[str, Any]:
    return cycle_priorities(store, viewer, cycle, cut=cut).to_dict()


@router.get("/cycles/{cycle}/compare")
def api_compare(cycle: str, viewer: ViewerDep, store: StoreDep,
                base: str | None = None) -> dict[str, Any]:
    return compare_cycles(store, viewer, cycle, base or None).to_dict()
