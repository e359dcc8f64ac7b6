"""The JSON API under /api/v1: the same services as the pages, documented by OpenAPI.

Reads need the viewer role on the cycle; writes need the role the operation asks for and the
``X-CSRF-Token`` header of the login session (cookie authentication).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request, Response
from fastapi import Path as PathParameter
from pydantic import BaseModel, Field

from weerbaar.domain import (
    ExpertScore,
    Measure,
    Role,
    Scenario,
    ThemeKind,
    ThemeReview,
)
from weerbaar.domain.need_to_know import Marked, scenario_markings
from weerbaar.errors import InvalidInput, NotAuthenticated
from weerbaar.io.workspace import resolve_expert_score, resolve_scenario
from weerbaar.io.workspace_export import scenario_to_input
from weerbaar.methods.registry import get_profile, profile_names
from weerbaar.services import auth
from weerbaar.services.compare import compare
from weerbaar.services.reviews import cycle_priorities, review_of
from weerbaar.services.visibility import (
    check_level,
    check_marking_allowed,
    keep_hidden_review,
    keep_hidden_scenario,
)
from weerbaar.store import (
    diff,
    get,
    get_cycle,
    history,
    list_cycles,
    save,
)
from weerbaar.store import expert_sessions as sessions
from weerbaar.web.access import cleared, log_scenario, refuse_hidden_review, visible_session
from weerbaar.web.deps import (
    COOKIE,
    CsrfHeader,
    StoreDep,
    ViewerDep,
    check_csrf,
    client_of,
    logged_in,
    need,
)
from weerbaar.web.views import (
    clearance_of,
    diagram_json,
    log_reads,
    log_workspace,
    scheme_of,
    visible_item,
    workspace_of,
)

router = APIRouter(prefix="/api/v1", tags=["api"])
# a database id: larger numbers cannot name a session (and SQLite cannot even look them up)
SessionId = Annotated[int, PathParameter(ge=1, le=2**31 - 1, description="The session's number")]


class Credentials(BaseModel):
    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=1000)


class ScenarioUpdate(BaseModel):
    """A scenario in workspace-file form (class codes or natural-unit values) and the revision
    the edit was made against."""

    scenario: dict[str, Any]
    expected_revision: int = Field(ge=1)
    reason: str | None = Field(default=None, max_length=2000)


class ReviewUpdate(BaseModel):
    review: ThemeReview
    expected_revision: int = Field(ge=0, description="0 when the theme has no review yet")
    reason: str | None = Field(default=None, max_length=2000)


class SessionOpen(BaseModel):
    scenario: str
    experts: list[str] = Field(min_length=1, max_length=50)


class SubmissionIn(BaseModel):
    impact: dict[str, Any] = Field(default_factory=dict)
    likelihood: Any = None


class SessionClose(BaseModel):
    scenario: dict[str, Any]
    expected_revision: int = Field(ge=1)
    reason: str | None = Field(default=None, max_length=2000)




@router.post("/login")
def api_login(body: Credentials, store: StoreDep, request: Request,
              response: Response) -> dict[str, Any]:
    """Log in (cookie session; a new token every time); 401 with one message for a wrong user
    name or password, and while the user name or the client is locked out after too many
    failures."""
    settings = request.app.state.settings
    session = auth.login(store, body.username, body.password, client=client_of(request),
                         policy=settings.policy, replaces=request.cookies.get(COOKIE))
    if session is None:
        raise NotAuthenticated("wrong user name or password")
    response.set_cookie(COOKIE, session.token, httponly=True, samesite="strict",
                        secure=settings.secure_cookies, max_age=settings.session_hours * 3600)
    return {"user": session.user.username, "csrf": session.csrf}


@router.post("/logout")
def api_logout(viewer: ViewerDep, store: StoreDep, response: Response,
               csrf: CsrfHeader = None) -> dict[str, str]:
    check_csrf(viewer, csrf)
    auth.logout(store, viewer.token)
    response.delete_cookie(COOKIE)
    return {"status": "logged out"}


@router.get("/me")
def api_me(viewer: ViewerDep) -> dict[str, Any]:
    user = logged_in(viewer)
    return {"username": user.username, "admin": user.is_admin,
            "must_change_password": user.must_change_password,
            "roles": {k: v.value for k, v in user.roles.items()},
            "clearances": {k: user.clearances.get(k) for k in user.roles}, "csrf": viewer.csrf}


@router.get("/profiles")
def api_profiles() -> list[dict[str, Any]]:
    out = []
    for name in profile_names():
        p = get_profile(name)
        out.append({"id": p.id, "year": p.year, "name": p.name.model_dump(),
                    "criteria": len(p.criteria), "hash": p.content_hash})
    return out


@router.get("/profiles/{profile_id}")
def api_profile(profile_id: str) -> dict[str, Any]:
    return get_profile(profile_id).model_dump(mode="json", by_alias=True)


@router.get("/cycles")
def api_cycles(viewer: ViewerDep, store: StoreDep) -> list[dict[str, Any]]:
    user = logged_in(viewer)
    return [c.model_dump(mode="json") for c in list_cycles(store)
            if user.may(Role.VIEWER, c.key)]


@router.get("/cycles/{cycle}")
def api_cycle(cycle: str, viewer: ViewerDep, store: StoreDep) -> dict[str, Any]:
    need(viewer, Role.VIEWER, cycle)
    return get_cycle(store, cycle).model_dump(mode="json")


@router.get("/cycles/{cycle}/diagram", response_model=None, responses={200: {
    "description": "The diagram's data", "content": {"application/json": {
        "schema": {"type": "object", "additionalProperties": True}}}}})
def api_diagram(cycle: str, viewer: ViewerDep, store: StoreDep, lang: str = "en") -> Response:
    """Positions of every scenario (current, residual, parent cycle) for the risk diagram."""
    user, clearance = cleared(viewer, store, Role.VIEWER, cycle)
    body = diagram_json(store, cycle, lang="nl" if lang == "nl" else "en", clearance=clearance)
    log_workspace(store, user, cycle, "api", workspace_of(store, cycle, clearance=clearance)[0])
    return Response(body, media_type="application/json")


@router.get("/cycles/{cycle}/scenarios")
def api_scenarios(cycle: str, viewer: ViewerDep, store: StoreDep) -> list[dict[str, Any]]:
    user, clearance = cleared(viewer, store, Role.VIEWER, cycle)
    workspace, profile = workspace_of(store, cycle, clearance=clearance)
    within = scheme_of(store)
    out = [{"id": s.id, "title": s.title, "theme": s.theme, "type": s.type.value,
            "marking": within.effective(s.marking),
            "revision": get(store, cycle, "scenario", s.id).revision,
            "scores": scenario_to_input(s, profile)} for s in workspace.scenarios]
    log_reads(store, user, cycle, "api",
              (m for s in workspace.scenarios for m in scenario_markings(s, within)))
    return out


@router.get("/cycles/{cycle}/scenarios/{scenario}")
def api_scenario(cycle: str, scenario: str, viewer: ViewerDep,
                 store: StoreDep) -> dict[str, Any]:
    user, clearance = cleared(viewer, store, Role.VIEWER, cycle)
    stored = visible_item(store, cycle, "scenario", scenario, clearance)
    _, profile = workspace_of(store, cycle, clearance=clearance)
    log_scenario(store, user, cycle, "api", stored.item)
    return {"revision": stored.revision, "updated_by": stored.updated_by,
            "updated_at": stored.updated_at.isoformat(), "removed": stored.removed,
            "scenario": stored.item.model_dump(mode="json"),
            "input": scenario_to_input(stored.item, profile)}


@router.put("/cycles/{cycle}/scenarios/{scenario}")
def api_scenario_update(cycle: str, scenario: str, body: ScenarioUpdate, viewer: ViewerDep,
                        store: StoreDep, csrf: CsrfHeader = None) -> dict[str, Any]:
    """Save a scenario's scores made against ``expected_revision`` (409 when stale)."""
    user, clearance = cleared(viewer, store, Role.ANALYST, cycle)
    check_csrf(viewer, csrf)
    shown = visible_item(store, cycle, "scenario", scenario, clearance).item
    workspace, profile = workspace_of(store, cycle, clearance=clearance)
    raw = {**body.scenario, "id": scenario}
    resolved = resolve_scenario(raw, profile, workspace.themes)
    current = get(store, cycle, "scenario", scenario).item
    resolved = resolved.model_copy(update={"experts": shown.experts}) \
        if "experts" not in body.scenario else resolved
    within = scheme_of(store)
    resolved = keep_hidden_scenario(current, resolved, within, clearance,
                                    marking_given="marking" in body.scenario)
    check_marking_allowed(within, clearance, resolved.marking, "scenario.marking")
    given = len(body.scenario.get("experts") or ())  # sent by the editor; the hidden ones follow
    for index, expert in enumerate(resolved.experts):
        if index < given:
            check_marking_allowed(within, clearance, expert.marking,
                                  f"scenario.experts[{index}].marking")
        elif expert.marking is not None:
            check_level(within, expert.marking, f"scenario.experts[{index}].marking")
    new = save(store, cycle, resolved, expected_revision=body.expected_revision,
               actor=user.username, reason=body.reason)
    return {"revision": new}


