"""Cycles in the store: create from a workspace, freeze, clone into a successor, sync, compare.

Every function here is one transaction: it completes, or the database is left as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, insert, select, update

from weerbaar.domain import Cycle, CycleKind, CycleStatus, Scenario, Workspace
from weerbaar.errors import Conflict, InvalidInput
from weerbaar.methods.profile import MethodProfile
from weerbaar.methods.registry import get_profile
from weerbaar.store import audit
from weerbaar.store import scenarios as scen
from weerbaar.store.core import Store, utcnow
from weerbaar.store.records import (
    RevisionInfo,
    cycle_row,
    insert_themes,
    list_revisions,
    load_themes,
    profile_of,
    require_draft,
    store_profile,
    to_cycle,
)
from weerbaar.store.schema import cycles, scenarios, themes

Progress = Callable[[int, int], None]


def _new_cycle(conn: Connection, *, key: str, kind: CycleKind, profile: MethodProfile,
               title: str | None, parent_id: int | None, language: str, illustrative: bool,
               note: str | None, period: tuple[str | None, str | None], actor: str,
               reason: str | None) -> tuple[int, Any]:
    at = utcnow()
    if conn.execute(select(cycles.c.id).where(cycles.c.key == key)).scalar() is not None:
        raise Conflict(f"a cycle {key!r} exists already; choose another key")
    profile_pk = store_profile(conn, profile, at)
    result = conn.execute(insert(cycles).values(
        key=key, title=title, kind=kind.value, parent_id=parent_id, profile_pk=profile_pk,
        period_start=period[0], period_end=period[1], language=language,
        illustrative=illustrative, note=note, status=CycleStatus.DRAFT.value, created_at=at,
        created_by=actor))
    assert result.inserted_primary_key is not None
    audit.append(conn, at=at, actor=actor, action="create", entity_type="cycle", entity_key=key,
                 cycle_key=key, detail={"kind": kind.value, "profile": profile.content_hash,
                                        "reason": reason})
    return int(result.inserted_primary_key[0]), at


def import_workspace(store: Store, workspace: Workspace, *, key: str, kind: CycleKind,
                     actor: str, reason: str | None = None, title: str | None = None,
                     period: tuple[str | None, str | None] = (None, None),
                     profile: MethodProfile | None = None,
                     progress: Progress | None = None) -> Cycle:
    """Create a cycle holding the workspace's themes and scenarios (all or nothing)."""
    profile = profile or get_profile(workspace.profile)
    with store.transaction() as conn:
        cycle_id, at = _new_cycle(
            conn, key=key, kind=kind, profile=profile, title=title or workspace.title,
            parent_id=None, language=workspace.language, illustrative=workspace.illustrative,
            note=workspace.note, period=period, actor=actor, reason=reason)
        insert_themes(conn, cycle_id, workspace.themes)
        total = len(workspace.scenarios)
        for position, scenario in enumerate(workspace.scenarios):
            scen.check_scenario(scenario, workspace.themes, profile)
            scen.insert_scenario(conn, cycle_id=cycle_id, cycle_key=key, scenario=scenario,
                                 position=position, actor=actor, reason=reason, at=at,
                                 action="import")
            if progress is not None:
                progress(position + 1, total)
        return to_cycle(conn, cycle_row(conn, key))


def get_cycle(store: Store, key: str) -> Cycle:
    with store.read() as conn:
        return to_cycle(conn, cycle_row(conn, key))


def list_cycles(store: Store) -> list[Cycle]:
    with store.read() as conn:
        return [to_cycle(conn, r) for r in conn.execute(select(cycles).order_by(cycles.c.id))]


def cycle_workspace(store: Store, key: str, *, include_removed: bool = False
                    ) -> tuple[Workspace, MethodProfile]:
    """The cycle's content as a workspace, with the exact profile it was created with."""
    with store.read() as conn:
        row = cycle_row(conn, key)
        profile = profile_of(conn, row)
        stored = scen.list_stored(conn, row.id, include_removed=include_removed)
        workspace = Workspace(profile=profile.id, title=row.title, language=row.language,
                              illustrative=row.illustrative, note=row.note,
                              themes=load_themes(conn, row.id),
                              scenarios=tuple(s.scenario for s in stored))
        return workspace, profile


def freeze_cycle(store: Store, key: str, *, actor: str, reason: str | None = None) -> Cycle:
    """Publish a cycle: from now on it is read-only."""
    with store.transaction() as conn:
        row = cycle_row(conn, key)
        require_draft(row)
        at = utcnow()
        conn.execute(update(cycles).where(cycles.c.id == row.id).values(
            status=CycleStatus.FROZEN.value, frozen_at=at, frozen_by=actor))
        audit.append(conn, at=at, actor=actor, action="freeze", entity_type="cycle",
                     entity_key=key, cycle_key=key, detail={"reason": reason})
        return to_cycle(conn, cycle_row(conn, key))


