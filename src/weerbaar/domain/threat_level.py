"""The national terrorism threat level (Dreigingsniveau Terrorisme Nederland, DTN) of a cycle.

The DTN has five levels since 2016: 1 minimal (minimaal), 2 limited (beperkt), 3 significant
(aanzienlijk), 4 substantial (substantieel), 5 critical (kritiek). A cycle keeps the level's
history as the sources give it (entries with the level, a date or a period in the source's
words, the source or reasoning, and a marking), shown beside the theme named in ``theme`` (the
terrorism theme). The midterm review 2021 (the seed) notes that since the NVS 2019 appeared the
level was lowered from 4 to 3; it gives no date, so none is recorded.

The level is an ordinal indicator, not a probability: it is shown beside the theme and never
enters a scenario's likelihood or any other computation.
"""

from __future__ import annotations

import datetime as dt
from enum import IntEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator

from weerbaar.domain.classification import MARKING_PATTERN
from weerbaar.domain.limits import ITEMS_MAX, Id, Text, Title
from weerbaar.domain.text import LocalText, Provenance, Status


class ThreatLevel(IntEnum):
    """The five levels of the DTN (since 2016)."""

    MINIMAL = 1
    LIMITED = 2
    SIGNIFICANT = 3
    SUBSTANTIAL = 4
    CRITICAL = 5

    @property
    def label(self) -> LocalText:
        """The level's name in Dutch and English."""
        return THREAT_LEVEL_NAMES[self]


THREAT_LEVEL_NAMES: dict[ThreatLevel, LocalText] = {
    ThreatLevel.MINIMAL: LocalText(nl="minimaal", en="minimal"),
    ThreatLevel.LIMITED: LocalText(nl="beperkt", en="limited"),
    ThreatLevel.SIGNIFICANT: LocalText(nl="aanzienlijk", en="significant"),
    ThreatLevel.SUBSTANTIAL: LocalText(nl="substantieel", en="substantial"),
    ThreatLevel.CRITICAL: LocalText(nl="kritiek", en="critical"),
}
THREAT_LEVEL_SCALE = Provenance(
    status=Status.VERIFIED,
    source="Dreigingsniveau Terrorisme Nederland (NCTV), five levels since 2016; docs/method.md",
    note="ordinal indicator, not a probability: never part of the likelihood")
"""Where the five levels and their names come from (the method facts, docs/method.md)."""
THREAT_LEVEL_KEY = "dtn"
"""The key of a cycle's threat-level history among its documents (one per cycle)."""


class ThreatLevelEntry(BaseModel):
    """One level as a source gives it: since when (a date, or a period in the source's words;
    neither when the source gives none), and the source or reasoning."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    level: ThreatLevel = Field(description="1 minimal, 2 limited, 3 significant, "
                                           "4 substantial, 5 critical.")
    date: dt.date | None = Field(default=None, description="Since when, if the source dates it.")
    period: Title | None = Field(default=None,
                                 description="Since when, in the source's words (undated).")
    source: Text | None = Field(default=None, description="The source or the reasoning.")
    marking: str | None = Field(default=None, pattern=MARKING_PATTERN,
                                description="Classification marking of this entry.")

    @property
    def name(self) -> LocalText:
        return self.level.label


class ThreatLevelHistory(BaseModel):
    """A cycle's threat-level history, oldest entry first; the last is the current level."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    theme: Id | None = Field(default=None,
                             description="The theme the level is shown beside (terrorism).")
    entries: tuple[ThreatLevelEntry, ...] = Field(default=(), max_length=ITEMS_MAX)

    @field_validator("entries")
    @classmethod
    def _in_order(cls, entries: tuple[ThreatLevelEntry, ...]) -> tuple[ThreatLevelEntry, ...]:
        last: tuple[int, dt.date] | None = None
        for index, entry in enumerate(entries):
            if entry.date is None:
                continue
            if last is not None and entry.date < last[1]:
                raise ValueError(f"entry {index} is dated {entry.date}, before entry {last[0]} "
                                 f"({last[1]}): the history runs from old to new")
            last = (index, entry.date)
        return entries

    @property
    def current(self) -> ThreatLevelEntry | None:
        """The level in force: the last entry (None for an empty history)."""
        return self.entries[-1] if self.entries else None


__all__ = ["THREAT_LEVEL_KEY", "THREAT_LEVEL_NAMES", "THREAT_LEVEL_SCALE", "ThreatLevel",
           "ThreatLevelEntry", "ThreatLevelHistory"]
