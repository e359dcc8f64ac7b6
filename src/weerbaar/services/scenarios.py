"""Use cases on scenarios: list them with their positions, read one, open it for editing, save
an edit.

A scenario arrives in *file form* (class codes or natural-unit values, as in a workspace file),
from a web form or an API body alike, and is resolved against the cycle's method profile, so a
score means the same whatever face it came through. Saving needs the analyst role on a draft
cycle and the revision the edit was made against (a stale one is a conflict, nothing is
overwritten). What the editor cannot see is kept: experts' scores above their clearance, and the
marking unless they set one (an unchanged choice leaves an unmarked scenario unmarked).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from weerbaar.domain import Role, Scenario, Scope
from weerbaar.domain.need_to_know import scenario_markings
from weerbaar.domain.scope import SCOPE_EXPECTED
from weerbaar.errors import Conflict, InvalidInput
from weerbaar.io.workspace import resolve_scenario
from weerbaar.io.workspace_export import scenario_to_input
from weerbaar.methods.crosswalk import unscored_criteria
from weerbaar.methods.profile import MethodProfile
from weerbaar.services.assessment import positions
from weerbaar.services.registry import use_case
from weerbaar.services.scope import CycleScope, cycle_scope
from weerbaar.services.viewer import Viewer
from weerbaar.services.visibility import check_level, check_marking_allowed, keep_hidden_scenario
from weerbaar.store import Store, revisions, save
from weerbaar.store.documents import Stored


@dataclass(frozen=True)
class ScenarioRow:
    """One scenario of a list: the scenario as the viewer sees it, its effective marking, its
    current revision, its position on the risk diagram (when asked for) and its file form."""

    scenario: Scenario
    marking: str
    revision: int
    position: dict[str, Any] | None
    profile: MethodProfile = field(repr=False)

    @property
    def input(self) -> dict[str, Any]:
        """The scenario in file form (class codes or natural-unit values)."""
        return scenario_to_input(self.scenario, self.profile)

    @property
    def unscored(self) -> tuple[str, ...]:
        """The profile's criteria the scenario does not score yet (outstanding)."""
        return unscored_criteria(self.scenario, self.profile)


@dataclass(frozen=True)
class ScenarioList:
    scope: CycleScope
    rows: tuple[ScenarioRow, ...]

    @property
    def profile(self) -> MethodProfile:
        return self.scope.profile


@use_case
def list_scenarios(store: Store, viewer: Viewer, cycle: str, *, with_positions: bool = False,
                   lang: str = "en", of_scope: str | None = None) -> ScenarioList:
    """The cycle's scenarios the viewer may see, with their revisions and (``with_positions``)
    their positions on the risk diagram, which assesses the cycle. ``of_scope`` keeps only the
    scenarios of that scope (:func:`scope_filter`)."""
    scope = cycle_scope(store, viewer, cycle)
    keep = scope_filter(of_scope)
    workspace, profile = scope.workspace()
    found = {p["id"]: p for p in positions(scope, lang=lang)} if with_positions else {}
    numbers = revisions(store, cycle, "scenario")
    shown = [s for s in workspace.scenarios if keep(s.scope)]
    rows = tuple(ScenarioRow(s, scope.scheme.effective(s.marking), numbers.get(s.id, 0),
                             found.get(s.id), profile)
                 for s in shown)
    scope.log(m for s in shown for m in scenario_markings(s, scope.scheme))
    return ScenarioList(scope, rows)


NOT_STATED = "none"
"""The scope filter for items without a stated scope."""


def scope_filter(value: str | None, location: str = "scope") -> Callable[[Scope | None], bool]:
    """Which items a scope filter keeps: all (None or ""), those of one scope (exactly that
    value: a filter on ``european-netherlands`` does not include ``kingdom``), or those without
    a stated scope (``none``). An unknown value is refused naming ``location``."""
    if value is None or value == "":
        return lambda _scope: True
    if value == NOT_STATED:
        return lambda scope: scope is None
    try:
        wanted = Scope(value)
    except ValueError:
        raise InvalidInput(f"unknown scope {value[:40]!r}", location=[location],
                           expected=f"{SCOPE_EXPECTED} or {NOT_STATED}") from None
    return lambda scope: scope is wanted


@dataclass(frozen=True)
class ScenarioRecord:
    """One scenario as the viewer may see it, with its revision and file form."""

    scope: CycleScope
    stored: Stored[Scenario]
    input: dict[str, Any] = field(default_factory=dict)

    @property
    def scenario(self) -> Scenario:
        return self.stored.item

    @property
    def profile(self) -> MethodProfile:
        return self.scope.profile

    @property
    def unscored(self) -> tuple[str, ...]:
        """The profile's criteria the scenario does not score yet (outstanding: e.g. the new
        criteria of a cycle carried to the next method profile)."""
        return unscored_criteria(self.scenario, self.profile)

    @property
    def may_edit(self) -> bool:
        return self.scope.may(Role.ANALYST)

    @property
    def updated(self) -> dict[str, Any]:
        """Who saved the current revision and when, unless it holds something above the
        viewer's clearance (then both are left out, as in the history)."""
        stored = self.stored
        if hides_metadata(self.scope, stored):
            return {"updated_by": None, "updated_at": None}
        return {"updated_by": stored.updated_by, "updated_at": stored.updated_at.isoformat()}


