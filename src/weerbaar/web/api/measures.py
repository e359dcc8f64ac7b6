"""Measures: the list of a cycle's measures, one measure, adding one, saving an edit."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from weerbaar.domain import Measure
from weerbaar.domain.limits import INT_MAX
from weerbaar.errors import InvalidInput
from weerbaar.services.caveats import scope_caveats
from weerbaar.services.measures import add_measure, get_measure, list_measures, save_measure
from weerbaar.web.api.caveated import HEADERS_DOC, caveat_headers
from weerbaar.web.api.scenarios import ScopeQuery
from weerbaar.web.deps import CsrfHeader, IdentityDep, StoreDep, ViewerDep, check_csrf

router = APIRouter()


@router.get("/cycles/{cycle}/measures", responses=HEADERS_DOC)
def api_measures(cycle: str, viewer: ViewerDep, store: StoreDep, response: Response,
                 scope: ScopeQuery = None, lang: str = "en") -> list[dict[str, Any]]:
    """The cycle's measures (of one scope, if ``scope`` is given; ``none``: no scope stated);
    the caveats of the results they act on in the headers ``Weerbaar-Illustrative`` and
    ``Weerbaar-Caveats``."""
    found = list_measures(store, viewer, cycle, of_scope=scope)
    caveat_headers(response, scope_caveats(found.scope, lang))
    return [m.model_dump(mode="json") for m in found.measures]


@router.post("/cycles/{cycle}/measures", status_code=201)
def api_measure_add(cycle: str, body: Measure, identity: IdentityDep, store: StoreDep,
                    csrf: CsrfHeader = None) -> dict[str, Any]:
    """Add a measure (its themes, scenarios and effect criteria must exist in the cycle)."""
    check_csrf(identity, csrf)
    revision = add_measure(store, identity.viewer, cycle, body)
    return {"id": body.id, "revision": revision}


class MeasureUpdate(BaseModel):
    """A whole measure, the revision the edit was made against, and the fields to delete (a
    field left out without being named here is an error, never a deletion; the marking and
    the scope left out are kept)."""

    measure: Measure
    expected_revision: int = Field(ge=1, le=INT_MAX)
    reason: str | None = Field(default=None, max_length=2000)
    delete: list[str] = Field(default_factory=list, max_length=50)


@router.get("/cycles/{cycle}/measures/{measure}")
def api_measure(cycle: str, measure: str, viewer: ViewerDep, store: StoreDep) -> dict[str, Any]:
    record = get_measure(store, viewer, cycle, measure)
    return {"revision": record.stored.revision, "updated_by": record.stored.updated_by,
            "updated_at": record.stored.updated_at.isoformat(),
            "measure": record.measure.model_dump(mode="json")}


@router.put("/cycles/{cycle}/measures/{measure}")
def api_measure_update(cycle: str, measure: str, body: MeasureUpdate, identity: IdentityDep,
                       store: StoreDep, csrf: CsrfHeader = None) -> dict[str, Any]:
    """Save a measure made against ``expected_revision`` (409 with the current one when
    stale)."""
    check_csrf(identity, csrf)
    if body.measure.id != measure:
        raise InvalidInput("the measure's id is not the one in the address",
                           location=["measure", "id"], expected=measure)
    return {"revision": save_measure(store, identity.viewer, cycle, body.measure,
                                     expected_revision=body.expected_revision,
                                     reason=body.reason, delete=body.delete)}
