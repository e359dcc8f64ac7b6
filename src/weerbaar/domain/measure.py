"""Measures and capabilities: what raises resilience, and the residual risk they leave."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from weerbaar.domain.classification import MARKING_PATTERN
from weerbaar.domain.limits import ITEMS_MAX, Id, Name, Text, Title
from weerbaar.domain.scope import Scope, absent


class CapabilityType(StrEnum):
    PEOPLE = "people"
    MATERIAL = "material"
    KNOWLEDGE = "knowledge"
    SKILLS = "skills"
    PROCEDURES = "procedures"


class Phase(StrEnum):
    PREVENTION = "prevention"
    PREPARATION = "preparation"
    RESPONSE = "response"
    AFTERCARE = "aftercare"


class MeasureStatus(StrEnum):
    PLANNED = "planned"
    RUNNING = "running"
    DONE = "done"
    STOPPED = "stopped"


class MeasureEffect(BaseModel):
    """Expected effect, in classes: how far the measure lowers likelihood and criterion classes.

    ``likelihood`` = 1 moves a scenario one likelihood class down (one class to the left on the
    risk diagram); ``criteria`` maps criterion ids to the number of classes an impact score falls.
    Half classes are allowed for likelihood. Effects apply to the measure's scenarios.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    likelihood: float = Field(default=0.0, ge=0.0, le=5.0)
    criteria: dict[Id, int] = Field(default_factory=dict, max_length=ITEMS_MAX)
    reasoning: Text | None = None

    @model_validator(mode="after")
    def _steps(self) -> MeasureEffect:
        if (self.likelihood * 2) % 1:
            raise ValueError("a likelihood effect is a whole or half number of classes")
        if any(not 0 <= v <= 5 for v in self.criteria.values()):
            raise ValueError("a criterion effect is 0 to 5 classes")
        return self

    @property
    def empty(self) -> bool:
        return self.likelihood == 0 and not any(self.criteria.values())


class Measure(BaseModel):
    """A measure or capability of a cycle, owned by a ministry, linked to themes and scenarios."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: Id
    title: Title = Field(min_length=1)
    description: Text | None = None
    themes: tuple[Id, ...] = Field(default=(), max_length=ITEMS_MAX)
    scenarios: tuple[Id, ...] = Field(default=(), max_length=ITEMS_MAX)
    owner: Name | None = None
    partners: tuple[Name, ...] = Field(default=(), max_length=ITEMS_MAX)
    capability: CapabilityType | None = None
    phase: Phase | None = None
    status: MeasureStatus = MeasureStatus.PLANNED
    start: date | None = None
    end: date | None = None
    effect: MeasureEffect = MeasureEffect()
    marking: str | None = Field(default=None, pattern=MARKING_PATTERN)
    scope: Scope | None = Field(default=None, exclude_if=absent, description=(
        "The part of the Kingdom the measure concerns; left out: none stated."))

    @model_validator(mode="after")
    def _dates(self) -> Measure:
        if self.start and self.end and self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self

    @property
    def counts_for_residual(self) -> bool:
        """Planned and running measures give the residual picture. Done measures are assumed to
        be reflected in the current scores already; stopped measures have no effect."""
        return self.status in (MeasureStatus.PLANNED, MeasureStatus.RUNNING)
