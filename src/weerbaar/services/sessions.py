"""Use cases of expert sessions: a coordinator opens a session on a scenario, each invited
expert submits their own scores without seeing the others', and the coordinator closes it with
the agreed scores, written to the scenario with the experts' scores beside them — or cancels it.

The rules, the same through every face:

- **Opening** needs the coordinator role on a draft cycle and a scenario the coordinator may
  see. Every invited name must be an account that exists, is not disabled, holds the expert role
  or higher (analyst, coordinator, admin) on the cycle — its own grant or the all-cycles ``*``
  grant — and whose clearance reaches the scenario's marking (else they could not see the
  session). Otherwise nothing is opened and the refusal (:class:`RefusedExperts`, 422 at
  ``experts``) names every refused name and why. A scenario has at most one open session:
  opening a second is a :class:`~weerbaar.errors.Conflict` naming the open one.
- **Drafts**: an invited expert may save the form as typed, complete or not (field name: text,
  unresolved), while the session is open; one draft per expert, shown to nobody else.
- **Submitting** needs every criterion the expert chose to score complete: EV, LL and UL, or EV
  with ``same`` (LL = UL = EV); a bare class or value in file form means the same. The
  likelihood is classes (the same rule) or a probability. At least one criterion or the
  likelihood. An expert may **revise** until the session ends: a new submission replaces theirs
  (the audit log keeps every one, with the scores).
- **Closing** (coordinator role, draft cycle) without any submission writes nothing to the
  scenario and says so (:class:`Closed` ``changed=False``). With submissions it writes one
  revision: the agreed scores of the close form (the rules of ``save_scenario``: a score the
  scenario has is deleted only when named in ``delete``; the marking is kept unless set) and as
  the experts' scores **every earlier expert score on the scenario, except those of experts who
  submitted in this session, which their submission replaces**. So the scores of an earlier
  session's experts, and of invited experts who did not submit, stay; and every expert score
  above the coordinator's clearance stays (an expert whose hidden score a submission would
  replace makes the close a refusal naming the expert: a coordinator cleared for it must
  close). A submission or revision made while the close form was open is a Conflict.
- **Cancelling** (a coordinator, or the session's facilitator) ends an open session as
  ``cancelled``: nothing is written to the scenario; submissions and drafts are kept for the
  audit. Closed and cancelled sessions take no submissions, drafts or second ends.

A session on a scenario above the viewer's clearance does not exist for them ("not found",
worded as for a session number that does not exist).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from weerbaar.domain import ExpertSession, Role, Scenario, SessionStatus, Submission
from weerbaar.errors import Conflict, InvalidInput, KeyPath, NotFound, PermissionDenied
from weerbaar.io.workspace import resolve_expert_score, resolve_scenario
from weerbaar.io.workspace_export import scenario_to_input
from weerbaar.methods.profile import MethodProfile
from weerbaar.services.registry import use_case
from weerbaar.services.scenarios import (
    SCORE_FIELDS,
    current_document,
    marking_given,
    without_deleted,
)
from weerbaar.services.scope import CycleScope, cycle_scope
from weerbaar.services.viewer import Viewer
from weerbaar.services.visibility import check_marking_allowed, keep_hidden_scenario
from weerbaar.store import Store
from weerbaar.store import accounts as account_repo
from weerbaar.store import expert_sessions as repo
from weerbaar.store.documents import Stored
from weerbaar.store.expert_sessions import Draft

MAX_EXPERTS = 50
MAX_DRAFT_FIELDS = 400
MAX_DRAFT_NAME = 100
MAX_DRAFT_TEXT = 10_000
MAX_REASON = 2000

# why an invited name was refused (RefusedExperts.refused): the reason's code and its wording
REASONS = {
    "unknown": "no such user",
    "disabled": "the account is disabled",
    "no-role": "has no role on this cycle",
    "viewer": "has only the viewer role on this cycle",
    "clearance": "their clearance on this cycle does not reach the scenario's marking",
}


class RefusedExperts(InvalidInput):
    """Some invited names cannot take part: ``refused`` maps each to the code of its reason
    (a key of :data:`REASONS`)."""

    def __init__(self, refused: dict[str, str]) -> None:
        self.refused = refused
        listed = "; ".join(f"{name}: {REASONS[why]}" for name, why in refused.items())
        super().__init__(f"cannot invite {listed}", location=["experts"],
                         expected="users with the expert role (or higher) on the cycle")


@dataclass(frozen=True)
class SessionList:
    scope: CycleScope
    sessions: tuple[ExpertSession, ...]
    scenarios: tuple[Scenario, ...]

    @property
    def may_open(self) -> bool:
        return self.scope.may(Role.COORDINATOR)

    @property
    def titles(self) -> dict[str, str]:
        """The title of each scenario the viewer may see, by key."""
        return {s.id: s.title for s in self.scenarios}


@use_case
def list_sessions(store: Store, viewer: Viewer, cycle: str) -> SessionList:
    """The cycle's expert sessions on scenarios the viewer may see, newest first."""
    scope = cycle_scope(store, viewer, cycle)
    workspace, _ = scope.workspace()
    shown = {s.id for s in workspace.scenarios}
    return SessionList(scope, tuple(s for s in repo.list_sessions(store, cycle)
                                    if s.scenario in shown), workspace.scenarios)


