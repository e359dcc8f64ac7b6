"""Bilingual text and provenance: the two value types every method fact carries."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, model_validator

from weerbaar.domain.limits import TITLE_MAX, reading_stored, too_long

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


def _title_lengths(text: LocalText) -> LocalText:
    for lang in LANGUAGES:
        value = getattr(text, lang)
        problem = too_long(value, TITLE_MAX) if value is not None else None
        if problem is not None and not reading_stored():
            raise ValueError(f"{lang}: {problem}")
    return text


LocalTitle = Annotated[LocalText, AfterValidator(_title_lengths)]
"""A short text in Dutch and English (the name of a theme or a risk category): each at most
:data:`~weerbaar.domain.limits.TITLE_MAX` characters."""


class Status(StrEnum):
    """How well a method value is backed by sources (see docs/method.md §5).

    ``weerbaar-rule`` marks a rule of the project's own (the verdict suggestion, the verdict
    ``new``): documented in docs/method.md, shown as weerbaar's rule wherever it is used, and not
    a provisional value (a result resting on it is not flagged).
    """

    VERIFIED = "verified"
    CORROBORATED = "corroborated"
    WEERBAAR_RULE = "weerbaar-rule"
    PROVISIONAL = "provisional"
    UNKNOWN = "unknown"

    @property
    def rank(self) -> int:
        """0 for the strongest backing (verified) up to 4 (unknown)."""
        return list(Status).index(self)

    @property
    def is_weak(self) -> bool:
        """True when a result resting on this value must be flagged in tables and reports."""
        return self in (Status.PROVISIONAL, Status.UNKNOWN)

    @property
    def label(self) -> str:
        """How the status is shown: the English message id of the catalogues ("weerbaar rule")."""
        return self.value.replace("-", " ")


def weakest(statuses: list[Status]) -> Status:
    """The weakest of several statuses (verified when the list is empty)."""
    return max(statuses, key=lambda s: s.rank, default=Status.VERIFIED)


class Provenance(BaseModel):
    """Status, source and locator of one method value.

    ``source`` names one or more source keys (``"nra-2014; method-facts"``); ``locator`` says where
    in them the value is stated (a part of the source, ``"risk diagram"``, ``"annex 1"``,
    ``"table of contents §5.4.2"``, or a section of the project's method facts,
    ``"method facts §3"``). The shipped profiles give a locator for every value that is not unknown
    (``tests/test_provenance_audit.py``); the schema does not require one, so profiles stored
    before locators existed still load.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    status: Status
    source: str | None = None
    locator: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _sourced(self) -> Provenance:
        if self.status is not Status.UNKNOWN and not self.source:
            raise ValueError(f"a {self.status.value} status needs a source")
        return self
