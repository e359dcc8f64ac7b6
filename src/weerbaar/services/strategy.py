"""Use case: read a strategy document (like the midterm review) into a cycle's theme reviews.

Document headings rarely repeat the theme names verbatim ("Versterkte aanpak beschermen vitale
infrastructuur" is the theme "Vitale infrastructuur"), so headings are matched to the cycle's
themes by their distinctive words: each word shared by a heading and a theme name (by a common
stem) counts with its inverse frequency among the theme names, so "dreigingen", which many themes
share, counts little. A heading goes to the best-scoring theme when that is unambiguous; what
cannot be matched is reported, not guessed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from weerbaar.domain import (
    EvidenceKind,
    EvidenceLink,
    ReviewPart,
    ReviewSection,
    Role,
    Theme,
    ThemeReview,
)
from weerbaar.io.strategy_document import read_strategy_document
from weerbaar.io.strategy_document_model import Section, StrategyDocument, ThemeText
from weerbaar.services.cycles import SyncReport, apply_workspace, require_whole_view
from weerbaar.services.registry import use_case
from weerbaar.services.scope import cycle_scope
from weerbaar.services.viewer import Viewer
from weerbaar.store import Store

_FILLER = {"van", "de", "het", "en", "een", "in", "op", "voor", "met", "the", "of", "and", "a",
           "tegengaan", "aanpak", "versterkte", "versterken", "voorkomen", "bestrijden",
           "beschermen", "ontwikkelingen", "countering", "approach", "strengthened",
           "tackling", "preventing", "protecting", "threats", "developments"}
_STEM = 6


def _words(text: str) -> set[str]:
    return {w[:_STEM] for w in re.findall(r"[a-zà-ÿ]+", text.lower()) if w not in _FILLER
            and len(w) > 2}


def _shares(word: str, words: set[str]) -> bool:
    return any(word == w or (len(word) >= 5 and len(w) >= 5 and (word in w or w in word))
               for w in words)


@dataclass(frozen=True)
class HeadingMatch:
    heading: str
    theme: str | None
    score: float
    note: str | None = None


def match_headings(headings: Sequence[str], themes: Sequence[Theme]) -> list[HeadingMatch]:
    """Match document headings to themes, one heading per theme at most."""
    names = {t.id: _words(f"{t.name.nl or ''} {t.name.en or ''} {t.id.replace('-', ' ')}")
             for t in themes}
    counts: dict[str, int] = {}
    for words in names.values():
        for w in words:
            counts[w] = counts.get(w, 0) + 1

    def score(heading: str, theme_id: str) -> float:
        idf = len(themes) or 1
        return sum(math.log(1 + idf / counts.get(w, 1)) for w in _words(heading)
                   if _shares(w, names[theme_id]))

    table = {(h, t.id): score(h, t.id) for h in headings for t in themes}
    taken: set[str] = set()
    out = []
    for heading in headings:
        ranked = sorted(((table[(heading, t.id)], t.id) for t in themes if t.id not in taken),
                        reverse=True)
        if not ranked or ranked[0][0] <= 0:
            out.append(HeadingMatch(heading, None, 0.0, "no theme shares a distinctive word"))
            continue
        best, theme = ranked[0]
        if len(ranked) > 1 and ranked[1][0] == best:
            out.append(HeadingMatch(heading, None, best,
                                    f"ambiguous between {theme} and {ranked[1][1]}"))
            continue
        taken.add(theme)
        out.append(HeadingMatch(heading, theme, best))
    return out


def section_text(section: Section) -> str:
    """A section's text: paragraphs separated by blank lines, sub-headings on their own line."""
    blocks = list(section.paragraphs)
    for sub in section.subsections:
        blocks.append(sub.heading)
        blocks.append(section_text(sub))
    return "\n\n".join(b for b in blocks if b)


def review_from_text(theme: str, text: ThemeText, document: StrategyDocument,
                     current: ThemeReview | None) -> ThemeReview:
    """The theme's review with the document's four parts; questions and verdict are kept."""
    base = current or ThemeReview(theme=theme)
    sections = dict(base.sections)
    for part in ReviewPart:
        found = text.part(part)
        if found is None:
            continue
        old = sections.get(part, ReviewSection())
        refs = found.all_footnote_refs()
        evidence = [e for e in old.evidence if e.kind is not EvidenceKind.DOCUMENT]
        evidence += [EvidenceLink(kind=EvidenceKind.DOCUMENT, ref=f"footnote {n}",
                                  note=document.footnotes[n].text)
                     for n in refs if n in document.footnotes]
        sections[part] = ReviewSection(text=section_text(found), evidence=tuple(evidence))
    if not text.parts and not text.body.is_empty:  # generic instruments: one body of text
        sections[ReviewPart.SUMMARY] = ReviewSection(text=section_text(text.body))
    footnotes = dict(base.footnotes)
    footnotes.update({n: document.footnotes[n].text for n in text.all_footnote_refs()
                      if n in document.footnotes})
    return base.model_copy(update={"sections": sections, "footnotes": footnotes})


@dataclass(frozen=True)
class StrategyImport:
    document: StrategyDocument
    matches: tuple[HeadingMatch, ...]
    report: SyncReport | None = None
    unmatched_themes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {"matches": [{"heading": m.heading, "theme": m.theme, "note": m.note}
                            for m in self.matches],
                "unmatched_themes": list(self.unmatched_themes),
                "report": self.document.report.to_dict()}


@use_case
def read_document(viewer: Viewer, path: Path | str) -> StrategyDocument:
    """A strategy document's structure (themes, parts, footnotes), without storing anything."""
    return read_strategy_document(path)


@use_case
def import_strategy(store: Store, viewer: Viewer, key: str, path: Path | str, *,
                    reason: str | None = None, dry_run: bool = False) -> StrategyImport:
    """Read ``path`` into the reviews of cycle ``key`` (one transaction, each review revised;
    the analyst role and a clearance covering the whole cycle)."""
    scope = cycle_scope(store, viewer, key, Role.ANALYST)
    require_whole_view(scope)
    document = read_strategy_document(path)
    workspace, _ = scope.whole()
    texts = [*document.themes, *document.generic_instruments]
    matches = match_headings([t.heading for t in texts], workspace.themes)
    current = {r.theme: r for r in workspace.reviews}
    reviews = dict(current)
    for text, match in zip(texts, matches, strict=True):
        if match.theme is not None:
            reviews[match.theme] = review_from_text(match.theme, text, document,
                                                    current.get(match.theme))
    ordered = tuple(reviews[t.id] for t in workspace.themes if t.id in reviews)
    report = apply_workspace(store, viewer, key, workspace.model_copy(update={"reviews": ordered}),
                             dry_run=dry_run, reason=reason or f"imported from {Path(path).name}")
    matched = {m.theme for m in matches}
    unmatched = tuple(t.id for t in workspace.themes if t.id not in matched)
    return StrategyImport(document, tuple(matches), report, unmatched)