def _refusal(store: Store, scope: CycleScope, name: str, scenario: Scenario) -> str | None:
    """Why ``name`` cannot be invited to a session on ``scenario`` (a key of REASONS)."""
    try:
        user = account_repo.get_user(store, name)
    except NotFound:
        return "unknown"
    if user.disabled:
        return "disabled"
    role = user.role_for(scope.key)
    if role is None:
        return "no-role"
    if not role.allows(Role.EXPERT):
        return "viewer"
    if not scope.scheme.allows(user.clearance_for(scope.key, scope.scheme), scenario.marking):
        return "clearance"
    return None


@use_case
def open_session(store: Store, viewer: Viewer, cycle: str, scenario: str,
                 experts: list[str]) -> ExpertSession:
    """Open a session on ``scenario`` with the named experts (coordinator role)."""
    scope = cycle_scope(store, viewer, cycle, Role.COORDINATOR)
    scope.require_draft()
    shown: Scenario = scope.item("scenario", scenario).item
    names = sorted({e.strip() for e in experts if e.strip()})
    if not names:
        raise InvalidInput("name at least one expert", location=["experts"])
    if len(names) > MAX_EXPERTS:
        raise InvalidInput(f"a session has at most {MAX_EXPERTS} experts", location=["experts"])
    refused = {name: why for name in names
               if (why := _refusal(store, scope, name, shown)) is not None}
    if refused:
        raise RefusedExperts(refused)
    return repo.open_session(store, cycle, scenario, facilitator=viewer.name, experts=names)


def _session(store: Store, viewer: Viewer, session_id: int,
             role: Role) -> tuple[ExpertSession, CycleScope, Stored[Scenario]]:
    """A session whose scenario the viewer may see, its cycle's scope and the scenario.

    A session the viewer may not see — its cycle is not theirs to read, or its scenario is
    above their clearance — is "not found", worded exactly as for a number that does not exist
    (a session number names no cycle, so a refusal naming one would tell where the session
    is). Only for a session they may see is a missing ``role`` refused (403)."""
    viewer.require_login()
    missing = f"no expert session {session_id}"
    try:
        session = repo.get_session(store, session_id)
    except NotFound:
        raise NotFound(missing) from None
    if not viewer.may(Role.VIEWER, session.cycle):
        raise NotFound(missing)
    scope = cycle_scope(store, viewer, session.cycle)
    try:
        stored: Stored[Scenario] = scope.item("scenario", session.scenario)
    except NotFound:
        raise NotFound(missing) from None
    viewer.require(role, session.cycle)
    return session, scope, stored


