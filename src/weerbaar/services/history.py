"""Use cases on the history of one document of a cycle: its revisions (who, when, why), what
changed between two of them, and making an old revision current again.

Documents are scenarios, reviews (keyed by theme), measures, signals, vital processes and
dependencies (keyed ``SUPPLIER->DEPENDENT``). Need-to-know holds here as everywhere: a document
above the viewer's clearance has no history ("not found", as for a key that does not exist),
and a revision whose content was marked above it counts as missing.

The metadata of a revision (who made it, when, and the reason they gave) is as sensitive as the
revision: :func:`redact_revisions` is the one place that decides what of it a viewer sees, for
every channel (the scenario page, the API's ``/history``, ``weerbaar history list`` and the
reasons of a comparison of cycles, which reports print). A revision whose snapshot holds anything
above the viewer's clearance — the document's own marking, or for a scenario an expert's score
(counted at the higher of its own and the scenario's marking) — keeps only its number: actor,
time and reason are redacted (:data:`REDACTED` where a face prints it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from weerbaar.domain import ClassificationScheme, Role, Scenario, ThreatLevelHistory
from weerbaar.domain.limits import stored_data
from weerbaar.domain.need_to_know import visible_scenario, visible_threat_level
from weerbaar.errors import NotFound, PermissionDenied
from weerbaar.i18n import check_language
from weerbaar.services.changes import DomainChange, describe_changes
from weerbaar.services.registry import use_case
from weerbaar.services.scope import CycleScope, cycle_scope
from weerbaar.services.viewer import Viewer
from weerbaar.store import Store, restore, revision
from weerbaar.store import history as revisions_of
from weerbaar.store.edits import kind_named
from weerbaar.store.records import RevisionInfo
from weerbaar.store.signals import cycle_signals

KINDS = ("scenario", "review", "measure", "signal", "process", "dependency", "threat_level")
REDACTED = "(redacted)"


@dataclass(frozen=True)
class RevisionEntry:
    """One revision as the viewer may know it: number, who, when, why. A revision whose content
    was marked above the viewer's clearance keeps only its number (``redacted``)."""

    number: int
    actor: str | None
    reason: str | None
    created_at: datetime | None
    redacted: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"revision": self.number, "actor": self.actor, "reason": self.reason,
                "at": self.created_at.isoformat() if self.created_at is not None else None,
                "redacted": self.redacted}


def revision_above(scheme: ClassificationScheme, clearance: str | None, kind: str,
                   snapshot: dict[str, Any]) -> bool:
    """Does a revision's snapshot hold anything above ``clearance`` (None: no cap)? The
    document's marking, and for a scenario every expert's score; a snapshot that cannot be read
    counts as above (fail closed). Kinds without markings (vital processes, dependencies) hold
    nothing above any clearance."""
    if clearance is None:
        return False
    model = kind_named(kind).model
    if "marking" not in model.model_fields and model is not ThreatLevelHistory:
        return False
    try:
        with stored_data():  # as stored, without the limits on input
            item = model.model_validate(snapshot["document"])
    except (KeyError, TypeError, ValidationError):
        return True
    if isinstance(item, Scenario):
        return visible_scenario(item, scheme, clearance) is not item
    if isinstance(item, ThreatLevelHistory):  # marked per entry
        return visible_threat_level(item, scheme, clearance) is not item
    return not scheme.allows(clearance, getattr(item, "marking", None))


def redact_revisions(scheme: ClassificationScheme, clearance: str | None, kind: str,
                     revisions: Iterable[RevisionInfo]) -> list[RevisionEntry]:
    """The revisions of a document as someone cleared to ``clearance`` may know them: actor,
    time and reason of a revision above the clearance (:func:`revision_above`) left out, the
    number kept. The snapshots themselves are never passed on."""
    out = []
    for rev in revisions:
        if revision_above(scheme, clearance, kind, rev.snapshot):
            out.append(RevisionEntry(rev.number, None, None, None, redacted=True))
        else:
            out.append(RevisionEntry(rev.number, rev.actor, rev.reason, rev.created_at))
    return out


def visible_reasons(scheme: ClassificationScheme, clearance: str | None, kind: str,
                    revisions: Iterable[RevisionInfo], *, after: int = 0) -> tuple[str, ...]:
    """The reasons given for the revisions numbered above ``after``, once each, in order, as
    someone cleared to ``clearance`` may know them (:func:`redact_revisions`; a redacted
    revision gives no reason)."""
    shown = redact_revisions(scheme, clearance, kind,
                             (rev for rev in revisions if rev.number > after and rev.reason))
    return tuple(dict.fromkeys(rev.reason for rev in shown if rev.reason))


