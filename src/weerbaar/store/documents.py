"""Versioned documents: the one mechanism behind scenarios, theme reviews and measures.

Each kind of document has a table holding the current content (with its revision number) and
writes every version as an immutable row in ``revisions``. An update names the revision it was
made against; the check and the write are one conditional UPDATE, so a stale edit gets a
:class:`Conflict` and overwrites nothing. Every write is audited.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel
from sqlalchemy import Connection, Row, Table, insert, select, update

from weerbaar.errors import Conflict, NotFound
from weerbaar.store import audit
from weerbaar.store.records import RevisionInfo, list_revisions, write_revision
from weerbaar.store.schema import revisions
from weerbaar.store.settings import check_markings, scheme_of

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class DocumentKind(Generic[M]):
    """How one kind of document is stored."""

    table: Table
    entity: str  # "scenario", "review", "measure"
    model: type[M]
    key_of: Callable[[M], str]
    columns: Callable[[M], dict[str, Any]] = field(default=lambda _item: {})
    after_write: Callable[[Connection, int, M], None] | None = None  # after an update
    after_insert: Callable[[Connection, list[tuple[int, M]]], None] | None = None  # batched


@dataclass(frozen=True)
class Stored(Generic[M]):
    """A document as stored, with the revision an edit must name."""

    item: M
    revision: int
    removed: bool
    updated_at: datetime
    updated_by: str
    position: int
    pk: int
    origin_id: int | None


def snapshot(item: BaseModel, *, removed: bool = False) -> dict[str, Any]:
    return {"document": item.model_dump(mode="json"), "removed": removed}


def _stored(kind: DocumentKind[M], row: Row[Any]) -> Stored[M]:
    return Stored(item=kind.model.model_validate(row.document), revision=row.revision,
                  removed=row.removed, updated_at=row.updated_at, updated_by=row.updated_by,
                  position=row.position, pk=row.id, origin_id=row.origin_id)


def _row(conn: Connection, kind: DocumentKind[M], cycle_id: int, cycle_key: str,
         key: str) -> Row[Any]:
    t = kind.table
    row = conn.execute(select(t).where(t.c.cycle_id == cycle_id, t.c.key == key)).first()
    if row is None:
        raise NotFound(f"cycle {cycle_key!r} has no {kind.entity} {key!r}")
    return row


def get(conn: Connection, kind: DocumentKind[M], cycle_id: int, cycle_key: str,
        key: str) -> Stored[M]:
    return _stored(kind, _row(conn, kind, cycle_id, cycle_key, key))


def list_stored(conn: Connection, kind: DocumentKind[M], cycle_id: int, *,
                include_removed: bool = False) -> list[Stored[M]]:
    t = kind.table
    query = select(t).where(t.c.cycle_id == cycle_id)
    if not include_removed:
        query = query.where(t.c.removed.is_(False))
    return [_stored(kind, r) for r in conn.execute(query.order_by(t.c.position, t.c.id))]


def current_revisions(conn: Connection, kind: DocumentKind[M], cycle_id: int) -> dict[str, int]:
    """The current revision of each (not removed) document of one kind, by key."""
    t = kind.table
    return {r.key: r.revision for r in conn.execute(
        select(t.c.key, t.c.revision).where(t.c.cycle_id == cycle_id, t.c.removed.is_(False)))}


def insert_document(conn: Connection, kind: DocumentKind[M], *, cycle_id: int, cycle_key: str,
                    item: M, position: int, actor: str, reason: str | None, at: datetime,
                    origin_id: int | None = None, action: str = "create") -> int:
    """Add a document at revision 1 (its first immutable revision) and audit it."""
    return insert_documents(conn, kind, cycle_id=cycle_id, cycle_key=cycle_key,
                            items=[(item, position, origin_id)], actor=actor, reason=reason,
                            at=at, action=action)[0]


def insert_documents(conn: Connection, kind: DocumentKind[M], *, cycle_id: int, cycle_key: str,
                     items: Sequence[tuple[M, int, int | None]], actor: str, reason: str | None,
                     at: datetime, action: str = "create") -> list[int]:
    """Add many documents at revision 1 in a few batched statements; returns their ids.

    ``items`` holds (document, position, origin id). Keys must be new in the cycle.
    """
    if not items:
        return []
    t = kind.table
    keys = [kind.key_of(item) for item, _, _ in items]
    if len(set(keys)) != len(keys):
        raise Conflict(f"{kind.entity} keys repeat within one batch: {keys}")
    taken = {r[0] for r in conn.execute(select(t.c.key).where(t.c.cycle_id == cycle_id,
                                                              t.c.key.in_(keys)))}
    if taken:
        raise Conflict(f"cycle {cycle_key!r} already has {kind.entity} "
                       f"{', '.join(repr(k) for k in sorted(taken))}")
    check_markings(scheme_of(conn), ((f"{kind.entity} {key!r}", item)
                                     for key, (item, _, _) in zip(keys, items, strict=True)))
    documents = [item.model_dump(mode="json") for item, _, _ in items]
    rows = [{"cycle_id": cycle_id, "key": key, "position": position, "revision": 1,
             "removed": False, "origin_id": origin, "document": document, "updated_at": at,
             "updated_by": actor, **kind.columns(item)}
            for key, (item, position, origin), document in zip(keys, items, documents,
                                                                 strict=True)]
    result = conn.execute(insert(t).returning(t.c.id, sort_by_parameter_order=True), rows)
    pks = [int(r[0]) for r in result]
    if kind.after_insert is not None:
        kind.after_insert(conn, [(pk, item) for pk, (item, _, _) in zip(pks, items, strict=True)])
    conn.execute(insert(revisions), [
        {"entity_type": kind.entity, "entity_id": pk, "cycle_id": cycle_id, "number": 1,
         "snapshot": {"document": document, "removed": False}, "actor": actor,
         "reason": reason, "created_at": at}
        for pk, document in zip(pks, documents, strict=True)])
    audit.append_many(conn, [
        {"at": at, "actor": actor, "action": action, "entity_type": kind.entity,
         "entity_key": key, "cycle_key": cycle_key, "revision": 1,
         "detail": {"reason": reason} if reason else None} for key in keys])
    return pks


def write(conn: Connection, kind: DocumentKind[M], *, cycle_id: int, cycle_key: str, item: M,
          expected_revision: int, actor: str, reason: str | None, at: datetime,
          removed: bool = False, action: str = "update") -> int:
    """Replace a document's content, made against ``expected_revision``; returns the new one.

    Saving the content it already has (and the same removed flag) against the current revision
    changes nothing: no revision, no audit entry; the current revision is returned."""
    key = kind.key_of(item)
    row = _row(conn, kind, cycle_id, cycle_key, key)
    document = item.model_dump(mode="json")
    if (row.revision == expected_revision and bool(row.removed) == removed
            and row.document == document):
        return expected_revision
    check_markings(scheme_of(conn), [(f"{kind.entity} {key!r}", item)])
    t, new = kind.table, expected_revision + 1
    result = conn.execute(
        update(t).where(t.c.id == row.id, t.c.revision == expected_revision)
        .values(revision=new, removed=removed, updated_at=at, updated_by=actor,
                document=document, **kind.columns(item)))
    if result.rowcount != 1:
        current = conn.execute(select(t.c.revision, t.c.updated_by, t.c.updated_at)
                               .where(t.c.id == row.id)).one()
        raise Conflict(
            f"{kind.entity} {key!r} in cycle {cycle_key!r}: the edit was made against revision "
            f"{expected_revision}, but the current revision is {current.revision} (by "
            f"{current.updated_by} at {current.updated_at:%Y-%m-%d %H:%M}); nothing was "
            "overwritten — reload, reapply the edit and save again")
    if kind.after_write is not None:
        kind.after_write(conn, row.id, item)
    write_revision(conn, entity_type=kind.entity, entity_id=row.id, cycle_id=cycle_id,
                   number=new, snapshot=snapshot(item, removed=removed), actor=actor,
                   reason=reason, at=at)
    audit.append(conn, at=at, actor=actor, action=action, entity_type=kind.entity,
                 entity_key=key, cycle_key=cycle_key, revision=new,
                 detail={"reason": reason, "previous": expected_revision})
    return new


def history(conn: Connection, kind: DocumentKind[M], cycle_id: int, cycle_key: str,
            key: str) -> list[RevisionInfo]:
    return list_revisions(conn, kind.entity, _row(conn, kind, cycle_id, cycle_key, key).id)


def revision(conn: Connection, kind: DocumentKind[M], cycle_id: int, cycle_key: str, key: str,
             number: int) -> RevisionInfo:
    for rev in history(conn, kind, cycle_id, cycle_key, key):
        if rev.number == number:
            return rev
    raise NotFound(f"{kind.entity} {key!r} in cycle {cycle_key!r} has no revision {number}")


@dataclass(frozen=True)
class Change:
    """One field that differs between two versions (``path`` such as ``impact.2.1.range.ev``)."""

    path: str
    before: Any
    after: Any


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            out.update(_flatten(v, f"{prefix}.{k}" if prefix else str(k)))
        return out or {prefix: {}}
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        out = {}
        for i, v in enumerate(value):
            out.update(_flatten(v, f"{prefix}[{i}]"))
        return out
    return {prefix: value}


def diff(before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    """Field-level differences between two documents or snapshots, in path order."""
    a, b = _flatten(before), _flatten(after)
    return [Change(path=p, before=a.get(p), after=b.get(p))
            for p in sorted(set(a) | set(b)) if a.get(p) != b.get(p)]