def clone_cycle(store: Store, parent_key: str, key: str, *, kind: CycleKind, actor: str,
                title: str | None = None, reason: str | None = None,
                period: tuple[str | None, str | None] = (None, None)) -> Cycle:
    """Start a successor cycle as a copy of ``parent_key``; every scenario remembers its origin."""
    with store.transaction() as conn:
        parent = cycle_row(conn, parent_key)
        profile = profile_of(conn, parent)
        cycle_id, at = _new_cycle(
            conn, key=key, kind=kind, profile=profile, title=title, parent_id=parent.id,
            language=parent.language, illustrative=parent.illustrative, note=parent.note,
            period=period, actor=actor, reason=reason or f"cloned from {parent_key}")
        insert_themes(conn, cycle_id, load_themes(conn, parent.id))
        origin_ids = {r.key: r.id for r in conn.execute(
            select(scenarios.c.key, scenarios.c.id).where(scenarios.c.cycle_id == parent.id))}
        for stored in scen.list_stored(conn, parent.id):
            scen.insert_scenario(conn, cycle_id=cycle_id, cycle_key=key,
                                 scenario=stored.scenario, position=stored.position,
                                 actor=actor, reason=f"cloned from {parent_key}", at=at,
                                 origin_id=origin_ids[stored.scenario.id], action="clone")
        return to_cycle(conn, cycle_row(conn, key))


@dataclass(frozen=True)
class SyncReport:
    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    unchanged: int = 0


def apply_workspace(store: Store, key: str, workspace: Workspace, *, actor: str,
                    reason: str | None = None, progress: Progress | None = None) -> SyncReport:
    """Bring a draft cycle in line with a workspace: add, change and remove scenarios.

    Each change is a new revision carrying ``reason``; removed scenarios stay in the history.
    """
    with store.transaction() as conn:
        row = cycle_row(conn, key)
        require_draft(row)
        profile = profile_of(conn, row)
        if workspace.profile != profile.id:
            raise InvalidInput(f"workspace is for profile {workspace.profile!r}, cycle {key!r} "
                               f"uses {profile.id!r}", location=["profile"])
        current_themes = load_themes(conn, row.id)
        if workspace.themes != current_themes:
            _replace_themes(conn, row.id, key, workspace, actor, reason)
        at = utcnow()
        stored = {s.scenario.id: s for s in scen.list_stored(conn, row.id, include_removed=True)}
        added, changed, removed, unchanged = [], [], [], 0
        total = len(workspace.scenarios)
        for position, scenario in enumerate(workspace.scenarios):
            scen.check_scenario(scenario, workspace.themes, profile)
            old = stored.pop(scenario.id, None)
            if old is None:
                scen.insert_scenario(conn, cycle_id=row.id, cycle_key=key, scenario=scenario,
                                     position=position, actor=actor, reason=reason, at=at)
                added.append(scenario.id)
            elif old.scenario != scenario or old.removed:
                scen.write(conn, cycle_id=row.id, cycle_key=key, scenario=scenario,
                           expected_revision=old.revision, actor=actor, reason=reason, at=at)
                changed.append(scenario.id)
            else:
                unchanged += 1
            if progress is not None:
                progress(position + 1, total)
        for left in stored.values():
            if not left.removed:
                scen.write(conn, cycle_id=row.id, cycle_key=key, scenario=left.scenario,
                           expected_revision=left.revision, actor=actor, reason=reason, at=at,
                           removed=True, action="remove")
                removed.append(left.scenario.id)
        return SyncReport(tuple(added), tuple(changed), tuple(removed), unchanged)


def _replace_themes(conn: Connection, cycle_id: int, key: str, workspace: Workspace,
                    actor: str, reason: str | None) -> None:
    used = {r.theme_key for r in conn.execute(select(scenarios.c.theme_key).where(
        scenarios.c.cycle_id == cycle_id, scenarios.c.removed.is_(False)))}
    missing = used - {t.id for t in workspace.themes} - {s.theme for s in workspace.scenarios}
    if missing:
        raise InvalidInput(f"themes {sorted(missing)} are still used by scenarios",
                           location=["themes"])
    before = [t.model_dump(mode="json") for t in load_themes(conn, cycle_id)]
    conn.execute(themes.delete().where(themes.c.cycle_id == cycle_id))
    insert_themes(conn, cycle_id, workspace.themes)
    audit.append(conn, at=utcnow(), actor=actor, action="update", entity_type="themes",
                 entity_key=key, cycle_key=key,
                 detail={"reason": reason, "before": before,
                         "after": [t.model_dump(mode="json") for t in workspace.themes]})


