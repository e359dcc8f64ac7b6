"""Need-to-know rules of the use cases: markings an editor may give, what an edit keeps of what
its editor cannot see, and the read log.

Every channel that shows a cycle's content to a person (pages, API, CLI, search, exports,
reports) gets the content *at that person's clearance* (``weerbaar.services.scope``) and records
in the read log which items marked at or above the scheme's ``audit_reads_from`` it showed, with
the viewer, the time and the channel.
"""

from __future__ import annotations

from collections.abc import Iterable

from weerbaar.domain import (
    ClassificationScheme,
    ReviewSection,
    Scenario,
    ThemeReview,
)
from weerbaar.domain.need_to_know import Marked, audited_items
from weerbaar.errors import InvalidInput, PermissionDenied
from weerbaar.store import Store, audit
from weerbaar.store.core import utcnow
from weerbaar.store.settings import classification_scheme


def check_level(within: ClassificationScheme, level: str, option: str) -> str:
    """``level`` if it is one of the scheme's markings, else a clear error naming ``option``."""
    if not within.knows(level):
        raise InvalidInput(f"unknown marking {level!r}", location=[option],
                           expected=f"one of {', '.join(within.levels)}")
    return level


def check_marking_allowed(within: ClassificationScheme, clearance: str | None,
                          marking: str | None, location: str = "marking") -> None:
    """Refuse a marking the scheme lacks, or one above the editor's clearance (they could not
    see what they saved)."""
    if marking is not None:
        check_level(within, marking, location)
    if clearance is not None and not within.allows(clearance, marking):
        raise PermissionDenied(f"you cannot mark content {within.effective(marking)!r}: above "
                               "your clearance on this cycle")


def keep_hidden_scenario(current: Scenario, edited: Scenario, within: ClassificationScheme,
                         clearance: str, *, marking_given: bool) -> Scenario:
    """An edit made by someone who sees only part of a scenario keeps what they could not see:
    the experts' scores above their clearance, and the marking unless they set one.

    An edit that brings a score under the name of an expert whose score the editor cannot see
    is refused (it would overwrite what they cannot see); the refusal names the expert, not the
    score: like item keys, expert names are not hidden."""
    hidden = [e for e in current.experts
              if not within.allows(clearance, within.combined(current.marking, e.marking))]
    clash = sorted({e.expert for e in edited.experts} & {e.expert for e in hidden})
    if clash:
        raise PermissionDenied(f"the score of expert {clash[0]!r} on scenario {current.id!r} is "
                               "above your clearance; you cannot replace it")
    return edited.model_copy(update={
        "experts": tuple(edited.experts) + tuple(hidden),
        "marking": edited.marking if marking_given else current.marking})


def keep_hidden_review(current: ThemeReview, edited: ThemeReview, shown: ThemeReview, *,
                       marking_given: bool) -> ThemeReview:
    """An edit of a review keeps the evidence links its editor could not see (``shown`` is the
    review as they saw it), each at its place among the links, and its marking unless they set
    one (an edit that changes nothing gives back the review as it is)."""
    sections = dict(edited.sections)
    for part, section in current.sections.items():
        visible = shown.sections.get(part)
        kept = {(link.kind, link.ref) for link in (visible.evidence if visible else ())}
        if all((link.kind, link.ref) in kept for link in section.evidence):
            continue
        target = sections.get(part, ReviewSection())
        typed = list(target.evidence)
        merged = []
        for link in section.evidence:  # a hidden link keeps its slot; a visible slot takes
            if (link.kind, link.ref) not in kept:  # the next link as the editor left them
                merged.append(link)
            elif typed:
                merged.append(typed.pop(0))
        sections[part] = target.model_copy(update={"evidence": (*merged, *typed)})
    return edited.model_copy(update={
        "sections": sections,
        "marking": edited.marking if marking_given else current.marking})


def log_reads(store: Store, *, actor: str, cycle: str, channel: str, items: Iterable[Marked],
              within: ClassificationScheme | None = None) -> int:
    """Write one read-log entry per item marked at or above ``audit_reads_from``; returns how
    many were written. ``channel``: page, api, search, export, report."""
    chosen = within or classification_scheme(store)
    found = audited_items(items, chosen)
    if not found:
        return 0
    at = utcnow()
    with store.transaction() as conn:
        audit.append_many(conn, [
            {"at": at, "actor": actor, "action": "read", "entity_type": m.kind,
             "entity_key": m.key, "cycle_key": cycle, "revision": None,
             "detail": {"marking": m.marking, "channel": channel}} for m in found],
            chain=audit.READS)
    return len(found)
