"""Scenarios, themes and risk categories: what is scored and how it is grouped."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from weerbaar.domain.classification import MARKING_PATTERN
from weerbaar.domain.limits import Id, Name, Text, Title
from weerbaar.domain.measure import Measure
from weerbaar.domain.review import ThemeReview
from weerbaar.domain.scope import Scope, absent
from weerbaar.domain.scores import CriterionScore, LikelihoodScore, ScenarioType
from weerbaar.domain.strategy_text import StrategyText
from weerbaar.domain.text import LocalTitle
from weerbaar.domain.threat_level import ThreatLevelHistory


class ThemeKind(StrEnum):
    """Threat themes get an approach verdict; generic instruments (crisis management) do not."""

    THREAT = "threat"
    GENERIC = "generic"


class RiskCategory(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: Id
    name: LocalTitle


class Theme(BaseModel):
    """A security theme of the strategy with the risk categories grouped under it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: Id
    name: LocalTitle
    kind: ThemeKind = ThemeKind.THREAT
    colour: Name | None = None
    lead_ministry: Name | None = None
    partners: tuple[Name, ...] = ()
    risk_categories: tuple[RiskCategory, ...] = ()


class ExpertScore(BaseModel):
    """One expert's own scores of a scenario, kept beside the agreed scores.

    An expert may score a subset of the criteria; criteria the expert left out are not part of
    that expert's judgement (they are not read as X).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    expert: Name
    impact: dict[Id, CriterionScore] = Field(default_factory=dict)
    likelihood: LikelihoodScore | None = None
    marking: str | None = Field(default=None, pattern=MARKING_PATTERN)


class Scenario(BaseModel):
    """A concrete, plausible worst-case story within a risk category, with its scores.

    ``impact`` and ``likelihood`` are the agreed scores; ``experts`` keeps the individual experts'
    scores from the session (their spread feeds the uncertainty analysis).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: Id
    title: Title
    theme: Id
    risk_category: Id | None = None
    type: ScenarioType
    narrative: Text | None = None
    impact: dict[Id, CriterionScore] = Field(default_factory=dict)
    likelihood: LikelihoodScore | None = None
    experts: tuple[ExpertScore, ...] = ()
    marking: str | None = Field(default=None, pattern=MARKING_PATTERN)
    scope: Scope | None = Field(default=None, exclude_if=absent, description=(
        "The part of the Kingdom the scenario concerns; left out: none stated."))


class Workspace(BaseModel):
    """Themes, scored scenarios, theme reviews and measures against one named method profile."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    profile: Id
    title: Title | None = None
    language: str = "nl"
    illustrative: bool = False
    note: Text | None = None
    themes: tuple[Theme, ...] = ()
    scenarios: tuple[Scenario, ...] = ()
    reviews: tuple[ThemeReview, ...] = ()
    measures: tuple[Measure, ...] = ()
    threat_level: ThreatLevelHistory | None = Field(default=None, exclude_if=absent)
    strategy_text: StrategyText | None = Field(default=None, exclude_if=absent)

    def theme(self, theme_id: str) -> Theme:
        for t in self.themes:
            if t.id == theme_id:
                return t
        raise KeyError(theme_id)
