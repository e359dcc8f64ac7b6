"""Scenarios: the list with positions, one scenario with its history, and the scoring form."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from weerbaar.errors import Conflict, InvalidInput, format_key_path
from weerbaar.services.accounts import Identity
from weerbaar.services.caveats import scope_caveats
from weerbaar.services.history import item_diff, item_history
from weerbaar.services.scenarios import (
    ScenarioRecord,
    edit_scenario,
    get_scenario,
    list_scenarios,
    save_scores,
    scenario_input_at,
)
from weerbaar.web.deps import IdentityDep, StoreDep, form_of, revision_of
from weerbaar.web.forms import (
    BOUNDS,
    PROBABILITY_FIELDS,
    FormErrors,
    deletions,
    form_scores,
    typed_scores,
)
from weerbaar.web.merge import THEIRS, Merge, apply_choices, three_way
from weerbaar.web.render import asked_language, language, page
from weerbaar.web.threat_view import names

router = APIRouter()

SCORE_PARTS = (*BOUNDS, "reasoning", *PROBABILITY_FIELDS)


@router.get("/cycles/{cycle}/scenarios")
def scenario_list(request: Request, cycle: str, store: StoreDep,
                  identity: IdentityDep, scope: str | None = None) -> Response:
    found = list_scenarios(store, identity.viewer, cycle, with_positions=True,
                           lang=asked_language(request), of_scope=scope)
    workspace = found.scope.workspace()[0]
    return page(request, "scenarios.html", identity=identity, cycle=found.scope.cycle,
                scenarios=[r.scenario for r in found.rows],
                positions={r.scenario.id: r.position for r in found.rows if r.position},
                unscored={r.scenario.id: r.unscored for r in found.rows if r.unscored},
                themes={t.id: t for t in workspace.themes}, scope_filter=scope or "",
                scoped=bool(scope) or any(s.scope for s in workspace.scenarios),
                caveats=scope_caveats(found.scope, language(request)),
                **names(request), **found.scope.marking_choices())


@router.get("/cycles/{cycle}/scenarios/{scenario}")
def scenario_detail(request: Request, cycle: str, scenario: str, store: StoreDep,
                    identity: IdentityDep, a: int | None = None,
                    b: int | None = None) -> Response:
    viewer = identity.viewer
    record = get_scenario(store, viewer, cycle, scenario)
    revisions = item_history(store, viewer, cycle, "scenario", scenario)
    changes = item_diff(store, viewer, cycle, "scenario", scenario, a, b,
                        lang=asked_language(request)) if a and b else None
    return page(request, "scenario.html", identity=identity, cycle=record.scope.cycle,
                stored=record.stored, s=record.scenario, profile=record.profile,
                revisions=revisions, changes=changes, a=a, b=b, may_edit=record.may_edit,
                unscored=record.unscored, **names(request), **record.scope.marking_choices())


@router.get("/cycles/{cycle}/scenarios/{scenario}/edit")
def scenario_edit(request: Request, cycle: str, scenario: str, store: StoreDep,
                  identity: IdentityDep) -> Response:
    record = edit_scenario(store, identity.viewer, cycle, scenario)
    return _score_page(request, identity, record, values=score_values(record),
                       revision=record.stored.revision)


def score_values(record: ScenarioRecord) -> dict[str, str]:
    """The scoring form's fields of a scenario (its scores and its effective marking)."""
    return {**typed_scores(record.input),
            "marking": record.scope.scheme.effective(record.scenario.marking),
            "scope": record.input.get("scope", "")}


def _score_page(request: Request, identity: Identity, record: ScenarioRecord, *,
                values: dict[str, str], revision: int, status_code: int = 200,
                errors: dict[str, str] | None = None, merge: Merge | None = None,
                conflict: str | None = None, confirm: list[str] | None = None) -> Response:
    return page(request, "score.html", status_code=status_code, identity=identity,
                cycle=record.scope.cycle, s=record.scenario, profile=record.profile,
                values=values, revision=revision, errors=errors or {}, conflict=conflict,
                merge=merge, confirm=confirm or [], probability_fields=PROBABILITY_FIELDS,
                criteria={c.id: c for c in record.profile.criteria},
                horizon=horizon_of(record), **names(request),
                **record.scope.marking_choices())


