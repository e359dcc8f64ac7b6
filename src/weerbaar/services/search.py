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
from weerbaar.store import Store, cycle_workspace
from weerbaar.store.settings import classification_scheme
from weerbaar.store.signals import cycle_signals

MAX_QUERY = 200
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


def search_cycle(store: Store, cycle: str, query: str, *, clearance: str | None = None,
                 limit: int = 50) -> list[Hit]:
    """Items of ``cycle`` whose text holds every word of ``query`` (with a ``clearance``: among
    what that clearance may see), scenarios first, at most ``limit``."""
    words = [w for w in query.lower().split() if w]
    if not words:
        raise InvalidInput("the search is empty", location=["q"], expected="one or more words")
    if len(query) > MAX_QUERY:
        raise InvalidInput(f"the search is longer than {MAX_QUERY} characters", location=["q"])
    workspace, _ = cycle_workspace(store, cycle, clearance=clearance)
    signals = [s.item for s in cycle_signals(store, cycle, clearance=clearance)]
    scheme = classification_scheme(store)
    hits = []
    for kind, key, title, text, marking in _texts(workspace, signals, scheme):
        lowered = text.lower()
        if all(w in lowered for w in words):
            hits.append(Hit(kind, key, title, _snippet(text, words[0]), marking))
            if len(hits) >= limit:
                break
    return hits
