"""Cycles in the store: create from a workspace, freeze, clone into a successor, sync.

Every function here is one transaction: it completes, or the database is left as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Connection, insert, select, update

from weerbaar.domain import Cycle, CycleKind, CycleStatus, Workspace
from weerbaar.domain.need_to_know import redact_workspace
from weerbaar.errors import Conflict, InvalidInput
from weerbaar.methods.profile import MethodProfile
from weerbaar.methods.registry import get_profile
from weerbaar.store import audit
from weerbaar.store import documents as docs
from weerbaar.store.core import Store, utcnow
from weerbaar.store.records import (
    cycle_row,
    insert_themes,
    load_themes,
    profile_of,
    require_draft,
    store_profile,
    to_cycle,
)
from weerbaar.store.scenarios import MEASURE, REVIEW, SCENARIO, check_scenario
from weerbaar.store.schema import cycles, scenarios, themes
from weerbaar.store.settings import scheme_of
from weerbaar.store.signals import SIGNAL
from weerbaar.store.vital import DEPENDENCY, PROCESS

Progress = Callable[[int, int], None]
KINDS: tuple[docs.DocumentKind[Any], ...] = (SCENARIO, REVIEW, MEASURE)
BATCH = 50  # documents per batched insert: progress stays visible, statements stay small


def _new_cycle(conn: Connection, *, key: str, kind: CycleKind, profile: MethodProfile,
               title: str | None, parent_id: int | None, language: str, illustrative: bool,
               note: str | None, period: tuple[str | None, str | None], actor: str,
               reason: str | None) -> tuple[int, datetime]:
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


def _items(workspace: Workspace, kind: docs.DocumentKind[Any]) -> Sequence[BaseModel]:
    return {"scenario": workspace.scenarios, "review": workspace.reviews,
            "measure": workspace.measures}[kind.entity]


def import_workspace(store: Store, workspace: Workspace, *, key: str, kind: CycleKind,
                     actor: str, reason: str | None = None, title: str | None = None,
                     period: tuple[str | None, str | None] = (None, None),
                     profile: MethodProfile | None = None,
                     progress: Progress | None = None) -> Cycle:
    """Create a cycle holding the workspace's themes, scenarios, reviews and measures."""
    profile = profile or get_profile(workspace.profile)
    with store.transaction() as conn:
        cycle_id, at = _new_cycle(
            conn, key=key, kind=kind, profile=profile, title=title or workspace.title,
            parent_id=None, language=workspace.language, illustrative=workspace.illustrative,
            note=workspace.note, period=period, actor=actor, reason=reason)
        insert_themes(conn, cycle_id, workspace.themes)
        total = len(workspace.scenarios) + len(workspace.reviews) + len(workspace.measures)
        done = 0
        for doc_kind in KINDS:
            items = list(_items(workspace, doc_kind))
            if doc_kind is SCENARIO:
                for scenario in workspace.scenarios:
                    check_scenario(scenario, workspace.themes, profile)
            for start in range(0, len(items), BATCH):
                batch = items[start:start + BATCH]
                docs.insert_documents(
                    conn, doc_kind, cycle_id=cycle_id, cycle_key=key,
                    items=[(item, start + i, None) for i, item in enumerate(batch)],
                    actor=actor, reason=reason, at=at, action="import")
                done += len(batch)
                if progress is not None:
                    progress(done, total)
        return to_cycle(conn, cycle_row(conn, key))


def get_cycle(store: Store, key: str) -> Cycle:
    with store.read() as conn:
        return to_cycle(conn, cycle_row(conn, key))


def list_cycles(store: Store) -> list[Cycle]:
    with store.read() as conn:
        return [to_cycle(conn, r) for r in conn.execute(select(cycles).order_by(cycles.c.id))]