def update_scenario(store: Store, key: str, scenario: Scenario, *, expected_revision: int,
                    actor: str, reason: str | None = None) -> int:
    """Save an edited scenario made against ``expected_revision`` (Conflict when stale)."""
    with store.transaction() as conn:
        row = cycle_row(conn, key)
        require_draft(row)
        scen.check_scenario(scenario, load_themes(conn, row.id), profile_of(conn, row))
        return scen.write(conn, cycle_id=row.id, cycle_key=key, scenario=scenario,
                          expected_revision=expected_revision, actor=actor, reason=reason,
                          at=utcnow())


def get_scenario(store: Store, key: str, scenario_id: str) -> scen.StoredScenario:
    with store.read() as conn:
        return scen.get(conn, cycle_row(conn, key).id, key, scenario_id)


def scenario_history(store: Store, key: str, scenario_id: str) -> list[RevisionInfo]:
    with store.read() as conn:
        return scen.history(conn, cycle_row(conn, key).id, key, scenario_id)


def diff_revisions(store: Store, key: str, scenario_id: str, a: int, b: int
                   ) -> list[scen.Change]:
    with store.read() as conn:
        cid = cycle_row(conn, key).id
        return scen.diff_snapshots(scen.revision(conn, cid, key, scenario_id, a).snapshot,
                                   scen.revision(conn, cid, key, scenario_id, b).snapshot)


def restore_revision(store: Store, key: str, scenario_id: str, number: int, *,
                     expected_revision: int, actor: str, reason: str | None = None) -> int:
    """Make an old revision current again, as a new revision (history is never rewritten)."""
    with store.transaction() as conn:
        row = cycle_row(conn, key)
        require_draft(row)
        old = scen.revision(conn, row.id, key, scenario_id, number)
        scenario = Scenario.model_validate(old.snapshot["scenario"])
        return scen.write(conn, cycle_id=row.id, cycle_key=key, scenario=scenario,
                          expected_revision=expected_revision, actor=actor,
                          reason=reason or f"restored revision {number}", at=utcnow(),
                          removed=bool(old.snapshot.get("removed")), action="restore")


@dataclass(frozen=True)
class ScenarioChange:
    scenario: str
    status: str  # new, changed, removed
    changes: tuple[scen.Change, ...] = ()
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class CycleComparison:
    cycle: str
    parent: str | None
    items: tuple[ScenarioChange, ...] = field(default=())
    unchanged: int = 0

    def of(self, status: str) -> list[ScenarioChange]:
        return [i for i in self.items if i.status == status]


def compare_with_parent(store: Store, key: str) -> CycleComparison:
    """What is new, changed and removed in a cycle relative to the cycle it was cloned from."""
    with store.read() as conn:
        row = cycle_row(conn, key)
        if row.parent_id is None:
            return CycleComparison(cycle=key, parent=None)
        parent_key = conn.execute(select(cycles.c.key).where(cycles.c.id == row.parent_id)
                                  ).scalar_one()
        parent_rows = {r.id: r for r in conn.execute(
            select(scenarios).where(scenarios.c.cycle_id == row.parent_id))}
        items: list[ScenarioChange] = []
        unchanged = 0
        seen_origins: set[int] = set()
        for r in conn.execute(select(scenarios).where(scenarios.c.cycle_id == row.id)
                              .order_by(scenarios.c.position, scenarios.c.id)):
            reasons = tuple(dict.fromkeys(
                rev.reason for rev in list_revisions(conn, scen.ENTITY, r.id)
                if rev.number > 1 and rev.reason))
            origin = parent_rows.get(r.origin_id) if r.origin_id is not None else None
            if origin is not None:
                seen_origins.add(origin.id)
            if r.removed:
                if origin is not None and not origin.removed:
                    items.append(ScenarioChange(r.key, "removed", reasons=reasons))
                continue
            if origin is None or origin.removed:
                items.append(ScenarioChange(r.key, "new", reasons=reasons))
                continue
            changes = scen.diff_snapshots({"scenario": origin.document},
                                          {"scenario": r.document})
            if changes:
                items.append(ScenarioChange(r.key, "changed", tuple(changes), reasons))
            else:
                unchanged += 1
        for pid, prow in parent_rows.items():
            if pid not in seen_origins and not prow.removed:
                items.append(ScenarioChange(prow.key, "removed"))
        return CycleComparison(cycle=key, parent=parent_key, items=tuple(items),
                               unchanged=unchanged)
