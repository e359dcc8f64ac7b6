"""Use cases of the step to the next method: a successor cycle carried to another method profile
through a crosswalk, and the shipped crosswalks.

:func:`clone_to_profile` starts a successor cycle like :func:`~weerbaar.services.cycles.clone_cycle`
(the coordinator role, on a new key), but on another method profile: the parent's content is
carried through the crosswalk of the two profiles (:func:`weerbaar.methods.crosswalk.carry_workspace`):
scores land on their target criterion or go to the unmapped list with the reason, themes are
kept, renamed or merged, the target's new criteria stay unscored, and the change list says all
of it. The new cycle records the crosswalk (id, profiles, content hash). The carrying rewrites
the whole cycle, so the viewer must see all of the parent's content (as for bringing a cycle in
line with a workspace). A pair of profiles without a crosswalk is refused, naming both and the
crosswalks there are. With the parent's own profile it is the ordinary clone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from weerbaar.domain import Cycle, CycleKind, Role, Signal
from weerbaar.errors import Conflict
from weerbaar.methods.crosswalk import (
    CarriedWorkspace,
    Crosswalk,
    carry_workspace,
    crosswalk_ids,
    get_crosswalk,
)
from weerbaar.methods.registry import get_profile
from weerbaar.services.cycles import (
    CLONED_KINDS,
    Period,
    _creator,
    clone_cycle,
    require_whole_view,
)
from weerbaar.services.registry import use_case
from weerbaar.services.scope import cycle_scope
from weerbaar.services.viewer import Viewer
from weerbaar.store import Store
from weerbaar.store import cycles as repo
from weerbaar.store import documents as docs
from weerbaar.store.records import cycle_row, insert_themes, to_cycle
from weerbaar.store.scenarios import check_scenario
from weerbaar.store.signals import SIGNAL
from weerbaar.store.threat_levels import check_threat_level


@dataclass(frozen=True)
class ProfileClone:
    """A successor cycle on another method profile and what changed on the way.

    ``cycle`` is ``None`` for a dry run; ``carried`` is ``None`` when the profile was the
    parent's own (an ordinary clone)."""

    parent: str
    key: str
    cycle: Cycle | None
    carried: CarriedWorkspace | None

    def to_dict(self) -> dict[str, Any]:
        return {"parent": self.parent, "key": self.key,
                "cycle": self.cycle.model_dump(mode="json") if self.cycle is not None else None,
                "dry_run": self.cycle is None,
                **(self.carried.to_dict() if self.carried is not None else {"crosswalk": None})}


@use_case
def list_crosswalks(viewer: Viewer) -> list[Crosswalk]:
    """The shipped crosswalks between method profiles (package data)."""
    del viewer  # package data: anyone may read it
    return [get_crosswalk(*name.split("--", 1)) for name in crosswalk_ids()]


@use_case
def clone_to_profile(store: Store, viewer: Viewer, parent: str, key: str, *, profile: str,
                     kind: CycleKind, title: str | None = None, reason: str | None = None,
                     period: Period = (None, None), dry_run: bool = False) -> ProfileClone:
    """Start a successor cycle of ``parent`` on method profile ``profile``, its content carried
    through the crosswalk of the two profiles; with ``dry_run`` every check runs and the change
    list is returned, but nothing is written."""
    _creator(viewer, key)
    scope = cycle_scope(store, viewer, parent, Role.COORDINATOR)
    source = scope.whole()[1]
    target = get_profile(profile)
    if target.id == source.id:
        cycle = None if dry_run else clone_cycle(store, viewer, parent, key, kind=kind,
                                                 title=title, reason=reason, period=period)
        return ProfileClone(parent, key, cycle, None)
    crosswalk = get_crosswalk(source.id, target.id)
    require_whole_view(scope)
    workspace = scope.whole()[0]
    carried = carry_workspace(workspace, crosswalk, source, target)
    for scenario in carried.workspace.scenarios:
        check_scenario(scenario, carried.workspace.themes, target)
    if carried.workspace.threat_level is not None:
        check_threat_level(carried.workspace.threat_level, carried.workspace.themes)
    scope.log_workspace(workspace)
    if dry_run:
        return ProfileClone(parent, key, None, carried)
    why = reason or (f"cloned from {parent} and carried from {source.id} to {target.id} "
                     f"through crosswalk {crosswalk.id}")
    with store.transaction() as tx:
        row = cycle_row(tx, parent)
        cycle_id, at = repo.insert_cycle(
            tx, key=key, kind=kind, profile=target, title=title, parent_id=row.id,
            language=row.language, illustrative=row.illustrative, note=row.note, period=period,
            actor=viewer.name, reason=why, crosswalk=crosswalk.record())
        insert_themes(tx, cycle_id, carried.workspace.themes)
        for doc_kind in repo.KINDS:
            stored = {doc_kind.key_of(s.item): s for s in docs.list_stored(tx, doc_kind, row.id)}
            if [s.item for s in stored.values()] != list(repo.documents_of(workspace, doc_kind)):
                raise Conflict(f"cycle {parent!r} changed while it was carried; nothing was "
                               "written, try again")
            items = []
            for position, item in enumerate(repo.documents_of(carried.workspace, doc_kind)):
                origin_key = doc_kind.key_of(item)
                if doc_kind.entity == "review":
                    origin_key = carried.review_origins.get(origin_key, origin_key)
                origin = stored.get(origin_key)
                items.append((item, origin.position if origin is not None else position,
                              origin.pk if origin is not None else None))
            docs.insert_documents(tx, doc_kind, cycle_id=cycle_id, cycle_key=key, items=items,
                                  actor=viewer.name, reason=why, at=at, action="clone")
        signals: list[tuple[Signal, int, int | None]] = []
        for s in docs.list_stored(tx, SIGNAL, row.id):
            themes = tuple(dict.fromkeys(carried.themes.get(t, t) for t in s.item.themes))
            item = s.item if themes == s.item.themes else s.item.model_copy(
                update={"themes": themes})
            signals.append((item, s.position, s.pk))
        docs.insert_documents(tx, SIGNAL, cycle_id=cycle_id, cycle_key=key, items=signals,
                              actor=viewer.name, reason=why, at=at, action="clone")
        for doc_kind in CLONED_KINDS:  # the vital catalogue: copied as it is
            if doc_kind in repo.KINDS or doc_kind is SIGNAL:
                continue
            repo.copy_documents(tx, doc_kind, source_id=row.id, cycle_id=cycle_id,
                                cycle_key=key, actor=viewer.name, reason=why, at=at)
        return ProfileClone(parent, key, to_cycle(tx, cycle_row(tx, key)), carried)


__all__ = ["ProfileClone", "clone_to_profile", "list_crosswalks"]
