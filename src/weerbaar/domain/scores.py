"""Scores: an expected value with lower and upper limit, per criterion and for likelihood."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, model_validator

from weerbaar.domain.limits import Id, Text
from weerbaar.domain.text import Status

Bound = Literal["ev", "ll", "ul"]
BOUNDS: tuple[Bound, ...] = ("ev", "ll", "ul")


class ScoreRange(BaseModel):
    """Expected value (ev), lower limit (ll) and upper limit (ul) as grid positions.

    The limits must enclose the expected value: ``ll <= ev <= ul``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    ev: float
    ll: float
    ul: float

    @model_validator(mode="after")
    def _ordered(self) -> ScoreRange:
        if not self.ll <= self.ev <= self.ul:
            raise ValueError(
                f"limits must enclose the expected value (LL <= EV <= UL), "
                f"got LL={self.ll:g}, EV={self.ev:g}, UL={self.ul:g}"
            )
        return self

    @classmethod
    def point(cls, position: float) -> ScoreRange:
        return cls(ev=position, ll=position, ul=position)

    def get(self, bound: Bound) -> float:
        return float(getattr(self, bound))


class Conversion(BaseModel):
    """How a natural-unit value ("250 fatalities") became a class, and how firm the threshold is."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    bound: Bound
    entered: str
    value: float
    unit: str | None = None
    code: str
    threshold_status: Status
    threshold_source: str | None = None
    rule: str


class CriterionScore(BaseModel):
    """An expert (or agreed) score of one scenario on one impact criterion."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    criterion: Id
    range: ScoreRange
    reasoning: Text | None = None
    conversions: tuple[Conversion, ...] = ()
    derivation: dict[str, Any] | None = None
    """How a suggested class was derived (e.g. from a cascade run) and what the analyst decided;
    ``None`` for a score entered directly."""


class LikelihoodScore(BaseModel):
    """The likelihood of a scenario: classes (with half classes) and how they were obtained."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    range: ScoreRange
    reasoning: Text | None = None
    conversions: tuple[Conversion, ...] = ()


class ScenarioType(StrEnum):
    """Hazards are non-malicious (probability bands); threats are malicious (intent, capability)."""

    HAZARD = "hazard"
    THREAT = "threat"