def hides_metadata(scope: CycleScope, shown: Stored[Scenario]) -> bool:
    """Does the current revision of a scenario hold more than the viewer sees?"""
    return scope.clearance is not None and scope.stored("scenario", shown.item.id).item != \
        shown.item


def _record(scope: CycleScope, scenario: str) -> ScenarioRecord:
    stored: Stored[Scenario] = scope.item("scenario", scenario)
    scope.log_scenario(stored.item)
    return ScenarioRecord(scope, stored, scenario_to_input(stored.item, scope.profile))


@use_case
def get_scenario(store: Store, viewer: Viewer, cycle: str, scenario: str) -> ScenarioRecord:
    """A scenario as the viewer may see it ("not found" above their clearance)."""
    return _record(cycle_scope(store, viewer, cycle), scenario)


@use_case
def edit_scenario(store: Store, viewer: Viewer, cycle: str, scenario: str) -> ScenarioRecord:
    """A scenario opened for editing: the analyst role on a draft cycle."""
    scope = cycle_scope(store, viewer, cycle, Role.ANALYST)
    scope.require_draft()
    return _record(scope, scenario)


def marking_given(raw: Mapping[str, Any], current: Scenario, scope: CycleScope) -> bool:
    """Does the edit set the marking? Not when it leaves it out, nor when it repeats the
    effective marking of an unmarked scenario."""
    if raw.get("marking") is None:
        return False
    return not (current.marking is None and raw["marking"] == scope.scheme.effective(None))


@use_case
def save_scenario(store: Store, viewer: Viewer, cycle: str, scenario: str,
                  edited: Mapping[str, Any], *, expected_revision: int,
                  reason: str | None = None, source: str = "request",
                  delete: Collection[str] = ()) -> int:
    """Save a scenario in file form made against ``expected_revision``; its new revision (the
    same one when nothing changed).

    ``experts`` left out keeps the experts' scores as they are; ``marking`` left out keeps the
    marking. A score, likelihood, narrative or risk category the scenario has is deleted only
    when ``delete`` names it (``impact.2.1``, ``likelihood``, ``narrative``,
    ``risk_category``); left out without that, it is an error, never a deletion. Errors name the
    key path (e.g. ``impact.2.1.ev``); ``source`` names the input (a form, a request) in them.
    A stale ``expected_revision`` is a :class:`Conflict` carrying the current document.
    ``scope`` left out keeps the scope; given empty (or null), or named in ``delete``, it is
    cleared (no scope stated)."""
    scope = cycle_scope(store, viewer, cycle, Role.ANALYST)
    scope.require_draft()
    record = scope.item("scenario", scenario)
    shown: Scenario = record.item
    current: Scenario = scope.stored("scenario", scenario).item
    workspace, profile = scope.workspace()
    given = marking_given(edited, current, scope)
    kept_scope, edited = scope_of_edit(edited, shown, delete)
    raw = without_deleted({k: v for k, v in edited.items() if k != "marking" or given},
                           shown, [d for d in delete if d != "scope"])
    resolved = resolve_scenario({**raw, "id": scenario}, profile, workspace.themes,
                                source=source)
    if kept_scope is not False:
        resolved = resolved.model_copy(update={"scope": kept_scope})
    if "experts" not in edited:
        resolved = resolved.model_copy(update={"experts": shown.experts})
    if scope.clearance is not None:
        resolved = keep_hidden_scenario(current, resolved, scope.scheme, scope.clearance,
                                        marking_given=given)
    elif not given:
        resolved = resolved.model_copy(update={"marking": current.marking})
    check_marking_allowed(scope.scheme, scope.clearance, resolved.marking, "scenario.marking")
    typed = len(edited.get("experts") or ())  # sent by the editor; the hidden ones follow
    for index, expert in enumerate(resolved.experts):
        where = f"scenario.experts[{index}].marking"
        if index < typed:
            check_marking_allowed(scope.scheme, scope.clearance, expert.marking, where)
        elif expert.marking is not None:
            check_level(scope.scheme, expert.marking, where)
    try:
        return save(store, cycle, resolved, expected_revision=expected_revision,
                    actor=viewer.name, reason=reason)
    except Conflict as exc:
        raise Conflict(str(exc), current=current_document(scope, scenario)) from None


