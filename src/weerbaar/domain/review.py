"""Theme reviews: the four parts of the midterm review, the two resilience questions, the verdict.

The seed (midterm review 2021) discusses every theme of the strategy under four headings and
decides per theme whether the approach must change. Generic instruments (crisis management, the
joint research programme) are reviewed too, but get no verdict.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from weerbaar.domain.classification import MARKING_PATTERN
from weerbaar.domain.limits import ITEMS_MAX, Id, LongText, Text, Title
from weerbaar.domain.text import Provenance, Status


class ReviewPart(StrEnum):
    """The four parts of a theme review, in the seed's order."""

    SUMMARY = "summary"  # Korte samenvatting NVS 2019
    THREAT = "threat"  # Ontwikkeling van de dreiging en de risico's
    RESILIENCE = "resilience"  # Ontwikkeling van de weerbaarheid
    APPROACH = "approach"  # Ontwikkeling van de aanpak


class EvidenceKind(StrEnum):
    SCENARIO = "scenario"
    MEASURE = "measure"
    SIGNAL = "signal"
    DOCUMENT = "document"  # a footnote / parliamentary paper


class EvidenceLink(BaseModel):
    """A pointer from a review text to what it rests on."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: EvidenceKind
    ref: Title = Field(min_length=1)
    note: Text | None = None


class ReviewSection(BaseModel):
    """One part of a review: text (paragraphs separated by blank lines) and its evidence."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    text: LongText = ""
    evidence: tuple[EvidenceLink, ...] = Field(default=(), max_length=ITEMS_MAX)


class Answer(StrEnum):
    YES = "yes"
    PARTLY = "partly"
    NO = "no"
    OPEN = "open"  # not yet answered


class QuestionAnswer(BaseModel):
    """The answer to one of the two resilience questions, with its reasoning."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    answer: Answer = Answer.OPEN
    reasoning: Text | None = None


class Verdict(StrEnum):
    """The approach verdict per theme."""

    CONTINUE = "continue"  # the approach suffices: same level of attention
    INTENSIFY = "intensify"  # versterkte aanpak
    ADJUST = "adjust"
    NEW = "new"


REVIEW_SOURCES: dict[str, str] = {
    "seed": "Midterm review 2021 Nationale Veiligheid Strategie (package data "
            "weerbaar/data/seed/midterm-review-2021.txt, read in full)",
    "weerbaar-rule": "weerbaar's own rule, documented in docs/method.md",
}
"""The sources the provenance of the verdicts and of the verdict suggestion cite, by key."""

VERDICT_PROVENANCE: dict[Verdict, Provenance] = {
    Verdict.CONTINUE: Provenance(
        status=Status.VERIFIED, source="seed",
        locator="Inleiding: 'of de huidige aanpak volstaat'"),
    Verdict.ADJUST: Provenance(
        status=Status.VERIFIED, source="seed",
        locator="Inleiding: 'of moet worden bijgesteld'"),
    Verdict.INTENSIFY: Provenance(
        status=Status.CORROBORATED, source="seed",
        locator="'Versterkte aanpak beschermen vitale infrastructuur'; 'Polarisatie tegengaan': "
                "'een versterkte aanpak'",
        note="the seed speaks of an intensified approach (versterkte aanpak) of a theme, but "
             "does not list it as a verdict"),
    Verdict.NEW: Provenance(
        status=Status.WEERBAAR_RULE, source="weerbaar-rule", locator="docs/method.md §8",
        note="the seed asks whether the approach suffices or must be adjusted; a verdict for a "
             "theme without a comprehensive approach is weerbaar's own"),
}
"""Where each verdict comes from: the seed's question (suffices or adjust), its wording
(intensified approach), or weerbaar's own rule (``new``)."""

SUGGESTION_RULE = Provenance(
    status=Status.WEERBAAR_RULE, source="weerbaar-rule", locator="docs/method.md §8",
    note="the verdict the two answers point to (suggested_verdict); the analyst decides")
"""The provenance of :func:`suggested_verdict`: weerbaar's own rule, shown with every suggestion."""


class ThemeReview(BaseModel):
    """A theme's review in one cycle.

    ``comprehensive`` answers "is there a comprehensive approach to minimise this threat?";
    ``more_resilient`` answers "given how the threat developed, does that approach make the
    country more resilient?". Both lead to the ``verdict``; generic instruments have none.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    theme: Id
    sections: dict[ReviewPart, ReviewSection] = Field(default_factory=dict)
    comprehensive: QuestionAnswer = QuestionAnswer()
    more_resilient: QuestionAnswer = QuestionAnswer()
    verdict: Verdict | None = None
    verdict_reasoning: Text | None = None
    footnotes: dict[Id, Text] = Field(default_factory=dict, max_length=ITEMS_MAX)
    marking: str | None = Field(default=None, pattern=MARKING_PATTERN)

    @model_validator(mode="after")
    def _reasoned(self) -> ThemeReview:
        if self.verdict is not None and not (self.verdict_reasoning or "").strip():
            raise ValueError("a verdict needs its reasoning (verdict_reasoning)")
        return self

    def section(self, part: ReviewPart) -> ReviewSection:
        return self.sections.get(part, ReviewSection())


def suggested_verdict(comprehensive: Answer, more_resilient: Answer) -> Verdict | None:
    """The verdict the two answers point to (the analyst decides; this is a suggestion).

    Both yes: the approach suffices (continue). A comprehensive approach that does not keep up
    with the threat: intensify. Partly comprehensive: adjust. No comprehensive approach: new.
    This mapping is weerbaar's own rule (:data:`SUGGESTION_RULE`, docs/method.md §8), not the
    seed's; wherever a suggestion is shown it is labelled so.
    """
    if Answer.OPEN in (comprehensive, more_resilient):
        return None
    if comprehensive is Answer.NO:
        return Verdict.NEW
    if comprehensive is Answer.PARTLY:
        return Verdict.ADJUST
    return Verdict.CONTINUE if more_resilient is Answer.YES else Verdict.INTENSIFY
