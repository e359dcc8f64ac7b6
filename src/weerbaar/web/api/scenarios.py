"""Scenarios: the list, one scenario, saving it, its history and the differences between two
revisions."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from weerbaar.domain.limits import INT_MAX
from weerbaar.services.caveats import cycle_caveats, scope_caveats
from weerbaar.services.history import item_diff, item_history
from weerbaar.services.scenarios import get_scenario, list_scenarios, save_scenario
from weerbaar.web.api.caveated import HEADERS_DOC, Caveated, caveat_headers, caveated
from weerbaar.web.deps import CsrfHeader, IdentityDep, RevisionQuery, StoreDep, ViewerDep, check_csrf

router = APIRouter()
ScopeQuery = Annotated[str | None, Query(max_length=40, description=(
    "european-netherlands, caribbean-netherlands, kingdom, or none (no scope stated)"))]


class ScenarioUpdate(BaseModel):
    """A scenario in workspace-file form (class codes or natural-unit values), the revision the
    edit was made against, and what to delete (``impact.C``, ``likelihood``, ``narrative``,
    ``risk_category``, ``scope``): a score the scenario has that the body leaves out without
    naming it here is an error, never a deletion. ``scope`` is optional: left out, the
    scenario keeps its scope."""

    scenario: dict[str, Any]
    expected_revision: int = Field(ge=1, le=INT_MAX)
    reason: str | None = Field(default=None, max_length=2000)
    delete: list[str] = Field(default_factory=list, max_length=100)


@router.get("/cycles/{cycle}/scenarios", responses=HEADERS_DOC)
def api_scenarios(cycle: str, viewer: ViewerDep, store: StoreDep, response: Response,
                  scope: ScopeQuery = None, lang: str = "en") -> list[dict[str, Any]]:
    """The cycle's scenarios (of one scope, if ``scope`` is given; ``none``: no scope
    stated); the caveats of their results in the headers ``Weerbaar-Illustrative`` and
    ``Weerbaar-Caveats``."""
    found = list_scenarios(store, viewer, cycle, of_scope=scope)
    caveat_headers(response, scope_caveats(found.scope, lang))
    return [{"id": r.scenario.id, "title": r.scenario.title, "theme": r.scenario.theme,
             "type": r.scenario.type.value, "marking": r.marking, "revision": r.revision,
             "scope": r.scenario.scope.value if r.scenario.scope else None,
             "scores": r.input, "unscored": list(r.unscored)} for r in found.rows]


@router.get("/cycles/{cycle}/scenarios/{scenario}", response_model=Caveated)
def api_scenario(cycle: str, scenario: str, viewer: ViewerDep,
                 store: StoreDep, lang: str = "en") -> dict[str, Any]:
    """One scenario, with the caveats of the cycle's results."""
    record = get_scenario(store, viewer, cycle, scenario)
    stored = record.stored
    return caveated({
        "revision": stored.revision, **record.updated, "removed": stored.removed,
        "scenario": stored.item.model_dump(mode="json"), "input": record.input,
        "unscored": list(record.unscored)}, cycle_caveats(store, viewer, cycle, lang=lang))


@router.put("/cycles/{cycle}/scenarios/{scenario}")
def api_scenario_update(cycle: str, scenario: str, body: ScenarioUpdate, identity: IdentityDep,
                        store: StoreDep, csrf: CsrfHeader = None) -> dict[str, Any]:
    """Save a scenario made against ``expected_revision`` (409 with the current document when
    stale; the same revision when nothing changed)."""
    check_csrf(identity, csrf)
    new = save_scenario(store, identity.viewer, cycle, scenario, body.scenario,
                        expected_revision=body.expected_revision, reason=body.reason,
                        delete=body.delete)
    return {"revision": new}


@router.get("/cycles/{cycle}/scenarios/{scenario}/history")
def api_history(cycle: str, scenario: str, viewer: ViewerDep,
                store: StoreDep) -> list[dict[str, Any]]:
    return [r.to_dict() for r in item_history(store, viewer, cycle, "scenario", scenario)]


@router.get("/cycles/{cycle}/scenarios/{scenario}/diff")
def api_diff(cycle: str, scenario: str, a: RevisionQuery, b: RevisionQuery, viewer: ViewerDep,
             store: StoreDep, lang: str = "en") -> list[dict[str, str]]:
    """What changed from revision ``a`` to ``b``, one line per change in the words of the
    domain: ``{"subject": "2.1 Fatalities", "aspect": "expected value", "before": "B",
    "after": "C"}`` (display strings in ``lang``)."""
    return [c.to_dict()
            for c in item_diff(store, viewer, cycle, "scenario", scenario, a, b, lang=lang)]
