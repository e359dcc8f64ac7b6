"""The JSON API under /api/v1: the same services as the pages, documented by OpenAPI.

Reads need the viewer role on the cycle; writes need the role the operation asks for and the
``X-CSRF-Token`` header of the login session (cookie authentication).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Request, Response
from pydantic import BaseModel, Field

from weerbaar.domain import ExpertScore, Measure, Role, Scenario, ThemeKind, ThemeReview
from weerbaar.errors import InvalidInput, NotAuthenticated
from weerbaar.io.workspace import resolve_expert_score, resolve_scenario
from weerbaar.io.workspace_export import scenario_to_input
from weerbaar.methods.registry import get_profile, profile_names
from weerbaar.services import auth
from weerbaar.services.compare import compare
from weerbaar.services.reviews import cycle_priorities, review_of
from weerbaar.store import (
    diff,
    get,
    get_cycle,
    history,
    list_cycles,
    save,
)
from weerbaar.store import expert_sessions as sessions
from weerbaar.web.deps import COOKIE, StoreDep, ViewerDep, check_csrf, logged_in, need
from weerbaar.web.views import diagram_json, workspace_of

router = APIRouter(prefix="/api/v1", tags=["api"])
CsrfHeader = Annotated[str | None, Header(alias="X-CSRF-Token")]


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
    """Log in (cookie session); 401 with one message for a wrong user name or password."""
    session = auth.login(store, body.username, body.password)
    if session is None:
        raise NotAuthenticated("wrong user name or password")
    response.set_cookie(COOKIE, session.token, httponly=True, samesite="strict",
                        secure=request.app.state.settings.secure_cookies,
                        max_age=auth.SESSION_HOURS * 3600)
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
            "roles": {k: v.value for k, v in user.roles.items()}, "csrf": viewer.csrf}


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
    need(viewer, Role.VIEWER, cycle)
    return Response(diagram_json(store, cycle, lang="nl" if lang == "nl" else "en"),
                    media_type="application/json")


@router.get("/cycles/{cycle}/scenarios")
def api_scenarios(cycle: str, viewer: ViewerDep, store: StoreDep) -> list[dict[str, Any]]:
    need(viewer, Role.VIEWER, cycle)
    workspace, profile = workspace_of(store, cycle)
    return [{"id": s.id, "title": s.title, "theme": s.theme, "type": s.type.value,
             "revision": get(store, cycle, "scenario", s.id).revision,
             "scores": scenario_to_input(s, profile)} for s in workspace.scenarios]


@router.get("/cycles/{cycle}/scenarios/{scenario}")
def api_scenario(cycle: str, scenario: str, viewer: ViewerDep,
                 store: StoreDep) -> dict[str, Any]:
    need(viewer, Role.VIEWER, cycle)
    stored = get(store, cycle, "scenario", scenario)
    _, profile = workspace_of(store, cycle)
    return {"revision": stored.revision, "updated_by": stored.updated_by,
            "updated_at": stored.updated_at.isoformat(), "removed": stored.removed,
            "scenario": stored.item.model_dump(mode="json"),
            "input": scenario_to_input(stored.item, profile)}


@router.put("/cycles/{cycle}/scenarios/{scenario}")
def api_scenario_update(cycle: str, scenario: str, body: ScenarioUpdate, viewer: ViewerDep,
                        store: StoreDep, csrf: CsrfHeader = None) -> dict[str, Any]:
    """Save a scenario's scores made against ``expected_revision`` (409 when stale)."""
    user = need(viewer, Role.ANALYST, cycle)
    check_csrf(viewer, csrf)
    workspace, profile = workspace_of(store, cycle)
    raw = {**body.scenario, "id": scenario}
    resolved = resolve_scenario(raw, profile, workspace.themes)
    current = get(store, cycle, "scenario", scenario).item
    resolved = resolved.model_copy(update={"experts": current.experts}) \
        if "experts" not in body.scenario else resolved
    new = save(store, cycle, resolved, expected_revision=body.expected_revision,
               actor=user.username, reason=body.reason)
    return {"revision": new}


@router.get("/cycles/{cycle}/scenarios/{scenario}/history")
def api_history(cycle: str, scenario: str, viewer: ViewerDep,
                store: StoreDep) -> list[dict[str, Any]]:
    need(viewer, Role.VIEWER, cycle)
    return [{"revision": r.number, "actor": r.actor, "reason": r.reason,
             "at": r.created_at.isoformat()} for r in history(store, cycle, "scenario", scenario)]


@router.get("/cycles/{cycle}/scenarios/{scenario}/diff")
def api_diff(cycle: str, scenario: str, a: int, b: int, viewer: ViewerDep,
             store: StoreDep) -> list[dict[str, Any]]:
    need(viewer, Role.VIEWER, cycle)
    return [{"path": c.path, "before": c.before, "after": c.after}
            for c in diff(store, cycle, "scenario", scenario, a, b)]


@router.get("/cycles/{cycle}/reviews/{theme}")
def api_review(cycle: str, theme: str, viewer: ViewerDep, store: StoreDep) -> dict[str, Any]:
    need(viewer, Role.VIEWER, cycle)
    review, revision = review_of(store, cycle, theme)
    return {"revision": revision, "review": review.model_dump(mode="json")}