@router.get("/cycles/{cycle}/scenarios/{scenario}/history")
def api_history(cycle: str, scenario: str, viewer: ViewerDep,
                store: StoreDep) -> list[dict[str, Any]]:
    _, clearance = cleared(viewer, store, Role.VIEWER, cycle)
    visible_item(store, cycle, "scenario", scenario, clearance)
    return [{"revision": r.number, "actor": r.actor, "reason": r.reason,
             "at": r.created_at.isoformat()} for r in history(store, cycle, "scenario", scenario)]


@router.get("/cycles/{cycle}/scenarios/{scenario}/diff")
def api_diff(cycle: str, scenario: str, a: int, b: int, viewer: ViewerDep,
             store: StoreDep) -> list[dict[str, Any]]:
    user, clearance = cleared(viewer, store, Role.VIEWER, cycle)
    stored = visible_item(store, cycle, "scenario", scenario, clearance)
    changes = diff(store, cycle, "scenario", scenario, a, b, clearance=clearance)
    log_scenario(store, user, cycle, "api", stored.item)
    return [{"path": c.path, "before": c.before, "after": c.after} for c in changes]


@router.get("/cycles/{cycle}/reviews/{theme}")
def api_review(cycle: str, theme: str, viewer: ViewerDep, store: StoreDep) -> dict[str, Any]:
    user, clearance = cleared(viewer, store, Role.VIEWER, cycle)
    review, revision = review_of(store, cycle, theme, clearance=clearance)
    within = scheme_of(store)
    if revision:
        log_reads(store, user, cycle, "api", [Marked("review", theme,
                                                     within.effective(review.marking))])
    return {"revision": revision, "marking": within.effective(review.marking),
            "review": review.model_dump(mode="json")}