def horizon_of(record: ScenarioRecord) -> float | None:
    """The planning horizon (years) a probability of this scenario's type is given over."""
    basis = record.profile.likelihood.basis(record.scenario.type)
    return basis.horizon_years.value if basis.horizon_years else None


def field_of(exc: InvalidInput) -> str:
    """The form field an error names (``impact.2.1.ev`` is the field ``2.1-ev``)."""
    location = exc.location or []
    if location[:1] == ["impact"]:
        return f"{location[1]}-ev" if len(location) == 2 else "-".join(
            str(p) for p in location[1:3])
    if location[:1] == ["likelihood"]:
        return "likelihood-ev" if len(location) == 1 else "-".join(
            str(p) for p in location[:2])
    return "-".join(str(p) for p in location) or "form"


def field_errors(exc: InvalidInput) -> dict[str, str]:
    """The messages of a refused form by field, and a summary (``form``)."""
    if isinstance(exc, FormErrors):
        return {**exc.fields, "form": next(iter(exc.fields.values()))}
    message = exc.message + (f" (expected {exc.expected})" if exc.expected else "")
    return {field_of(exc): message,
            "form": f"{format_key_path(exc.location or [])}: {exc.message}"}


def _pending_conflicts(form: dict[str, str]) -> Merge:
    """The conflicts a submitted merged form still carries (to show them again)."""
    conflicts = {k.removesuffix(THEIRS): (form.get(k.removesuffix(THEIRS), ""), v)
                 for k, v in form.items() if k.endswith(THEIRS)}
    return Merge(values=form, conflicts=conflicts)


@router.post("/cycles/{cycle}/scenarios/{scenario}/edit")
async def scenario_save(request: Request, cycle: str, scenario: str, store: StoreDep,
                        identity: IdentityDep) -> Response:
    viewer = identity.viewer
    form = await form_of(request, identity)
    expected = revision_of(form)
    plain, undecided = apply_choices(form)
    deleted = deletions(plain)
    try:
        if undecided:
            raise FormErrors({name: "decide: keep yours or take theirs" for name in undecided})
        scores = form_scores(plain, marking=True)
        if "scope" in plain:  # the form's choice ("": no scope stated)
            scores["scope"] = plain["scope"]
        if deleted and plain.get("confirm_deletion") != "yes":
            record = edit_scenario(store, viewer, cycle, scenario)
            return _score_page(request, identity, record, values=form, revision=expected,
                               merge=_pending_conflicts(form), confirm=deleted)
        save_scores(store, viewer, cycle, scenario, scores, expected_revision=expected,
                    reason=plain.get("reason") or None, delete=deleted)
        return RedirectResponse(f"/cycles/{cycle}/scenarios/{scenario}?saved=1",
                                status_code=303)
    except InvalidInput as exc:
        record = edit_scenario(store, viewer, cycle, scenario)
        return _score_page(request, identity, record, values=form, revision=expected,
                           status_code=422, errors=field_errors(exc),
                           merge=_pending_conflicts(form))
    except Conflict as exc:
        record = edit_scenario(store, viewer, cycle, scenario)
        base = scenario_input_at(store, viewer, cycle, scenario, expected)
        theirs = score_values(record)
        before = ({**typed_scores(base), "marking": base["marking"],
                   "scope": base.get("scope", "")} if base else {})
        scored = {k for k in {*before, *theirs, *plain}
                  if k in ("marking", "scope")
                  or ("-" in k and k.rsplit("-", 1)[-1] in SCORE_PARTS)}
        merge = three_way(before, plain, theirs, sorted(scored))
        return _score_page(request, identity, record, values=merge.values,
                           revision=record.stored.revision, status_code=409, merge=merge,
                           conflict=str(exc))