@router.put("/cycles/{cycle}/reviews/{theme}")
def api_review_update(cycle: str, theme: str, body: ReviewUpdate, viewer: ViewerDep,
                      store: StoreDep, csrf: CsrfHeader = None) -> dict[str, Any]:
    """Save a theme review; changing the verdict needs the coordinator role."""
    from weerbaar.store import add

    user = need(viewer, Role.ANALYST, cycle)
    check_csrf(viewer, csrf)
    if body.review.theme != theme:
        raise InvalidInput("the review is for another theme", location=["review", "theme"])
    current, revision = review_of(store, cycle, theme)
    if body.review.verdict != current.verdict:
        need(viewer, Role.COORDINATOR, cycle)
    workspace, _ = workspace_of(store, cycle)
    if body.review.verdict is not None and any(
            t.id == theme and t.kind is ThemeKind.GENERIC for t in workspace.themes):
        raise InvalidInput("a generic instrument gets no approach verdict",
                           location=["review", "verdict"])
    if body.expected_revision == 0 and revision == 0:
        add(store, cycle, body.review, actor=user.username, reason=body.reason)
        return {"revision": 1}
    new = save(store, cycle, body.review, expected_revision=body.expected_revision,
               actor=user.username, reason=body.reason)
    return {"revision": new}


@router.get("/cycles/{cycle}/measures")
def api_measures(cycle: str, viewer: ViewerDep, store: StoreDep) -> list[dict[str, Any]]:
    need(viewer, Role.VIEWER, cycle)
    workspace, _ = workspace_of(store, cycle)
    return [m.model_dump(mode="json") for m in workspace.measures]


@router.post("/cycles/{cycle}/measures", status_code=201)
def api_measure_add(cycle: str, body: Measure, viewer: ViewerDep, store: StoreDep,
                    csrf: CsrfHeader = None) -> dict[str, Any]:
    """Add a measure (its themes, scenarios and effect criteria must exist in the cycle)."""
    from weerbaar.services.reviews import add_measure

    user = need(viewer, Role.ANALYST, cycle)
    check_csrf(viewer, csrf)
    add_measure(store, cycle, body, actor=user.username)
    return {"id": body.id, "revision": 1}


@router.get("/cycles/{cycle}/priorities")
def api_priorities(cycle: str, viewer: ViewerDep, store: StoreDep,
                   cut: str = "C") -> dict[str, Any]:
    need(viewer, Role.VIEWER, cycle)
    return cycle_priorities(store, cycle, cut=cut).to_dict()


@router.get("/cycles/{cycle}/compare")
def api_compare(cycle: str, viewer: ViewerDep, store: StoreDep,
                base: str | None = None) -> dict[str, Any]:
    need(viewer, Role.VIEWER, cycle)
    if base is not None:
        need(viewer, Role.VIEWER, base)
    return compare(store, base, cycle).to_dict()


@router.post("/cycles/{cycle}/sessions")
def api_session_open(cycle: str, body: SessionOpen, viewer: ViewerDep, store: StoreDep,
                     csrf: CsrfHeader = None) -> dict[str, Any]:
    user = need(viewer, Role.COORDINATOR, cycle)
    check_csrf(viewer, csrf)
    session = sessions.open_session(store, cycle, body.scenario, facilitator=user.username,
                                    experts=body.experts)
    return session.model_dump(mode="json")


@router.get("/sessions/{session_id}")
def api_session(session_id: int, viewer: ViewerDep, store: StoreDep) -> dict[str, Any]:
    session = sessions.get_session(store, session_id)
    user = need(viewer, Role.VIEWER, session.cycle)
    facilitator = user.username == session.facilitator or user.may(Role.COORDINATOR,
                                                                    session.cycle)
    return {**session.model_dump(mode="json"),
            "submissions": [s.model_dump(mode="json") for s in sessions.submissions(
                store, session_id, viewer=user.username, facilitator_view=facilitator)]}


@router.post("/sessions/{session_id}/submissions")
def api_submit(session_id: int, body: SubmissionIn, viewer: ViewerDep, store: StoreDep,
               csrf: CsrfHeader = None) -> dict[str, str]:
    session = sessions.get_session(store, session_id)
    user = need(viewer, Role.EXPERT, session.cycle)
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
def api_session_close(session_id: int, body: SessionClose, viewer: ViewerDep, store: StoreDep,
                      csrf: CsrfHeader = None) -> dict[str, Any]:
    session = sessions.get_session(store, session_id)
    user = need(viewer, Role.COORDINATOR, session.cycle)
    check_csrf(viewer, csrf)
    workspace, profile = workspace_of(store, session.cycle)
    agreed: Scenario = resolve_scenario({**body.scenario, "id": session.scenario}, profile,
                                        workspace.themes)
    new = sessions.close_session(store, session_id, agreed, facilitator=user.username,
                                 expected_revision=body.expected_revision, reason=body.reason)
    return {"revision": new}
