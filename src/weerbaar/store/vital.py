"""Vital processes and their dependencies per cycle, as versioned documents (migration 0003).

Importing a catalogue into a cycle adds new processes and dependencies at revision 1 and writes a
new revision of any that changed (unchanged ones are left alone), in one transaction; every
write is audited like scenarios, reviews and measures.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from weerbaar.domain.vital import Dependency, VitalCatalogue, VitalProcess
from weerbaar.store import documents as docs
from weerbaar.store.core import Store, utcnow
from weerbaar.store.records import cycle_row, require_draft
from weerbaar.store.schema import dependencies, processes

PROCESS: docs.DocumentKind[VitalProcess] = docs.DocumentKind(
    table=processes, entity="process", model=VitalProcess, key_of=lambda p: p.id)
DEPENDENCY: docs.DocumentKind[Dependency] = docs.DocumentKind(
    table=dependencies, entity="dependency", model=Dependency, key_of=lambda d: d.key)


@dataclass(frozen=True)
class VitalImport:
    """What an import did: keys added, keys changed (new revision), keys unchanged."""

    added: tuple[str, ...]
    changed: tuple[str, ...]
    unchanged: int

    def to_dict(self) -> dict[str, Any]:
        return {"added": list(self.added), "changed": list(self.changed),
                "unchanged": self.unchanged}


def _sync(conn: Connection, kind: docs.DocumentKind[Any], cycle_id: int, cycle_key: str,
          items: tuple[Any, ...], *, actor: str, reason: str | None
          ) -> tuple[list[str], list[str], int]:
    stored = {kind.key_of(s.item): s for s in docs.list_stored(conn, kind, cycle_id,
                                                                include_removed=True)}
    at = utcnow()
    new: list[tuple[Any, int, int | None]] = []
    changed: list[str] = []
    same = 0
    position = len(stored)
    for item in items:
        key = kind.key_of(item)
        old = stored.get(key)
        if old is None:
            new.append((item, position, None))
            position += 1
        elif old.removed or old.item != item:
            docs.write(conn, kind, cycle_id=cycle_id, cycle_key=cycle_key, item=item,
                       expected_revision=old.revision, actor=actor, reason=reason, at=at)
            changed.append(key)
        else:
            same += 1
    docs.insert_documents(conn, kind, cycle_id=cycle_id, cycle_key=cycle_key, items=new,
                          actor=actor, reason=reason, at=at, action="import")
    return [kind.key_of(i) for i, _, _ in new], changed, same


def import_catalogue(store: Store, key: str, catalogue: VitalCatalogue, *, actor: str,
                     reason: str | None = None) -> VitalImport:
    """Add or update the catalogue's processes and dependencies in a draft cycle."""
    with store.transaction() as conn:
        row = cycle_row(conn, key)
        require_draft(row)
        p_add, p_chg, p_same = _sync(conn, PROCESS, row.id, key, catalogue.processes,
                                     actor=actor, reason=reason)
        d_add, d_chg, d_same = _sync(conn, DEPENDENCY, row.id, key, catalogue.dependencies,
                                     actor=actor, reason=reason)
    return VitalImport(added=tuple(p_add + d_add), changed=tuple(p_chg + d_chg),
                       unchanged=p_same + d_same)


def cycle_catalogue(store: Store, key: str) -> tuple[VitalCatalogue, dict[str, int]]:
    """The cycle's current processes and dependencies, and the revision of each (by key)."""
    with store.read() as conn:
        row = cycle_row(conn, key)
        procs = docs.list_stored(conn, PROCESS, row.id)
        deps = docs.list_stored(conn, DEPENDENCY, row.id)
    revisions = {f"process:{s.item.id}": s.revision for s in procs}
    revisions.update({f"dependency:{s.item.key}": s.revision for s in deps})
    catalogue = VitalCatalogue(processes=tuple(s.item for s in procs),
                               dependencies=tuple(s.item for s in deps),
                               source=f"cycle {key}")
    return catalogue, revisions


__all__ = ["DEPENDENCY", "PROCESS", "VitalImport", "cycle_catalogue", "import_catalogue"]