def _require_open(session: ExpertSession) -> None:
    if session.status is not SessionStatus.OPEN:
        raise Conflict(f"expert session {session.id} is {session.status.value}: it takes no "
                       "more submissions, drafts or changes")


def _check_reason(reason: str | None) -> None:
    if reason is not None and len(reason) > MAX_REASON:
        raise InvalidInput(f"the reason has at most {MAX_REASON} characters", location=["reason"])


def _require_invited(session: ExpertSession, name: str) -> None:
    if name not in session.experts:
        raise PermissionDenied(f"{name} is not an expert in session {session.id}")


@dataclass(frozen=True)
class SessionView:
    """A session as the viewer may see it: the scenario, the submissions they may see, the
    spread per criterion (lowest and highest class, number of experts), and for an invited
    expert their own submission and draft."""

    session: ExpertSession
    scope: CycleScope
    stored: Stored[Scenario]
    submissions: tuple[Submission, ...]
    facilitator: bool
    spread: dict[str, tuple[str, str, int]] = field(default_factory=dict)
    input: dict[str, Any] = field(default_factory=dict)
    own: Submission | None = None
    draft: Draft | None = None

    @property
    def profile(self) -> MethodProfile:
        return self.scope.profile

    @property
    def is_open(self) -> bool:
        return self.session.status is SessionStatus.OPEN

    @property
    def may_submit(self) -> bool:
        """An invited expert of an open session (submitted already or not: they may revise)."""
        return (self.scope.viewer.name in self.session.experts and self.is_open
                and self.scope.may(Role.EXPERT))

    @property
    def may_close(self) -> bool:
        return self.is_open and self.scope.may(Role.COORDINATOR) and \
            self.scope.cycle.status.value == "draft"

    @property
    def may_cancel(self) -> bool:
        return self.is_open and (self.scope.may(Role.COORDINATOR)
                                 or self.scope.viewer.name == self.session.facilitator)

    @property
    def own_input(self) -> dict[str, Any]:
        """The viewer's own submission in file form (empty when they have none)."""
        if self.own is None:
            return {}
        scores = scenario_to_input(self.stored.item.model_copy(update={
            "impact": self.own.score.impact, "likelihood": self.own.score.likelihood,
            "experts": ()}), self.profile)
        return {k: v for k, v in scores.items() if k in ("impact", "likelihood")}

    @property
    def draft_is_newer(self) -> bool:
        """The draft was saved after the submission (or there is no submission): the form
        shows the draft; otherwise it shows what was submitted."""
        return self.draft is not None and (self.own is None
                                           or self.draft.saved_at >= self.own.submitted_at)

    @property
    def unsubmitted_draft(self) -> bool:
        """A draft saved after the last submission (or with none): not submitted yet."""
        return self.draft is not None and (self.own is None
                                           or self.draft.saved_at > self.own.submitted_at)


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
    own = next((s for s in visible if s.expert == viewer.name), None)
    draft = (repo.draft(store, session_id, viewer.name)
             if viewer.name in session.experts else None)
    scope.log_scenario(stored.item)
    return SessionView(session, scope, stored, visible, facilitator, spread,
                       scenario_to_input(stored.item, profile), own, draft)


def _missing(what: str, where: KeyPath) -> InvalidInput:
    names = {"ev": "expected value (EV)", "ll": "lower limit (LL)", "ul": "upper limit (UL)"}
    return InvalidInput(f"the {names[what]} is missing", location=[*where, what],
                        expected="EV, LL and UL, or EV with same: true (LL = UL = EV)")


