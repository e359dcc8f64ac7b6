"""Use case: read a strategy document (like the midterm review) into a cycle's theme reviews
and its strategy text.

The threat themes' four parts go into the theme reviews; the document's introduction, its
conclusion and its generic instruments go into the cycle's strategy text
(:class:`~weerbaar.domain.StrategyText`), word for word: instruments are not reviews, so they
get no resilience questions and no verdict.

Document headings rarely repeat the theme names verbatim ("Versterkte aanpak beschermen vitale
infrastructuur" is the theme "Vitale infrastructuur"), so headings are matched to the cycle's
themes by their distinctive words: each word shared by a heading and a theme name (by a common
stem) counts with its inverse frequency among the theme names, so "dreigingen", which many themes
share, counts little. A heading goes to the best-scoring theme when that is unambiguous; what
cannot be matched is reported, not guessed. Threat-theme headings are matched to the cycle's
threat themes; instrument headings to its generic themes (whose id the instrument then takes; an
instrument without one keeps a key made from its heading).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from weerbaar.domain import (
    DocumentChapter,
    EvidenceKind,
    EvidenceLink,
    GenericInstrument,
    ReviewPart,
    ReviewSection,
    Role,
    StrategyText,
    Theme,
    ThemeKind,
    ThemeReview,
)
from weerbaar.domain.limits import ID_MAX
from weerbaar.errors import InvalidInput
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
    footnotes = dict(base.footnotes)
    footnotes.update({n: document.footnotes[n].text for n in text.all_footnote_refs()
                      if n in document.footnotes})
    return base.model_copy(update={"sections": sections, "footnotes": footnotes})


def _footnotes(document: StrategyDocument, refs: Sequence[str]) -> dict[str, str]:
    return {n: document.footnotes[n].text for n in refs if n in document.footnotes}


def chapter_from(section: Section, document: StrategyDocument) -> DocumentChapter:
    """A chapter of the document (introduction, conclusion) word for word, with its footnotes."""
    return DocumentChapter(heading=section.heading, text=section_text(section),
                           footnotes=_footnotes(document, section.all_footnote_refs()))


def instrument_key(heading: str, taken: Collection[str]) -> str:
    """A key for an instrument no generic theme matches: its heading as a slug, unique."""
    plain = unicodedata.normalize("NFKD", heading).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:ID_MAX - 4] or "instrument"
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}-{n}"
    return key


def instrument_from(key: str, text: ThemeText, document: StrategyDocument,
                    current: GenericInstrument | None) -> GenericInstrument:
    """A generic instrument with the document's text (its body, then any part under its own
    heading); evidence other than the document's footnotes is kept from ``current``."""
    blocks = [section_text(text.body)]
    for part in ReviewPart:
        found = text.part(part)
        if found is not None:
            blocks += [found.heading, section_text(found)]
    refs = text.all_footnote_refs()
    kept = [e for e in (current.evidence if current else ()) if e.kind is not EvidenceKind.DOCUMENT]
    evidence = kept + [EvidenceLink(kind=EvidenceKind.DOCUMENT, ref=f"footnote {n}",
                                    note=document.footnotes[n].text)
                       for n in refs if n in document.footnotes]
    return GenericInstrument(id=key, title=text.heading or key,
                             text="\n\n".join(b for b in blocks if b), evidence=tuple(evidence),
                             footnotes=_footnotes(document, refs))


def strategy_text_from(document: StrategyDocument, instruments: Sequence[tuple[str, ThemeText]],
                       current: StrategyText | None, source: str) -> StrategyText | None:
    """The cycle's strategy text with what the document has: its introduction, conclusion,
    instruments and other chapters replace the stored ones; what the document lacks is kept
    (and so is the marking). None when there is nothing to keep."""
    base = current or StrategyText()
    stored = {i.id: i for i in base.instruments}
    read = [instrument_from(key, text, document, stored.get(key)) for key, text in instruments]
    keys = {i.id for i in read}
    update: dict[str, Any] = {
        "source": source, "title": document.title or base.title,
        "instruments": (*read, *(i for i in base.instruments if i.id not in keys))}
    for name in ("introduction", "conclusion"):
        section = getattr(document, name)
        if section is not None:
            update[name] = chapter_from(section, document)
    if document.other_chapters:
        update["other_chapters"] = tuple(chapter_from(c, document)
                                         for c in document.other_chapters)
    text = StrategyText.model_validate({**base.model_dump(), **update})
    if current is None and text.model_copy(update={"source": None, "title": None}).is_empty:
        return None
    return text


