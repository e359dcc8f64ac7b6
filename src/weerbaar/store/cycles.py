"""Cycles in the store: create one from a workspace, read one as a workspace, list them; and the
pieces the cycle use cases (``weerbaar.services.cycles``: freeze, clone, apply) are made of.

The functions taking a store are one transaction each: they complete, or the database is left
as it was; those taking a connection run inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Connection, Row, insert, select, update

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
    store_profile,
    to_cycle,
)
from weerbaar.store.scenarios import MEASURE, REVIEW, SCENARIO, check_scenario
from weerbaar.store.schema import cycles, scenarios, themes
from weerbaar.store.settings import scheme_of
from weerbaar.store.signals import SIGNAL
from weerbaar.store.strategy_texts import STRATEGY_TEXT
from weerbaar.store.threat_levels import THREAT_LEVEL, check_threat_level

Progress = Callable[[int, int], None]
KINDS: tuple[docs.DocumentKind[Any], ...] = (SCENARIO, REVIEW, MEASURE, THREAT_LEVEL,
                                              STRATEGY_TEXT)
BATCH = 50  # documents per batched insert: progress stays visible, statements stay small


def insert_cycle(conn: Connection, *, key: str, kind: CycleKind, profile: MethodProfile,
               title: str | None, parent_id: int | None, language: str, illustrative: bool,
               note: str | None, period: tuple[str | None, str | None], actor: str,
               reason: str | None, crosswalk: dict[str, str] | None = None
               ) -> tuple[int, datetime]:
    """Insert a new (draft) cycle; its id and creation time. A key in use is a Conflict.
    ``crosswalk`` records the crosswalk a cycle was carried through (id, profiles, hash)."""
    at = utcnow()
    if conn.execute(select(cycles.c.id).where(cycles.c.key == key)).scalar() is not None:
        raise Conflict(f"a cycle {key!r} exists already; choose another key")
    profile_pk = store_profile(conn, profile, at)
    result = conn.execute(insert(cycles).values(
        key=key, title=title, kind=kind.value, parent_id=parent_id, profile_pk=profile_pk,
        period_start=period[0], period_end=period[1], language=language,
        illustrative=illustrative, note=note, status=CycleStatus.DRAFT.value, created_at=at,
        created_by=actor, crosswalk=crosswalk))
    assert result.inserted_primary_key is not None
    detail: dict[str, object] = {"kind": kind.value, "profile": profile.content_hash,
                                 "reason": reason}
    if crosswalk is not None:
        detail["crosswalk"] = crosswalk
    audit.append(conn, at=at, actor=actor, action="create", entity_type="cycle", entity_key=key,
                 cycle_key=key, detail=detail)
    return int(result.inserted_primary_key[0]), at


def documents_of(workspace: Workspace, kind: docs.DocumentKind[Any]) -> Sequence[BaseModel]:
    """The workspace's documents of one kind."""
    threat_level = () if workspace.threat_level is None else (workspace.threat_level,)
    strategy_text = () if workspace.strategy_text is None else (workspace.strategy_text,)
    return {"scenario": workspace.scenarios, "review": workspace.reviews,
            "measure": workspace.measures, "threat_level": threat_level,
            "strategy_text": strategy_text}[kind.entity]


def import_workspace(store: Store, workspace: Workspace, *, key: str, kind: CycleKind,
                     actor: str, reason: str | None = None, title: str | None = None,
                     period: tuple[str | None, str | None] = (None, None),
                     profile: MethodProfile | None = None,
                     progress: Progress | None = None) -> Cycle:
    """Create a cycle holding the workspace's themes, scenarios, reviews and measures."""
    profile = profile or get_profile(workspace.profile)
    with store.transaction() as conn:
        cycle_id, at = insert_cycle(
            conn, key=key, kind=kind, profile=profile, title=title or workspace.title,
            parent_id=None, language=workspace.language, illustrative=workspace.illustrative,
            note=workspace.note, period=period, actor=actor, reason=reason)
        insert_themes(conn, cycle_id, workspace.themes)
        total = sum(len(documents_of(workspace, k)) for k in KINDS)
        done = 0
        for doc_kind in KINDS:
            items = list(documents_of(workspace, doc_kind))
            if doc_kind is SCENARIO:
                for scenario in workspace.scenarios:
                    check_scenario(scenario, workspace.themes, profile)
            if doc_kind is THREAT_LEVEL and workspace.threat_level is not None:
                check_threat_level(workspace.threat_level, workspace.themes)
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
                              reviews=found["review"], measures=found["measure"],
                              threat_level=next(iter(found["threat_level"]), None),
                              strategy_text=next(iter(found["strategy_text"]), None))
        if clearance is not None:
            scheme = scheme_of(conn)
            signals = {s.item.id for s in docs.list_stored(conn, SIGNAL, row.id)
                       if scheme.allows(clearance, s.item.marking)}
            workspace = redact_workspace(workspace, scheme, clearance, signals=signals)
        return workspace, profile


def set_frozen(conn: Connection, row: Row[Any], *, actor: str, reason: str | None) -> None:
    """Mark the cycle of ``row`` frozen (published), audited."""
    at = utcnow()
    conn.execute(update(cycles).where(cycles.c.id == row.id).values(
        status=CycleStatus.FROZEN.value, frozen_at=at, frozen_by=actor))
    audit.append(conn, at=at, actor=actor, action="freeze", entity_type="cycle",
                 entity_key=row.key, cycle_key=row.key, detail={"reason": reason})


def copy_documents(conn: Connection, kind: docs.DocumentKind[Any], *, source_id: int,
                   cycle_id: int, cycle_key: str, actor: str, reason: str | None,
                   at: datetime) -> None:
    """Copy the current documents of one kind from cycle ``source_id`` into a new cycle; each
    copy remembers its origin."""
    docs.insert_documents(
        conn, kind, cycle_id=cycle_id, cycle_key=cycle_key,
        items=[(s.item, s.position, s.pk) for s in docs.list_stored(conn, kind, source_id)],
        actor=actor, reason=reason, at=at, action="clone")


def replace_themes(conn: Connection, cycle_id: int, key: str, workspace: Workspace,
                   actor: str, reason: str | None) -> None:
    """Replace a cycle's themes (refused while a scenario still uses a theme that goes)."""
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