def _complete(entry: Any, where: KeyPath) -> Any:
    """One score of a submission, complete: a bare class or value (no range), or a mapping
    with EV, LL and UL, or with EV and ``same: true``; a probability passes as given."""
    if not isinstance(entry, Mapping):
        return entry  # a bare class or value; the resolver checks it
    rest = {k: v for k, v in entry.items() if k != "same"}
    same = entry.get("same", False)
    if not isinstance(same, bool):
        raise InvalidInput("same must be true or false", location=[*where, "same"],
                           expected="true (LL = UL = EV) or false")
    if any(rest.get(k) is not None for k in ("probability", "annual_probability",
                                                 "probability_low", "probability_high")):
        return rest  # a likelihood as a probability: the resolver checks it
    given = {b: rest.get(b) for b in ("ev", "ll", "ul")}
    given = {b: (None if v is None or (isinstance(v, str) and not v.strip()) else v)
             for b, v in given.items()}
    if given["ev"] is None:
        raise _missing("ev", where)
    if same:
        for b in ("ll", "ul"):
            if given[b] is not None and given[b] != given["ev"]:
                raise InvalidInput("same means LL = UL = EV: leave LL and UL out, or untick "
                                   "same", location=[*where, b], expected=f"{given['ev']!r}")
        return {**rest, "ll": given["ev"], "ul": given["ev"]}
    for b in ("ll", "ul"):
        if given[b] is None:
            raise _missing(b, where)
    return rest


def complete_scores(scores: Mapping[str, Any]) -> dict[str, Any]:
    """A submission's ``impact`` and ``likelihood`` in file form, each score complete (see
    :func:`_complete`), with ``same`` turned into LL = UL = EV; at least one score."""
    impact = scores.get("impact") or {}
    if not isinstance(impact, Mapping):
        raise InvalidInput("impact must map criteria to scores", location=["impact"])
    out: dict[str, Any] = {"impact": {cid: _complete(entry, ["impact", cid])
                                      for cid, entry in impact.items()}}
    if scores.get("likelihood") is not None:
        out["likelihood"] = _complete(scores["likelihood"], ["likelihood"])
    if not out["impact"] and "likelihood" not in out:
        raise InvalidInput("score at least one criterion or the likelihood",
                           location=["impact"], expected="EV, LL and UL of a criterion")
    return out


@use_case
def submit_scores(store: Store, viewer: Viewer, session_id: int,
                  scores: Mapping[str, Any], *, source: str = "request",
                  typed: Mapping[str, str] | None = None) -> bool:
    """An invited expert's own scores (``impact``, optionally ``likelihood``, in file form;
    ``same: true`` for LL = UL = EV); replaces their earlier submission while the session is
    open. ``typed``: the form as typed, kept as their draft. True when it was a revision."""
    session, scope, stored = _session(store, viewer, session_id, Role.EXPERT)
    _require_open(session)
    _require_invited(session, viewer.name)
    raw = {"expert": viewer.name, **complete_scores(scores)}
    score = resolve_expert_score(raw, scope.profile, stored.item.type, source=source)
    fields = _draft_fields(typed) if typed is not None else None
    return repo.submit(store, session_id, viewer.name, score, typed=fields)


def _draft_fields(fields: Mapping[str, Any]) -> dict[str, str]:
    if len(fields) > MAX_DRAFT_FIELDS:
        raise InvalidInput(f"a draft has at most {MAX_DRAFT_FIELDS} fields", location=["fields"])
    out: dict[str, str] = {}
    for name, value in fields.items():
        if not isinstance(name, str) or not 0 < len(name) <= MAX_DRAFT_NAME:
            raise InvalidInput(f"a field name has 1 to {MAX_DRAFT_NAME} characters",
                               location=["fields"])
        if not isinstance(value, str) or len(value) > MAX_DRAFT_TEXT or "\x00" in value:
            raise InvalidInput(f"a field holds a text of at most {MAX_DRAFT_TEXT} characters",
                               location=["fields", name])
        out[name] = value
    return out


@use_case
def save_draft(store: Store, viewer: Viewer, session_id: int,
               fields: Mapping[str, str]) -> datetime:
    """Keep an invited expert's form as typed (any partial input, not resolved) while the
    session is open; when it was saved."""
    session, _, _ = _session(store, viewer, session_id, Role.EXPERT)
    _require_open(session)
    _require_invited(session, viewer.name)
    return repo.save_draft(store, session_id, viewer.name, _draft_fields(fields))