def current_document(scope: CycleScope, scenario: str) -> dict[str, Any]:
    """The scenario as the viewer may see it now, for a client to merge a stale edit with."""
    stored: Stored[Scenario] = scope.item("scenario", scenario)
    return {"revision": stored.revision, **ScenarioRecord(scope, stored).updated,
            "scenario": scenario_to_input(stored.item, scope.profile)}


@use_case
def scenario_input_at(store: Store, viewer: Viewer, cycle: str, scenario: str,
                      number: int) -> dict[str, Any] | None:
    """Revision ``number`` of a scenario in file form as the viewer may see it (what a stale
    edit was made from, to merge it with the current one); None when there is none such."""
    scope = cycle_scope(store, viewer, cycle, Role.ANALYST)
    scope.item("scenario", scenario)
    old = scope.at_revision("scenario", scenario, number)
    if old is None:
        return None
    scope.log_scenario(old)
    out = scenario_to_input(old, scope.profile)
    out["marking"] = scope.scheme.effective(old.marking)
    return out


def scope_of_edit(edited: Mapping[str, Any], shown: Scenario,
                  delete: Collection[str]) -> tuple[Scope | bool | None, dict[str, Any]]:
    """The scope an edit leaves a scenario with, and the edit to resolve: ``False`` when the
    edit gives a scope (resolved with the rest, so a wrong value is refused at ``scope``), the
    scenario's own scope when the edit leaves it out, None when it clears it (empty or null, or
    ``scope`` named in ``delete``)."""
    out = dict(edited)
    if "scope" in delete:
        out.pop("scope", None)
        return None, out
    if "scope" not in out:
        return shown.scope, out
    if out["scope"] in (None, ""):
        out.pop("scope")
        return None, out
    return False, out


DELETABLE = ("likelihood", "narrative", "risk_category")


def without_deleted(raw: Mapping[str, Any], shown: Scenario, delete: Collection[str], *,
                    deletable: Collection[str] = DELETABLE) -> dict[str, Any]:
    """``raw`` less what ``delete`` names (a score ``impact.C`` or one of ``deletable``); what
    the scenario has and ``raw`` lacks without being named is an error at its key."""
    named = set(delete)
    known = {f"impact.{cid}" for cid in shown.impact} | set(deletable)
    unknown = sorted(named - known)
    if unknown:
        raise InvalidInput(f"cannot delete {unknown[0]!r}: the scenario has no such score or "
                           "field", location=["delete"],
                           expected=", ".join(sorted(known)))
    out = {k: v for k, v in raw.items() if k not in named}
    impact = dict(out.get("impact") or {})
    for cid in shown.impact:
        if f"impact.{cid}" in named:
            impact.pop(cid, None)
        elif cid not in impact:
            raise InvalidInput(
                f"the score of criterion {cid} is missing; to delete it, delete it explicitly",
                location=["impact", cid], expected="EV, LL and UL (or an explicit deletion)")
    out["impact"] = impact
    present = {"likelihood": shown.likelihood, "narrative": shown.narrative,
               "risk_category": shown.risk_category}
    for name, value in ((n, present[n]) for n in deletable):
        if value is not None and name not in named and out.get(name) in (None, ""):
            raise InvalidInput(f"the {name.replace('_', ' ')} is missing; to delete it, delete it "
                               "explicitly", location=[name],
                               expected="a value (or an explicit deletion)")
    return out


SCORE_FIELDS = ("impact", "likelihood", "marking")


@use_case
def save_scores(store: Store, viewer: Viewer, cycle: str, scenario: str,
                scores: Mapping[str, Any], *, expected_revision: int,
                reason: str | None = None, source: str = "form",
                delete: Collection[str] = ()) -> int:
    """Save a scenario's scores (``impact``, ``likelihood`` and optionally ``marking``, in file
    form) made against ``expected_revision``; the rest of the scenario stays as it is. The same
    rules as :func:`save_scenario`, which it calls (``delete`` names scores to delete)."""
    scope = cycle_scope(store, viewer, cycle, Role.ANALYST)
    shown: Scenario = scope.item("scenario", scenario).item
    base = scenario_to_input(shown, scope.profile)
    edited = {k: v for k, v in base.items() if k not in (*SCORE_FIELDS, "experts")}
    edited.update({k: v for k, v in scores.items() if k in (*SCORE_FIELDS, "scope")})
    return save_scenario(store, viewer, cycle, scenario, edited,
                         expected_revision=expected_revision, reason=reason, source=source,
                         delete=delete)


__all__ = ["DELETABLE", "NOT_STATED", "SCORE_FIELDS", "ScenarioList", "ScenarioRecord",
           "ScenarioRow", "current_document", "edit_scenario", "get_scenario", "list_scenarios",
           "marking_given", "save_scenario", "save_scores", "scenario_input_at",
           "scope_filter", "scope_of_edit", "without_deleted"]