@router.put("/cycles/{cycle}/reviews/{theme}")
def api_review_update(cycle: str, theme: str, body: ReviewUpdate, viewer: ViewerDep,
                      store: StoreDep, csrf: CsrfHeader = None) -> dict[str, Any]:
    """Save a theme review; changing the verdict needs the coordinator role."""
    from weerbaar.store import add

    user, clearance = cleared(viewer, store, Role.ANALYST, cycle)
    check_csrf(viewer, csrf)
    if body.review.theme != theme:
        raise InvalidInput("the review is for another theme", location=["review", "theme"])
    shown, revision = review_of(store, cycle, theme, clearance=clearance)
    current, stored = review_of(store, cycle, theme)
    if stored and not revision:  # above the clearance: as if the theme had no review
        refuse_hidden_review(cycle, theme, body.expected_revision)
    if body.review.verdict != current.verdict:
        need(viewer, Role.COORDINATOR, cycle)
    workspace, _ = workspace_of(store, cycle, clearance=clearance)
    edited = keep_hidden_review(current, body.review, shown,
                                marking_given="marking" in body.review.model_fields_set)
    check_marking_allowed(scheme_of(store), clearance, edited.marking, "review.marking")
    if body.review.verdict is not None and any(
            t.id == theme and t.kind is ThemeKind.GENERIC for t in workspace.themes):
        raise InvalidInput("a generic instrument gets no approach verdict",
                           location=["review", "verdict"])
    if body.expected_revision == 0 and revision == 0:
        add(store, cycle, edited, actor=user.username, reason=body.reason)
        return {"revision": 1}
    new = save(store, cycle, edited, expected_revision=body.expected_revision,
               actor=user.username, reason=body.reason)
    return {"revision": new}


@router.get("/cycles/{cycle}/measures")
def api_measures(cycle: str, viewer: ViewerDep, store: StoreDep) -> list[dict[str, Any]]:
    user, clearance = cleared(viewer, store, Role.VIEWER, cycle)
    workspace, _ = workspace_of(store, cycle, clearance=clearance)
    within = scheme_of(store)
    log_reads(store, user, cycle, "api", [Marked("measure", m.id, within.effective(m.marking))
                                          for m in workspace.measures])
    return [m.model_dump(mode="json") for m in workspace.measures]


@router.post("/cycles/{cycle}/measures", status_code=201)
def api_measure_add(cycle: str, body: Measure, viewer: ViewerDep, store: StoreDep,
                    csrf: CsrfHeader = None) -> dict[str, Any]:
    """Add a measure (its themes, scenarios and effect criteria must exist in the cycle)."""
    from weerbaar.services.reviews import add_measure

    user, clearance = cleared(viewer, store, Role.ANALYST, cycle)
    check_csrf(viewer, csrf)
    add_measure(store, cycle, body, actor=user.username, clearance=clearance)
    return {"id": body.id, "revision": 1}


