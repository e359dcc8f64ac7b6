"""A strategy document's own parts: its introduction, its conclusion and its generic instruments.

A strategy document (the NVS 2019, its 2021 midterm review) says more than its theme reviews: an
introduction (why the document, the triangle of interests, threats and resilience), a closing
chapter (the seed's "Slotwoord en vooruitblik": no unexpected picture, a government-wide periodic
integrated security analysis in preparation, one future strategy for the NVS and the GBVS), and
the generic instruments for national security (crisis management, the joint research programme).
A cycle keeps them as one versioned document (key :data:`STRATEGY_TEXT_KEY`), word for word.

Generic instruments are not themes under review: they have a text (and evidence), but no
resilience questions and no approach verdict.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from weerbaar.domain.classification import MARKING_PATTERN
from weerbaar.domain.limits import ITEMS_MAX, Id, LongText, Text, Title
from weerbaar.domain.review import EvidenceLink

STRATEGY_TEXT_KEY = "strategy-text"
"""The key of a cycle's strategy text among its documents (one per cycle)."""


class DocumentChapter(BaseModel):
    """A chapter of the document as it stands there: its heading and its text word for word
    (paragraphs separated by blank lines, a sub-heading on a line of its own), with the
    footnotes its text refers to."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    heading: Title = Field(description="The chapter's heading as the document gives it.")
    text: LongText = Field(default="", description="Paragraphs separated by blank lines.")
    footnotes: dict[Id, Text] = Field(default_factory=dict, max_length=ITEMS_MAX,
                                      description="Footnotes by number, as the text marks them.")


class GenericInstrument(BaseModel):
    """A generic instrument for national security (crisis management, a research programme):
    a text with its evidence; no resilience questions, no approach verdict."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: Id = Field(description="The instrument's key (a generic theme's id when the cycle has "
                               "one for it).")
    title: Title = Field(description="The instrument's heading in the document.")
    text: LongText = Field(default="", description="Paragraphs separated by blank lines.")
    evidence: tuple[EvidenceLink, ...] = Field(default=(), max_length=ITEMS_MAX)
    footnotes: dict[Id, Text] = Field(default_factory=dict, max_length=ITEMS_MAX)


class StrategyText(BaseModel):
    """A cycle's strategy text: the document's introduction, conclusion, generic instruments
    and any other chapter, kept word for word, with one classification marking."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: Title | None = Field(default=None, description="The document the text was read "
                                                          "from (a file name).")
    title: Title | None = Field(default=None, description="The document's title.")
    introduction: DocumentChapter | None = None
    conclusion: DocumentChapter | None = None
    instruments: tuple[GenericInstrument, ...] = Field(default=(), max_length=ITEMS_MAX)
    other_chapters: tuple[DocumentChapter, ...] = Field(
        default=(), max_length=ITEMS_MAX,
        description="Chapters that are none of introduction, theme, instrument or conclusion.")
    marking: str | None = Field(default=None, pattern=MARKING_PATTERN,
                                description="Classification marking of the whole text.")

    @model_validator(mode="after")
    def _distinct(self) -> StrategyText:
        seen: set[str] = set()
        for instrument in self.instruments:
            if instrument.id in seen:
                raise ValueError(f"generic instrument {instrument.id!r} occurs twice")
            seen.add(instrument.id)
        return self

    def instrument(self, instrument_id: str) -> GenericInstrument | None:
        return next((i for i in self.instruments if i.id == instrument_id), None)

    @property
    def is_empty(self) -> bool:
        """True when the text holds nothing at all (no chapter, no instrument)."""
        return (self.introduction is None and self.conclusion is None and not self.instruments
                and not self.other_chapters)


__all__ = ["STRATEGY_TEXT_KEY", "DocumentChapter", "GenericInstrument", "StrategyText"]