def require_visible(scope: CycleScope, kind: str, key: str) -> None:
    """Refuse a document the viewer may not see, worded as for one that does not exist."""
    kind_named(kind)  # an unknown kind is NotFound naming the kinds
    if kind in ("scenario", "review", "measure"):
        scope.item(kind, key)
    elif kind == "signal" and scope.clearance is not None and key not in {
            s.item.id for s in cycle_signals(scope.store, scope.key, clearance=scope.clearance)}:
        raise NotFound(f"cycle {scope.key!r} has no signal {key!r}")


@use_case
def item_history(store: Store, viewer: Viewer, cycle: str, kind: str,
                 key: str) -> list[RevisionEntry]:
    """The revisions of a document: number, who, when, why; of a revision whose content was
    marked above the viewer's clearance only the number (:func:`redact_revisions`)."""
    scope = cycle_scope(store, viewer, cycle)
    require_visible(scope, kind, key)
    return redact_revisions(scope.scheme, scope.clearance, kind,
                            revisions_of(store, cycle, kind, key))


def _revision(scope: CycleScope, kind: str, key: str,
              number: int) -> tuple[dict[str, Any], bool]:
    """A revision's document as the viewer may see it (experts' scores above the clearance left
    out), and whether it hides anything; "not found" when it was marked above the clearance."""
    snapshot = revision(scope.store, scope.key, kind, key, number).snapshot
    document = snapshot["document"]
    hides = False
    if scope.clearance is not None:
        item = kind_named(kind).model.model_validate(document)
        seen = (visible_scenario(item, scope.scheme, scope.clearance)
                if isinstance(item, Scenario) else
                visible_threat_level(item, scope.scheme, scope.clearance)
                if isinstance(item, ThreatLevelHistory) else
                item if scope.sees(getattr(item, "marking", None)) else None)
        if seen is None:
            raise NotFound(f"{kind} {key!r} in cycle {scope.key!r} has no revision {number}")
        hides = seen is not item
        document = seen.model_dump(mode="json")
    return {**document, "removed": snapshot.get("removed", False)}, hides


@use_case
def item_diff(store: Store, viewer: Viewer, cycle: str, kind: str, key: str, a: int, b: int, *,
              lang: str = "en") -> list[DomainChange]:
    """What changed from revision ``a`` to ``b`` of a document (as the viewer may see both), in
    the words of the domain and the language ``lang`` (:func:`describe_changes`): criterion
    names, classes with the natural values they were entered as, review parts, field names."""
    scope = cycle_scope(store, viewer, cycle)
    language = check_language(lang, "lang")
    require_visible(scope, kind, key)
    before, after = _revision(scope, kind, key, a)[0], _revision(scope, kind, key, b)[0]
    changes = describe_changes(kind, before, after, scope.profile, language,
                               scheme=scope.scheme)
    if kind == "scenario":
        scope.log_scenario(scope.item(kind, key).item)
    return changes


@use_case
def restore_revision(store: Store, viewer: Viewer, cycle: str, kind: str, key: str,
                     number: int, *, expected_revision: int, reason: str | None = None) -> int:
    """Make revision ``number`` current again, as a new revision (history is never rewritten);
    made against ``expected_revision`` (a stale one is a conflict). Needs the analyst role and
    a clearance that covers the document, now and in the revision restored."""
    scope = cycle_scope(store, viewer, cycle, Role.ANALYST)
    scope.require_draft()
    require_visible(scope, kind, key)
    if _revision(scope, kind, key, number)[1]:  # it would bring back what they cannot see
        raise NotFound(f"{kind} {key!r} in cycle {cycle!r} has no revision {number}")
    if kind == "threat_level" and scope.clearance is not None and revision_above(
            scope.scheme, scope.clearance, kind, {"document": scope.stored(kind, key).item
                                                  .model_dump(mode="json")}):
        raise PermissionDenied(f"the threat level of cycle {cycle!r} holds entries above your "
                               "clearance; restoring an old revision would remove them")
    return restore(store, cycle, kind, key, number, expected_revision=expected_revision,
                   actor=viewer.name, reason=reason)


__all__ = ["KINDS", "REDACTED", "DomainChange", "RevisionEntry", "item_diff", "item_history",
           "redact_revisions", "require_visible", "restore_revision", "revision_above",
           "visible_reasons"]
