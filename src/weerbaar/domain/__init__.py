"""Typed models of the strategy cycle. No I/O, no web, database or report library."""

from weerbaar.domain.cycle import Cycle, CycleKind, CycleStatus
from weerbaar.domain.scale import Level, OrdinalScale
from weerbaar.domain.scenario import ExpertScore, RiskCategory, Scenario, Theme, ThemeKind, Workspace
from weerbaar.domain.scores import (
    BOUNDS,
    Bound,
    Conversion,
    CriterionScore,
    LikelihoodScore,
    ScenarioType,
    ScoreRange,
)
from weerbaar.domain.text import LANGUAGES, Language, LocalText, Provenance, Status, weakest

__all__ = [
    "BOUNDS",
    "LANGUAGES",
    "Bound",
    "Conversion",
    "CriterionScore",
    "Cycle",
    "CycleKind",
    "CycleStatus",
    "ExpertScore",
    "Language",
    "Level",
    "LikelihoodScore",
    "LocalText",
    "OrdinalScale",
    "Provenance",
    "RiskCategory",
    "Scenario",
    "ScenarioType",
    "ScoreRange",
    "Status",
    "Theme",
    "ThemeKind",
    "Workspace",
    "weakest",
]
