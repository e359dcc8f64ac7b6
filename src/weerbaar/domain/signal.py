"""Horizon-scan signals: a development spotted in a publication or by an expert.

Between full analyses, analysts scan publications and experts for developments that may affect
national security over the coming years. Each finding is a signal: what was seen, where, when,
which themes, interests and risk categories it touches, how far ahead it lies, and the analyst's
scores for novelty, impact and plausibility. Signals are clustered into trends (see
``weerbaar.horizon``); the trends feed the "development of the threat" part of a theme review.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from weerbaar.domain.classification import MARKING_PATTERN

KEY_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$"


class Horizon(StrEnum):
    """How far ahead the development is expected to matter."""

    SHORT = "1-5"  # 1 to 5 years: the horizon of the strategy cycle
    MEDIUM = "5-10"
    LONG = "10+"
    WILDCARD = "wildcard"  # low likelihood, high impact, timing unknown


class SignalStatus(StrEnum):
    """Where a signal is in the analyst's work."""

    NEW = "new"  # imported, not yet looked at
    ASSESSED = "assessed"  # scored and tagged by an analyst
    LINKED = "linked"  # used as evidence in a review or linked to scenarios
    DISMISSED = "dismissed"  # judged irrelevant; kept for the record


Score = int  # 1 (low) .. 5 (high)


class Signal(BaseModel):
    """One horizon-scan signal in a cycle.

    ``source`` is free text: a publication, a reference or a URL (it is never fetched).
    ``themes``, ``interests``, ``risk_categories`` and ``scenarios`` hold keys of the cycle and its
    method profile. ``novelty``, ``impact`` and ``plausibility`` are the analyst's scores, 1 (low)
    to 5 (high), or unset while the signal is new.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=KEY_PATTERN)
    title: str = Field(min_length=1, max_length=500)
    summary: str = Field(default="", max_length=20_000)
    source: str | None = Field(default=None, max_length=2_000)
    date: dt.date
    language: str | None = Field(default=None, pattern=r"^[a-z]{2,3}$")
    themes: tuple[str, ...] = ()
    interests: tuple[str, ...] = ()
    risk_categories: tuple[str, ...] = ()
    scenarios: tuple[str, ...] = ()
    horizon: Horizon | None = None
    novelty: Score | None = Field(default=None, ge=1, le=5)
    impact: Score | None = Field(default=None, ge=1, le=5)
    plausibility: Score | None = Field(default=None, ge=1, le=5)
    status: SignalStatus = SignalStatus.NEW
    notes: str | None = Field(default=None, max_length=20_000)
    marking: str | None = Field(default=None, pattern=MARKING_PATTERN)

    @property
    def text(self) -> str:
        """The text the analysis reads: title and summary."""
        return f"{self.title}\n{self.summary}" if self.summary else self.title
