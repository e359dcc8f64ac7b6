"""One document of a cycle: read it, save it against a revision (draft cycles only), its history,
one revision of it, restore an old revision."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from weerbaar.domain import Scenario, ThemeReview, ThreatLevelHistory
from weerbaar.errors import InvalidInput, NotFound
from weerbaar.store import documents as docs
from weerbaar.store.core import Store, utcnow
from weerbaar.store.records import RevisionInfo, cycle_row, load_themes, profile_of, require_draft
from weerbaar.store.scenarios import MEASURE, REVIEW, SCENARIO, check_scenario
from weerbaar.store.signals import SIGNAL
from weerbaar.store.strategy_texts import STRATEGY_TEXT
from weerbaar.store.threat_levels import THREAT_LEVEL, check_threat_level
from weerbaar.store.vital import DEPENDENCY, PROCESS

# kinds whose history can be listed, compared and restored (vital processes and dependencies
# are keyed by their id and by ``supplier->dependent[conditions]``)
KIND_BY_NAME: dict[str, docs.DocumentKind[Any]] = {
    "scenario": SCENARIO, "review": REVIEW, "measure": MEASURE, "signal": SIGNAL,
    "process": PROCESS, "dependency": DEPENDENCY, "threat_level": THREAT_LEVEL,
    "strategy_text": STRATEGY_TEXT}


def kind_named(name: str) -> docs.DocumentKind[Any]:
    try:
        return KIND_BY_NAME[name]
    except KeyError:
        raise NotFound(f"no kind of document {name!r}; one of {', '.join(KIND_BY_NAME)}"
                       ) from None


def _kind_of(item: BaseModel) -> docs.DocumentKind[Any]:
    for kind in (SCENARIO, REVIEW, MEASURE, SIGNAL, THREAT_LEVEL, STRATEGY_TEXT):
        if isinstance(item, kind.model):
            return kind
    raise TypeError(f"cannot store a {type(item).__name__}")


def save(store: Store, key: str, item: BaseModel, *, expected_revision: int, actor: str,
         reason: str | None = None) -> int:
    """Save an edited scenario, review or measure made against ``expected_revision``.

    Returns the new revision; raises Conflict when someone saved in between, PermissionDenied
    for a frozen cycle.
    """
    kind = _kind_of(item)
    with store.transaction() as conn:
        row = cycle_row(conn, key)
        require_draft(row)
        themes = load_themes(conn, row.id)
        if isinstance(item, Scenario):
            check_scenario(item, themes, profile_of(conn, row))
        elif isinstance(item, ThemeReview) and item.theme not in {t.id for t in themes}:
            raise InvalidInput(f"theme {item.theme!r} is not a theme of cycle {key!r}",
                               location=["review", "theme"])
        elif isinstance(item, ThreatLevelHistory):
            check_threat_level(item, themes)
        return docs.write(conn, kind, cycle_id=row.id, cycle_key=key, item=item,
                          expected_revision=expected_revision, actor=actor, reason=reason,
                          at=utcnow())


def add(store: Store, key: str, item: BaseModel, *, actor: str, reason: str | None = None) -> int:
    """Add a new scenario, review or measure to a draft cycle (revision 1)."""
    kind = _kind_of(item)
    with store.transaction() as conn:
        row = cycle_row(conn, key)
        require_draft(row)
        if isinstance(item, Scenario):
            check_scenario(item, load_themes(conn, row.id), profile_of(conn, row))
        elif isinstance(item, ThreatLevelHistory):
            check_threat_level(item, load_themes(conn, row.id))
        position = len(docs.list_stored(conn, kind, row.id, include_removed=True))
        docs.insert_document(conn, kind, cycle_id=row.id, cycle_key=key, item=item,
                             position=position, actor=actor, reason=reason, at=utcnow())
        return 1


def get(store: Store, key: str, kind: str, item_key: str) -> docs.Stored[Any]:
    with store.read() as conn:
        return docs.get(conn, kind_named(kind), cycle_row(conn, key).id, key, item_key)


def history(store: Store, key: str, kind: str, item_key: str) -> list[RevisionInfo]:
    with store.read() as conn:
        return docs.history(conn, kind_named(kind), cycle_row(conn, key).id, key, item_key)


def revision(store: Store, key: str, kind: str, item_key: str, number: int) -> RevisionInfo:
    """One revision of a document, with its snapshot (``{"document": ..., "removed": ...}``)."""
    with store.read() as conn:
        return docs.revision(conn, kind_named(kind), cycle_row(conn, key).id, key, item_key,
                             number)


def revisions(store: Store, key: str, kind: str) -> dict[str, int]:
    """The current revision of each document of one kind in a cycle, by key."""
    with store.read() as conn:
        return docs.current_revisions(conn, kind_named(kind), cycle_row(conn, key).id)


def restore(store: Store, key: str, kind: str, item_key: str, number: int, *,
            expected_revision: int, actor: str, reason: str | None = None) -> int:
    """Make an old revision current again, as a new revision (history is never rewritten)."""
    k = kind_named(kind)
    with store.transaction() as conn:
        row = cycle_row(conn, key)
        require_draft(row)
        old = docs.revision(conn, k, row.id, key, item_key, number)
        item = k.model.model_validate(old.snapshot["document"])
        return docs.write(conn, k, cycle_id=row.id, cycle_key=key, item=item,
                          expected_revision=expected_revision, actor=actor,
                          reason=reason or f"restored revision {number}", at=utcnow(),
                          removed=bool(old.snapshot.get("removed")), action="restore")
