"""The result of reading a strategy document: sections, theme texts, footnotes and a parse report.

A strategy document (a national security strategy or its midterm review) discusses every theme
under the same four headings (:class:`~weerbaar.domain.ReviewPart`). Reading one yields a
:class:`StrategyDocument`: the introduction, the threat themes and generic instruments as
:class:`ThemeText`, the conclusion, the footnotes as references, and a :class:`ParseReport` saying
what was recognised and what was not. All models are immutable; ``to_dict()`` gives JSON-ready data.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from weerbaar.domain import ReviewPart, ThemeKind
from weerbaar.errors import NotFound

__all__ = [
    "Footnote",
    "IssueKind",
    "ParseReport",
    "ReportItem",
    "ReviewPart",
    "Section",
    "StrategyDocument",
    "ThemeText",
]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data (enums as their values)."""
        return self.model_dump(mode="json")


class Footnote(_Frozen):
    """A footnote kept as a reference: its number ("1", "15") and text, and where it stood."""

    number: str
    text: str
    line: int | None = None


class Section(_Frozen):
    """A heading with its paragraphs and sub-sections.

    ``paragraphs`` are the section's own paragraphs (before its first sub-heading); each bullet of
    a list is one paragraph and keeps its bullet sign. Footnote markers stay in the text as
    superscript digits; ``footnote_refs`` lists the footnote numbers referenced in the section's own
    paragraphs, in order of first mention (sub-sections list their own).
    """

    heading: str
    line: int | None = None
    paragraphs: tuple[str, ...] = ()
    subsections: tuple[Section, ...] = ()
    footnote_refs: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        """True when the section holds no text at all."""
        return not self.paragraphs and not self.subsections

    def all_paragraphs(self) -> tuple[str, ...]:
        """The own paragraphs followed by every sub-section's paragraphs, in document order."""
        out = list(self.paragraphs)
        for sub in self.subsections:
            out.extend(sub.all_paragraphs())
        return tuple(out)

    def all_footnote_refs(self) -> tuple[str, ...]:
        """Footnote numbers referenced in this section or any sub-section, in order of first mention."""
        out = list(self.footnote_refs)
        for sub in self.subsections:
            out.extend(n for n in sub.all_footnote_refs() if n not in out)
        return tuple(out)

    def text(self) -> str:
        """The section's text as paragraphs separated by blank lines, sub-headings on their own line."""
        blocks = list(self.paragraphs)
        for sub in self.subsections:
            blocks.append(sub.heading)
            blocks.append(sub.text())
        return "\n\n".join(b for b in blocks if b)


class ThemeText(_Frozen):
    """The text of one theme (or generic instrument) of the document.

    ``body`` holds the text directly under the theme heading, before its first part heading: the
    whole text of a generic instrument, usually empty for a threat theme. ``parts`` holds the four
    parts the document has for this theme.
    """

    heading: str
    kind: ThemeKind
    line: int | None = None
    body: Section
    parts: dict[ReviewPart, Section] = Field(default_factory=dict)

    def part(self, part: ReviewPart) -> Section | None:
        """One part of the theme, or ``None`` when the document does not have it."""
        return self.parts.get(part)

    @property
    def missing_parts(self) -> tuple[ReviewPart, ...]:
        """The parts of the four the document does not have for this theme."""
        return tuple(p for p in ReviewPart if p not in self.parts)

    def all_footnote_refs(self) -> tuple[str, ...]:
        """Footnote numbers referenced anywhere in the theme, in order of first mention."""
        out = list(self.body.all_footnote_refs())
        for section in self.parts.values():
            out.extend(n for n in section.all_footnote_refs() if n not in out)
        return tuple(out)


