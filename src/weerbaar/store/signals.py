"""Horizon-scan signals as versioned documents of a cycle (table ``signals``, migration 0003).

Signals use the same mechanism as scenarios and reviews: revision 1 on import, a new revision
per edit, every version kept in ``revisions`` and audited. An import is one transaction: all of
the file's signals are stored, or none. Linking a trend's signals as evidence writes the review
and the signals' status in one transaction, each against the revision it was read at.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from weerbaar.domain import Signal, SignalStatus, ThemeReview
from weerbaar.domain.need_to_know import visible_scenario, visible_signals
from weerbaar.errors import InvalidInput
from weerbaar.store import documents as docs
from weerbaar.store.core import Store, utcnow
from weerbaar.store.records import cycle_row, load_themes, require_draft
from weerbaar.store.scenarios import REVIEW, SCENARIO
from weerbaar.store.schema import signals
from weerbaar.store.settings import scheme_of

SIGNAL: docs.DocumentKind[Signal] = docs.DocumentKind(
    table=signals, entity="signal", model=Signal, key_of=lambda s: s.id)
BATCH = 500  # signals per batched insert


def cycle_signals(store: Store, key: str, *, include_removed: bool = False,
                  clearance: str | None = None) -> list[docs.Stored[Signal]]:
    """The cycle's signals in import order, with their revisions.

    With a ``clearance``, only the signals someone with that clearance may see, without their
    links to scenarios such a person may not see (need-to-know)."""
    with store.read() as conn:
        found = docs.list_stored(conn, SIGNAL, cycle_row(conn, key).id,
                                 include_removed=include_removed)
        if clearance is None:
            return found
        scheme = scheme_of(conn)
        scenarios = {s.item.id for s in docs.list_stored(conn, SCENARIO, cycle_row(conn, key).id)
                     if visible_scenario(s.item, scheme, clearance) is not None}
        out = []
        for stored in found:
            seen = visible_signals([stored.item], scheme, clearance, scenarios=scenarios)
            if seen:
                out.append(replace(stored, item=seen[0]))
        return out


def add_signals(store: Store, key: str, items: Sequence[Signal], *, actor: str,
                reason: str | None = None) -> list[str]:
    """Store new signals in a draft cycle (all or nothing); returns their keys.

    Keys must be new in the cycle; themes must be themes of the cycle.
    """
    with store.transaction() as conn:
        row = cycle_row(conn, key)
        require_draft(row)
        themes = {t.id for t in load_themes(conn, row.id)}
        for item in items:
            unknown = sorted(set(item.themes) - themes)
            if unknown:
                raise InvalidInput(f"themes {unknown} are not themes of cycle {key!r}",
                                   location=["signal", item.id, "themes"])
        start = len(docs.list_stored(conn, SIGNAL, row.id, include_removed=True))
        at = utcnow()
        for offset in range(0, len(items), BATCH):
            batch = items[offset:offset + BATCH]
            docs.insert_documents(
                conn, SIGNAL, cycle_id=row.id, cycle_key=key,
                items=[(item, start + offset + i, None) for i, item in enumerate(batch)],
                actor=actor, reason=reason, at=at, action="import")
        return [item.id for item in items]


def save_signal(store: Store, key: str, signal: Signal, *, expected_revision: int, actor: str,
                reason: str | None = None) -> int:
    """Save an edited signal (status, scores, notes, ...) made against ``expected_revision``."""
    with store.transaction() as conn:
        row = cycle_row(conn, key)
        require_draft(row)
        return docs.write(conn, SIGNAL, cycle_id=row.id, cycle_key=key, item=signal,
                          expected_revision=expected_revision, actor=actor, reason=reason,
                          at=utcnow())


def link_evidence(store: Store, key: str, review: ThemeReview, *, review_revision: int,
                  linked: Sequence[docs.Stored[Signal]], actor: str,
                  reason: str | None = None) -> int:
    """Save ``review`` (made against ``review_revision``; 0: not stored yet) and mark the
    ``linked`` signals that are new or assessed as linked — in one transaction.

    Every write checks its revision: a review or signal changed in between raises Conflict and
    nothing is written. Returns the review's new revision.
    """
    with store.transaction() as conn:
        row = cycle_row(conn, key)
        require_draft(row)
        at = utcnow()
        if review_revision == 0:
            position = len(docs.list_stored(conn, REVIEW, row.id, include_removed=True))
            docs.insert_document(conn, REVIEW, cycle_id=row.id, cycle_key=key, item=review,
                                 position=position, actor=actor, reason=reason, at=at)
            new = 1
        else:
            new = docs.write(conn, REVIEW, cycle_id=row.id, cycle_key=key, item=review,
                             expected_revision=review_revision, actor=actor, reason=reason,
                             at=at)
        for stored in linked:
            if stored.item.status in (SignalStatus.NEW, SignalStatus.ASSESSED):
                docs.write(conn, SIGNAL, cycle_id=row.id, cycle_key=key,
                           item=stored.item.model_copy(update={"status": SignalStatus.LINKED}),
                           expected_revision=stored.revision, actor=actor,
                           reason=reason or f"evidence for the review of {review.theme}", at=at)
        return new
