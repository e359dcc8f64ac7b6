"""Rows to domain objects and back; revisions (immutable snapshots) shared by every entity."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, insert, select

from weerbaar.domain import Cycle, CycleKind, CycleStatus, LocalText, RiskCategory, Theme, ThemeKind
from weerbaar.errors import NotFound, PermissionDenied
from weerbaar.methods.profile import MethodProfile
from weerbaar.store.schema import cycles, method_profiles, revisions, risk_categories, themes


@dataclass(frozen=True)
class RevisionInfo:
    """One immutable revision of an entity: who changed it, when and why."""

    number: int
    actor: str
    reason: str | None
    created_at: datetime
    snapshot: dict[str, Any]


def write_revision(conn: Connection, *, entity_type: str, entity_id: int, cycle_id: int,
                   number: int, snapshot: dict[str, Any], actor: str, reason: str | None,
                   at: datetime) -> None:
    conn.execute(insert(revisions).values(
        entity_type=entity_type, entity_id=entity_id, cycle_id=cycle_id, number=number,
        snapshot=snapshot, actor=actor, reason=reason, created_at=at))


def list_revisions(conn: Connection, entity_type: str, entity_id: int) -> list[RevisionInfo]:
    rows = conn.execute(
        select(revisions).where(revisions.c.entity_type == entity_type,
                                revisions.c.entity_id == entity_id)
        .order_by(revisions.c.number))
    return [RevisionInfo(number=r.number, actor=r.actor, reason=r.reason,
                         created_at=r.created_at, snapshot=r.snapshot) for r in rows]


def store_profile(conn: Connection, profile: MethodProfile, at: datetime) -> int:
    """Store a profile by content hash (once) and return its row id."""
    digest = profile.content_hash
    found = conn.execute(select(method_profiles.c.id)
                         .where(method_profiles.c.content_hash == digest)).scalar()
    if found is not None:
        return int(found)
    result = conn.execute(insert(method_profiles).values(
        profile_id=profile.id, version=profile.version, content_hash=digest,
        document=profile.model_dump(mode="json", by_alias=True), stored_at=at))
    assert result.inserted_primary_key is not None
    return int(result.inserted_primary_key[0])


def cycle_row(conn: Connection, key: str) -> Row[Any]:
    row = conn.execute(select(cycles).where(cycles.c.key == key)).first()
    if row is None:
        known = [r.key for r in conn.execute(select(cycles.c.key).order_by(cycles.c.id))]
        raise NotFound(f"no cycle {key!r}; cycles: {', '.join(known) or '(none yet)'}")
    return row


def require_draft(row: Row[Any]) -> None:
    if row.status == CycleStatus.FROZEN.value:
        raise PermissionDenied(
            f"cycle {row.key!r} is frozen (published) and read-only; clone it into a successor "
            "cycle to make changes")


def profile_of(conn: Connection, row: Row[Any]) -> MethodProfile:
    """The exact profile the cycle was created with (not the package's current one)."""
    doc = conn.execute(select(method_profiles.c.document)
                       .where(method_profiles.c.id == row.profile_pk)).scalar_one()
    return MethodProfile.model_validate(doc)


def to_cycle(conn: Connection, row: Row[Any]) -> Cycle:
    prof = conn.execute(select(method_profiles.c.profile_id, method_profiles.c.content_hash)
                        .where(method_profiles.c.id == row.profile_pk)).one()
    parent = None
    if row.parent_id is not None:
        parent = conn.execute(select(cycles.c.key).where(cycles.c.id == row.parent_id)).scalar()
    return Cycle(key=row.key, title=row.title, kind=CycleKind(row.kind), parent=parent,
                 profile_id=prof.profile_id, profile_hash=prof.content_hash,
                 period_start=row.period_start, period_end=row.period_end,
                 language=row.language, illustrative=row.illustrative, note=row.note,
                 status=CycleStatus(row.status), frozen_at=row.frozen_at,
                 frozen_by=row.frozen_by, created_at=row.created_at, created_by=row.created_by,
                 crosswalk=(row.crosswalk or {}).get("id"))


def load_themes(conn: Connection, cycle_id: int) -> tuple[Theme, ...]:
    theme_rows = list(conn.execute(select(themes).where(themes.c.cycle_id == cycle_id)
                                   .order_by(themes.c.position)))
    cats: dict[int, list[RiskCategory]] = {r.id: [] for r in theme_rows}
    if theme_rows:
        for c in conn.execute(select(risk_categories)
                              .where(risk_categories.c.theme_id.in_(list(cats)))
                              .order_by(risk_categories.c.theme_id, risk_categories.c.position)):
            cats[c.theme_id].append(RiskCategory(id=c.key, name=LocalText(nl=c.name_nl,
                                                                          en=c.name_en)))
    return tuple(
        Theme(id=r.key, name=LocalText(nl=r.name_nl, en=r.name_en), kind=ThemeKind(r.kind),
              colour=r.colour, lead_ministry=r.lead_ministry, partners=tuple(r.partners or ()),
              risk_categories=tuple(cats[r.id]))
        for r in theme_rows)


def insert_themes(conn: Connection, cycle_id: int, items: tuple[Theme, ...]) -> None:
    for position, theme in enumerate(items):
        result = conn.execute(insert(themes).values(
            cycle_id=cycle_id, key=theme.id, position=position, kind=theme.kind.value,
            name_nl=theme.name.nl, name_en=theme.name.en, colour=theme.colour,
            lead_ministry=theme.lead_ministry, partners=list(theme.partners) or None))
        assert result.inserted_primary_key is not None
        theme_id = int(result.inserted_primary_key[0])
        if theme.risk_categories:
            conn.execute(insert(risk_categories), [
                {"theme_id": theme_id, "key": c.id, "position": i, "name_nl": c.name.nl,
                 "name_en": c.name.en} for i, c in enumerate(theme.risk_categories)])
