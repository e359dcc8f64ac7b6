"""One cycle as one viewer may see it, for the length of one use case.

:func:`cycle_scope` is where every use case on a cycle starts: it checks the role the use case
needs, finds the viewer's clearance on the cycle and gives the content at that clearance; what a
use case shows it logs through :meth:`CycleScope.log`. A use case cannot get a cycle's content
any other way without bypassing this module, so need-to-know and read logging hold for every
face and every new route.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from weerbaar.domain import ClassificationScheme, Cycle, CycleStatus, Role, Workspace
from weerbaar.domain.limits import stored_data
from weerbaar.domain.need_to_know import (
    Marked,
    marked_items,
    scenario_markings,
    visible_scenario,
)
from weerbaar.domain.scenario import Scenario
from weerbaar.domain.signal import Signal
from weerbaar.errors import NotFound, PermissionDenied
from weerbaar.methods.profile import MethodProfile
from weerbaar.services.cache import Token, change_token, derived
from weerbaar.services.viewer import Viewer
from weerbaar.services.visibility import check_marking_allowed, log_reads
from weerbaar.store import Store, cycle_workspace, get, get_cycle, list_cycles, revision
from weerbaar.store.documents import Stored
from weerbaar.store.edits import kind_named
from weerbaar.store.settings import classification_scheme


def scheme_at(store: Store, token: Token) -> ClassificationScheme:
    """The classification scheme in force, kept while the database is unchanged."""
    return derived(store, ("scheme",), token, lambda: classification_scheme(store))


def cycles_at(store: Store, token: Token) -> list[Cycle]:
    """Every cycle, kept while the database is unchanged (do not modify the list)."""
    return derived(store, ("cycles",), token, lambda: list_cycles(store))


@dataclass
class CycleScope:
    """A cycle's content at the viewer's clearance, and the read log of what is shown."""

    store: Store
    viewer: Viewer
    key: str
    token: Token
    scheme: ClassificationScheme
    clearance: str | None  # None: the system operator without a cap (everything)
    _cycle: Cycle | None = field(default=None, repr=False)

    @property
    def cycle(self) -> Cycle:
        if self._cycle is None:
            found = next((c for c in cycles_at(self.store, self.token) if c.key == self.key),
                         None)
            self._cycle = found if found is not None else get_cycle(self.store, self.key)
        return self._cycle

    def may(self, role: Role) -> bool:
        return self.viewer.may(role, self.key)

    def sees(self, marking: str | None) -> bool:
        return self.clearance is None or self.scheme.allows(self.clearance, marking)

    def workspace(self) -> tuple[Workspace, MethodProfile]:
        """The cycle's content as the viewer may see it (kept while the database is unchanged;
        do not modify it)."""
        return derived(self.store, ("workspace", self.key, self.clearance), self.token,
                       lambda: cycle_workspace(self.store, self.key, clearance=self.clearance))

    def whole(self) -> tuple[Workspace, MethodProfile]:
        """The cycle's whole content, for the rules that keep what the viewer cannot see;
        never shown to the viewer."""
        return derived(self.store, ("workspace", self.key, None), self.token,
                       lambda: cycle_workspace(self.store, self.key))

    @property
    def profile(self) -> MethodProfile:
        return self.workspace()[1]

    def stored(self, kind: str, key: str) -> Stored[Any]:
        """A scenario, review or measure as stored (whole; for the rules, never shown)."""
        return get(self.store, self.key, kind, key)

    def item(self, kind: str, key: str) -> Stored[Any]:
        """A stored scenario, review or measure as the viewer sees it; one above the clearance
        is "not found", worded exactly as for a key that does not exist."""
        stored: Stored[Any] = self.stored(kind, key)
        if self.clearance is None:
            return stored
        workspace, _ = self.workspace()
        items: Iterable[Any] = (workspace.scenarios if kind == "scenario" else
                                workspace.reviews if kind == "review" else workspace.measures)
        seen = next((i for i in items
                     if (i.theme if kind == "review" else i.id) == key), None)
        if seen is None:
            raise NotFound(f"cycle {self.key!r} has no {kind} {key!r}")
        return replace(stored, item=seen)

    def at_revision(self, kind: str, key: str, number: int) -> Any | None:
        """Revision ``number`` of a scenario, review or measure as the viewer may see it (for
        merging a stale edit); None when it does not exist or was marked above the
        clearance."""
        try:
            snapshot = revision(self.store, self.key, kind, key, number).snapshot
        except NotFound:
            return None
        with stored_data():  # as stored, without the limits on input
            item = kind_named(kind).model.model_validate(snapshot["document"])
        if self.clearance is None:
            return item
        if isinstance(item, Scenario):
            return visible_scenario(item, self.scheme, self.clearance)
        return item if self.sees(getattr(item, "marking", None)) else None

    def require_draft(self) -> Cycle:
        """The cycle, if it is a draft: a frozen (published) cycle is read-only."""
        if self.cycle.status is CycleStatus.FROZEN:
            raise PermissionDenied(f"cycle {self.key!r} is frozen (published) and read-only; "
                                   "clone it into a successor cycle to make changes")
        return self.cycle

    def markings(self) -> list[str]:
        """The markings the viewer may give (up to their clearance)."""
        return [m for m in self.scheme.levels if self.sees(m)]

    def marking_choices(self) -> dict[str, Any]:
        """What a page needs to show markings and offer them in a form: the scheme, and the
        markings the viewer may give."""
        return {"scheme": self.scheme, "markings": self.markings()}

    def check_marking(self, marking: str | None, location: str = "marking") -> None:
        """Refuse a marking the scheme lacks or one above the viewer's clearance."""
        check_marking_allowed(self.scheme, self.clearance, marking, location)

    # -- the read log -----------------------------------------------------------------------

    def log(self, items: Iterable[Marked]) -> None:
        """Write the reads of marked content the viewer is shown to the read log."""
        log_reads(self.store, actor=self.viewer.name, cycle=self.key,
                  channel=self.viewer.channel, items=items, within=self.scheme)

    def log_scenario(self, scenario: Scenario) -> None:
        self.log(scenario_markings(scenario, self.scheme))

    def log_workspace(self, workspace: Workspace | None = None,
                      signals: Iterable[Signal] = ()) -> None:
        shown = workspace if workspace is not None else self.workspace()[0]
        self.log(marked_items(shown, self.scheme, tuple(signals)))


def cycle_scope(store: Store, viewer: Viewer, key: str, role: Role = Role.VIEWER, *,
                token: Token | None = None) -> CycleScope:
    """The scope of a use case on cycle ``key`` that needs ``role`` (refused otherwise; an
    unknown cycle is "not found" for those who hold the role everywhere)."""
    viewer.require(role, key)
    at = token if token is not None else change_token(store)
    scheme = scheme_at(store, at)
    scope = CycleScope(store, viewer, key, at, scheme, viewer.clearance_on(key, scheme))
    scope.cycle  # noqa: B018 - an unknown cycle is NotFound here, before any other work
    return scope


def lower_clearance(scope: CycleScope, other: CycleScope) -> CycleScope:
    """``scope`` at the lower of the two scopes' clearances (a comparison of two cycles shows
    only what the viewer may see in both)."""
    if scope.clearance is None:
        return replace(scope, clearance=other.clearance)
    if other.clearance is None:
        return scope
    lower = min(scope.clearance, other.clearance, key=scope.scheme.rank)
    return scope if lower == scope.clearance else replace(scope, clearance=lower)


__all__ = ["CycleScope", "cycle_scope", "cycles_at", "lower_clearance", "scheme_at"]
