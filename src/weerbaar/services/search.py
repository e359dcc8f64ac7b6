"""Search a cycle's content: scenarios, theme reviews, measures and signals.

Search runs over the content *as the asking person may see it* (the store redacts at their
clearance before anything is matched), so a hit, a snippet or a count never reveals content
above that clearance. A query is up to 200 characters; every word must occur (case-insensitive)
in one item's text.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from weerbaar.domain import ClassificationScheme, Signal, Workspace
from weerbaar.domain.need_to_know import Marked
from weerbaar.errors import InvalidInput
from weerbaar.services.registry import use_case
from weerbaar.services.scope import cycle_scope
from weerbaar.services.viewer import Viewer
from weerbaar.store import Store
from weerbaar.store.signals import cycle_signals

MAX_QUERY = 200
MAX_HITS = 200
SNIPPET = 160


@dataclass(frozen=True)
class Hit:
    kind: str  # scenario, review, measure, signal
    key: str
    title: str
    snippet: str
    marking: str

    def marked(self) -> Marked:
        return Marked(self.kind, self.key, self.marking)

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "key": self.key, "title": self.title,
                "snippet": self.snippet, "marking": self.marking}


def _texts(workspace: Workspace, signals: list[Signal], scheme: ClassificationScheme
           ) -> Iterator[tuple[str, str, str, str, str]]:
    """(kind, key, title, text, marking) of every searchable item."""
    for s in workspace.scenarios:
        reasons = " ".join(c.reasoning or "" for c in s.impact.values())
        yield ("scenario", s.id, s.title, f"{s.id} {s.title} {s.narrative or ''} {reasons}",
               scheme.effective(s.marking))
    for r in workspace.reviews:
        parts = " ".join(section.text for section in r.sections.values())
        extra = " ".join([r.verdict_reasoning or "", r.comprehensive.reasoning or "",
                          r.more_resilient.reasoning or "", *r.footnotes.values()])
        yield ("review", r.theme, r.theme, f"{parts} {extra}", scheme.effective(r.marking))
    for m in workspace.measures:
        yield ("measure", m.id, m.title, f"{m.id} {m.title} {m.description or ''} "
               f"{m.owner or ''}", scheme.effective(m.marking))
    for g in signals:
        yield ("signal", g.id, g.title, f"{g.id} {g.title} {g.summary} {g.notes or ''}",
               scheme.effective(g.marking))


def _snippet(text: str, word: str) -> str:
    flat = " ".join(text.split())
    at = flat.lower().find(word)
    start = max(0, at - SNIPPET // 3) if at >= 0 else 0
    piece = flat[start:start + SNIPPET]
    return ("…" if start else "") + piece + ("…" if start + SNIPPET < len(flat) else "")


@use_case
def search_cycle(store: Store, viewer: Viewer, cycle: str, query: str, *,
                 limit: int = 50) -> list[Hit]:
    """Items of ``cycle`` whose text holds every word of ``query``, among what the viewer may
    see, scenarios first, at most ``limit`` (1 to 200); the hits are logged (channel
    ``search``)."""
    scope = cycle_scope(store, viewer.via("search"), cycle)
    words = [w for w in query.lower().split() if w]
    if not words:
        raise InvalidInput("the search is empty", location=["q"], expected="one or more words")
    if len(query) > MAX_QUERY:
        raise InvalidInput(f"the search is longer than {MAX_QUERY} characters", location=["q"])
    workspace, _ = scope.workspace()
    signals = [s.item for s in cycle_signals(store, cycle, clearance=scope.clearance)]
    hits = []
    for kind, key, title, text, marking in _texts(workspace, signals, scope.scheme):
        lowered = text.lower()
        if all(w in lowered for w in words):
            hits.append(Hit(kind, key, title, _snippet(text, words[0]), marking))
            if len(hits) >= max(1, min(limit, MAX_HITS)):
                break
    scope.log(h.marked() for h in hits)
    return hits
