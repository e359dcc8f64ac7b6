"""Classification markings, clearances and need-to-know.

Every scenario, expert score, theme review, measure and signal may carry a *marking* from an
ordered list of levels (by default public < internal < confidential < secret). Content without a
marking counts as the scheme's default level. A user holds a *clearance* per cycle; what is
marked above it is invisible to that user: left out of pages, API answers, search, exports and
reports, and an item asked for by its id is "not found", worded exactly as for an id that does not
exist.

Rules (see docs/security.md):

- an expert's score counts at the higher of its own marking and its scenario's;
- the agreed scores are part of the scenario (its marking covers them);
- a visible item loses its links to invisible items (a review's evidence, a measure's or a
  signal's scenarios), so an invisible item's id does not show through a visible one;
- a marking the scheme does not know (e.g. after the scheme was changed) ranks above every level:
  such content is visible to nobody until it is marked again (fail closed).

A scheme may carry a *label* per marking (how it is shown and printed, in Dutch and English) and
its *equivalents* in other systems (the EU's and NATO's markings of the same level), shown beside
it and never levels of their own. Two schemes ship as presets (:data:`PRESETS`): ``default``
(public < internal < confidential < secret) and ``vir-bi``, the markings of the Dutch central
government's VIR-BI 2013 with their EU (Council Decision 2013/488/EU, appendix B) and NATO
(C-M(2002)49) equivalents; see docs/classification.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field, model_validator

from weerbaar.domain.text import Language

DEFAULT_LEVELS: tuple[str, ...] = ("public", "internal", "confidential", "secret")
MARKING_PATTERN = r"^[a-z][a-z0-9-]{0,39}$"
_MARKING = re.compile(MARKING_PATTERN)


class Equivalent(BaseModel):
    """A marking of another system at the same level (``EU``: ``RESTREINT UE/EU RESTRICTED``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    system: str = Field(min_length=1, max_length=20)
    marking: str = Field(min_length=1, max_length=100)


class MarkingLabel(BaseModel):
    """How one marking of a scheme is shown (``nl``, ``en``) and its equivalents elsewhere."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    marking: str
    nl: str = Field(min_length=1, max_length=100)
    en: str = Field(min_length=1, max_length=100)
    equivalents: tuple[Equivalent, ...] = Field(default=(), max_length=10)

    def get(self, lang: Language) -> str:
        return self.nl if lang == "nl" else self.en


class ClassificationScheme(BaseModel):
    """The ordered markings in use (lowest first), the marking of unmarked content, from which
    marking on every read is written to the read log, and optionally each marking's label and
    equivalents (labels only: they add no levels)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    levels: tuple[str, ...] = Field(default=DEFAULT_LEVELS, min_length=1, max_length=20)
    default: str = "internal"
    audit_reads_from: str = "confidential"
    labels: tuple[MarkingLabel, ...] = Field(default=(), max_length=20)

    @model_validator(mode="after")
    def _check(self) -> ClassificationScheme:
        for level in self.levels:
            if not _MARKING.match(level):
                raise ValueError(f"marking {level!r} is not a lower-case word of letters, digits "
                                 "and hyphens (at most 40 characters)")
        if len(set(self.levels)) != len(self.levels):
            raise ValueError("the markings must be different from each other")
        for name in ("default", "audit_reads_from"):
            if getattr(self, name) not in self.levels:
                raise ValueError(f"{name} {getattr(self, name)!r} is not one of the markings "
                                 f"{', '.join(self.levels)}")
        labelled = [label.marking for label in self.labels]
        for marking in labelled:
            if marking not in self.levels:
                raise ValueError(f"the label of {marking!r} is not for one of the markings "
                                 f"{', '.join(self.levels)}")
        if len(set(labelled)) != len(labelled):
            raise ValueError("a marking has one label")
        return self

    @property
    def lowest(self) -> str:
        return self.levels[0]

    @property
    def highest_level(self) -> str:
        return self.levels[-1]

    def knows(self, marking: str) -> bool:
        return marking in self.levels

    def effective(self, marking: str | None) -> str:
        """The marking content counts at: its own, or the default when it carries none."""
        return self.default if marking is None else marking

    def rank(self, marking: str | None) -> int:
        """Position in the order; an unknown marking ranks above every level (fail closed)."""
        level = self.effective(marking)
        return self.levels.index(level) if level in self.levels else len(self.levels)

    def allows(self, clearance: str, marking: str | None) -> bool:
        """May someone cleared to ``clearance`` see content marked ``marking``?"""
        return self.rank(marking) <= self.rank(clearance) < len(self.levels)

    def combined(self, *markings: str | None) -> str:
        """The higher of several markings (an expert score within its scenario)."""
        return max((self.effective(m) for m in markings), key=self.rank)

    def highest(self, markings: Iterable[str | None]) -> str:
        """The highest marking among ``markings`` (the lowest level when there are none)."""
        found = [self.effective(m) for m in markings]
        return max(found, key=self.rank) if found else self.lowest

    def audited(self, marking: str | None) -> bool:
        """Is a read of content with this marking written to the read log?"""
        return self.rank(marking) >= self.rank(self.audit_reads_from)

    def label_of(self, marking: str | None) -> MarkingLabel | None:
        """The label the scheme gives a marking (None: it gives none)."""
        level = self.effective(marking)
        return next((label for label in self.labels if label.marking == level), None)

    def display(self, marking: str | None, lang: Language = "en") -> str:
        """The marking as pages show it: its label in ``lang``, else the marking itself."""
        label = self.label_of(marking)
        return label.get(lang) if label is not None else self.effective(marking)

    def label(self, marking: str | None, lang: Language = "en") -> str:
        """The marking as printed on reports and exports (upper case): its label, else the
        marking itself."""
        return self.display(marking, lang).upper()

    def equivalents(self, marking: str | None) -> tuple[Equivalent, ...]:
        """The marking's equivalents in other systems (EU, NATO), when the scheme names them."""
        label = self.label_of(marking)
        return label.equivalents if label is not None else ()


def _eu_nato(eu: str, nato: str) -> tuple[Equivalent, ...]:
    return (Equivalent(system="EU", marking=eu), Equivalent(system="NATO", marking=nato))


VIR_BI = ClassificationScheme(
    levels=("public", "internal", "dep-vertrouwelijk", "stg-confidentieel", "stg-geheim",
            "stg-zeer-geheim"),
    default="internal",
    audit_reads_from="dep-vertrouwelijk",
    labels=(
        MarkingLabel(marking="public", nl="Ongerubriceerd", en="Unclassified"),
        MarkingLabel(marking="internal", nl="Intern", en="Internal"),
        MarkingLabel(marking="dep-vertrouwelijk", nl="Departementaal Vertrouwelijk",
                     en="Departementaal Vertrouwelijk (Departmental Confidential)",
                     equivalents=_eu_nato("RESTREINT UE/EU RESTRICTED", "NATO RESTRICTED")),
        MarkingLabel(marking="stg-confidentieel", nl="Stg. Confidentieel",
                     en="Stg. Confidentieel (State Secret, Confidential)",
                     equivalents=_eu_nato("CONFIDENTIEL UE/EU CONFIDENTIAL",
                                          "NATO CONFIDENTIAL")),
        MarkingLabel(marking="stg-geheim", nl="Stg. Geheim",
                     en="Stg. Geheim (State Secret, Secret)",
                     equivalents=_eu_nato("SECRET UE/EU SECRET", "NATO SECRET")),
        MarkingLabel(marking="stg-zeer-geheim", nl="Stg. Zeer Geheim",
                     en="Stg. Zeer Geheim (State Secret, Top Secret)",
                     equivalents=_eu_nato("TRÈS SECRET UE/EU TOP SECRET", "COSMIC TOP SECRET")),
    ))
"""The markings of the Dutch central government (VIR-BI 2013: Departementaal Vertrouwelijk and
the three levels of state secrets), after two unclassified levels, with their EU and NATO
equivalents."""

PRESETS: dict[str, ClassificationScheme] = {"default": ClassificationScheme(), "vir-bi": VIR_BI}
"""The shipped schemes, by name (``weerbaar classification set --preset NAME``)."""


def classification_preset(name: str) -> ClassificationScheme:
    """The shipped scheme called ``name``; ``KeyError`` for an unknown name."""
    return PRESETS[name]


def preset_name(scheme: ClassificationScheme) -> str | None:
    """The name of the preset ``scheme`` is (None: a scheme of its own)."""
    return next((name for name, preset in PRESETS.items() if preset == scheme), None)
