"""Measures: the list of a cycle's measures, adding one."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from weerbaar.domain import Measure
from weerbaar.services.measures import add_measure, list_measures
from weerbaar.web.deps import CsrfHeader, IdentityDep, StoreDep, ViewerDep, check_csrf

router = APIRouter()


@router.get("/cycles/{cycle}/measures")
def api_measures(cycle: str, viewer: ViewerDep, store: StoreDep) -> list[dict[str, Any]]:
    return [m.model_dump(mode="json") for m in list_measures(store, viewer, cycle).measures]


@router.post("/cycles/{cycle}/measures", status_code=201)
def api_measure_add(cycle: str, body: Measure, identity: IdentityDep, store: StoreDep,
                    csrf: CsrfHeader = None) -> dict[str, Any]:
    """Add a measure (its themes, scenarios and effect criteria must exist in the cycle)."""
    check_csrf(identity, csrf)
    revision = add_measure(store, identity.viewer, cycle, body)
    return {"id": body.id, "revision": revision}
