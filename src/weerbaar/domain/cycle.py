"""The strategy cycle: a strategy, its midterm review, risk analyses and regional profiles."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from weerbaar.domain.limits import Id, Name, Text, Title


class CycleKind(StrEnum):
    STRATEGY = "strategy"
    MIDTERM_REVIEW = "midterm_review"
    RISK_ANALYSIS = "risk_analysis"
    REGIONAL_PROFILE = "regional_profile"


class CycleStatus(StrEnum):
    """A draft cycle can be edited; a frozen (published) cycle is read-only."""

    DRAFT = "draft"
    FROZEN = "frozen"


class Cycle(BaseModel):
    """One cycle: its method profile (exact, by content hash), parent cycle and period."""

    model_config = ConfigDict(frozen=True)

    key: Id
    title: Title | None = None
    kind: CycleKind
    parent: Id | None = None
    profile_id: Id
    profile_hash: str
    period_start: Name | None = None
    period_end: Name | None = None
    language: str = "nl"
    illustrative: bool = False
    note: Text | None = None
    status: CycleStatus = CycleStatus.DRAFT
    frozen_at: datetime | None = None
    frozen_by: str | None = None
    created_at: datetime
    created_by: str
    crosswalk: Id | None = None
    """The crosswalk the cycle was carried through from its parent's method profile
    (``gra-2019--rnv-2022``); ``None`` for a cycle on its parent's profile or without parent."""