@router.get("/cycles/{cycle}/priorities")
def api_priorities(cycle: str, viewer: ViewerDep, store: StoreDep,
                   cut: str = "C") -> dict[str, Any]:
    user, clearance = cleared(viewer, store, Role.VIEWER, cycle)
    priorities = cycle_priorities(store, cycle, cut=cut, clearance=clearance)
    log_workspace(store, user, cycle, "api", workspace_of(store, cycle, clearance=clearance)[0])
    return priorities.to_dict()


@router.get("/cycles/{cycle}/compare")
def api_compare(cycle: str, viewer: ViewerDep, store: StoreDep,
                base: str | None = None) -> dict[str, Any]:
    user, clearance = cleared(viewer, store, Role.VIEWER, cycle)
    if base is not None:  # the lower of the two clearances applies to the comparison
        need(viewer, Role.VIEWER, base)
        within = scheme_of(store)
        clearance = min(clearance, clearance_of(store, user, base), key=within.rank)
    result = compare(store, base, cycle, clearance=clearance)
    log_workspace(store, user, cycle, "api", workspace_of(store, cycle, clearance=clearance)[0])
    return result.to_dict()


@router.post("/cycles/{cycle}/sessions")
def api_session_open(cycle: str, body: SessionOpen, viewer: ViewerDep, store: StoreDep,
                     csrf: CsrfHeader = None) -> dict[str, Any]:
    user, clearance = cleared(viewer, store, Role.COORDINATOR, cycle)
    check_csrf(viewer, csrf)
    visible_item(store, cycle, "scenario", body.scenario, clearance)
    session = sessions.open_session(store, cycle, body.scenario, facilitator=user.username,
                                    experts=body.experts)
    return session.model_dump(mode="json")


@router.get("/sessions/{session_id}")
def api_session(session_id: SessionId, viewer: ViewerDep, store: StoreDep) -> dict[str, Any]:
    session, user, _ = visible_session(store, viewer, session_id, Role.VIEWER)
    facilitator = user.username == session.facilitator or user.may(Role.COORDINATOR,
                                                                    session.cycle)
    return {**session.model_dump(mode="json"),
            "submissions": [s.model_dump(mode="json") for s in sessions.submissions(
                store, session_id, viewer=user.username, facilitator_view=facilitator)]}


@router.post("/sessions/{session_id}/submissions")
def api_submit(session_id: SessionId, body: SubmissionIn, viewer: ViewerDep, store: StoreDep,
               csrf: CsrfHeader = None) -> dict[str, str]:
    session, user, _ = visible_session(store, viewer, session_id, Role.EXPERT)
    check_csrf(viewer, csrf)
    workspace, profile = workspace_of(store, session.cycle)
    kind = next(s.type for s in workspace.scenarios if s.id == session.scenario)
    raw: dict[str, Any] = {"expert": user.username, "impact": body.impact}
    if body.likelihood is not None:
        raw["likelihood"] = body.likelihood
    score: ExpertScore = resolve_expert_score(raw, profile, kind)
    sessions.submit(store, session_id, user.username, score)
    return {"status": "submitted"}


@router.post("/sessions/{session_id}/close")
def api_session_close(session_id: SessionId, body: SessionClose, viewer: ViewerDep, store: StoreDep,
                      csrf: CsrfHeader = None) -> dict[str, Any]:
    session, user, clearance = visible_session(store, viewer, session_id, Role.COORDINATOR)
    check_csrf(viewer, csrf)
    workspace, profile = workspace_of(store, session.cycle)
    marking = get(store, session.cycle, "scenario", session.scenario).item.marking  # kept
    agreed: Scenario = resolve_scenario({"marking": marking, **body.scenario,
                                         "id": session.scenario}, profile, workspace.themes)
    check_marking_allowed(scheme_of(store), clearance, agreed.marking, "scenario.marking")
    new = sessions.close_session(store, session_id, agreed, facilitator=user.username,
                                 expected_revision=body.expected_revision, reason=body.reason)
    return {"revision": new}


@router.get("/cycles/{cycle}/search")
def api_search(cycle: str, q: str, viewer: ViewerDep, store: StoreDep,
               limit: int = 50) -> list[dict[str, str]]:
    """Scenarios, reviews, measures and signals whose text holds every word of ``q`` (among
    what the user's clearance on the cycle lets them see)."""
    from weerbaar.services.search import search_cycle

    user, clearance = cleared(viewer, store, Role.VIEWER, cycle)
    hits = search_cycle(store, cycle, q, clearance=clearance, limit=max(1, min(limit, 200)))
    log_reads(store, user, cycle, "search", [h.marked() for h in hits])
    return [h.to_dict() for h in hits]