@dataclass(frozen=True)
class StrategyImport:
    document: StrategyDocument
    matches: tuple[HeadingMatch, ...]
    report: SyncReport | None = None
    unmatched_themes: tuple[str, ...] = field(default=())
    strategy_text: StrategyText | None = None

    def to_dict(self) -> dict[str, Any]:
        text = self.strategy_text
        return {"matches": [{"heading": m.heading, "theme": m.theme, "note": m.note}
                            for m in self.matches],
                "unmatched_themes": list(self.unmatched_themes),
                "strategy_text": None if text is None else {
                    "introduction": text.introduction is not None,
                    "conclusion": text.conclusion is not None,
                    "instruments": [i.id for i in text.instruments]},
                "sync": None if self.report is None else self.report.to_dict(),
                "report": self.document.report.to_dict()}


@use_case
def read_document(viewer: Viewer, path: Path | str) -> StrategyDocument:
    """A strategy document's structure (themes, parts, footnotes), without storing anything."""
    return read_strategy_document(path)


@use_case
def import_strategy(store: Store, viewer: Viewer, key: str, path: Path | str, *,
                    reason: str | None = None, dry_run: bool = False) -> StrategyImport:
    """Read ``path`` into cycle ``key`` in one transaction: the threat themes' parts into
    their reviews (each revised), the introduction, conclusion and generic instruments into
    the cycle's strategy text (the analyst role and a clearance covering the whole cycle)."""
    scope = cycle_scope(store, viewer, key, Role.ANALYST)
    require_whole_view(scope)
    document = read_strategy_document(path)
    workspace, _ = scope.whole()
    threats = [t for t in workspace.themes if t.kind is ThemeKind.THREAT]
    generics = [t for t in workspace.themes if t.kind is ThemeKind.GENERIC]
    matches = match_headings([t.heading for t in document.themes], threats)
    instrument_matches = match_headings([t.heading for t in document.generic_instruments],
                                        generics)
    current = {r.theme: r for r in workspace.reviews}
    reviews = dict(current)
    for text, match in zip(document.themes, matches, strict=True):
        if match.theme is not None:
            try:
                reviews[match.theme] = review_from_text(match.theme, text, document,
                                                        current.get(match.theme))
            except ValidationError as exc:
                error = exc.errors()[0]
                raise InvalidInput(error["msg"].removeprefix("Value error, "), source=Path(path),
                                   location=[text.heading, *error["loc"]],
                                   expected=f"the review of theme {match.theme} within the "
                                            "limits of a review") from None
    ordered = tuple(reviews[t.id] for t in workspace.themes if t.id in reviews)
    taken = {t.id for t in generics}  # a heading's own key stays the same on a re-import
    instruments = []
    for text, match in zip(document.generic_instruments, instrument_matches, strict=True):
        if match.theme is None:
            slug = instrument_key(text.heading, taken)
            taken.add(slug)
            match = HeadingMatch(match.heading, None, 0.0, f"kept as instrument {slug!r}; no "
                                 "generic theme of the cycle matches")
            instruments.append((slug, text))
        else:
            instruments.append((match.theme, text))
        matches.append(match)
    try:
        strategy = strategy_text_from(document, instruments, workspace.strategy_text,
                                      Path(path).name)
    except ValidationError as exc:
        error = exc.errors()[0]
        raise InvalidInput(error["msg"].removeprefix("Value error, "), source=Path(path),
                           location=["strategy_text", *error["loc"]]) from None
    report = apply_workspace(store, viewer, key,
                             workspace.model_copy(update={"reviews": ordered,
                                                          "strategy_text": strategy}),
                             dry_run=dry_run, reason=reason or f"imported from {Path(path).name}")
    matched = {m.theme for m in matches}
    unmatched = tuple(t.id for t in workspace.themes if t.id not in matched)
    return StrategyImport(document, tuple(matches), report, unmatched, strategy)
