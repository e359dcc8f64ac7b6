"""Bilingual text and provenance: the two value types every method fact carries."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator

Language = Literal["nl", "en"]
LANGUAGES: tuple[Language, ...] = ("nl", "en")


class LocalText(BaseModel):
    """A text in Dutch and English. Either may be missing; ``get`` falls back to the other."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    nl: str | None = None
    en: str | None = None

    def get(self, lang: Language = "en") -> str:
        first, second = (self.nl, self.en) if lang == "nl" else (self.en, self.nl)
        return first or second or ""


class Status(StrEnum):
    """How well a method value is backed by sources (see docs/method.md)."""

    VERIFIED = "verified"
    CORROBORATED = "corroborated"
    PROVISIONAL = "provisional"
    UNKNOWN = "unknown"

    @property
    def rank(self) -> int:
        """0 for the strongest backing (verified) up to 3 (unknown)."""
        return list(Status).index(self)

    @property
    def is_weak(self) -> bool:
        """True when a result resting on this value must be flagged in tables and reports."""
        return self in (Status.PROVISIONAL, Status.UNKNOWN)


def weakest(statuses: list[Status]) -> Status:
    """The weakest of several statuses (verified when the list is empty)."""
    return max(statuses, key=lambda s: s.rank, default=Status.VERIFIED)


class Provenance(BaseModel):
    """Status and source of one method value."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    status: Status
    source: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _sourced(self) -> Provenance:
        if self.status is not Status.UNKNOWN and not self.source:
            raise ValueError(f"a {self.status.value} status needs a source")
        return self