@dataclass(frozen=True)
class Closed:
    """The end of a session: the scenario's revision after it, whether the close changed the
    scenario, and the experts whose submissions it took."""

    revision: int
    changed: bool
    submitted: tuple[str, ...]


@use_case
def close_session(store: Store, viewer: Viewer, session_id: int, agreed: Mapping[str, Any], *,
                  expected_revision: int, reason: str | None = None,
                  source: str = "request", delete: Collection[str] = ()) -> Closed:
    """Close a session with the agreed scenario (file form; what it leaves out of the
    scenario's title, theme, category, type, narrative and marking stays as it is) made
    against ``expected_revision``. Without any submission nothing is written. See the module's
    rules for the experts' scores."""
    session, scope, stored = _session(store, viewer, session_id, Role.COORDINATOR)
    _require_open(session)
    scope.require_draft()
    _check_reason(reason)
    found = repo.submissions(store, session_id, viewer=viewer.name, facilitator_view=True)
    seen = {s.expert: s.submitted_at for s in found}
    if not found:
        repo.close_session(store, session_id, None, facilitator=viewer.name,
                           expected_revision=expected_revision, seen={}, reason=reason)
        return Closed(stored.revision, False, ())
    workspace, profile = scope.workspace()
    shown = stored.item
    current = scope.stored("scenario", session.scenario).item
    given = marking_given(agreed, current, scope)
    raw = {k: v for k, v in agreed.items()
           if k not in ("experts", "id") and (k != "marking" or given)}
    base = {k: v for k, v in scenario_to_input(current, profile).items()
            if k not in (*SCORE_FIELDS, "experts")}
    merged = without_deleted({**base, **raw}, shown, delete, deletable=("likelihood",))
    resolved = resolve_scenario({**merged, "id": session.scenario}, profile, workspace.themes,
                                source=source)
    submitted = {s.expert for s in found}
    experts = [e for e in shown.experts if e.expert not in submitted]
    experts += [s.score.model_copy(update={"expert": s.expert}) for s in found]
    resolved = resolved.model_copy(update={"experts": tuple(experts)})
    if scope.clearance is not None:
        resolved = keep_hidden_scenario(current, resolved, scope.scheme, scope.clearance,
                                        marking_given=given)
    elif not given:
        resolved = resolved.model_copy(update={"marking": current.marking})
    check_marking_allowed(scope.scheme, scope.clearance, resolved.marking, "scenario.marking")
    resolved = resolved.model_copy(update={
        "experts": tuple(sorted(resolved.experts, key=lambda e: e.expert))})
    try:
        new = repo.close_session(store, session_id, resolved, facilitator=viewer.name,
                                 expected_revision=expected_revision, seen=seen, reason=reason)
    except Conflict as exc:
        raise Conflict(str(exc), current=current_document(scope, session.scenario)) from None
    assert new is not None
    return Closed(new, new != expected_revision, tuple(sorted(submitted)))


@use_case
def cancel_session(store: Store, viewer: Viewer, session_id: int,
                   reason: str | None = None) -> ExpertSession:
    """Cancel an open session (a coordinator, or its facilitator): nothing is written to the
    scenario; submissions and drafts are kept for the audit."""
    session, scope, _ = _session(store, viewer, session_id, Role.VIEWER)
    if not (scope.may(Role.COORDINATOR) or viewer.name == session.facilitator):
        raise PermissionDenied("only a coordinator or the session's facilitator may cancel "
                               f"expert session {session_id}")
    _require_open(session)
    _check_reason(reason)
    return repo.cancel_session(store, session_id, actor=viewer.name, reason=reason)


__all__ = ["MAX_DRAFT_FIELDS", "MAX_DRAFT_NAME", "MAX_DRAFT_TEXT", "MAX_EXPERTS", "MAX_REASON",
           "REASONS", "Closed", "Draft", "RefusedExperts", "SessionList",
           "SessionView", "cancel_session", "close_session", "complete_scores", "get_session",
           "list_sessions", "open_session", "save_draft", "submit_scores"]
