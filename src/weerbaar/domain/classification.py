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
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field, model_validator

DEFAULT_LEVELS: tuple[str, ...] = ("public", "internal", "confidential", "secret")
MARKING_PATTERN = r"^[a-z][a-z0-9-]{0,39}$"
_MARKING = re.compile(MARKING_PATTERN)


class ClassificationScheme(BaseModel):
    """The ordered markings in use (lowest first), the marking of unmarked content, and from which
    marking on every read is written to the read log."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    levels: tuple[str, ...] = Field(default=DEFAULT_LEVELS, min_length=1, max_length=20)
    default: str = "internal"
    audit_reads_from: str = "confidential"

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

    def label(self, marking: str | None) -> str:
        """The marking as printed on reports (upper case)."""
        return self.effective(marking).upper()
