"""Scenarios: the list with positions, one scenario with its history, and the scoring form."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from weerbaar.errors import Conflict, InvalidInput, format_key_path
from weerbaar.services.history import item_diff, item_history
from weerbaar.services.scenarios import edit_scenario, get_scenario, list_scenarios, save_scores
from weerbaar.web.deps import IdentityDep, StoreDep, form_of, revision_of
from weerbaar.web.forms import form_scores, typed_scores
from weerbaar.web.render import asked_language, page

router = APIRouter()


@router.get("/cycles/{cycle}/scenarios")
def scenario_list(request: Request, cycle: str, store: StoreDep,
                  identity: IdentityDep) -> Response:
    found = list_scenarios(store, identity.viewer, cycle, with_positions=True,
                           lang=asked_language(request))
    workspace = found.scope.workspace()[0]
    return page(request, "scenarios.html", identity=identity, cycle=found.scope.cycle,
                scenarios=[r.scenario for r in found.rows],
                positions={r.scenario.id: r.position for r in found.rows if r.position},
                themes={t.id: t for t in workspace.themes}, **found.scope.marking_choices())


@router.get("/cycles/{cycle}/scenarios/{scenario}")
def scenario_detail(request: Request, cycle: str, scenario: str, store: StoreDep,
                    identity: IdentityDep, a: int | None = None,
                    b: int | None = None) -> Response:
    viewer = identity.viewer
    record = get_scenario(store, viewer, cycle, scenario)
    revisions = item_history(store, viewer, cycle, "scenario", scenario)
    changes = item_diff(store, viewer, cycle, "scenario", scenario, a, b) if a and b else None
    return page(request, "scenario.html", identity=identity, cycle=record.scope.cycle,
                stored=record.stored, s=record.scenario, profile=record.profile,
                revisions=revisions, changes=changes, a=a, b=b, may_edit=record.may_edit,
                **record.scope.marking_choices())


@router.get("/cycles/{cycle}/scenarios/{scenario}/edit")
def scenario_edit(request: Request, cycle: str, scenario: str, store: StoreDep,
                  identity: IdentityDep) -> Response:
    record = edit_scenario(store, identity.viewer, cycle, scenario)
    return page(request, "score.html", identity=identity, cycle=record.scope.cycle,
                s=record.scenario, profile=record.profile, values=typed_scores(record.input),
                revision=record.stored.revision, errors={}, conflict=None,
                **record.scope.marking_choices())


def field_of(exc: InvalidInput) -> str:
    """The form field an error names (``impact.2.1.ev`` is the field ``2.1-ev``)."""
    location = exc.location or []
    if location[:1] == ["impact"]:
        return f"{location[1]}-ev" if len(location) == 2 else "-".join(
            str(p) for p in location[1:])
    if location[:1] == ["likelihood"] and len(location) == 1:
        return "likelihood-ev"
    return "-".join(str(p) for p in location) or "form"


@router.post("/cycles/{cycle}/scenarios/{scenario}/edit")
async def scenario_save(request: Request, cycle: str, scenario: str, store: StoreDep,
                        identity: IdentityDep) -> Response:
    viewer = identity.viewer
    form = await form_of(request, identity)
    expected = revision_of(form)
    errors: dict[str, str] = {}
    conflict: dict[str, Any] | None = None
    try:
        save_scores(store, viewer, cycle, scenario, form_scores(form, marking=True),
                    expected_revision=expected, reason=form.get("reason") or None)
        return RedirectResponse(f"/cycles/{cycle}/scenarios/{scenario}?saved=1",
                                status_code=303)
    except InvalidInput as exc:
        errors[field_of(exc)] = exc.message + (f" (expected {exc.expected})"
                                               if exc.expected else "")
        errors.setdefault("form", f"{format_key_path(exc.location or [])}: {exc.message}")
        status = 422
    except Conflict as exc:
        conflict = {"message": str(exc)}
        status = 409
    record = get_scenario(store, viewer, cycle, scenario)
    if conflict is not None:
        conflict["current"] = typed_scores(record.input)
    return page(request, "score.html", status_code=status, identity=identity,
                cycle=record.scope.cycle, s=record.scenario, profile=record.profile,
                values=form, revision=expected if conflict is None else record.stored.revision,
                errors=errors, conflict=conflict, typed_revision=expected,
                **record.scope.marking_choices())