class IssueKind(StrEnum):
    """What a report item is about."""

    # not recognised (problems)
    MISSING_PART = "missing_part"
    MISSING_CHAPTER = "missing_chapter"
    UNPLACED_TEXT = "unplaced_text"
    UNKNOWN_HEADING = "unknown_heading"
    TOC_ENTRY_NOT_FOUND = "toc_entry_not_found"
    REPEATED_PART = "repeated_part"
    MISSING_FOOTNOTE_TEXT = "missing_footnote_text"
    UNREFERENCED_FOOTNOTE = "unreferenced_footnote"
    DUPLICATE_FOOTNOTE = "duplicate_footnote"
    # repairs made while reading (notes)
    JOINED_PARAGRAPH = "joined_paragraph"
    PLAIN_FOOTNOTE_NUMBER = "plain_footnote_number"
    PLAIN_FOOTNOTE_MARKER = "plain_footnote_marker"
    KEPT_AS_PARAGRAPH = "kept_as_paragraph"


class ReportItem(_Frozen):
    """One finding, with the (1-based) line of the document it concerns when there is one."""

    kind: IssueKind
    message: str
    line: int | None = None

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line is not None else self.message


class ParseReport(_Frozen):
    """What reading the document recognised, what it could not place, and what it repaired.

    ``problems`` are things not recognised (a theme without one of the four parts, text before the
    first heading, a footnote marker without footnote text, an unknown heading, ...). ``notes`` are
    repairs of text-extraction artefacts (a paragraph split by a page break joined again, a
    footnote number written as a plain digit), listed so a reader can check them.
    """

    source: str
    title: str = ""
    used_table_of_contents: bool = False
    introduction: bool = False
    conclusion: bool = False
    themes: int = 0
    generic_instruments: int = 0
    parts: dict[str, tuple[ReviewPart, ...]] = Field(default_factory=dict)
    footnotes: int = 0
    footnote_references: int = 0
    problems: tuple[ReportItem, ...] = ()
    notes: tuple[ReportItem, ...] = ()

    @property
    def complete(self) -> bool:
        """True when everything in the document was recognised."""
        return not self.problems

    def summary_lines(self) -> list[str]:
        """Human-readable lines: what was recognised, then what was not, then the repairs."""
        how = "with its table of contents" if self.used_table_of_contents else "from its part headings"
        chapters = [
            *(["introduction"] if self.introduction else []),
            _count(self.themes, "theme"),
            _count(self.generic_instruments, "generic instrument"),
            *(["conclusion"] if self.conclusion else []),
        ]
        lines = [
            f"{self.source}: read {how}" + (f" ({self.title})" if self.title else ""),
            "recognised: " + ", ".join(chapters),
            f"footnotes: {self.footnotes} kept, {_count(self.footnote_references, 'reference')}",
        ]
        for heading, parts in self.parts.items():
            found = ", ".join(p.value for p in parts) or "no parts"
            lines.append(f"  {heading}: {found}")
        lines.append(f"not recognised: {len(self.problems)}" + (":" if self.problems else ""))
        lines.extend(f"  {item}" for item in self.problems)
        if self.notes:
            lines.append(f"repaired while reading: {len(self.notes)}:")
            lines.extend(f"  {item}" for item in self.notes)
        return lines


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


class StrategyDocument(_Frozen):
    """A strategy document read into its chapters, themes, footnotes and a report.

    ``other_chapters`` keeps chapters that are none of introduction, theme, generic instrument or
    conclusion (and text directly under a group heading); ``unplaced`` keeps text before the first
    heading. Nothing of the document's text is dropped except footnote lines, which become
    ``footnotes``.
    """

    source: str
    title: str = ""
    introduction: Section | None = None
    themes: tuple[ThemeText, ...] = ()
    generic_instruments: tuple[ThemeText, ...] = ()
    conclusion: Section | None = None
    other_chapters: tuple[Section, ...] = ()
    unplaced: tuple[str, ...] = ()
    footnotes: dict[str, Footnote] = Field(default_factory=dict)
    report: ParseReport

    def theme(self, heading: str) -> ThemeText:
        """The theme or generic instrument with this heading (case and spacing ignored).

        Raises :class:`~weerbaar.errors.NotFound` naming the headings that exist.
        """
        wanted = " ".join(heading.split()).casefold()
        for theme in (*self.themes, *self.generic_instruments):
            if " ".join(theme.heading.split()).casefold() == wanted:
                return theme
        known = ", ".join(t.heading for t in (*self.themes, *self.generic_instruments))
        raise NotFound(f"no theme {heading!r} in {self.source} (known: {known})")
