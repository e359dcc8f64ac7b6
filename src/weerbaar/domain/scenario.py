"""Scenarios, themes and risk categories: what is scored and how it is grouped."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from weerbaar.domain.classification import MARKING_PATTERN
from weerbaar.domain.measure import Measure
from weerbaar.domain.review import ThemeReview
from weerbaar.domain.scores import CriterionScore, LikelihoodScore, ScenarioType
from weerbaar.domain.text import LocalText


class ThemeKind(StrEnum):
    """Threat themes get an approach verdict; generic instruments (crisis management) do not."""

    THREAT = "threat"
    GENERIC = "generic"


class RiskCategory(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    name: LocalText


class Theme(BaseModel):
    """A security theme of the strategy with the risk categories grouped under it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    name: LocalText
    kind: ThemeKind = ThemeKind.THREAT
    colour: str | None = None
    lead_ministry: str | None = None
    partners: tuple[str, ...] = ()
    risk_categories: tuple[RiskCategory, ...] = ()


class ExpertScore(BaseModel):
    """One expert's own scores of a scenario, kept beside the agreed scores.

    An expert may score a subset of the criteria; criteria the expert left out are not part of
    that expert's judgement (they are not read as X).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    expert: str
    impact: dict[str, CriterionScore] = Field(default_factory=dict)
    likelihood: LikelihoodScore | None = None
    marking: str | None = Field(default=None, pattern=MARKING_PATTERN)


class Scenario(BaseModel):
    """A concrete, plausible worst-case story within a risk category, with its scores.

    ``impact`` and ``likelihood`` are the agreed scores; ``experts`` keeps the individual experts'
    scores from the session (their spread feeds the uncertainty analysis).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    title: str
    theme: str
    risk_category: str | None = None
    type: ScenarioType
    narrative: str | None = None
    impact: dict[str, CriterionScore] = Field(default_factory=dict)
    likelihood: LikelihoodScore | None = None
    experts: tuple[ExpertScore, ...] = ()
    marking: str | None = Field(default=None, pattern=MARKING_PATTERN)


class Workspace(BaseModel):
    """Themes, scored scenarios, theme reviews and measures against one named method profile."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    profile: str
    title: str | None = None
    language: str = "nl"
    illustrative: bool = False
    note: str | None = None
    themes: tuple[Theme, ...] = ()
    scenarios: tuple[Scenario, ...] = ()
    reviews: tuple[ThemeReview, ...] = ()
    measures: tuple[Measure, ...] = ()

    def theme(self, theme_id: str) -> Theme:
        for t in self.themes:
            if t.id == theme_id:
                return t
        raise KeyError(theme_id)
