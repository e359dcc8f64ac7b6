"""Use cases of expert sessions: a coordinator opens a session on a scenario, each invited
expert submits their own scores without seeing the others', and the coordinator closes it with
the agreed scores, written to the scenario with every expert's scores beside them.

A session on a scenario above the viewer's clearance does not exist for them ("not found",
worded as for a session number that does not exist).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from weerbaar.domain import ExpertSession, Role, Scenario, SessionStatus, Submission
from weerbaar.errors import InvalidInput, NotFound
from weerbaar.io.workspace import resolve_expert_score
from weerbaar.io.workspace_export import scenario_to_input
from weerbaar.methods.profile import MethodProfile
from weerbaar.services.registry import use_case
from weerbaar.services.scenarios import SCORE_FIELDS
from weerbaar.services.scope import CycleScope, cycle_scope
from weerbaar.services.viewer import Viewer
from weerbaar.store import Store
from weerbaar.store import expert_sessions as repo
from weerbaar.store.documents import Stored

MAX_EXPERTS = 50


@dataclass(frozen=True)
class SessionList:
    scope: CycleScope
    sessions: tuple[ExpertSession, ...]
    scenarios: tuple[Scenario, ...]

    @property
    def may_open(self) -> bool:
        return self.scope.may(Role.COORDINATOR)


@use_case
def list_sessions(store: Store, viewer: Viewer, cycle: str) -> SessionList:
    """The cycle's expert sessions on scenarios the viewer may see, newest first."""
    scope = cycle_scope(store, viewer, cycle)
    workspace, _ = scope.workspace()
    shown = {s.id for s in workspace.scenarios}
    return SessionList(scope, tuple(s for s in repo.list_sessions(store, cycle)
                                    if s.scenario in shown), workspace.scenarios)


@use_case
def open_session(store: Store, viewer: Viewer, cycle: str, scenario: str,
                 experts: list[str]) -> ExpertSession:
    """Open a session on ``scenario`` with the named experts (coordinator role)."""
    scope = cycle_scope(store, viewer, cycle, Role.COORDINATOR)
    scope.require_draft()
    scope.item("scenario", scenario)
    names = sorted({e.strip() for e in experts if e.strip()})
    if not names:
        raise InvalidInput("name at least one expert", location=["experts"])
    if len(names) > MAX_EXPERTS:
        raise InvalidInput(f"a session has at most {MAX_EXPERTS} experts", location=["experts"])
    return repo.open_session(store, cycle, scenario, facilitator=viewer.name, experts=names)


def _session(store: Store, viewer: Viewer, session_id: int,
             role: Role) -> tuple[ExpertSession, CycleScope, Stored[Scenario]]:
    """A session whose scenario the viewer may see, its cycle's scope and the scenario."""
    session = repo.get_session(store, session_id)
    scope = cycle_scope(store, viewer, session.cycle, role)
    try:
        stored: Stored[Scenario] = scope.item("scenario", session.scenario)
    except NotFound:
        raise NotFound(f"no expert session {session_id}") from None
    return session, scope, stored


@dataclass(frozen=True)
class SessionView:
    """A session as the viewer may see it: the scenario, the submissions they may see, the
    spread per criterion (lowest and highest class, number of experts)."""

    session: ExpertSession
    scope: CycleScope
    stored: Stored[Scenario]
    submissions: tuple[Submission, ...]
    facilitator: bool
    spread: dict[str, tuple[str, str, int]] = field(default_factory=dict)
    input: dict[str, Any] = field(default_factory=dict)

    @property
    def profile(self) -> MethodProfile:
        return self.scope.profile

    @property
    def may_submit(self) -> bool:
        name = self.scope.viewer.name
        return (name in self.session.experts and name not in self.session.submitted
                and self.session.status is SessionStatus.OPEN)


@use_case
def get_session(store: Store, viewer: Viewer, session_id: int) -> SessionView:
    """A session: everyone's submissions for its facilitator (and coordinators) and once
    closed; an expert's own before they submitted, everyone's after."""
    session, scope, stored = _session(store, viewer, session_id, Role.VIEWER)
    facilitator = (viewer.name == session.facilitator or scope.may(Role.COORDINATOR))
    visible = tuple(repo.submissions(store, session_id, viewer=viewer.name,
                                     facilitator_view=facilitator))
    profile = scope.profile
    spread = {}
    for c in profile.criteria:
        evs = [s.score.impact[c.id].range.ev for s in visible if c.id in s.score.impact]
        if evs:
            spread[c.id] = (profile.impact.code(min(evs)), profile.impact.code(max(evs)),
                            len(evs))
    scope.log_scenario(stored.item)
    return SessionView(session, scope, stored, visible, facilitator, spread,
                       scenario_to_input(stored.item, profile))


@use_case
def submit_scores(store: Store, viewer: Viewer, session_id: int,
                  scores: Mapping[str, Any], *, source: str = "request") -> None:
    """An invited expert's own scores (``impact``, optionally ``likelihood``, in file form);
    once per expert."""
    _, scope, stored = _session(store, viewer, session_id, Role.EXPERT)
    raw: dict[str, Any] = {"expert": viewer.name, "impact": scores.get("impact") or {}}
    if scores.get("likelihood") is not None:
        raw["likelihood"] = scores["likelihood"]
    score = resolve_expert_score(raw, scope.profile, stored.item.type, source=source)
    repo.submit(store, session_id, viewer.name, score)


@use_case
def close_session(store: Store, viewer: Viewer, session_id: int, agreed: Mapping[str, Any], *,
                  expected_revision: int, reason: str | None = None,
                  source: str = "request") -> int:
    """Close a session with the agreed scenario (file form; what it leaves out of the
    scenario's title, theme, category, type, narrative and marking stays as it is) made
    against ``expected_revision``; the scenario's new revision."""
    from weerbaar.io.workspace import resolve_scenario

    session, scope, _ = _session(store, viewer, session_id, Role.COORDINATOR)
    workspace, profile = scope.workspace()
    current = scope.stored("scenario", session.scenario).item
    base = {k: v for k, v in scenario_to_input(current, profile).items()
            if k not in (*SCORE_FIELDS, "experts")}
    if current.marking is not None:
        base["marking"] = current.marking
    resolved = resolve_scenario({**base, **agreed, "id": session.scenario}, profile,
                                workspace.themes, source=source)
    scope.check_marking(resolved.marking, "scenario.marking")
    return repo.close_session(store, session_id, resolved, facilitator=viewer.name,
                              expected_revision=expected_revision, reason=reason)


__all__ = ["MAX_EXPERTS", "SessionList", "SessionView", "close_session", "get_session",
           "list_sessions", "open_session", "submit_scores"]