def cycle_workspace(store: Store, key: str, *,
                    clearance: str | None = None) -> tuple[Workspace, MethodProfile]:
    """The cycle's content as a workspace, with the exact profile it was created with.

    With a ``clearance``, only what someone with that clearance may see (need-to-know)."""
    with store.read() as conn:
        row = cycle_row(conn, key)
        profile = profile_of(conn, row)
        found = {k.entity: tuple(s.item for s in docs.list_stored(conn, k, row.id))
                 for k in KINDS}
        workspace = Workspace(profile=profile.id, title=row.title, language=row.language,
                              illustrative=row.illustrative, note=row.note,
                              themes=load_themes(conn, row.id), scenarios=found["scenario"],
                              reviews=found["review"], measures=found["measure"])
        if clearance is not None:
            scheme = scheme_of(conn)
            signals = {s.item.id for s in docs.list_stored(conn, SIGNAL, row.id)
                       if scheme.allows(clearance, s.item.marking)}
            workspace = redact_workspace(workspace, scheme, clearance, signals=signals)
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
    """Start a successor cycle as a copy of ``parent_key``; every document remembers its origin."""
    with store.transaction() as conn:
        parent = cycle_row(conn, parent_key)
        profile = profile_of(conn, parent)
        why = reason or f"cloned from {parent_key}"
        cycle_id, at = _new_cycle(
            conn, key=key, kind=kind, profile=profile, title=title, parent_id=parent.id,
            language=parent.language, illustrative=parent.illustrative, note=parent.note,
            period=period, actor=actor, reason=why)
        insert_themes(conn, cycle_id, load_themes(conn, parent.id))
        # the horizon scan and the vital catalogue (processes, dependencies) carry over too
        for doc_kind in (*KINDS, SIGNAL, PROCESS, DEPENDENCY):
            docs.insert_documents(
                conn, doc_kind, cycle_id=cycle_id, cycle_key=key,
                items=[(s.item, s.position, s.pk)
                       for s in docs.list_stored(conn, doc_kind, parent.id)],
                actor=actor, reason=why, at=at, action="clone")
        return to_cycle(conn, cycle_row(conn, key))


@dataclass(frozen=True)
class SyncReport:
    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    unchanged: int = 0


class _DryRun(Exception):
    def __init__(self, report: SyncReport) -> None:
        self.report = report


def apply_workspace(store: Store, key: str, workspace: Workspace, *, actor: str,
                    reason: str | None = None, progress: Progress | None = None,
                    dry_run: bool = False) -> SyncReport:
    """Bring a draft cycle in line with a workspace: add, change and remove documents.

    Each change is a new revision carrying ``reason``; removed documents stay in the history.
    Reports scenario, review and measure keys as ``scenario:ID``, ``review:THEME``, ...
    With ``dry_run`` every check runs and the report is returned, but nothing is written.
    """
    try:
        return _apply(store, key, workspace, actor=actor, reason=reason, progress=progress,
                      dry_run=dry_run)
    except _DryRun as done:
        return done.report


def _apply(store: Store, key: str, workspace: Workspace, *, actor: str, reason: str | None,
           progress: Progress | None, dry_run: bool) -> SyncReport:
    with store.transaction() as conn:
        row = cycle_row(conn, key)
        require_draft(row)
        profile = profile_of(conn, row)
        if workspace.profile != profile.id:
            raise InvalidInput(f"workspace is for profile {workspace.profile!r}, cycle {key!r} "
                               f"uses {profile.id!r}", location=["profile"])
        if workspace.themes != load_themes(conn, row.id):
            _replace_themes(conn, row.id, key, workspace, actor, reason)
        at = utcnow()
        added: list[str] = []
        changed: list[str] = []
        removed: list[str] = []
        unchanged = 0
        for doc_kind in KINDS:
            stored = {doc_kind.key_of(s.item): s for s in
                      docs.list_stored(conn, doc_kind, row.id, include_removed=True)}
            for position, item in enumerate(_items(workspace, doc_kind)):
                if doc_kind is SCENARIO:
                    check_scenario(item, workspace.themes, profile)  # type: ignore[arg-type]
                name = f"{doc_kind.entity}:{doc_kind.key_of(item)}"
                old = stored.pop(doc_kind.key_of(item), None)
                if old is None:
                    docs.insert_document(conn, doc_kind, cycle_id=row.id, cycle_key=key,
                                         item=item, position=position, actor=actor,
                                         reason=reason, at=at)
                    added.append(name)
                elif old.item != item or old.removed:
                    docs.write(conn, doc_kind, cycle_id=row.id, cycle_key=key, item=item,
                               expected_revision=old.revision, actor=actor, reason=reason,
                               at=at)
                    changed.append(name)
                else:
                    unchanged += 1
                if progress is not None:
                    progress(len(added) + len(changed) + unchanged, -1)
            for left in stored.values():
                if not left.removed:
                    docs.write(conn, doc_kind, cycle_id=row.id, cycle_key=key, item=left.item,
                               expected_revision=left.revision, actor=actor, reason=reason,
                               at=at, removed=True, action="remove")
                    removed.append(f"{doc_kind.entity}:{doc_kind.key_of(left.item)}")
        report = SyncReport(tuple(added), tuple(changed), tuple(removed), unchanged)
        if dry_run:
            raise _DryRun(report)  # leaving the block this way rolls the transaction back
        return report


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
